from odoo import Command, _, api, fields, models

from ..models.product_template import PART_CLASSES


class AftersalesPriceCheck(models.Model):
    """Snapshot of the double-rule and zero-profit checks on the price lists as they are.

    Works in every price-list mode, so hand-kept lists are checked too, one row per product and
    list. The lists each rule is checked on (see ``_get_checked_pricelists``): the double rule on
    the lists dealers buy at (the dealer settlement list; in the level-discount mode each level's
    list, and the market guide list it derives from); zero profit on every list a standard or
    wear part is sold at, the market guide list included. Refreshing replaces the company's
    snapshot.
    """

    _name = "aftersales.price.check"
    _description = "Spare-Parts Price Check"
    _order = "check_type, is_ok, product_id, pricelist_id"

    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Datetime(readonly=True, default=fields.Datetime.now)
    check_type = fields.Selection(
        [("double_rule", "Double rule"), ("zero_profit", "Zero profit")], required=True, readonly=True
    )
    pricelist_id = fields.Many2one("product.pricelist", string="Price List", readonly=True)
    dealer_level_id = fields.Many2one(
        "aftersales.dealer.level", string="Dealer Level", readonly=True,
        help="The dealer level whose price list was checked (level-discount mode).",
    )
    product_id = fields.Many2one("product.product", required=True, readonly=True)
    part_class = fields.Selection(PART_CLASSES, readonly=True)
    # prices, costs and margins of different products: a group row adds none of them up
    dealer_price = fields.Monetary(string="Price", readonly=True, aggregator=None,
                                   help="The product's price in the list checked.")
    parts_total = fields.Monetary(string="Parts Total", readonly=True, aggregator=None,
                                  help="The service parts of the finished product, added up in the list checked.")
    target_ratio = fields.Float(digits=(4, 2), readonly=True, aggregator="avg")
    ratio = fields.Float(digits=(12, 3), readonly=True, aggregator="avg")
    deviation = fields.Float(string="Deviation (%)", digits=(12, 2), readonly=True, aggregator="avg")
    cost = fields.Monetary(readonly=True, aggregator=None)
    margin = fields.Monetary(readonly=True, aggregator=None, help="Price in the list checked less cost.")
    missing_part_ids = fields.Many2many("product.product", "aftersales_price_check_missing_rel",
                                        string="Parts without Price", readonly=True)
    missing_part_count = fields.Integer(readonly=True)
    is_ok = fields.Boolean(string="OK", readonly=True)

    @api.model
    def _get_checked_pricelists(self, company):
        """[(price list, dealer level or empty, checks the double rule)] of ``company``: the
        dealer settlement list (double rule) and the market guide list (zero profit); in the
        level-discount mode the market guide list, which the double rule is solved on, and each
        active level's list (both rules), the dealer settlement list not being kept."""
        company._aftersales_ensure_pricelists()
        Level = self.env["aftersales.dealer.level"]
        if company.aftersales_pricelist_mode != "market_level":
            return [(company.aftersales_dealer_pricelist_id, Level, True),
                    (company.aftersales_market_pricelist_id, Level, False)]
        levels = Level.search([("company_id", "in", [False, company.id]), ("pricelist_id", "!=", False)])
        return [(company.aftersales_market_pricelist_id, Level, True)] + [
            (level.pricelist_id, level, True) for level in levels
        ]

    @api.model
    def _refresh(self, company=None):
        company = company or self.env.company
        checked = self._get_checked_pricelists(company)
        Bom = self.env["aftersales.service.bom"]
        bom_parts = Bom.search([("company_id", "=", company.id)])._get_part_quantities()
        finished = self.env["product.product"].concat(*bom_parts)
        zero_parts = self.env["product.product"].with_company(company).search([
            ("aftersales_part_class", "in", list(company._get_aftersales_zero_profit_classes())),
            ("is_serviceable_part", "=", True),
        ])
        all_parts = zero_parts.concat(*(p for q in bom_parts.values() for p in q))
        pricelists = self.env["product.pricelist"].concat(*(pricelist for pricelist, *_rest in checked))
        prices_by_list = pricelists._get_aftersales_prices_by_list(finished | all_parts)
        ratio = company.aftersales_double_rule_ratio
        tolerance = company.aftersales_double_rule_tolerance
        rounding = company.currency_id.rounding
        vals_list = []
        for pricelist, level, double_rule in checked:
            prices = prices_by_list[pricelist.id]
            where = {"company_id": company.id, "pricelist_id": pricelist.id, "dealer_level_id": level.id}
            for product in finished if double_rule else ():
                price = prices.get(product.id, 0.0)
                check = Bom._get_double_rule_check(bom_parts[product], prices, price, ratio, tolerance)
                vals_list.append({
                    **where,
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
            for part in zero_parts:
                # at cost, to the cent: neither marked up nor discounted
                price = prices.get(part.id, 0.0)
                cost = part.standard_price
                margin = price - cost
                vals_list.append({
                    **where,
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
