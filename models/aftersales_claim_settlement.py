from odoo import _, fields, models
from odoo.exceptions import UserError


class AftersalesClaim(models.Model):
    _inherit = "aftersales.claim"

    def action_settle(self):
        quarterly = self.filtered(lambda c: c.settlement_mode == "quarterly")
        if quarterly:
            raise UserError(_(
                "Claim %(claim)s: dealer %(dealer)s is settled by quarterly statement; the claim "
                "is credited there.",
                claim=quarterly[0].display_name,
                dealer=quarterly[0].dealer_id.display_name,
            ))
        return super().action_settle()

    def _create_period_refund(self, date):
        """One credit note, dated ``date``, for the approved claims of one dealer settled by
        statement: the claims' own credit note values and lines, gathered."""
        if not self:
            return self.env["account.move"]
        self._lock_claims()
        claims = self.filtered(lambda c: c._is_ready_for_settlement())
        to_credit = claims.filtered(lambda c: c._get_creditable_lines())
        move = self.env["account.move"].sudo()
        if to_credit:
            first = to_credit[0]
            vals = first._prepare_refund_vals()
            vals.update({
                "invoice_date": date,
                "invoice_origin": ", ".join(to_credit.mapped("name")),
                "ref": _(
                    "Warranty claims %(claims)s", claims=", ".join(to_credit.mapped("name"))
                ),
                "invoice_line_ids": [
                    command for claim in to_credit for command in claim._prepare_refund_line_vals()
                ],
            })
            move = move.with_company(first.company_id)._create_aftersales_refunds([vals])
            move._post_aftersales_refunds()
            to_credit.write({"refund_move_id": move.id})
        claims.write({"state": "settled", "settle_date": fields.Datetime.now()})
        return move
