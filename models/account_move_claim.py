from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    aftersales_claim_ids = fields.One2many(
        "aftersales.claim", "refund_move_id", string="Warranty Claims", readonly=True
    )
    aftersales_claim_count = fields.Integer(compute="_compute_aftersales_claim_count")

    def _compute_aftersales_claim_count(self):
        counts = dict(
            self.env["aftersales.claim"].sudo()._read_group(
                [("refund_move_id", "in", self.ids)], ["refund_move_id"], ["__count"]
            )
        )
        for move in self:
            move.aftersales_claim_count = counts.get(move, 0)

    def action_view_aftersales_claims(self):
        self.ensure_one()
        return self.env["aftersales.claim"]._action_view_claims(
            [("refund_move_id", "=", self.id)], {"create": False}
        )
