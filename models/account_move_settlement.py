from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    aftersales_gift_statement_id = fields.Many2one(
        "aftersales.statement",
        string="Gift Credit Statement",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The dealer statement that granted gift credit on this paid invoice.",
    )
