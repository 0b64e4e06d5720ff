from datetime import date, datetime, timedelta

from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from .common_claim import AftersalesClaimCommon
from .common_kpi import approve_scheme
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
        cls.claim_approved = cls._stage(cls.lot_a, days(90), cls.reviewer_1, "approved",
                                        at(2025, 3, 3, 8), at(2025, 3, 4, 8), date(2025, 3, 5))
        cls._stage(cls.lot_b, days(90), cls.reviewer_1, "rejected",
                   at(2025, 3, 10, 8), at(2025, 3, 12, 20), date(2025, 3, 11), sent_back_count=1)
        # a new failure of SN-A-1 20 days after the first: that first fix did not hold
        cls._stage(cls.lot_a, days(70), cls.reviewer_1, "submitted", at(2025, 3, 28, 8), None, None)
        cls.claim_settled = cls._stage(cls.lot_b, days(30), cls.reviewer_1, "settled",
                   at(2025, 3, 20, 8), at(2025, 3, 20, 14), date(2025, 3, 25),
                   end_user_phone=False, end_user_email=False)
        # decided in April: outside the period
        cls._stage(cls.lot_b, days(60), cls.reviewer_1, "approved",
                   at(2025, 4, 1, 8), at(2025, 4, 2, 8), date(2025, 4, 1))
        cls.claim_partial = cls._stage(cls.lot_a, days(20), cls.reviewer_2, "partially_approved",
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
        if not item:  # the handbook's measures (item 11) are tried on a draft copy of an item
            item = self.scheme.item_ids[:1].copy({"measure": measure, "weight": 0.0})
        return item._measure(self.scheme.employee_ids, date(2025, 3, 1), date(2025, 3, 31))

    @staticmethod
    def _approve_lines(claim, part, labour):
        """The approved amounts of a claim's part line (claimed 40) and labour line (90), as the
        review writes them."""
        for line in claim.line_ids:
            line.amount_approved = part if line.line_type == "part" else labour


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
        approve_scheme(self.scheme)
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

    def test_previous_period(self):
        """March 2025 follows February 1-28; 10 days (March 11-20) follow March 1-10."""
        Item = self.env["aftersales.kpi.item"]
        self.assertEqual(Item._previous_period(date(2025, 3, 1), date(2025, 3, 31)),
                         (date(2025, 2, 1), date(2025, 2, 28)))
        self.assertEqual(Item._previous_period(date(2025, 3, 11), date(2025, 3, 20)),
                         (date(2025, 3, 1), date(2025, 3, 10)))

    def test_complaint_volume(self):
        """Complaints received: February 4 (a fifth cancelled, not counted), March 3 (and a
        technical question, not a complaint): 3 / 4 = 75 % of the previous period, the
        department's figure for every employee. No complaint in February: no data."""
        Request = self.env["aftersales.request"]

        def complaints(day, count, **values):
            return Request.create([
                {"subject": f"Complaint {day} {n}", "request_type": "complaint",
                 "request_date": datetime(2025, day[0], day[1], 10), **values}
                for n in range(count)
            ])
        self.assertEqual(self._values("complaint_volume"), {})
        complaints((3, 5), 3)
        Request.create({"subject": "How to bleed the pump?", "request_type": "question",
                        "request_date": datetime(2025, 3, 6, 10)})
        self.assertEqual(self._values("complaint_volume"), {})
        complaints((2, 10), 4)
        complaints((2, 11), 1).write({"state": "cancelled"})
        complaints((4, 1), 2)  # April: the next period
        values = self._values("complaint_volume")
        self.assertEqual(set(values), set(self.scheme.employee_ids.ids))
        for value in values.values():
            self.assertAlmostEqual(value, 75.0)

    def test_cost_per_claim(self):
        """Average approved amount of the claims the reviewer approved. Reviewer One: March
        (130 + 90) / 2 = 110 (approved 40 + 90, and 0 + 90; the rejected claim does not
        count); February one claim of 40 + 60 = 100: 110 / 100 = 110 %. Reviewer Two: March
        65, no February claim: no data."""
        self._approve_lines(self.claim_approved, 40.0, 90.0)
        self._approve_lines(self.claim_settled, 0.0, 90.0)
        self._approve_lines(self.claim_partial, 20.0, 45.0)
        february = self._stage(self.lot_b, self.today - timedelta(days=95), self.reviewer_1,
                               "approved", datetime(2025, 2, 3, 8), datetime(2025, 2, 4, 8),
                               date(2025, 2, 6))
        self._approve_lines(february, 40.0, 60.0)
        self._stage(self.lot_b, self.today - timedelta(days=100), self.reviewer_1, "rejected",
                    datetime(2025, 2, 3, 8), datetime(2025, 2, 5, 8), date(2025, 2, 6))
        values = self._values("cost_per_claim")
        self.assertAlmostEqual(values[self.emp_1.id], 110.0)
        self.assertNotIn(self.emp_2.id, values)
        self.assertNotIn(self.emp_none.id, values)

    def test_data_complete(self):
        """Claims decided in March, credited to the salesperson of their dealer: dealer A
        (Reviewer Two's): two claims, neither sent back: 100 %; dealer B (Reviewer One's): two
        claims, one sent back once: 50 % (the claim without the end user's phone counts as
        complete here: it was never sent back)."""
        self.dealer_a.user_id = self.reviewer_2
        self.dealer_b.user_id = self.reviewer_1
        values = self._values("data_complete")
        self.assertAlmostEqual(values[self.emp_1.id], 50.0)
        self.assertAlmostEqual(values[self.emp_2.id], 100.0)
        self.assertNotIn(self.emp_none.id, values)

    def test_request_on_time(self):
        """Requests Reviewer One owns, closed in March: three, two closed before their SLA
        deadline and one an hour after it: 2 / 3 = 66.67 %. A request closed in April, one still
        open and one cancelled do not count. Reviewer Two owns none: no data."""
        Request = self.env["aftersales.request"]
        requests = Request.create([
            {"subject": f"Question {n}", "request_type": "question",
             "request_date": datetime(2025, 3, 10 + n, 9), "user_id": self.reviewer_1.id}
            for n in range(6)
        ])
        for request, offset, state in zip(requests, (-2, -1, 1, -1, None, -1),
                                          ("done", "done", "done", "done", "new", "cancelled")):
            self.assertTrue(request.sla_deadline)
            vals = {"state": state}
            if offset is not None:
                vals["close_date"] = request.sla_deadline + timedelta(hours=offset)
            request.write(vals)
        requests[3].close_date = datetime(2025, 4, 2, 9)
        values = self._values("request_on_time")
        self.assertAlmostEqual(values[self.emp_1.id], 200.0 / 3)
        self.assertNotIn(self.emp_2.id, values)


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
        approve_scheme(self.scheme)
        period = self.env["aftersales.kpi.period"].create(
            {"scheme_id": self.scheme.id, "date_from": date(2025, 3, 1)}
        )
        period.action_compute()
        few = self._count_queries(period.action_compute), self._count_odoo_lines(period)
        # the same items for 20 more employees: a new version of the scheme, on a new period
        more = self.env["hr.employee"].create([{"name": f"Extra {i}"} for i in range(20)])
        self.scheme.action_revise()
        version_2 = self.scheme.next_version_id
        version_2.employee_ids |= more
        approve_scheme(version_2)
        period = self.env["aftersales.kpi.period"].create(
            {"scheme_id": version_2.id, "date_from": date(2025, 3, 1)}
        )
        period.action_compute()
        many = self._count_queries(period.action_compute), self._count_odoo_lines(period)
        self.assertEqual(len(period.sheet_ids), 23)
        # the same queries beyond Odoo's for 23 employees (115 lines) as for 3 (15 lines)
        self.assertEqual(many[0] - many[1], few[0] - few[1])
