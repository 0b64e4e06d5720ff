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
        claim = self.claim_id
        currency = claim.currency_id
        amounts = {}
        for row in self.line_ids:
            line = row.claim_line_id
            if currency.compare_amounts(row.amount_approved, 0) < 0 or currency.compare_amounts(
                row.amount_approved, line.amount_claimed
            ) > 0:
                raise UserError(
                    _(
                        "Claim %(claim)s, line %(line)s: approve between 0 and the claimed "
                        "%(claimed)s, not %(approved)s.",
                        claim=claim.display_name,
                        line=line.name,
                        claimed=line.amount_claimed,
                        approved=row.amount_approved,
                    )
                )
            amounts[line.id] = row.amount_approved
        if not any(
            currency.compare_amounts(row.amount_approved, row.claim_line_id.amount_claimed) < 0
            for row in self.line_ids
        ):
            raise UserError(
                _(
                    "Claim %(claim)s: every line is approved in full. Lower the approved amount "
                    "of the lines you do not pay, or use Approve.",
                    claim=claim.display_name,
                )
            )
        if all(currency.is_zero(amount) for amount in amounts.values()):
            raise UserError(
                _(
                    "Claim %(claim)s: nothing is approved. Use Reject to turn the claim down.",
                    claim=claim.display_name,
                )
            )
        claim._action_approve(amounts, self.reason)
        return {"type": "ir.actions.act_window_close"}


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
