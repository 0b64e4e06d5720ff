from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common_claim import AftersalesClaimCommon
from .test_product_archive import _load_migration


@tagged("post_install", "-at_install")
class TestSatisfaction(AftersalesClaimCommon):
    """Satisfaction call-backs, the satisfaction formula and the cost of satisfaction on
    hand-checked numbers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({
            "satisfaction_weight": 0.8,
            "satisfaction_min_answers": 5,
            "callback_delay_days": 3,
            "callback_user_id": False,
            "callback_duration": 0.25,
        })
        cls.category = cls.env["product.category"].create({"name": "Test Machines"})
        cls.machine.categ_id = cls.category
        cls.Callback = cls.env["aftersales.callback"]
        # no outbound agents: the fallbacks (Settings' agent, then the reviewer) are tested here,
        # the agents' turn in test_callback_agents.py
        cls.env["aftersales.team"].search([]).outbound_agent_ids = False

    def _settle_claim(self, **values):
        claim = self._create_claim(reviewer_id=self.as_user.id, **values)
        claim.with_user(self.as_user).action_submit()
        claim.with_user(self.as_user).action_approve()
        self.assertEqual(claim.state, "settled")
        return claim

    def _answer(self, lot, product_score, service_score, **values):
        callback = self.Callback.create({
            "lot_id": lot.id,
            "product_quality_score": product_score,
            "service_quality_score": service_score,
            **values,
        })
        callback.action_done()
        return callback

    # ------------------------------------------------------------ call-backs
    def test_settlement_schedules_one_callback(self):
        claim = self._settle_claim()
        callback = claim.callback_ids
        self.assertEqual(len(callback), 1)
        self.assertEqual(claim.callback_count, 1)
        self.assertRecordValues(callback, [{
            "state": "planned",
            "end_user_id": self.end_user_a.id,
            "dealer_id": self.dealer_a.id,
            "lot_id": self.lot_a.id,
            "product_id": self.machine.id,
            "user_id": self.as_user.id,
            "due_date": self.today + timedelta(days=3),
        }])
        activity = callback.activity_ids
        self.assertEqual(
            activity.activity_type_id,
            self.env.ref("aftersales.mail_activity_type_satisfaction_callback"),
        )
        self.assertEqual(activity.user_id, self.as_user)
        self.assertEqual(activity.date_deadline, self.today + timedelta(days=3))
        # settling again, or any later write of the state, schedules nothing more
        claim._schedule_satisfaction_callbacks()
        claim.write({"state": "settled"})
        self.assertEqual(self.Callback.search_count([("claim_id", "=", claim.id)]), 1)
        # a second call-back for the same claim is refused, nothing written
        with self.assertRaisesMessage(ValidationError, "already has a satisfaction call-back"):
            self.Callback.create({"claim_id": claim.id, "end_user_id": self.end_user_a.id})
        self.assertEqual(self.Callback.search_count([("claim_id", "=", claim.id)]), 1)
        # the agent of the settings wins over the reviewer
        self.company.callback_user_id = self.as_manager
        other = self._settle_claim(lot_id=self.lot_b.id, dealer_id=self.dealer_b.id)
        self.assertEqual(other.callback_ids.user_id, self.as_manager)

    def test_callbacks_of_a_batch_of_claims(self):
        """Claims approved together get one call-back each, each with its own activity for
        the reviewer who approved them."""
        claims = self._create_claim() | self._create_claim(
            lot_id=self.lot_b.id, dealer_id=self.dealer_b.id)
        claims.with_user(self.as_user).action_submit()
        claims.with_user(self.as_user).action_approve()
        self.assertEqual(claims.mapped("state"), ["settled", "settled"])
        for claim, end_user in zip(claims, (self.end_user_a, self.end_user_b)):
            activity = claim.callback_ids.activity_ids
            self.assertRecordValues(activity, [{
                "activity_type_id": self.env.ref(
                    "aftersales.mail_activity_type_satisfaction_callback").id,
                "user_id": self.as_user.id,
                "date_deadline": self.today + timedelta(days=3),
                "automated": True,
            }])
            self.assertIn(end_user.name, str(activity.note))
            self.assertIn(self.as_user.partner_id, claim.callback_ids.message_partner_ids)

    def test_settled_on_receipt_by_a_storekeeper(self):
        """The storekeeper receiving the returned parts settles the claim without any right on
        call-backs: the call-back is scheduled all the same, for the reviewer."""
        self.company.claim_credit_trigger = "receipt"
        claim = self._create_claim(
            reviewer_id=self.as_user.id, line_ids=self._lines([(self.module, 1.0)], hours=1.0)
        )
        claim.with_user(self.as_user).action_submit()
        claim.with_user(self.as_user).action_approve()
        self.assertEqual(claim.state, "approved")
        self.assertFalse(claim.callback_ids)
        storekeeper = new_test_user(self.env, login="storekeeper_sat", groups="stock.group_stock_user")
        picking = claim.return_picking_ids.with_user(storekeeper)
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(claim.state, "settled")
        self.assertEqual(len(claim.callback_ids), 1)
        self.assertEqual(claim.callback_ids.activity_ids.user_id, self.as_user)

    def test_unsettled_claims_get_no_callback(self):
        claim = self._create_claim()
        claim.action_submit()
        self.assertFalse(claim.callback_ids)
        claim._action_reject("Not covered")
        self.assertFalse(claim.callback_ids)

    def test_record_answer(self):
        claim = self._settle_claim()
        callback = claim.callback_ids.with_user(self.as_user)
        callback.write({"product_quality_score": 5, "service_quality_score": 3, "comment": "Fine"})
        callback.action_done()
        self.assertEqual(callback.state, "done")
        self.assertFalse(callback.activity_ids)
        # 0.25 h of hotline at the published labour rate of 45
        self.assertAlmostEqual(callback.service_cost, 11.25)
        with self.assertRaisesMessage(UserError, "cannot be recorded \\(again\\)"):
            callback.action_done()
        planned = self.Callback.create({"lot_id": self.lot_b.id, "user_id": self.as_user.id})
        with self.assertRaisesMessage(ValidationError, "record both the product-quality"):
            planned.action_done()
        self.assertEqual(planned.state, "planned")
        planned.action_unreachable()
        self.assertEqual(planned.state, "unreachable")
        planned.action_reset()
        self.assertEqual(planned.state, "planned")
        self.assertTrue(planned.activity_ids)

    # -------------------------------------------------------------- formulas
    def test_satisfaction_default_weight_and_category_override(self):
        self.assertEqual(self.env["res.company"].create({"name": "New Co"}).satisfaction_weight, 0.8)
        callback = self.Callback.create(
            {"lot_id": self.lot_a.id, "product_quality_score": 5, "service_quality_score": 3}
        )
        # 5 x 0.8 + 3 x 0.2
        self.assertAlmostEqual(callback.satisfaction, 4.6)
        self.category.write({"has_satisfaction_weight": True, "satisfaction_weight": 0.5})
        # 5 x 0.5 + 3 x 0.5
        self.assertAlmostEqual(callback.satisfaction, 4.0)
        callback.action_done()
        self.env.flush_all()
        rows = self.env["aftersales.satisfaction.report"].search([("product_id", "=", self.machine.id)])
        self.assertRecordValues(rows, [{
            "answer_count": 1, "weight": 0.5, "satisfaction": 4.0, "product_score": 5.0,
            "service_score": 3.0,
        }])

    def test_index_stored_and_summed_by_both_views(self):
        """The index is stored on each call-back and both analysis views sum it. Product quality
        weighs 0.6 in the category: dealer A's answers (5, 3) and (4, 1) give 5 x 0.6 + 3 x 0.4 =
        4.2 and 4 x 0.6 + 1 x 0.4 = 2.8, dealer B's (2, 4) gives 2 x 0.6 + 4 x 0.4 = 2.8."""
        self.category.write({"has_satisfaction_weight": True, "satisfaction_weight": 0.6})
        first = self._answer(self.lot_a, 5, 3)
        second = self._answer(self.lot_a, 4, 1)
        third = self._answer(self.lot_b, 2, 4)
        callbacks = first | second | third
        self.assertEqual(callbacks.mapped("satisfaction_weight"), [0.6] * 3)
        self.assertEqual(callbacks.mapped("satisfaction"), [4.2, 2.8, 2.8])
        self.env.flush_all()
        Satisfaction = self.env["aftersales.satisfaction.report"]
        product = [("product_id", "=", self.machine.id)]
        self.assertRecordValues(Satisfaction.search(product, order="dealer_id"), [
            {"dealer_id": self.dealer_a.id, "answer_count": 2, "product_score": 4.5,
             "service_score": 2.0, "weight": 0.6, "satisfaction": 3.5, "satisfaction_total": 7.0},
            {"dealer_id": self.dealer_b.id, "answer_count": 1, "product_score": 2.0,
             "service_score": 4.0, "weight": 0.6, "satisfaction": 2.8, "satisfaction_total": 2.8},
        ])
        # the product over both dealers: a mean over the 3 answers, (4.2 + 2.8 + 2.8) / 3
        [(answers, product_score, service_score, weight, satisfaction)] = Satisfaction._read_group(
            product, [], ["answer_count:sum", "product_score:avg", "service_score:avg",
                          "weight:avg", "satisfaction:avg"],
        )
        self.assertEqual(answers, 3)
        self.assertAlmostEqual(product_score, 11 / 3)
        self.assertAlmostEqual(service_score, 8 / 3)
        self.assertAlmostEqual(weight, 0.6)
        self.assertAlmostEqual(satisfaction, 9.8 / 3)
        Cost = self.env["aftersales.cost.report"]
        this_month = product + [("month", "=", self.today.replace(day=1))]
        [(answers, total, satisfaction)] = Cost._read_group(
            this_month, [], ["answer_count:sum", "satisfaction_total:sum", "satisfaction:avg"]
        )
        self.assertEqual(answers, 3)
        self.assertAlmostEqual(total, 9.8)
        self.assertAlmostEqual(satisfaction, 9.8 / 3)
        # the category falls back on the company's 0.8: 4.6, 3.4 and 2.4, stored again at once
        self.category.has_satisfaction_weight = False
        self.assertEqual(callbacks.mapped("satisfaction"), [4.6, 3.4, 2.4])
        self.env.flush_all()
        self.assertAlmostEqual(
            Satisfaction._read_group(product, [], ["satisfaction:avg"])[0][0], 10.4 / 3
        )
        self.assertAlmostEqual(Cost._read_group(this_month, [], ["satisfaction:avg"])[0][0], 10.4 / 3)

    def test_migration_stores_the_index(self):
        """Call-backs answered before the index was stored get it from 18.0.1.4.0's migration:
        5 x 0.8 + 3 x 0.2 = 4.6 and 2 x 0.8 + 4 x 0.2 = 2.4."""
        callbacks = self._answer(self.lot_a, 5, 3) | self._answer(self.lot_b, 2, 4)
        self.env.flush_all()
        # what a database of 18.0.1.3.0 holds: the columns, empty
        self.env.cr.execute(
            "UPDATE aftersales_callback SET satisfaction = NULL, satisfaction_weight = NULL "
            "WHERE id IN %s", [tuple(callbacks.ids)],
        )
        self.env.invalidate_all()
        Satisfaction = self.env["aftersales.satisfaction.report"]
        product = [("product_id", "=", self.machine.id)]
        self.assertFalse(Satisfaction._read_group(product, [], ["satisfaction:avg"])[0][0])
        _load_migration("18.0.1.4.0").recompute_satisfaction(self.env)
        self.env.invalidate_all()
        self.assertEqual(callbacks.mapped("satisfaction_weight"), [0.8, 0.8])
        self.assertEqual(callbacks.mapped("satisfaction"), [4.6, 2.4])
        self.assertAlmostEqual(Satisfaction._read_group(product, [], ["satisfaction:avg"])[0][0], 3.5)
        [(total,)] = self.env["aftersales.cost.report"]._read_group(
            product + [("month", "=", self.today.replace(day=1))], [], ["satisfaction_total:sum"]
        )
        self.assertAlmostEqual(total, 7.0)

    def test_cost_formulas(self):
        """Routine = routine entered (100): the claim's fees and its call-back served a failed
        machine. Model: 100 x 1.5 = 150, beside the measured claim fees at the fee schedule
        (2 h x 45 = 90) + the call-back after the claim (0.25 h x 45 = 11.25) = 101.25, factor
        101.25 / 100 = 1.0125; service quality 100 + 150 = 250; + conforming 500 = 750 for 2
        machines in the field = 375 a machine; the approved 130 is the warranty cost."""
        self.machine.service_cost_factor = 1.5
        claim = self._settle_claim()
        self.assertAlmostEqual(claim.amount_approved, 130.0)
        claim.callback_ids.write({"product_quality_score": 4, "service_quality_score": 5})
        claim.callback_ids.action_done()
        month = self.today.replace(day=1)
        Cost = self.env["aftersales.service.cost"]
        Cost.create([
            {"product_id": self.machine.id, "period_date": self.today, "cost_type": "conforming",
             "amount": 500.0},
            {"product_id": self.machine.id, "period_date": self.today, "cost_type": "routine",
             "amount": 100.0},
        ])
        self.assertEqual(Cost.search([("product_id", "=", self.machine.id)]).mapped("period_date"), [month] * 2)
        self.env.flush_all()
        Report = self.env["aftersales.cost.report"]
        row = Report.search([("product_id", "=", self.machine.id), ("month", "=", month)])
        self.assertEqual(len(row), 1)
        expected = {
            "machine_count": 2, "claim_count": 1, "claim_rate": 50.0, "answer_count": 1,
            "satisfaction": 4.2, "routine_cost": 100.0, "cost_factor": 1.5,
            "nonconforming_cost": 150.0, "measured_nonconforming_cost": 101.25,
            "warranty_cost": 130.0, "service_quality_cost": 250.0,
            "conforming_cost": 500.0, "satisfaction_cost": 750.0, "cost_per_machine": 375.0,
        }
        for fname, value in expected.items():
            self.assertAlmostEqual(row[fname], value, places=2, msg=fname)
        self.assertAlmostEqual(row.actual_factor, 1.0125, places=4)
        # over all months: ratios of the totals, the fleet averaged over the months
        [(machines, model, actual, per_machine)] = Report._read_group(
            [("product_id", "=", self.machine.id)], [],
            ["machine_count:sum", "cost_factor:avg", "actual_factor:avg", "cost_per_machine:avg"],
        )
        months = Report.search_count([("product_id", "=", self.machine.id)])
        self.assertAlmostEqual(model, 1.5)
        self.assertAlmostEqual(actual, 1.0125, places=4)
        fleet = sum(Report.search([("product_id", "=", self.machine.id)]).mapped("machine_count")) / months
        self.assertEqual(machines, round(fleet))
        self.assertAlmostEqual(per_machine, 750.0 / fleet, places=2)

    def test_too_few_answers(self):
        self.company.satisfaction_min_answers = 2
        self._answer(self.lot_a, 4, 4)
        template = self.machine.product_tmpl_id.with_user(self.as_user)
        self.assertTrue(template.overview_is_too_few_answers)
        self.assertEqual(template.overview_answer_count, 1)
        self._answer(self.lot_b, 2, 4)
        self.env.flush_all()
        template.invalidate_recordset()
        self.assertFalse(template.overview_is_too_few_answers)
        self.assertEqual(template.overview_answer_count, 2)
        # (4 x 0.8 + 4 x 0.2 + 2 x 0.8 + 4 x 0.2) / 2
        self.assertAlmostEqual(template.overview_satisfaction, 3.2)
        # per dealer, one answer each: both figures say they rest on too few answers
        rows = self.env["aftersales.satisfaction.report"].search([("product_id", "=", self.machine.id)])
        self.assertEqual(rows.mapped("dealer_id"), self.dealer_a | self.dealer_b)
        self.assertEqual(rows.mapped("is_too_few_answers"), [True, True])
        [(answers, satisfaction)] = self.env["aftersales.satisfaction.report"]._read_group(
            [("product_id", "=", self.machine.id)], [], ["answer_count:sum", "satisfaction:avg"]
        )
        self.assertEqual(answers, 2)
        self.assertAlmostEqual(satisfaction, 3.2)

    def test_monthly_report(self):
        self._settle_claim()
        self._answer(self.lot_b, 3, 5)
        wizard = self.env["aftersales.cost.report.print"].with_user(self.as_user).create(
            {"month": self.today}
        )
        data = wizard._get_report_data()
        row = next(r for r in data["products"] if r["product"] == self.machine)
        self.assertEqual(row["claim_count"], 1)
        # the call-back on SN-B-1 follows no claim: routine; the claim's 2 h x 45 is measured
        self.assertAlmostEqual(row["routine_cost"], 11.25)
        self.assertAlmostEqual(row["measured_nonconforming_cost"], 90.0)
        dealer_row = next(r for r in data["dealers"] if r["dealer"] == self.dealer_b)
        self.assertAlmostEqual(dealer_row["satisfaction"], 3.4)
        html = self.env["ir.actions.report"]._render_qweb_html(
            "aftersales.action_report_aftersales_management", wizard.ids
        )[0].decode()
        self.assertIn(self.machine.name, html)
        self.assertIn("Dealer B", html)

    # ------------------------------------------------------------- bad input
    def test_bad_input_is_refused(self):
        with self.assertRaisesMessage(ValidationError, "weight w must lie between 0 and 1"):
            self.company.satisfaction_weight = 1.2
        self.assertEqual(self.company.satisfaction_weight, 0.8)
        with self.assertRaisesMessage(ValidationError, "Test Machines.*between 0 and 1"):
            self.category.write({"has_satisfaction_weight": True, "satisfaction_weight": -0.1})
        self.assertFalse(self.category.has_satisfaction_weight)
        with self.assertRaisesMessage(ValidationError, "product quality score must lie between 1 and 5, not 6"):
            self.Callback.create(
                {"lot_id": self.lot_a.id, "product_quality_score": 6, "service_quality_score": 3}
            )
        callback = self.Callback.create({"lot_id": self.lot_a.id})
        with self.assertRaisesMessage(ValidationError, "service quality score must lie between 1 and 5"):
            callback.write({"product_quality_score": 4, "service_quality_score": -1})
        self.assertFalse(callback.product_quality_score)
        with self.assertRaisesMessage(ValidationError, "amplification factor cannot be negative"):
            self.machine.service_cost_factor = -0.5
        self.assertEqual(self.machine.service_cost_factor, 1.0)
        with self.assertRaisesMessage(ValidationError, "cannot be negative"):
            self.env["aftersales.service.cost"].create(
                {"product_id": self.machine.id, "amount": -10.0}
            )
        with self.assertRaisesMessage(ValidationError, "is not a finished product"):
            self.env["aftersales.service.cost"].create({"product_id": self.part.id, "amount": 10.0})
        self.assertFalse(self.env["aftersales.service.cost"].search([("product_id", "in", (self.machine | self.part).ids)]))

    # ---------------------------------------------------------------- access
    def test_access(self):
        self._settle_claim()
        self._answer(self.lot_a, 4, 5)  # the satisfaction report lists answered call-backs
        self.env["aftersales.service.cost"].create({"product_id": self.machine.id, "amount": 10.0})
        self.env.flush_all()
        for model in ("aftersales.satisfaction.report", "aftersales.cost.report",
                      "aftersales.callback", "aftersales.service.cost"):
            self.assertTrue(self.env[model].with_user(self.as_user).search_count([]), model)
            self.env[model].with_user(self.as_manager).search_count([])
            with self.assertRaises(AccessError, msg=model):
                self.env[model].with_user(self.portal_a).search_count([])
        with self.assertRaises(AccessError):
            self.env["aftersales.service.cost"].with_user(self.as_user).create(
                {"product_id": self.machine.id, "amount": 1.0}
            )
        self.env["aftersales.service.cost"].with_user(self.as_manager).create(
            {"product_id": self.machine.id, "amount": 1.0}
        )
        # a user without the after-sales group sees no figure in the overview
        employee = self.env["res.users"].create({
            "name": "Employee", "login": "employee_sat",
            "groups_id": [fields.Command.set(self.env.ref("base.group_user").ids)],
        })
        template = self.machine.product_tmpl_id.with_user(employee)
        self.assertEqual(template.overview_machine_count, 0)


