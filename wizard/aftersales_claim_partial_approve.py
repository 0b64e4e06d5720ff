from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command


class AftersalesClaimPartialApprove(models.TransientModel):
    _name = "aftersales.claim.partial.approve"
    _description = "Partially Approve a Warranty Claim"

    claim_id = fields.Many2one("aftersales.claim", string="Claim", required=True)
    currency_id = fields.Many2one(related="claim_id.currency_id")
    line_ids = fields.One2many(
        "aftersales.claim.partial.approve.line",
        "wizard_id",
        string="Lines",
        compute="_compute_line_ids",
        store=True,
        readonly=False,
        precompute=True,
    )
    amount_claimed = fields.Monetary(related="claim_id.amount_claimed")
    amount_approved = fields.Monetary(compute="_compute_amount_approved")
    reason = fields.Text(
        required=True, help="Why part of the claim is not paid; told to the dealer."
    )

    @api.depends("claim_id")
    def _compute_line_ids(self):
        for wizard in self:
            wizard.line_ids = [Command.clear()] + [
                Command.create({"claim_line_id": line.id, "amount_approved": line.amount_claimed})
                for line in wizard.claim_id.line_ids
            ]

    @api.depends("line_ids.amount_approved")
    def _compute_amount_approved(self):
        for wizard in self:
            wizard.amount_approved = sum(wizard.line_ids.mapped("amount_approved"))

    def action_partial_approve(self):
        self.ensure_one()
        self._check_rows()
        self.claim_id._action_approve(
            {row.claim_line_id.id: row.amount_approved for row in self.line_ids}, self.reason
        )
        return {"type": "ir.actions.act_window_close"}

    def _check_rows(self):
        """Refuse the input as a whole before anything is written: each row is a line of the
        claim, once, and its amount passes the claim line's own check (not negative, at most the
        claimed amount), made on a copy of the line in memory."""
        self.ensure_one()
        claim_lines = self.line_ids.claim_line_id
        if len(claim_lines) != len(self.line_ids) or claim_lines - self.claim_id.line_ids:
            raise UserError(
                _(
                    "Claim %(claim)s: the partial approval names a line that is not one of its "
                    "lines, or a line twice. Close this window and click Partially Approve again.",
                    claim=self.claim_id.display_name,
                )
            )
        for row in self.line_ids:
            line = row.claim_line_id
            line.new({"amount_approved": row.amount_approved}, origin=line)._check_amounts()


class AftersalesClaimPartialApproveLine(models.TransientModel):
    _name = "aftersales.claim.partial.approve.line"
    _description = "Approved Amount of a Claim Line"

    wizard_id = fields.Many2one(
        "aftersales.claim.partial.approve", required=True, ondelete="cascade"
    )
    claim_line_id = fields.Many2one("aftersales.claim.line", required=True, readonly=True)
    name = fields.Char(related="claim_line_id.name")
    line_type = fields.Selection(related="claim_line_id.line_type")
    quantity = fields.Float(related="claim_line_id.quantity")
    currency_id = fields.Many2one(related="claim_line_id.currency_id")
    amount_claimed = fields.Monetary(related="claim_line_id.amount_claimed")
    amount_approved = fields.Monetary(string="Approved")
    is_core_ip = fields.Boolean(related="claim_line_id.is_core_ip")
