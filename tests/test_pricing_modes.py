from odoo.tests import Form, tagged

from .test_pricing import PricingCommon


@tagged("post_install", "-at_install")
class TestLevelDiscountMode(PricingCommon):
    """Issue 20, item 1: in the level-discount mode the double rule is solved on the market
    guide list itself, and each level's list is that list less the level's discount, the
    zero-profit parts at cost.

    Levels: "Test Level" 10 % (common data) and "Gold" 25 %. The finished products have no
    market guide item: their market guide price is their sales price, F1 100 and F2 200.
    """

    def setUp(self):
        super().setUp()
        self.company.aftersales_pricelist_mode = "market_level"
        self.gold = self.env["aftersales.dealer.level"].create({"name": "Gold", "settlement_discount": 25.0})

    def _modules_only(self):
        """F1 = M1 + M2, F2 = 2 x M2 + M3: no zero-profit or core IP part in the BOMs."""
        (self.bom1 | self.bom2).line_ids.filtered(
            lambda line: line.product_id in (self.w1 | self.s1 | self.ip)
        ).unlink()

    def _price(self, pricelist, product):
        return pricelist._get_product_price(product, 1.0)

    def test_ratio_holds_at_every_level(self):
        """Modules only. Market guide list: F1's parts add up to 2 x 100 = 200.00, F2's to
        2 x 200 = 400.00 (the run solves these). At 10 %: F1 costs 90, its parts 0.9 x 200 = 180
        -> ratio 2.00; F2 180, parts 360 -> 2.00. At 25 %: F1 75, parts 150 -> 2.00; F2 150,
        parts 300 -> 2.00. (The old run solved the dealer list, marked the market list up 30 %
        and discounted that: 1.3 x 0.9 x 200 / 90 = 2.60 at 10 %.)"""
        self._modules_only()
        run = self._run()
        self.assertEqual(run.mode, "market_level")
        f1 = run.product_line_ids.filtered(lambda line: line.product_id == self.f1)
        self.assertAlmostEqual(f1.dealer_price, 100.0, places=2)  # its market guide price
        self.assertAlmostEqual(f1.proposed_parts_total, 200.0, places=2)
        m1 = self._line(run, self.m1)
        self.assertFalse(m1.proposed_dealer_price)  # no dealer list in this mode
        dealer_items = self.dealer_list.item_ids
        run.action_apply()
        self.assertEqual(self.dealer_list.item_ids, dealer_items)  # not written
        self.assertAlmostEqual(self._price(self.market_list, self.m1), m1.proposed_market_price, places=2)

        for level, share in ((self.level, 0.9), (self.gold, 0.75)):
            pricelist = level.pricelist_id
            for finished, bom, target in ((self.f1, self.bom1, 200.0), (self.f2, self.bom2, 400.0)):
                parts = sum(line.quantity * self._price(pricelist, line.product_id) for line in bom.line_ids)
                price = self._price(pricelist, finished)
                self.assertAlmostEqual(price, share * target / 2, places=2, msg=level.name)
                self.assertAlmostEqual(parts, share * target, places=1, msg=level.name)
                self.assertAlmostEqual(parts / price, 2.0, places=2, msg=(level.name, finished.name))

        # The check reads each level's list and reports per level: 2.00 everywhere.
        checks = self.env["aftersales.price.check"]._refresh(self.company)
        rules = checks.filtered(lambda check: check.check_type == "double_rule")
        for pricelist in (self.market_list, self.level.pricelist_id, self.gold.pricelist_id):
            mine = rules.filtered(lambda check, pl=pricelist: check.pricelist_id == pl)
            self.assertEqual(mine.product_id, self.f1 | self.f2, pricelist.name)
            for check in mine:
                self.assertAlmostEqual(check.ratio, 2.0, places=2)
                self.assertTrue(check.is_ok)
        gold_f1 = rules.filtered(lambda check: check.dealer_level_id == self.gold and check.product_id == self.f1)
        self.assertAlmostEqual(gold_f1.dealer_price, 75.0, places=2)
        self.assertAlmostEqual(gold_f1.parts_total, 150.0, places=1)

    def test_zero_profit_parts_at_cost_in_every_list(self):
        """W1 (wear, cost 10) and S1 (standard, cost 5) carry one price, their cost, in the
        market guide list and in every level's list: 10.00 and 5.00 at 10 % and at 25 % (the
        old lists: 10 x 1.3 x 0.9 = 11.70 and 5 x 1.3 x 0.9 = 5.85 at 10 %). Their cost is
        not scaled by the discount, so F1 (M1 + M2 + 2 x W1, market 200) reaches at 10 %:
        0.9 x 180 + 20 = 182 against 90 -> 2.022 (= 2 + 0.1 x 20 / (0.9 x 100)), within the
        5 % tolerance, and the check shows it."""
        self._run().action_apply()
        lists = self.market_list | self.level.pricelist_id | self.gold.pricelist_id
        for pricelist in lists:
            self.assertEqual(self._price(pricelist, self.w1), 10.0, pricelist.name)
            self.assertEqual(self._price(pricelist, self.s1), 5.0, pricelist.name)
        checks = self.env["aftersales.price.check"]._refresh(self.company)
        zero = checks.filtered(lambda check: check.check_type == "zero_profit" and check.pricelist_id in lists)
        self.assertEqual(len(zero.filtered(lambda check: check.product_id in (self.w1 | self.s1))), 2 * 3)
        self.assertTrue(all(zero.mapped("is_ok")))
        # the demo levels' lists are checked too, and hold the parts at cost as well
        self.assertTrue(all(checks.filtered(lambda check: check.check_type == "zero_profit").mapped("is_ok")))
        f1 = checks.filtered(lambda check: check.check_type == "double_rule" and check.product_id == self.f1
                             and check.dealer_level_id == self.level)
        self.assertAlmostEqual(f1.parts_total, 182.0, places=1)
        self.assertAlmostEqual(f1.ratio, 182.0 / 90.0, places=3)
        self.assertTrue(f1.is_ok)

    def test_check_flags_zero_profit_part_off_cost_per_level(self):
        """A standard part S2 (cost 8) made serviceable after the levels were synced has no
        undiscounted rule yet: 8 in the market list, 7.20 at 10 % and 6.00 at 25 %; the check
        flags it on each level's list (margin -0.80 and -2.00), not on the market list. The next
        apply gives it its rule: 8.00 everywhere."""
        self._run().action_apply()
        s2 = self.env["product.product"].create({
            "name": "S2 Washer", "type": "consu", "aftersales_part_class": "standard",
            "is_serviceable_part": True, "standard_price": 8.0,
        })
        self._run().action_apply()  # S2 is not in a BOM: the market list prices it, 8.00
        self.assertEqual(self._price(self.market_list, s2), 8.0)
        self.assertEqual(self._price(self.gold.pricelist_id, s2), 8.0)
        # The rule removed by hand from the levels' lists: the check finds it.
        self.env["product.pricelist.item"].search([
            ("pricelist_id", "in", (self.level | self.gold).pricelist_id.ids),
            ("product_tmpl_id", "=", s2.product_tmpl_id.id),
        ]).unlink()
        checks = self.env["aftersales.price.check"]._refresh(self.company)
        s2_checks = {check.pricelist_id: check for check in checks if check.product_id == s2}
        self.assertTrue(s2_checks[self.market_list].is_ok)
        self.assertAlmostEqual(s2_checks[self.level.pricelist_id].margin, -0.8, places=2)
        self.assertAlmostEqual(s2_checks[self.gold.pricelist_id].margin, -2.0, places=2)
        self.assertFalse(s2_checks[self.level.pricelist_id].is_ok or s2_checks[self.gold.pricelist_id].is_ok)
        self._run().action_apply()
        self.assertEqual(self._price(self.level.pricelist_id, s2), 8.0)


