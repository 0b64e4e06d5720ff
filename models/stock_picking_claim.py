from odoo import fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    aftersales_claim_id = fields.Many2one(
        "aftersales.claim",
        string="Warranty Claim",
        index="btree_not_null",
        readonly=True,
        help="The warranty claim whose replaced parts the dealer returns with this receipt.",
    )

    def _action_done(self):
        res = super()._action_done()
        # warehouse staff receiving the parts need no rights on claims to trigger their credit
        self.aftersales_claim_id.sudo()._on_returned_parts_received()
        return res
