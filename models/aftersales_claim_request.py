from odoo import fields, models


class AftersalesClaim(models.Model):
    _inherit = "aftersales.claim"

    request_ids = fields.Many2many(
        "aftersales.request", "aftersales_request_claim_rel", "claim_id", "request_id",
        string="Service Requests",
    )
    request_count = fields.Integer(compute="_compute_request_count")

    def _compute_request_count(self):
        counts = dict(
            self.env["aftersales.request"]._read_group(
                [("claim_ids", "in", self.ids)], ["claim_ids"], ["__count"]
            )
        )
        for claim in self:
            claim.request_count = counts.get(claim, 0)

    def action_view_requests(self):
        self.ensure_one()
        return self.env["aftersales.request"]._action_view_requests(
            [("claim_ids", "in", self.ids)],
            {"default_claim_ids": [self.id], "default_lot_id": self.lot_id.id,
             "default_dealer_id": self.dealer_id.id, "default_request_type": "complaint"},
        )