@tagged("post_install", "-at_install")
class TestZeroProfitAndUplift(PricingCommon):
    """Issue 20, item 2: zero profit is the end user's price too, and the market uplift is set
    per part class (modules by default)."""

    def test_market_list_carries_zero_profit_parts_at_cost(self):
        """Formula mode, uplift 30 %: M1 74.44 to dealers, 74.44 x 1.3 = 96.77 on the market
        list; W1 (cost 10) and S1 (cost 5) at 10.00 and 5.00 in both lists (the old market
        prices: 13.00 and 6.50)."""
        self._run().action_apply()
        self.assertAlmostEqual(self.market_list._get_product_price(self.m1, 1.0), 96.77, places=2)
        for part, cost in ((self.w1, 10.0), (self.s1, 5.0)):
            self.assertEqual(self.dealer_list._get_product_price(part, 1.0), cost)
            self.assertEqual(self.market_list._get_product_price(part, 1.0), cost)
        checks = self.env["aftersales.price.check"]._refresh(self.company)
        zero = checks.filtered(lambda check: check.check_type == "zero_profit"
                               and check.product_id in (self.w1 | self.s1))
        self.assertEqual(zero.pricelist_id, self.dealer_list | self.market_list)
        self.assertTrue(all(zero.mapped("is_ok")))

    def test_uplift_per_part_class_from_settings(self):
        """Uplift on modules unticked in Settings: M1's market guide price is its dealer price,
        74.44; ticked again: 96.77."""
        settings = Form(self.env["res.config.settings"])
        self.assertTrue(settings.aftersales_market_uplift_module)  # the default
        settings.aftersales_market_uplift_module = False
        settings.save().execute()
        self.assertEqual(self.company._get_aftersales_market_uplift_classes(), set())
        run = self._run()
        m1 = self._line(run, self.m1)
        self.assertAlmostEqual(m1.proposed_dealer_price, 74.44, places=2)
        self.assertAlmostEqual(m1.proposed_market_price, 74.44, places=2)
        self.company.aftersales_market_uplift_module = True
        self.assertAlmostEqual(self._line(self._run(), self.m1).proposed_market_price, 96.77, places=2)

    def test_check_flags_standard_part_above_cost_in_the_market_list(self):
        """Lists kept by hand: S1 (cost 5) at 5.00 to dealers but 6.50 on the market guide list
        -> flagged there, margin 1.50; its dealer price passes."""
        self.company.aftersales_pricelist_mode = "two_lists"
        self.env["product.pricelist.item"].create([
            {"pricelist_id": pricelist.id, "applied_on": "0_product_variant", "product_id": self.s1.id,
             "compute_price": "fixed", "fixed_price": price}
            for pricelist, price in ((self.dealer_list, 5.0), (self.market_list, 6.5))
        ])
        checks = self.env["aftersales.price.check"]._refresh(self.company)
        s1 = {check.pricelist_id: check for check in checks if check.product_id == self.s1}
        self.assertTrue(s1[self.dealer_list].is_ok)
        self.assertFalse(s1[self.market_list].is_ok)
        self.assertAlmostEqual(s1[self.market_list].margin, 1.5, places=2)


