from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    aftersales_statement_auto_send = fields.Boolean(
        related="company_id.aftersales_statement_auto_send", readonly=False
    )
    aftersales_invoice_on_delivery = fields.Boolean(
        related="company_id.aftersales_invoice_on_delivery", readonly=False
    )
    aftersales_gift_program_id = fields.Many2one(
        related="company_id.aftersales_gift_program_id", readonly=False
    )