@tagged("post_install", "-at_install", "aftersales_performance")
class TestSatisfactionPerformance(AftersalesClaimCommon):
    """How the satisfaction figures' queries grow with the data."""

    def test_overview_reads_in_constant_queries(self):
        self.env["product.template"].create([
            {"name": f"Another machine {i}", "aftersales_part_class": "finished"} for i in range(3)
        ])
        templates = self.env["product.template"].search([("aftersales_part_class", "=", "finished")])
        counts = []
        for products in (templates[:1], templates[:1], templates):  # the first warms up
            self.env.flush_all()
            self.env.invalidate_all()
            queries = self.env.cr.sql_log_count
            products.mapped("overview_satisfaction")
            counts.append(self.env.cr.sql_log_count - queries)
        self.assertGreater(len(templates), 1)
        self.assertEqual(counts[1], counts[2], "one grouped query for all products")

    def test_weight_change_restores_the_index_in_constant_queries(self):
        """A new weight recomputes the stored index of every call-back of the category in the
        same queries for 2 call-backs as for 10."""
        category = self.env["product.category"].create({"name": "Perf Machines"})
        self.machine.categ_id = category
        Callback = self.env["aftersales.callback"]
        counts = []
        for weight, added in ((0.5, 2), (0.6, 0), (0.7, 8)):  # the first warms up
            Callback.create([
                {"lot_id": self.lot_a.id, "product_quality_score": 5, "service_quality_score": 1}
            ] * added)
            self.env.flush_all()
            self.env.invalidate_all()
            queries = self.env.cr.sql_log_count
            category.write({"has_satisfaction_weight": True, "satisfaction_weight": weight})
            self.env.flush_all()
            counts.append(self.env.cr.sql_log_count - queries)
        callbacks = Callback.search([("product_id", "=", self.machine.id)])
        self.assertEqual(len(callbacks), 10)
        self.assertEqual(callbacks.mapped("satisfaction"), [5 * 0.7 + 1 * 0.3] * 10)
        self.assertEqual(counts[1], counts[2], "the index of all call-backs in one batch")
