import math
import re
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from odoo.addons.aftersales.models.own_table_sql import bulk_create

from .common_queries import QueryCountMixin
from .common_request import AftersalesRequestCommon
from .stock_common import AftersalesStockCommon


@tagged("post_install", "-at_install")
class TestReservePlanArithmetic(AftersalesStockCommon):
    def _figures(self, mean, std, lead_days, level=95.0, coverage=3.0, rounding=1.0):
        return self.env["aftersales.reserve.plan"]._compute_reserve_figures(
            mean, std, lead_days, level, coverage, rounding
        )

    def test_hand_checked(self):
        # mean 20/month, sd 10, 15 days = 0.5 month, z(95%) = 1.6449:
        # safety 1.6449 x 10 x sqrt(0.5) = 11.63 -> 12; min 20 x 0.5 + 11.63 = 21.63 -> 22;
        # max 21.63 + 20 = 41.63 (under the 3-month cap of 60) -> 42.
        figures = self._figures(20, 10, 15)
        self.assertEqual((figures["safety_qty"], figures["min_qty"], figures["max_qty"]), (12, 22, 42))
        self.assertFalse(figures["is_capped"])
        self.assertFalse(figures["is_above_cap"])
        # Finer rounding keeps the decimals.
        figures = self._figures(20, 10, 15, rounding=0.01)
        self.assertEqual((figures["safety_qty"], figures["min_qty"], figures["max_qty"]), (11.64, 21.64, 41.64))

    def test_higher_service_level_more_safety(self):
        self.assertEqual(self._figures(20, 10, 15, level=99.0)["safety_qty"], 17)  # 2.3263 x 7.07 = 16.45
        self.assertEqual(self._figures(20, 10, 15, level=50.0)["safety_qty"], 0)

    def test_max_capped_at_three_months(self):
        # 60 days of lead time: min 20 x 2 + 1.6449 x 5 x 1.414 = 51.63; min + 20 = 71.63 > 60.
        figures = self._figures(20, 5, 60)
        self.assertEqual((figures["min_qty"], figures["max_qty"]), (52, 60))
        self.assertTrue(figures["is_capped"])
        self.assertFalse(figures["is_above_cap"])

    def test_lead_time_beyond_cap(self):
        # 120 days = 4 months: the lead-time demand alone (20 x 4 = 80) exceeds the 3-month cap
        # (60). The maximum never exceeds the cap: min = max = 60, and the safety stock
        # (1.6449 x 5 x 2 = 16.45) is dropped; the line is flagged.
        figures = self._figures(20, 5, 120)
        self.assertEqual((figures["safety_qty"], figures["min_qty"], figures["max_qty"]), (0, 60, 60))
        self.assertEqual(figures["cap_qty"], 60)
        self.assertTrue(figures["is_above_cap"])
        self.assertTrue(figures["is_safety_capped"])
        self.assertTrue(figures["is_capped"])

    def test_sporadic_demand_stays_within_cap(self):
        # Issue 18: 12 used in one month of 12 -> mean 1, variance 144/12 - 1 = 11, sd 3.3166.
        # Lead time 30 days = 1 month: lead-time demand 1; safety 1.6449 x 3.3166 x 1 = 5.46
        # would make min 6.46 -> 7, over the cap of 3 x 1 = 3. The safety is cut to 3 - 1 = 2:
        # min 3; max min(3 + 1, 3) = 3. The lead-time demand (1) is well within the cap.
        figures = self._figures(1, 11 ** 0.5, 30)
        self.assertEqual((figures["safety_qty"], figures["min_qty"], figures["max_qty"]), (2, 3, 3))
        self.assertEqual(figures["cap_qty"], 3)
        self.assertTrue(figures["is_safety_capped"])
        self.assertTrue(figures["is_capped"])
        self.assertFalse(figures["is_above_cap"])
        self.assertFalse(figures["is_cap_raised"])

    def test_whole_units_within_cap(self):
        # mean 1.5, steady, 60 days: min 1.5 x 2 = 3; max 4.5, and 3 months are 4.5 too. In
        # whole units the cap rounds down to 4 (rounding 4.5 up would exceed it); a part
        # measured to the hundredth keeps 4.5.
        figures = self._figures(1.5, 0, 60)
        self.assertEqual((figures["safety_qty"], figures["min_qty"], figures["max_qty"]), (0, 3, 4))
        self.assertEqual(figures["cap_qty"], 4)
        self.assertTrue(figures["is_capped"])
        self.assertFalse(figures["is_safety_capped"])
        figures = self._figures(1.5, 0, 60, rounding=0.01)
        self.assertEqual((figures["min_qty"], figures["max_qty"], figures["cap_qty"]), (3, 4.5, 4.5))
        self.assertFalse(figures["is_capped"])

    def test_cap_below_one_unit_keeps_one(self):
        # 1 used in 12 months: mean 1/12, sd sqrt(1/12 - 1/144) = 0.2764; 3 months are 0.25 of
        # a unit, rounded down 0: the cap is raised to one unit. 30 days: lead-time demand
        # 0.083, safety 1.6449 x 0.2764 = 0.45 -> 1; min 0.54 -> 1; max 0.62 -> 1 (not capped).
        figures = self._figures(1 / 12, (11 / 144) ** 0.5, 30)
        self.assertEqual((figures["safety_qty"], figures["min_qty"], figures["max_qty"]), (1, 1, 1))
        self.assertEqual(figures["cap_qty"], 1)
        self.assertTrue(figures["is_cap_raised"])
        self.assertFalse(figures["is_capped"] or figures["is_safety_capped"] or figures["is_above_cap"])

    def test_maximum_never_exceeds_cap(self):
        """Over a grid of demands and lead times, beyond the 3-month cap too: the maximum stays
        within the cap in the part's unit, also where the lead-time demand alone exceeds it."""
        for mean in (0.05, 0.3, 1, 1.5, 7, 20):
            for std in (0, mean, 3 * mean, 10 * mean):
                for lead_days in (0, 7, 30, 45, 89, 90, 91, 120, 365):
                    for rounding in (1.0, 0.01):
                        with self.subTest(mean=mean, std=std, lead_days=lead_days, rounding=rounding):
                            figures = self._figures(mean, std, lead_days, rounding=rounding)
                            cap = max(math.floor(mean * 3 / rounding + 1e-9) * rounding, rounding)
                            self.assertAlmostEqual(figures["cap_qty"], cap)
                            if figures["is_above_cap"]:
                                # only where the lead-time demand itself, in whole units, is over
                                lead_qty = math.ceil(mean * lead_days / 30 / rounding - 1e-9) * rounding
                                self.assertGreater(lead_qty, cap + 1e-9)
                                self.assertAlmostEqual(figures["max_qty"], cap)
                                self.assertAlmostEqual(figures["min_qty"], cap)
                                self.assertEqual(figures["safety_qty"], 0)
                            self.assertLessEqual(figures["max_qty"], cap + 1e-9)
                            self.assertLessEqual(figures["min_qty"], figures["max_qty"])
                            self.assertLessEqual(figures["safety_qty"], figures["min_qty"])
                            self.assertGreater(figures["max_qty"], 0)


