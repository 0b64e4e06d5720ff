from odoo import fields, models

CLAIM_SETTLEMENT_MODES = [
    ("per_claim", "Per claim"),
    ("monthly", "Monthly statement"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    claim_settlement_mode = fields.Selection(
        CLAIM_SETTLEMENT_MODES,
        string="Claim Settlement",
        default="per_claim",
        required=True,
        tracking=True,
        help="Per claim: every approved warranty claim is credited at once with its own credit "
        "note. Monthly statement: approved claims wait for the dealer's monthly statement.",
    )
    claim_ids = fields.One2many("aftersales.claim", "dealer_id", string="Warranty Claims")
    claim_count = fields.Integer(compute="_compute_claim_count")

    def _compute_claim_count(self):
        counts = dict(
            self.env["aftersales.claim"]._read_group(
                [("dealer_id", "in", self.ids)], ["dealer_id"], ["__count"]
            )
        )
        for partner in self:
            partner.claim_count = counts.get(partner, 0)

    def action_view_claims(self):
        self.ensure_one()
        return self.env["aftersales.claim"]._action_view_claims(
            [("dealer_id", "=", self.id)], {"default_dealer_id": self.id}
        )
