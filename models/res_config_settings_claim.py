from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    claim_review_days = fields.Integer(related="company_id.claim_review_days", readonly=False)
    claim_credit_trigger = fields.Selection(
        related="company_id.claim_credit_trigger", readonly=False
    )
    claim_return_days = fields.Integer(related="company_id.claim_return_days", readonly=False)
    claim_repeat_part_days = fields.Integer(
        related="company_id.claim_repeat_part_days", readonly=False
    )
    claim_account_id = fields.Many2one(related="company_id.claim_account_id", readonly=False)
