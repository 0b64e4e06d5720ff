from odoo import Command, _, api, fields, models

from ..models.product_template import PART_CLASSES


class AftersalesPriceCheck(models.Model):
    """Snapshot of the double-rule and zero-profit checks on the price lists as they are.

    Works in every price-list mode, so hand-kept lists are checked too. Refreshing replaces the
    company's snapshot.
    """

    _name = "aftersales.price.check"
    _description = "Spare-Parts Price Check"
    _order = "check_type, is_ok, product_id"

    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Datetime(readonly=True, default=fields.Datetime.now)
    check_type = fields.Selection(
        [("double_rule", "Double rule"), ("zero_profit", "Zero profit")], required=True, readonly=True
    )
    product_id = fields.Many2one("product.product", required=True, readonly=True)
    part_class = fields.Selection(PART_CLASSES, readonly=True)
    dealer_price = fields.Monetary(readonly=True)
    parts_total = fields.Monetary(string="Parts at Dealer Prices", readonly=True)
    target_ratio = fields.Float(digits=(4, 2), readonly=True, aggregator="avg")
    ratio = fields.Float(digits=(12, 3), readonly=True, aggregator="avg")
    deviation = fields.Float(string="Deviation (%)", digits=(12, 2), readonly=True, aggregator="avg")
    cost = fields.Monetary(readonly=True)
    margin = fields.Monetary(readonly=True, help="Dealer price less cost.")
    missing_part_ids = fields.Many2many("product.product", "aftersales_price_check_missing_rel",
                                        string="Parts without Price", readonly=True)
    missing_part_count = fields.Integer(readonly=True)
    is_ok = fields.Boolean(string="OK", readonly=True)

    @api.model
    def _refresh(self, company=None):
        company = company or self.env.company
        company._aftersales_ensure_pricelists()
        dealer_list = company.aftersales_dealer_pricelist_id
        Bom = self.env["aftersales.service.bom"]
        bom_parts = Bom.search([("company_id", "=", company.id)])._get_part_quantities()
        finished = self.env["product.product"].concat(*bom_parts)
        zero_parts = self.env["product.product"].with_company(company).search([
            ("aftersales_part_class", "in", list(company._get_aftersales_zero_profit_classes())),
            ("is_serviceable_part", "=", True),
        ])
        all_parts = zero_parts.concat(*(p for q in bom_parts.values() for p in q))
        prices = dealer_list._get_aftersales_prices(finished | all_parts)
        ratio = company.aftersales_double_rule_ratio
        tolerance = company.aftersales_double_rule_tolerance
        vals_list = []
        for product in finished:
            price = prices.get(product.id, 0.0)
            check = Bom._get_double_rule_check(bom_parts[product], prices, price, ratio, tolerance)
            vals_list.append({
                "company_id": company.id,
                "check_type": "double_rule",
                "product_id": product.id,
                "part_class": "finished",
                "dealer_price": price,
                "parts_total": check["parts_total"],
                "target_ratio": ratio,
                "ratio": check["ratio"],
                "deviation": check["deviation"],
                "missing_part_ids": [Command.set(check["missing"].ids)],
                "missing_part_count": len(check["missing"]),
                # a part without a price leaves the rule unchecked, whatever the others add up to
                "is_ok": check["is_within_tolerance"] and not check["missing"],
            })
        rounding = company.currency_id.rounding
        for part in zero_parts:
            price = prices.get(part.id, 0.0)
            cost = part.standard_price
            margin = price - cost
            vals_list.append({
                "company_id": company.id,
                "check_type": "zero_profit",
                "product_id": part.id,
                "part_class": part.aftersales_part_class,
                "dealer_price": price,
                "cost": cost,
                "margin": margin,
                "is_ok": abs(margin) < rounding,
            })
        self.search([("company_id", "=", company.id)]).unlink()
        return self.create(vals_list)

    @api.model
    def action_refresh(self):
        self._refresh(self.env.company)
        action = self.env["ir.actions.act_window"]._for_xml_id("aftersales.aftersales_price_check_action")
        return action

    def _get_report_base_filename(self):
        return _("Price check")
