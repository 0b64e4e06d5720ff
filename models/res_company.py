from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    aftersales_default_lead_days = fields.Integer(
        string="Default Part Lead Time (days)",
        default=30,
        help="Lead time the reserve plan assumes for a spare part without a vendor.",
    )
