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

    def _post_aftersales_refunds(self):
        """Post the dealer credit notes just created for claims.

        Creating them computed their taxes and payment terms. Posting does not change their
        amounts when they are in the company currency and dated (``invoice_date``), so it skips
        the resynchronisation Odoo runs at each of its writes on them (one per credit note),
        as the Point of Sale does for the invoices it posts. Any other move is posted as usual.
        """
        dated = self.filtered(
            lambda move: move.invoice_date and move.currency_id == move.company_currency_id
        )
        if dated:
            dated.with_context(skip_invoice_sync=True).action_post()
        if self - dated:
            (self - dated).action_post()
        return True

    def action_view_aftersales_claims(self):
        self.ensure_one()
        return self.env["aftersales.claim"]._action_view_claims(
            [("refund_move_id", "=", self.id)], {"create": False}
        )
