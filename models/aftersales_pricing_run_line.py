from odoo import fields, models

from .product_template import PART_CLASSES


class AftersalesPricingRunLine(models.Model):
    _name = "aftersales.pricing.run.line"
    _description = "Pricing Run: Part"
    _order = "run_id, part_class, product_id"

    run_id = fields.Many2one("aftersales.pricing.run", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="run_id.company_id", store=True)
    currency_id = fields.Many2one(related="run_id.currency_id")
    product_id = fields.Many2one("product.product", string="Part", required=True, index=True)
    part_class = fields.Selection(PART_CLASSES)
    method = fields.Selection(
        [("formula", "Double-rule markup"), ("zero_profit", "Zero profit"), ("no_cost", "No cost")],
        help="Double-rule markup: cost x markup. Zero profit: at cost. No cost: the part has no cost "
        "to price from; give it one.",
    )
    cost = fields.Monetary()
    markup = fields.Float(digits=(12, 4))
    # "before": the prices the run found when computed, kept after Apply for history
    current_dealer_price = fields.Monetary(string="Dealer Price Before")
    proposed_dealer_price = fields.Monetary(string="Proposed Dealer Price")
    current_market_price = fields.Monetary(string="Market Price Before")
    proposed_market_price = fields.Monetary(string="Proposed Market Price")
    dealer_price_change = fields.Float(
        string="Change (%)", compute="_compute_change", digits=(12, 2),
        help="Change of the price the double rule is solved on: the dealer settlement price, or the "
        "market guide price in the level-discount mode.",
    )

    def _compute_change(self):
        for line in self:
            if line.run_id.mode == "market_level":
                current, proposed = line.current_market_price, line.proposed_market_price
            else:
                current, proposed = line.current_dealer_price, line.proposed_dealer_price
            line.dealer_price_change = (proposed - current) / current * 100.0 if current else 0.0
