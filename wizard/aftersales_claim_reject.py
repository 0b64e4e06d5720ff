from odoo import fields, models


class AftersalesClaimReject(models.TransientModel):
    _name = "aftersales.claim.reject"
    _description = "Reject Warranty Claims"

    claim_ids = fields.Many2many("aftersales.claim", string="Claims", required=True)
    reason = fields.Text(required=True, help="Told to the dealer on the claim and on its PDF.")

    def action_reject(self):
        self.ensure_one()
        self.claim_ids._action_reject(self.reason)
        return {"type": "ir.actions.act_window_close"}