@tagged("post_install", "-at_install")
class TestPricingPrinciplesShown(PricingCommon):
    """Issue 20, item 8: the double-rule ratio (2) and the zero-profit classes are principles,
    shown in Settings and not editable; the tolerance stays a setting."""

    def test_principles_shown_not_editable(self):
        settings = Form(self.env["res.config.settings"])
        self.assertEqual(settings.aftersales_double_rule_ratio, 2.0)
        self.assertEqual(settings.aftersales_zero_profit_classes, "Standard part, Wear part")
        for name, value in (("aftersales_double_rule_ratio", 3.0), ("aftersales_zero_profit_classes", "")):
            with self.assertRaises(AssertionError, msg=name):
                setattr(settings, name, value)
        settings.aftersales_double_rule_tolerance = 4.0
        settings.save().execute()
        self.assertEqual(self.company.aftersales_double_rule_tolerance, 4.0)
        self.assertEqual(self.company.aftersales_double_rule_ratio, 2.0)
        self.assertEqual(self.company._get_aftersales_zero_profit_classes(), {"standard", "wear"})

    def test_run_ratio_not_editable(self):
        run = Form(self.env["aftersales.pricing.run"])
        self.assertEqual(run.target_ratio, 2.0)
        with self.assertRaises(AssertionError):
            run.target_ratio = 3.0
