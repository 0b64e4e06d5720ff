from datetime import date, datetime, timedelta

from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from .common_claim import AftersalesClaimCommon
from .common_queries import QueryCountMixin


class KpiMeasuresCommon(AftersalesClaimCommon):
    """Every shipped measure on claims staged with known dates, for March 2025."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reviewer_1 = new_test_user(
            cls.env, login="kpi_rev1", groups="base.group_user,aftersales.group_aftersales_user"
        )
        cls.reviewer_2 = new_test_user(
            cls.env, login="kpi_rev2", groups="base.group_user,aftersales.group_aftersales_user"
        )
        cls.emp_1, cls.emp_2, cls.emp_none = cls.env["hr.employee"].create([
            {"name": "Reviewer One", "user_id": cls.reviewer_1.id},
            {"name": "Reviewer Two", "user_id": cls.reviewer_2.id},
            {"name": "No User"},
        ])
        item = {"kpi_class": "timeliness", "scoring_rule": "ratio_up", "target": 100.0}
        cls.scheme = cls.env["aftersales.kpi.scheme"].create({
            "name": "Measures",
            "employee_ids": [Command.set((cls.emp_1 | cls.emp_2 | cls.emp_none).ids)],
            "item_ids": [
                Command.create({**item, "name": "On time", "weight": 20, "measure": "review_on_time"}),
                Command.create({**item, "name": "Hours", "weight": 20, "measure": "decision_hours",
                                "scoring_rule": "ratio_down", "target": 24.0}),
                Command.create({**item, "name": "Fixed", "weight": 20, "measure": "first_time_fix",
                                "kpi_class": "effectiveness", "window_days": 30}),
                Command.create({**item, "name": "Complete", "weight": 20,
                                "measure": "complete_first_submission", "kpi_class": "standardisation"}),
                Command.create({**item, "name": "Manual", "weight": 20, "measure": "manual"}),
            ],
        })
        days = lambda n: cls.today - timedelta(days=n)  # noqa: E731
        at = datetime  # claims are staged straight into their reviewed state, with known dates
        cls._stage(cls.lot_a, days(90), cls.reviewer_1, "approved",
                   at(2025, 3, 3, 8), at(2025, 3, 4, 8), date(2025, 3, 5))
        cls._stage(cls.lot_b, days(90), cls.reviewer_1, "rejected",
                   at(2025, 3, 10, 8), at(2025, 3, 12, 20), date(2025, 3, 11), sent_back_count=1)
        # a new failure of SN-A-1 20 days after the first: that first fix did not hold
        cls._stage(cls.lot_a, days(70), cls.reviewer_1, "submitted", at(2025, 3, 28, 8), None, None)
        cls._stage(cls.lot_b, days(30), cls.reviewer_1, "settled",
                   at(2025, 3, 20, 8), at(2025, 3, 20, 14), date(2025, 3, 25),
                   end_user_phone=False, end_user_email=False)
        # decided in April: outside the period
        cls._stage(cls.lot_b, days(60), cls.reviewer_1, "approved",
                   at(2025, 4, 1, 8), at(2025, 4, 2, 8), date(2025, 4, 1))
        cls._stage(cls.lot_a, days(20), cls.reviewer_2, "partially_approved",
                   at(2025, 3, 15, 0), at(2025, 3, 15, 12), date(2025, 3, 15))
        # a cancelled claim counts for nothing
        cls._stage(cls.lot_a, days(10), cls.reviewer_2, "cancelled",
                   at(2025, 3, 15, 0), at(2025, 3, 15, 12), date(2025, 3, 15))

    @classmethod
    def _stage(cls, lot, failure_date, reviewer, state, submitted, reviewed, deadline, **values):
        dealer = cls.dealer_a if lot == cls.lot_a else cls.dealer_b
        claim = cls._create_claim(dealer=dealer, lot=lot, failure_date=failure_date)
        claim.write({
            "reviewer_id": reviewer.id,
            "state": state,
            "submit_date": submitted,
            "review_date": reviewed,
            "review_deadline": deadline,
            **values,
        })
        return claim

    def _values(self, measure):
        item = self.scheme.item_ids.filtered(lambda i: i.measure == measure)
        return item._measure(self.scheme.employee_ids, date(2025, 3, 1), date(2025, 3, 31))


@tagged("post_install", "-at_install")
class TestKpiMeasures(KpiMeasuresCommon):

    def test_review_on_time(self):
        values = self._values("review_on_time")
        self.assertAlmostEqual(values[self.emp_1.id], 200.0 / 3)  # 2 of 3 by the deadline
        self.assertAlmostEqual(values[self.emp_2.id], 100.0)
        self.assertNotIn(self.emp_none.id, values)

    def test_decision_hours(self):
        values = self._values("decision_hours")
        self.assertAlmostEqual(values[self.emp_1.id], (24 + 60 + 6) / 3)
        self.assertAlmostEqual(values[self.emp_2.id], 12.0)

    def test_first_time_fix(self):
        values = self._values("first_time_fix")
        # approved: SN-A-1 failed again 20 days later (not fixed), SN-B-1 did not (fixed)
        self.assertAlmostEqual(values[self.emp_1.id], 50.0)
        self.assertAlmostEqual(values[self.emp_2.id], 100.0)
        self.scheme.item_ids.filtered(lambda i: i.measure == "first_time_fix").window_days = 10
        self.assertAlmostEqual(self._values("first_time_fix")[self.emp_1.id], 100.0)

    def test_complete_first_submission(self):
        values = self._values("complete_first_submission")
        # one complete, one sent back once, one without the end user's phone or e-mail
        self.assertAlmostEqual(values[self.emp_1.id], 100.0 / 3)
        self.assertAlmostEqual(values[self.emp_2.id], 100.0)

    def test_send_back_counts(self):
        claim = self._create_claim(failure_date=self.today - timedelta(days=5))
        claim.action_submit()
        claim._action_send_back("Which filter was replaced?")
        self.assertEqual(claim.sent_back_count, 1)

    def test_period_measures(self):
        period = self.env["aftersales.kpi.period"].create(
            {"scheme_id": self.scheme.id, "date_from": date(2025, 3, 1)}
        )
        period.action_compute()
        sheet = period.sheet_ids.filtered(lambda s: s.employee_id == self.emp_1)
        by_item = {line.item_id.measure: line for line in sheet.line_ids}
        self.assertAlmostEqual(by_item["decision_hours"].value, 30.0)
        self.assertAlmostEqual(by_item["decision_hours"].score, 0.8)
        self.assertTrue(by_item["manual"].no_data)
        none_sheet = period.sheet_ids.filtered(lambda s: s.employee_id == self.emp_none)
        self.assertTrue(all(none_sheet.line_ids.mapped("no_data")))


@tagged("post_install", "-at_install", "aftersales_performance")
class TestKpiMeasuresQueries(QueryCountMixin, KpiMeasuresCommon):
    def _count_odoo_lines(self, period):
        """Queries of Odoo creating the period's sheet lines again, rolled back: the part of a
        recompute whose queries grow with the lines, by the ORM's batches (without tracking:
        the sheets' figures come back as they were)."""
        Line = self.env["aftersales.kpi.sheet.line"].with_context(tracking_disable=True)
        lines = period.sheet_ids.line_ids
        vals_list = [
            {"sheet_id": line.sheet_id.id, "item_id": line.item_id.id, "weight": line.weight,
             "value": line.value, "no_data": line.no_data}
            for line in lines
        ]
        return self._count_queries_undone(lambda: Line.create(vals_list), prepare=lines.unlink)

    def test_period_measures_in_few_queries(self):
        """A period reads every measure for all employees at once: beyond Odoo's own deletion
        and creation of the sheet lines, the queries do not grow with the employees."""
        period = self.env["aftersales.kpi.period"].create(
            {"scheme_id": self.scheme.id, "date_from": date(2025, 3, 1)}
        )
        period.action_compute()
        few = self._count_queries(period.action_compute), self._count_odoo_lines(period)
        more = self.env["hr.employee"].create([{"name": f"Extra {i}"} for i in range(20)])
        self.scheme.employee_ids |= more
        period.action_compute()
        many = self._count_queries(period.action_compute), self._count_odoo_lines(period)
        self.assertEqual(len(period.sheet_ids), 23)
        # the same queries beyond Odoo's for 23 employees (115 lines) as for 3 (15 lines)
        self.assertEqual(many[0] - many[1], few[0] - few[1])