@tagged("post_install", "-at_install")
class TestReservePlan(AftersalesStockCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan_date = date(2025, 7, 15)  # window of 6 months: January to June 2025
        cls.env["product.supplierinfo"].create([
            {"partner_id": cls.vendor.id, "product_tmpl_id": cls.wear_part.product_tmpl_id.id, "delay": 15},
            {"partner_id": cls.vendor.id, "product_tmpl_id": cls.module_part.product_tmpl_id.id, "delay": 60},
        ])
        cls.env.company.aftersales_default_lead_days = 30
        # Monthly deliveries of the wear part: 10, 30, 10, 30, 10, 30 -> mean 20, sd 10.
        for month, quantity in enumerate([10, 30, 10, 30, 10, 30], start=1):
            partner_location = cls.customer_location
            cls._done_move(cls.wear_part, quantity, cls.stock_location, partner_location, date(2025, month, 10))
        # Outside the window: before it and in the plan's own month.
        cls._done_move(cls.wear_part, 500, cls.stock_location, cls.customer_location, date(2024, 12, 31))
        cls._done_move(cls.wear_part, 500, cls.stock_location, cls.customer_location, date(2025, 7, 2))
        # Not demand: internal transfer, scrap, shipment out of the claimed-parts room.
        cls._done_move(cls.wear_part, 40, cls.stock_location, cls.claimed_location, date(2025, 3, 3))
        scrap_location = cls.env["stock.location"].search(
            [("scrap_location", "=", True), ("company_id", "in", [cls.env.company.id, False])], limit=1
        )
        cls._done_move(cls.wear_part, 40, cls.stock_location, scrap_location, date(2025, 3, 3))
        cls._done_move(cls.wear_part, 40, cls.claimed_location, cls.customer_location, date(2025, 3, 3))
        # The standard part has no vendor: 6 a month.
        for month in range(1, 7):
            cls._done_move(cls.standard_part, 6, cls.stock_location, cls.customer_location, date(2025, month, 20))
        # The module is stocked but never consumed; the non-serviceable module is consumed but
        # not planned; the core IP part is never planned.
        cls._put_in_stock(cls.module_part, 4)
        cls._done_move(cls.internal_module, 5, cls.stock_location, cls.customer_location, date(2025, 2, 1))
        cls._put_in_stock(cls.core_ip_part, 4)
        cls.parts = cls.wear_part | cls.standard_part | cls.module_part | cls.internal_module | cls.core_ip_part

    def _plan(self, **vals):
        plan = self.env["aftersales.reserve.plan"].create(dict(
            {"date": self.plan_date, "months": 6, "warehouse_ids": [Command.set(self.warehouse.ids)]}, **vals
        ))
        plan.action_compute()
        return plan

    def _line(self, plan, product):
        return plan.line_ids.filtered(lambda line: line.product_id == product)

    def test_window(self):
        plan = self._plan()
        self.assertTrue(plan.name.startswith("RP/"))
        self.assertEqual((plan.date_from, plan.date_to), (date(2025, 1, 1), date(2025, 6, 30)))

    def test_planning_from_history(self):
        plan = self._plan()
        line = self._line(plan, self.wear_part)
        self.assertEqual(line.warehouse_id, self.warehouse)
        self.assertEqual(line.location_id, self.stock_location)
        self.assertEqual(line.demand_qty, 120)
        self.assertAlmostEqual(line.monthly_demand, 20)
        self.assertAlmostEqual(line.demand_std, 10)
        self.assertEqual((line.vendor_id, line.lead_days, line.lead_source), (self.vendor, 15, "vendor"))
        self.assertEqual((line.safety_qty, line.min_qty, line.max_qty), (12, 22, 42))
        self.assertEqual(line.proposal, "create")
        self.assertFalse(line.note)

    def test_part_without_vendor(self):
        plan = self._plan()
        line = self._line(plan, self.standard_part)
        self.assertFalse(line.vendor_id)
        self.assertEqual((line.lead_days, line.lead_source), (30, "default"))
        self.assertIn("No vendor", line.note)
        self.assertIn("30 days", line.note)
        # Steady 6 a month, 1 month of lead time: min 6, max 12 (within 18).
        self.assertEqual((line.safety_qty, line.min_qty, line.max_qty), (0, 6, 12))
        self.assertEqual(plan.default_lead_count, 1)
        plan_45 = self._plan(default_lead_days=45)
        self.assertEqual(self._line(plan_45, self.standard_part).min_qty, 9)

    def test_sporadic_demand_capped_from_history(self):
        """Issue 18: a part used 12 times in one month of the last 12 is planned within the
        3-month cap, and the note names the rules that bound its figures."""
        sporadic, rare = self.env["product.product"].create([
            {"name": name, "type": "consu", "is_storable": True, "aftersales_part_class": "wear",
             "is_serviceable_part": True}
            for name in ("Test Sporadic Seal", "Test Rare Gasket")
        ])
        supplierinfo = self.env["product.supplierinfo"].create([
            {"partner_id": self.vendor.id, "product_tmpl_id": part.product_tmpl_id.id, "delay": 30}
            for part in (sporadic, rare)
        ])
        # 12-month window July 2024 - June 2025: 12 seals in March, one gasket in October.
        self._done_move(sporadic, 12, self.stock_location, self.customer_location, date(2025, 3, 12))
        self._done_move(rare, 1, self.stock_location, self.customer_location, date(2024, 10, 3))
        plan = self._plan(months=12)
        line = self._line(plan, sporadic)
        # mean 1, sd sqrt(144/12 - 1) = 3.3166, 30 days: lead-time demand 1, safety 5.46 cut to
        # the cap of 3 x 1 = 3 minus 1 = 2; min 3; max min(3 + 1, 3) = 3 (not 7 and 7).
        self.assertEqual((line.demand_qty, line.lead_days), (12, 30))
        self.assertAlmostEqual(line.monthly_demand, 1)
        self.assertAlmostEqual(line.demand_std, 11 ** 0.5, places=4)
        self.assertEqual((line.safety_qty, line.min_qty, line.max_qty, line.cap_qty), (2, 3, 3, 3))
        self.assertEqual((line.is_safety_capped, line.is_capped, line.is_above_cap), (True, True, False))
        self.assertEqual(
            line.note,
            "Safety stock capped: the minimum stays within the coverage cap of 3 months (3). "
            "Maximum capped at the coverage of 3 months (3).",
        )
        # 1 in 12 months: 3 months are a quarter of a unit; the part keeps one.
        line = self._line(plan, rare)
        self.assertEqual((line.safety_qty, line.min_qty, line.max_qty, line.cap_qty), (1, 1, 1, 1))
        self.assertEqual(
            line.note,
            "3 months of demand is less than one unit: the coverage cap is raised to 1 so that "
            "the part stays stocked.",
        )
        plan.action_apply()
        rule = self._line(plan, sporadic).orderpoint_id
        self.assertEqual((rule.product_min_qty, rule.product_max_qty), (3, 3))

        # 120 days of lead time: the lead-time demand alone (4) exceeds the cap (3).
        supplierinfo.delay = 120
        line = self._line(self._plan(months=12), sporadic)
        self.assertEqual((line.safety_qty, line.min_qty, line.max_qty, line.cap_qty), (0, 3, 3, 3))
        self.assertTrue(line.is_above_cap)
        self.assertEqual(
            line.note,
            "Lead-time demand (4) exceeds the coverage cap of 3 months (3): min and max are held at "
            "the cap, without safety stock, so the part runs short before each replenishment "
            "arrives. Shorten the lead time or raise the coverage.",
        )

    def test_no_demand_is_candidate_to_stop(self):
        plan = self._plan()
        line = self._line(plan, self.module_part)
        self.assertEqual(line.proposal, "stop")
        self.assertEqual(line.qty_on_hand, 4)
        self.assertIn("stop stocking", line.note)
        self.assertFalse(self._line(plan, self.internal_module))
        self.assertFalse(self._line(plan, self.core_ip_part))
        self.assertEqual(plan.stop_count, 1)
        plan.action_apply()
        self.assertEqual(line.result, "no_rule")
        self.assertFalse(line.orderpoint_id)
        self.assertFalse(self.env["stock.warehouse.orderpoint"].search([("product_id", "=", self.module_part.id)]))

    def test_apply_creates_then_changes_nothing(self):
        plan = self._plan()
        plan.action_apply()
        self.assertEqual(plan.state, "applied")
        Orderpoint = self.env["stock.warehouse.orderpoint"]
        orderpoints = Orderpoint.search([("product_id", "in", self.parts.ids)])
        self.assertEqual(orderpoints.product_id, self.wear_part | self.standard_part)
        rule = orderpoints.filtered(lambda op: op.product_id == self.wear_part)
        self.assertEqual((rule.product_min_qty, rule.product_max_qty), (22, 42))
        self.assertEqual((rule.trigger, rule.location_id, rule.warehouse_id), ("auto", self.stock_location, self.warehouse))
        self.assertTrue(rule.name.startswith("OP/"))
        self.assertNotEqual(orderpoints[0].name, orderpoints[1].name)
        line = self._line(plan, self.wear_part)
        self.assertEqual((line.result, line.orderpoint_id), ("created", rule))
        self.assertEqual(line.proposal, "create")  # the proposal stays what was reviewed
        self.assertEqual(Orderpoint.search(plan.action_view_orderpoints()["domain"]), orderpoints)
        stop_lines = self.env["aftersales.reserve.plan.line"].search(plan.action_view_stop_candidates()["domain"])
        self.assertEqual(stop_lines.product_id, self.module_part)

        # Applying again changes nothing: no rule is created or written.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE stock_warehouse_orderpoint SET write_date = '2020-01-01' WHERE id IN %s",
            [tuple(orderpoints.ids)],
        )
        orderpoints.invalidate_recordset()
        plan.action_apply()
        self.env.flush_all()
        orderpoints.invalidate_recordset()
        self.assertEqual(set(orderpoints.mapped("write_date")), {datetime(2020, 1, 1)})
        self.assertEqual(Orderpoint.search([("product_id", "in", self.parts.ids)]), orderpoints)
        self.assertEqual(line.result, "created")
        self.assertIn("0 reordering rules created, 0 updated, 2 already up to date", plan.message_ids[0].body)

        # A later plan on the same history finds the rules up to date.
        again = self._plan()
        self.assertEqual(self._line(again, self.wear_part).proposal, "keep")
        self.assertEqual(again.keep_count, 2)

    def test_apply_updates_existing_rules(self):
        Orderpoint = self.env["stock.warehouse.orderpoint"]
        rule = Orderpoint.create({
            "product_id": self.wear_part.id, "location_id": self.stock_location.id,
            "product_min_qty": 5, "product_max_qty": 100,
        })
        manual = Orderpoint.create({
            "product_id": self.standard_part.id, "location_id": self.stock_location.id,
            "trigger": "manual", "product_min_qty": 0, "product_max_qty": 0, "active": False,
        })
        plan = self._plan()
        line = self._line(plan, self.wear_part)
        self.assertEqual((line.orderpoint_id, line.current_min_qty, line.current_max_qty), (rule, 5, 100))
        self.assertEqual(line.proposal, "update")
        # Staff correct the proposal before applying.
        line.max_qty = 40
        plan.action_apply()
        self.assertEqual((rule.product_min_qty, rule.product_max_qty), (22, 40))
        self.assertEqual(line.result, "updated")
        self.assertTrue(manual.active)
        self.assertEqual((manual.trigger, manual.product_min_qty, manual.product_max_qty), ("auto", 6, 12))
        self.assertEqual(Orderpoint.with_context(active_test=False).search_count(
            [("product_id", "in", self.parts.ids)]), 2)

    def test_review_rules(self):
        plan = self._plan()
        line = self._line(plan, self.wear_part)
        with self.assertRaises(ValidationError):
            line.min_qty = 50  # above the max
        with self.assertRaises(ValidationError):
            line.write({"min_qty": -1, "max_qty": 10})

    def test_bad_parameters(self):
        Plan = self.env["aftersales.reserve.plan"]
        count = Plan.search_count([])
        with self.assertRaisesMessage(ValidationError, "at least one month"):
            Plan.create({"months": 0})
        for level in (0, 100, -5, 120):
            with self.subTest(level=level), self.assertRaisesMessage(ValidationError, "service level"):
                Plan.create({"service_level": level})
        self.assertEqual(Plan.search_count([]), count)
        plan = Plan.create({"service_level": 99.5})
        with self.assertRaisesMessage(ValidationError, "at least one month"):
            plan.months = -3
        with self.assertRaisesMessage(ValidationError, "coverage"):
            plan.coverage_months = 0
        self.assertEqual((plan.months, plan.coverage_months), (12, 3))

    def test_applied_plan_is_history(self):
        plan = self._plan()
        plan.action_apply()
        with self.assertRaises(UserError):
            plan.action_compute()
        with self.assertRaises(UserError):
            plan.action_cancel()
        with self.assertRaises(UserError):
            plan.unlink()
        draft = self._plan()
        draft.action_cancel()
        with self.assertRaises(UserError):
            draft.action_apply()

    def test_recompute_replaces_lines(self):
        plan = self._plan()
        first = plan.line_ids
        plan.action_compute()
        self.assertFalse(first.exists())
        self.assertEqual(len(plan.line_ids), len(first))

    def test_cron_drafts_monthly_plan(self):
        plans = self.env["aftersales.reserve.plan"]._cron_draft_reserve_plan()
        plan = plans.filtered(lambda p: p.company_id == self.env.company)
        self.assertEqual(plan.state, "draft")
        self.assertEqual(plan.months, 12)
        self.assertIn(self.warehouse, plan.warehouse_ids)

    def test_applied_rules_are_odoo_rules(self):
        """The plan's rules are made by Odoo: named in turn from Odoo's reordering rule
        sequence (the number drawn next continues after them), with the product category,
        the vendor and the defaults Odoo gives a rule, and Odoo's own checks."""
        Sequence = self.env["ir.sequence"]

        def number(name):
            return int(re.search(r"(\d+)$", name).group(1))

        before = number(Sequence.next_by_code("stock.orderpoint"))
        plan = self._plan()
        plan.action_apply()
        after = number(Sequence.next_by_code("stock.orderpoint"))
        rules = plan.line_ids.orderpoint_id
        self.assertEqual(sorted(number(name) for name in rules.mapped("name")), [before + 1, before + 2])
        self.assertEqual(after, before + 3)
        self.assertTrue(all(name.startswith("OP/") for name in rules.mapped("name")))
        rule = self._line(plan, self.wear_part).orderpoint_id
        self.assertRecordValues(rule, [{
            "product_category_id": self.wear_part.categ_id.id,
            "product_supplier_id": self.vendor.id,
            "company_id": self.env.company.id,
            "warehouse_id": self.warehouse.id,
            "location_id": self.stock_location.id,
            "trigger": "auto",
            "active": True,
            "qty_multiple": 1.0,
            "route_id": False,
            "product_min_qty": 22.0,
            "product_max_qty": 42.0,
        }])
        # Odoo's own checks hold on the rules the plan writes: an automatic rule cannot be
        # snoozed, a rule's minimum cannot exceed its maximum.
        with self.assertRaises(UserError):
            rule.snoozed_until = self.plan_date
        with self.assertRaises(ValidationError):
            rule.write({"product_min_qty": 50, "product_max_qty": 40})

    def _line_vals(self, plan, product, **values):
        vals = next(vals for vals in plan._prepare_line_vals() if vals["product_id"] == product.id)
        return dict(vals, **values)

    def test_bulk_lines_hold_what_odoo_computes(self):
        """The plan inserts its lines in one statement: their company, part class and proposal
        are those the fields compute."""
        Orderpoint = self.env["stock.warehouse.orderpoint"]
        Orderpoint.create({"product_id": self.standard_part.id, "location_id": self.stock_location.id,
                           "product_min_qty": 6, "product_max_qty": 12})
        plan = self._plan()
        self.assertEqual(set(plan.line_ids.mapped("proposal")), {"create", "keep", "stop"})
        fields_ = ["plan_id", "product_id", "demand_qty", "min_qty", "max_qty", "has_rule",
                   "current_active", "current_min_qty", "current_max_qty"]
        for line in plan.line_ids:
            computed = self.env["aftersales.reserve.plan.line"].new(
                {name: line._fields[name].convert_to_write(line[name], line) for name in fields_}
            )
            with self.subTest(part=line.product_id.name):
                self.assertEqual(
                    (line.company_id, line.part_class, line.proposal),
                    (computed.company_id, computed.part_class, computed.proposal),
                )

    def test_bulk_lines_make_the_orms_checks(self):
        """What the ORM would check on lines it creates is checked on the plan's bulk insert:
        access, company, constraints."""
        plan = self._plan()
        count = len(plan.line_ids)
        vals = self._line_vals(plan, self.wear_part)
        # access: a dealer cannot create lines
        with self.assertRaises(AccessError):
            plan.with_user(self.portal_a)._create_lines([dict(vals)])
        # company: another company's warehouse or part
        other = self.env["res.company"].create({"name": "Other Parts Company"})
        other_warehouse = self.env["stock.warehouse"].search([("company_id", "=", other.id)], limit=1)
        other_part = self.env["product.product"].create(
            {"name": "Other Company Belt", "type": "consu", "is_storable": True,
             "aftersales_part_class": "wear", "is_serviceable_part": True, "company_id": other.id}
        )
        with self.assertRaisesMessage(UserError, "belong to another company"):
            plan._create_lines([dict(vals, warehouse_id=other_warehouse.id,
                                     location_id=other_warehouse.lot_stock_id.id)])
        with self.assertRaisesMessage(UserError, "Other Company Belt"):
            plan._create_lines([dict(vals, product_id=other_part.id)])
        # constraints: the minimum above the maximum
        with self.assertRaises(ValidationError):
            plan._create_lines([dict(vals, min_qty=50.0, max_qty=40.0)])
        plan.invalidate_recordset(["line_ids"])
        self.assertEqual(len(plan.line_ids), count)
        # record rules: a line of a company the user may not work in
        user = new_test_user(self.env, login="as_plan_one_company",
                             groups="base.group_user,aftersales.group_aftersales_user")
        with self.assertRaises(AccessError):
            bulk_create(self.env["aftersales.reserve.plan.line"].with_user(user),
                        [dict(vals, company_id=other.id, proposal="create")])

    def test_line_results_need_write_access(self):
        plan = self._plan()
        line = self._line(plan, self.wear_part)
        with self.assertRaises(AccessError):
            plan.with_user(self.portal_a)._write_line_results([(line, "unchanged", None)])
        self.assertFalse(line.result)


