from odoo import fields, models


class AftersalesClaim(models.Model):
    _inherit = "aftersales.claim"

    sent_back_count = fields.Integer(
        string="Times Sent Back",
        readonly=True,
        copy=False,
        default=0,
        help="How often the claim was sent back to the dealer: a claim complete on its first "
        "submission never is (KPI standardisation measure).",
    )

    def _action_send_back(self, question):
        res = super()._action_send_back(question)
        for claim in self:
            claim.sudo().sent_back_count += 1
        return res
