from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    satisfaction_weight = fields.Float(related="company_id.satisfaction_weight", readonly=False)
    satisfaction_min_answers = fields.Integer(
        related="company_id.satisfaction_min_answers", readonly=False
    )
    callback_delay_days = fields.Integer(related="company_id.callback_delay_days", readonly=False)
    callback_user_id = fields.Many2one(related="company_id.callback_user_id", readonly=False)
    callback_duration = fields.Float(related="company_id.callback_duration", readonly=False)