@tagged("post_install", "-at_install", "aftersales_performance")
class TestReservePlanQueries(QueryCountMixin, AftersalesStockCommon):
    """What a plan costs beyond Odoo's own writes of the same reordering rules."""

    plan_date = date(2025, 7, 15)

    def _make_parts(self, count):
        parts = self.env["product.product"].create([
            {"name": f"Bulk part {count}-{i}", "type": "consu", "is_storable": True,
             "aftersales_part_class": "wear", "is_serviceable_part": True}
            for i in range(count)
        ])
        moves = self.env["stock.move"].create([
            {"name": "History", "product_id": part.id, "product_uom_qty": 3 + i % 5,
             "product_uom": part.uom_id.id, "location_id": self.stock_location.id,
             "location_dest_id": self.customer_location.id}
            for i, part in enumerate(parts)
        ])
        moves._action_confirm()
        for move in moves:
            move.quantity = move.product_uom_qty
        moves.picked = True
        moves._action_done()
        moves.write({"date": datetime(2025, 4, 5, 10)})
        moves.move_line_ids.write({"date": datetime(2025, 4, 5, 10)})
        return parts

    def _measure(self, n_parts):
        Orderpoint = self.env["stock.warehouse.orderpoint"]
        parts = self._make_parts(n_parts)
        counts = []
        for step in ("create", "update"):
            plan = self.env["aftersales.reserve.plan"].create(
                {"date": self.plan_date, "months": 6, "warehouse_ids": [Command.set(self.warehouse.ids)]}
            )
            plan.action_compute()
            lines = plan.line_ids.filtered(lambda line: line.product_id in parts)
            if step == "create":
                odoo = self._count_queries_undone(lambda: Orderpoint.create(
                    [line._prepare_orderpoint_vals() for line in lines]
                ))
            else:
                rules = Orderpoint.search([("product_id", "in", parts.ids)])
                by_part = {line.product_id: line for line in lines}
                odoo = self._count_queries_undone(lambda: [
                    rule.write({"product_min_qty": by_part[rule.product_id].min_qty,
                                "product_max_qty": by_part[rule.product_id].max_qty})
                    for rule in rules
                ])
            plan.unlink()
            plan = self.env["aftersales.reserve.plan"].create(
                {"date": self.plan_date, "months": 6, "warehouse_ids": [Command.set(self.warehouse.ids)]}
            )
            ours = self._count_queries(lambda: (plan.action_compute(), plan.action_apply()))
            counts.append((ours, odoo))
            rules = Orderpoint.search([("product_id", "in", parts.ids)])
            self.assertEqual(len(rules), n_parts)
            lines = plan.line_ids.filtered(lambda line: line.product_id in parts)
            self.assertEqual(set(lines.mapped("result")), {"created" if step == "create" else "updated"})
            self.assertEqual(sorted(rules.mapped("product_max_qty")), sorted(lines.mapped("max_qty")))
            # staff change every rule: the next plan updates them all
            rules.write({"product_min_qty": 0.0, "product_max_qty": 1000.0})
        return counts

    def test_queries_grow_only_with_odoos_own(self):
        """Computing and applying a plan, creating rules then updating them, costs the same
        number of queries beyond Odoo's own creation and update of the same rules for 2 parts as
        for 110 (more than the ORM's batches of 100): the plan reads with aggregates and writes
        its own lines in one statement each way."""
        self._measure(1)  # warm the registry caches
        few, many = self._measure(2), self._measure(110)
        for step, (ours_few, odoo_few), (ours_many, odoo_many) in zip(("create", "update"), few, many):
            with self.subTest(step=step):
                self.assertEqual(ours_many - odoo_many, ours_few - odoo_few)


