from odoo import api, fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    aftersales_claim_ids = fields.One2many(
        "aftersales.claim", "refund_move_id", string="Warranty Claims", readonly=True
    )
    aftersales_claim_count = fields.Integer(compute="_compute_aftersales_claim_count")

    aftersales_gift_statement_id = fields.Many2one(
        "aftersales.statement",
        string="Gift Credit Statement",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The dealer statement that granted gift credit on this paid invoice.",
    )

    def _compute_aftersales_claim_count(self):
        counts = dict(
            self.env["aftersales.claim"].sudo()._read_group(
                [("refund_move_id", "in", self.ids)], ["refund_move_id"], ["__count"]
            )
        )
        for move in self:
            move.aftersales_claim_count = counts.get(move, 0)

    @api.constrains("partner_id", "move_type")
    def _check_aftersales_parts(self):
        self.filtered(lambda move: move.move_type in ("out_invoice", "out_refund")).line_ids._check_aftersales_parts()

    def action_view_aftersales_claims(self):
        self.ensure_one()
        return self.env["aftersales.claim"]._action_view_claims(
            [("refund_move_id", "=", self.id)], {"create": False}
        )

    def _aftersales_reconcile_outstanding(self, moves):
        """Reconcile the open receivable items of ``moves`` (payments, credit notes) with these
        posted invoices, as the invoice's Outstanding Credits widget does, while an invoice has
        something left to pay."""
        lines = moves.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable" and not line.reconciled
        )
        for invoice in self:
            receivable = invoice.line_ids.filtered(
                lambda line: line.display_type == "payment_term"
            ).account_id
            for line in lines:
                if invoice.currency_id.is_zero(invoice.amount_residual):
                    break
                if (
                    not line.reconciled
                    and line.account_id in receivable
                    and line.partner_id.commercial_partner_id == invoice.commercial_partner_id
                ):
                    invoice.js_assign_outstanding_line(line.id)
