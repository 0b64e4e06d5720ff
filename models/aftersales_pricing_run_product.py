from odoo import fields, models


class AftersalesPricingRunProduct(models.Model):
    _name = "aftersales.pricing.run.product"
    _description = "Pricing Run: Finished Product"
    _order = "run_id, is_within_tolerance, product_id"

    run_id = fields.Many2one("aftersales.pricing.run", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="run_id.company_id", store=True)
    currency_id = fields.Many2one(related="run_id.currency_id")
    product_id = fields.Many2one("product.product", string="Finished Product", required=True)
    dealer_price = fields.Monetary(
        string="Reference Price",
        help="The finished product's price in the list the double rule is solved on: its dealer "
        "settlement price, or its market guide price in the level-discount mode.",
    )
    target_amount = fields.Monetary(string="Target Parts Total")
    # "before": the list as the run found it when computed, kept after Apply for history
    current_parts_total = fields.Monetary(
        string="Parts Total Before",
        help="The service parts added up at the prices the list had when the run was computed, "
        "before this run.",
    )
    proposed_parts_total = fields.Monetary()
    current_ratio = fields.Float(
        string="Ratio Before", digits=(12, 3),
        help="Parts total over the reference price before this run.",
    )
    proposed_ratio = fields.Float(
        digits=(12, 3),
        help="Parts total over the reference price at the run's prices: what the list holds "
        "once the run is applied.",
    )
    is_within_tolerance = fields.Boolean(string="Within Tolerance")
    missing_part_ids = fields.Many2many("product.product", string="Parts without Price")
