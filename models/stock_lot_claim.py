from odoo import fields, models


class StockLot(models.Model):
    _inherit = "stock.lot"

    claim_ids = fields.One2many("aftersales.claim", "lot_id", string="Warranty Claims")
    claim_count = fields.Integer(compute="_compute_claim_count")

    def _compute_claim_count(self):
        counts = dict(
            self.env["aftersales.claim"]._read_group(
                [("lot_id", "in", self.ids)], ["lot_id"], ["__count"]
            )
        )
        for lot in self:
            lot.claim_count = counts.get(lot, 0)

    def action_view_claims(self):
        self.ensure_one()
        return self.env["aftersales.claim"]._action_view_claims(
            [("lot_id", "=", self.id)],
            {"default_lot_id": self.id, "default_dealer_id": self.dealer_id.id},
        )
