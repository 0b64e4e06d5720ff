from odoo import fields, models


class RepairOrder(models.Model):
    _inherit = "repair.order"

    aftersales_request_id = fields.Many2one(
        "aftersales.request", string="Service Request", readonly=True, copy=False, index="btree_not_null"
    )
