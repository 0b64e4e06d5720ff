from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    aftersales_default_lead_days = fields.Integer(
        related="company_id.aftersales_default_lead_days", readonly=False
    )