@tagged("post_install", "-at_install")
class TestReservePlanSources(AftersalesRequestCommon, AftersalesStockCommon):
    """Issue 20, item 7: the plan's demand from service history, source by source.

    Part X (the engine module) in the company's main warehouse, over the 12 months before the
    plan's month (the plan is dated next month, so this month is the window's last):
    6 sold to dealer A four months ago, 2 used by a repair order three months ago, 4 replaced
    on an approved claim two months ago, 1 used by a field engineer last month.
    Not counted: a draft claim of 5, the van picking of the engineer's part (counted with the
    request) and the claim settling the visit (approved, counted with the request too).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse = cls.env["stock.warehouse"]._get_aftersales_main_warehouse(cls.env.company)
        stock = cls.warehouse.lot_stock_id
        cls.part_x = cls.module
        cls.plan_date = cls.today + relativedelta(months=1)
        month = cls.today.replace(day=10)

        def at(months_ago):
            return datetime.combine(month - relativedelta(months=months_ago), datetime.min.time())

        # 6 sold to dealer A (a delivery out of the warehouse).
        cls._done_move(cls.part_x, 6, stock, cls.customer_location, at(4))
        # 4 replaced on an approved claim of dealer B; a draft claim of 5 is no demand.
        claim = cls._create_claim(
            dealer=cls.dealer_b, lot=cls.lot_b, line_ids=cls._lines([(cls.part_x, 4.0)]),
            date=at(2).date(), failure_date=at(2).date() - timedelta(days=1),
        )
        claim.action_submit()
        claim.with_user(cls.as_manager).action_approve()
        cls._create_claim(line_ids=cls._lines([(cls.part_x, 5.0)]), failure_date=cls.today - timedelta(days=20))
        # 2 used by a repair order.
        cls._put_in_stock(cls.part_x, 2, stock)
        repair = cls.env["repair.order"].create({
            "picking_type_id": cls.warehouse.repair_type_id.id,
            "move_ids": [Command.create({
                "product_id": cls.part_x.id, "product_uom_qty": 2.0, "repair_line_type": "add",
            })],
        })
        repair.action_validate()
        repair.action_repair_start()
        repair.move_ids.quantity = 2.0
        repair.move_ids.picked = True
        repair.action_repair_end()
        repair.move_ids.write({"date": at(3)})
        # 1 used by a field engineer, settled under warranty: a van picking and a claim, approved.
        request = cls._create_request(
            user=cls.as_user, request_type="field_service", lot_id=cls.lot_a.id,
            engineer_id=cls.engineer.id, visit_start=cls.visit_start, hours_spent=1.0,
            part_line_ids=[Command.create({"product_id": cls.part_x.id, "quantity": 1.0})],
        ).with_env(cls.env)
        request.action_dispatch()
        request.action_settle()
        request.close_date = at(1)
        request.van_picking_id.move_ids.write({"date": at(1)})
        request.settlement_claim_id.action_submit()
        request.settlement_claim_id.with_user(cls.as_manager).action_approve()
        cls.request = request

    def _plan(self, **vals):
        plan = self.env["aftersales.reserve.plan"].create(dict({
            "date": self.plan_date, "months": 12, "coverage_months": 12.0,
            "default_lead_days": 30, "warehouse_ids": [Command.set(self.warehouse.ids)],
        }, **vals))
        plan.action_compute()
        return plan.line_ids.filtered(lambda line: line.product_id == self.part_x)

    def test_demand_by_source(self):
        """All sources: 6 + 4 + 2 + 1 = 13 over 12 months -> monthly demand 13/12 = 1.0833;
        monthly totals 6, 4, 2, 1 and eight zeros: variance 57/12 - (13/12)^2 = 3.5764,
        sd 1.8911. No vendor: 30 days = 1 month of lead time; safety 1.6449 x 1.8911 = 3.11;
        min 1.0833 + 3.11 = 4.19 -> 5; max 4.19 + 1.0833 = 5.28 -> 6 (cap 12 x 1.0833 = 13)."""
        # the visit's part was booked out of the warehouse and credited on its claim
        self.assertEqual(self.request.settlement_claim_id.state, "settled")
        self.assertEqual(self.request.van_picking_id.move_ids.location_id.warehouse_id, self.warehouse)
        line = self._plan()
        self.assertEqual(
            (line.delivery_qty, line.claim_qty, line.repair_qty, line.request_qty, line.demand_qty),
            (6, 4, 2, 1, 13),
        )
        self.assertAlmostEqual(line.monthly_demand, 13 / 12)
        self.assertAlmostEqual(line.demand_std, (57 / 12 - (13 / 12) ** 2) ** 0.5)
        self.assertEqual((line.safety_qty, line.min_qty, line.max_qty), (4, 5, 6))

    def test_switching_sources_off(self):
        """Deliveries off: 4 + 2 + 1 = 7 -> 7/12 = 0.5833 a month; totals 4, 2, 1: variance
        21/12 - (7/12)^2 = 1.4097, sd 1.1873; safety 1.6449 x 1.1873 = 1.95; min 0.58 + 1.95 =
        2.54 -> 3; max 2.54 + 0.58 = 3.12 -> 4. Only claims: 4. Only repairs and requests: 3."""
        line = self._plan(is_from_deliveries=False)
        self.assertEqual(
            (line.delivery_qty, line.claim_qty, line.repair_qty, line.request_qty, line.demand_qty),
            (0, 4, 2, 1, 7),
        )
        self.assertAlmostEqual(line.monthly_demand, 7 / 12)
        self.assertAlmostEqual(line.demand_std, (21 / 12 - (7 / 12) ** 2) ** 0.5)
        self.assertEqual((line.min_qty, line.max_qty), (3, 4))
        line = self._plan(is_from_deliveries=False, is_from_repairs=False, is_from_requests=False)
        self.assertEqual((line.claim_qty, line.demand_qty), (4, 4))
        line = self._plan(is_from_deliveries=False, is_from_claims=False)
        self.assertEqual((line.repair_qty, line.request_qty, line.demand_qty), (2, 1, 3))
        with self.assertRaisesMessage(ValidationError, "at least one source of demand"):
            self._plan(is_from_deliveries=False, is_from_claims=False, is_from_repairs=False,
                       is_from_requests=False)
