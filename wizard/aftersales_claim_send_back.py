from odoo import fields, models


class AftersalesClaimSendBack(models.TransientModel):
    _name = "aftersales.claim.send.back"
    _description = "Send Warranty Claims Back to the Dealer"

    claim_ids = fields.Many2many("aftersales.claim", string="Claims", required=True)
    question = fields.Text(
        required=True,
        help="What the dealer must answer or correct; posted on the claim's chatter.",
    )

    def action_send_back(self):
        self.ensure_one()
        self.claim_ids._action_send_back(self.question)
        return {"type": "ir.actions.act_window_close"}
