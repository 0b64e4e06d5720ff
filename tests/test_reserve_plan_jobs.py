import math
from contextlib import closing
from datetime import date

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import html2plaintext

from .common import run_one_batch_killed
from .stock_common import AftersalesStockCommon

# What a line holds once computed, compared between a plan made in batches and one made at once.
LINE_FIELDS = [
    "product_id", "warehouse_id", "location_id", "part_class", "demand_qty", "delivery_qty",
    "claim_qty", "repair_qty", "request_qty", "monthly_demand", "demand_std", "vendor_id",
    "lead_days", "lead_source", "qty_on_hand", "safety_qty", "min_qty", "max_qty", "cap_qty",
    "is_cap_raised", "is_safety_capped", "is_capped", "is_above_cap", "orderpoint_id", "has_rule",
    "current_min_qty", "current_max_qty", "current_active", "proposal", "note",
]


@tagged("post_install", "-at_install")
class TestReservePlanJobs(AftersalesStockCommon):
    """A reserve plan of more parts than a batch is computed by the background jobs, a batch of
    parts per transaction, and applied a batch of lines per transaction: the lines and the
    reordering rules are those of the same plan made at once, and a batch stopped mid-way and
    run again creates no rule twice."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Job = cls.env["aftersales.job"]
        cls.plan_date = date(2025, 7, 15)  # window of 6 months: January to June 2025
        cls.planner = new_test_user(
            cls.env, login="as_reserve_planner",
            groups="base.group_user,aftersales.group_aftersales_user,stock.group_stock_manager",
        )
        cls.warehouse_2 = cls.env["stock.warehouse"].create({"name": "Test Parts Depot 2", "code": "TP2"})
        cls.stock_2 = cls.warehouse_2.lot_stock_id
        cls.filters = cls.env["product.product"].create([
            {"name": f"Test Filter {n}", "default_code": f"T-W-FLT{n}", "type": "consu",
             "is_storable": True, "aftersales_part_class": "wear", "is_serviceable_part": True}
            for n in range(1, 5)
        ])
        cls.env["product.supplierinfo"].create([
            {"partner_id": cls.vendor.id, "product_tmpl_id": part.product_tmpl_id.id, "delay": delay}
            for part, delay in zip(cls.wear_part | cls.filters[:3], (15, 10, 20, 45))
        ])
        cls.env.company.aftersales_default_lead_days = 30
        sold = [
            (cls.wear_part, cls.stock_location, [(1, 10), (2, 30), (3, 10), (5, 30)]),
            (cls.standard_part, cls.stock_location, [(1, 6), (3, 6), (6, 6)]),
            (cls.filters[0], cls.stock_location, [(2, 4), (4, 8)]),
            (cls.filters[0], cls.stock_2, [(1, 2), (6, 12)]),
            (cls.filters[1], cls.stock_2, [(3, 5)]),
            (cls.filters[2], cls.stock_location, [(1, 1), (2, 1), (3, 1), (4, 1), (5, 1), (6, 1)]),
            (cls.filters[3], cls.stock_2, [(2, 20), (5, 3)]),
        ]
        for part, location, months in sold:
            for month, quantity in months:
                cls._done_move(part, quantity, location, cls.customer_location, date(2025, month, 10))
        # stocked without demand: a candidate to stop stocking
        cls._put_in_stock(cls.module_part, 4)
        Orderpoint = cls.env["stock.warehouse.orderpoint"]
        # a rule set by hand, updated by the plan; an archived one, reactivated
        Orderpoint.create({"product_id": cls.standard_part.id, "location_id": cls.stock_location.id,
                           "product_min_qty": 0, "product_max_qty": 1000})
        Orderpoint.create({"product_id": cls.filters[0].id, "location_id": cls.stock_2.id,
                           "product_min_qty": 1, "product_max_qty": 2, "active": False})
        cls.parts = cls.wear_part | cls.standard_part | cls.module_part | cls.filters
        cls.locations = cls.stock_location | cls.stock_2

    # ------------------------------------------------------------------ helpers

    def _set_batch_size(self, size):
        self.env["ir.config_parameter"].sudo().set_param("aftersales.job_batch_size", size)

    def _new_plan(self):
        form = Form(self.env["aftersales.reserve.plan"].with_user(self.planner))
        form.date = self.plan_date
        form.months = 6
        form.warehouse_ids.clear()
        form.warehouse_ids.add(self.warehouse)
        form.warehouse_ids.add(self.warehouse_2)
        return form.save()

    def _jobs(self, plan):
        return self.Job.search([("res_model", "=", plan._name), ("res_id", "=", plan.id)])

    def _job_of(self, action):
        self.assertEqual(action["params"]["next"]["res_model"], "aftersales.job")
        return self.Job.browse(action["params"]["next"]["res_id"])

    def _plan_at_once(self):
        """The same plan computed at once (a batch larger than the plan)."""
        self._set_batch_size(100_000)
        plan = self._new_plan()
        self.assertIs(plan.action_compute(), True)
        self.assertFalse(self._jobs(plan))
        return plan

    def _plan_in_batches(self, size=3):
        self._set_batch_size(size)
        plan = self._new_plan()
        job = self._job_of(plan.action_compute())
        self.Job._run_pending()
        self.assertEqual(job.state, "done")
        return plan

    def _lines(self, plan):
        rows = plan.line_ids.read(LINE_FIELDS, load=None)
        return sorted(
            ({key: value for key, value in row.items() if key != "id"} for row in rows),
            key=lambda row: (row["product_id"], row["warehouse_id"]),
        )

    def _results(self, plan):
        return sorted((line.product_id.id, line.warehouse_id.id, line.result) for line in plan.line_ids)

    def _rules(self):
        """The reordering rules of the test parts in the plan's warehouses; fails when a part
        has two in one location."""
        rules = self.env["stock.warehouse.orderpoint"].with_context(active_test=False).search(
            [("product_id", "in", self.parts.ids), ("location_id", "in", self.locations.ids)]
        )
        keys = [(rule.product_id.id, rule.location_id.id) for rule in rules]
        self.assertEqual(len(keys), len(set(keys)), "a part has two reordering rules in one location")
        return sorted(
            (rule.product_id.id, rule.location_id.id, rule.product_min_qty, rule.product_max_qty,
             rule.trigger, rule.active)
            for rule in rules
        )

    def _apply_at_once_undone(self, plan):
        """Apply ``plan`` at once and undo it: the rules, line results and summary it gives."""
        self._set_batch_size(100_000)
        with closing(self.env.cr.savepoint()):
            self.assertIs(plan.action_apply(), True)
            self.assertFalse(self._jobs(plan))
            self.assertEqual(plan.state, "applied")
            summary = plan.message_ids.filtered(lambda m: "Applied:" in m.body)
            self.assertEqual(len(summary), 1)
            return self._rules(), self._results(plan), html2plaintext(summary.body)

    # ------------------------------------------------------------------ tests

    def test_compute_in_the_background_makes_the_lines_of_a_plan_at_once(self):
        self._set_batch_size(3)
        plan = self._new_plan()
        parts = plan._get_parts()
        self.assertGreater(len(parts), 3)
        job = self._job_of(plan.action_compute())
        self.assertRecordValues(job, [{
            "state": "queued", "unit_model": "product.product", "unit_count": len(parts),
            "res_model": "aftersales.reserve.plan", "res_id": plan.id, "user_id": self.planner.id,
        }])
        self.assertEqual(len(job.batch_ids), math.ceil(len(parts) / 3))
        plan.invalidate_recordset()  # the form reads the job again when it reloads
        self.assertRecordValues(plan, [{"is_aftersales_job_running": True, "aftersales_job_state": "queued",
                                        "line_count": 0, "state": "draft"}])
        # every button refuses while the job runs
        for button in (plan.action_compute, plan.action_apply, plan.action_cancel):
            with self.assertRaisesRegex(UserError, "is running in the background"):
                button()
        with self.assertRaisesRegex(UserError, "is running in the background"):
            plan.sudo().unlink()
        # one lane's turn: the lines of the first batch's parts, committed on their own
        self.env["aftersales.job.batch"].sudo()._lock_next()._run()
        plan.invalidate_recordset()
        form = Form(plan)
        self.assertEqual(form.aftersales_job_state, "running")
        self.assertEqual((form.aftersales_job_done, form.aftersales_job_remaining), (3, len(parts) - 3))
        self.assertAlmostEqual(form.aftersales_job_progress, 300.0 / len(parts))
        self.Job._run_pending()
        plan.invalidate_recordset()
        self.assertRecordValues(plan, [{"is_aftersales_job_running": False, "aftersales_job_state": "done",
                                        "state": "draft"}])
        self.assertIn(f"{plan.name} computed: {plan.line_count} lines for {len(parts)} parts; "
                      f"{plan.create_count} new rules, 2 rules to update", job.summary)
        self.assertTrue(plan.message_ids.filtered(lambda m: f"{plan.name} computed:" in m.body))
        at_once = self._plan_at_once()
        self.assertEqual(self._lines(plan), self._lines(at_once))
        self.assertEqual(set(plan.line_ids.mapped("proposal")), {"create", "update", "stop"})
        self.assertEqual(plan.line_ids.warehouse_id, self.warehouse | self.warehouse_2)

    def test_apply_in_the_background_writes_the_rules_of_an_apply_at_once(self):
        plan = self._plan_in_batches()
        at_once = self._plan_at_once()
        rules, results, summary = self._apply_at_once_undone(at_once)
        self.assertEqual(len(rules), 7)  # a rule per line with demand, the archived one active again
        self._set_batch_size(3)
        job = self._job_of(plan.action_apply())
        lines = plan.line_ids
        self.assertRecordValues(job, [{"unit_model": "aftersales.reserve.plan.line",
                                       "unit_count": len(lines), "state": "queued"}])
        self.assertEqual(len(job.batch_ids), math.ceil(len(lines) / 3))
        with self.assertRaisesRegex(UserError, "is running in the background"):
            plan.action_apply()
        self.Job._run_pending()
        plan.invalidate_recordset()
        self.assertRecordValues(plan, [{"state": "applied", "applied_uid": self.planner.id,
                                        "aftersales_job_state": "done"}])
        self.assertEqual(self._rules(), rules)
        self.assertEqual(self._results(plan), results)
        # the counts summed over the batches, said as the apply at once says them
        self.assertEqual(summary, "Applied: 5 reordering rules created, 2 updated, 0 already up to "
                                  "date; 1 parts without demand got no rule.")
        self.assertEqual(job.result, {"created": 5, "updated": 2, "unchanged": 0, "stop": 1})
        self.assertIn(summary, job.summary)
        self.assertTrue(plan.message_ids.filtered(lambda m: summary in html2plaintext(m.body)))

    def test_stopped_apply_resumes_without_a_rule_twice(self):
        plan = self._plan_in_batches()
        rules, results, _summary = self._apply_at_once_undone(self._plan_at_once())
        self._set_batch_size(3)
        job = self._job_of(plan.action_apply())
        Batch = self.env["aftersales.job.batch"].sudo()
        first = Batch._lock_next()
        first._run()
        first_rules = self._rules()
        run_one_batch_killed(self)
        self.assertEqual(self._rules(), first_rules)  # what the stopped batch created is gone
        plan.invalidate_recordset()
        self.assertRecordValues(plan, [{"state": "draft", "aftersales_job_state": "running",
                                        "aftersales_job_done": 3}])
        # the next run takes the stopped batch again, and the rest
        self.Job._run_pending()
        self.assertEqual(job.state, "done")
        self.assertEqual(plan.state, "applied")
        self.assertEqual(self._rules(), rules)
        self.assertEqual(self._results(plan), results)
        # a batch run a second time finds the rules it created: nothing is created or written
        lines = plan.line_ids.browse(first.unit_ids)
        stop = len(lines.filtered(lambda line: line.proposal == "stop"))
        self.assertEqual(plan._apply_lines(lines),
                         {"created": 0, "updated": 0, "unchanged": len(lines) - stop, "stop": stop})
        self.assertEqual(self._rules(), rules)

    def test_stopped_compute_resumes_with_the_lines_of_a_plan_at_once(self):
        self._set_batch_size(3)
        plan = self._new_plan()
        job = self._job_of(plan.action_compute())
        # the test parts' batches: one done, the next stopped mid-way
        ours = job.batch_ids.filtered(lambda batch: set(batch.unit_ids) & set(self.parts.ids))
        for batch in job.batch_ids:
            batch._run()
            if batch == ours[0]:
                break
        self.assertIn(run_one_batch_killed(self), ours)
        self.Job._run_pending()
        self.assertEqual(job.state, "done")
        at_once = self._plan_at_once()
        self.assertEqual(self._lines(plan), self._lines(at_once))
        # a batch run a second time replaces its lines: none twice
        products = self.env["product.product"].browse(ours[0].unit_ids)
        count = len(plan.line_ids)
        plan._job_compute_lines(products)
        plan.invalidate_recordset(["line_ids"])
        self.assertEqual(len(plan.line_ids), count)
        self.assertEqual(self._lines(plan), self._lines(at_once))

    def test_failed_lines_keep_the_plan_in_draft_until_retried(self):
        """A rule Odoo refuses fails its line, with the reason, while the others are applied;
        the plan is applied when the line, corrected, is run again (Retry Failed)."""
        plan = self._plan_in_batches()
        line = plan.line_ids.filtered(
            lambda line: line.product_id == self.filters[2] and line.warehouse_id == self.warehouse
        )
        other = self.env["res.company"].create({"name": "Other Parts Company"})
        foreign = self.env["stock.warehouse"].search([("company_id", "=", other.id)], limit=1)
        line.location_id = foreign.lot_stock_id  # a rule of this company there is refused
        self._set_batch_size(3)
        job = self._job_of(plan.action_apply())
        self.Job._run_pending()
        self.assertRecordValues(job, [{"state": "failed", "failed_count": 1}])
        self.assertEqual(job.failure_ids.unit_name, line.display_name)
        self.assertEqual(plan.state, "draft")
        self.assertIn(f"Reserve plan {plan.name} stays in draft until the failed lines are done.",
                      job.summary)
        self.assertEqual(len(self._rules()), 6)  # every other rule is there
        line.location_id = self.stock_location
        job.with_user(self.planner).action_retry_failed()
        self.Job._run_pending()
        self.assertEqual(job.state, "done")
        self.assertRecordValues(plan, [{"state": "applied"}])
        self.assertEqual(len(self._rules()), 7)
        self.assertEqual(line.result, "created")

    def test_monthly_cron_computes_a_large_plan_in_the_background(self):
        self._set_batch_size(3)
        plans = self.env["aftersales.reserve.plan"]._cron_draft_reserve_plan()
        plan = plans.filtered(lambda plan: plan.company_id == self.env.company)
        job = self._jobs(plan)
        self.assertRecordValues(job, [{"state": "queued", "unit_count": len(plan._get_parts())}])
        self.Job._run_pending()
        self.assertEqual(job.state, "done")
        self.assertTrue(plan.line_ids)
        self._set_batch_size(100_000)
        at_once = self.env["aftersales.reserve.plan"].create({
            "warehouse_ids": [Command.set(plan.warehouse_ids.ids)],
            "default_lead_days": plan.default_lead_days,
        })
        at_once.action_compute()
        self.assertEqual(self._lines(plan), self._lines(at_once))
