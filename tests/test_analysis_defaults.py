from datetime import date, datetime

from lxml import etree

from odoo.tests import HttpCase, tagged
from odoo.tools.safe_eval import safe_eval

from .common import AftersalesCommon


@tagged("post_install", "-at_install")
class TestAnalysisDefaults(AftersalesCommon):
    """What the analyses open on, and which figures their group rows add up (issue 21,
    items 11 to 13)."""

    def _action(self, xmlid):
        action = self.env.ref(xmlid)
        return action, safe_eval(action.context or "{}")

    def _arch(self, model, view_type, view_id=False):
        views = self.env[model].get_views([(view_id, view_type)])
        return etree.fromstring(views["views"][view_type]["arch"])

    def _default_filter_domain(self, xmlid):
        """The domain of the filters the action turns on by default (search_default_*)."""
        action, context = self._action(xmlid)
        search = self._arch(action.res_model, "search", action.search_view_id.id)
        domain = []
        for key in context:
            if key.startswith("search_default_"):
                [node] = search.xpath(f"//filter[@name='{key[15:]}']")
                domain += safe_eval(node.get("domain"))
        return domain

    def _new_company(self, name):
        return self.env["res.company"].create({"name": name})

    # ------------------------------------------------------------ item 11
    def test_satisfaction_trend_is_a_line_of_averages_without_empty_months(self):
        """Weight w 0.8. January: answers (5, 3) and (2, 2) -> 5 x 0.8 + 3 x 0.2 = 4.6 and 2.0,
        averaged 3.3; February: no answer; March: (4, 4) -> 4.0. The graph as the web client
        reads it (month only, the action's context over Odoo's fill_temporal) has two points,
        January 3.3 and March 4.0: no 0 for February, and one line (not stacked), whatever the
        number of products."""
        self.env.company.satisfaction_weight = 0.8
        self._register(self.lot_a, self.end_user_a, 100)
        self._register(self.lot_b, self.end_user_b, 100)
        Callback = self.env["aftersales.callback"]
        for lot, product_score, service_score, day in (
            (self.lot_a, 5, 3, datetime(2024, 1, 10, 12)),
            (self.lot_b, 2, 2, datetime(2024, 1, 20, 12)),
            (self.lot_a, 4, 4, datetime(2024, 3, 5, 12)),
        ):
            callback = Callback.create({
                "lot_id": lot.id, "product_quality_score": product_score,
                "service_quality_score": service_score,
            })
            callback.action_done()
            callback.call_date = day
        self.env.flush_all()
        Report = self.env["aftersales.satisfaction.report"]
        self.assertEqual(Report.fields_get(["satisfaction"])["satisfaction"]["aggregator"], "avg")
        action, context = self._action("aftersales.aftersales_satisfaction_report_action")
        graph = self._arch(Report._name, "graph")
        self.assertEqual(graph.get("type"), "line")
        self.assertEqual(graph.get("stacked"), "0")
        measures = [f.get("name") for f in graph.iter("field") if f.get("type") == "measure"]
        groupby = [f"{f.get('name')}:{f.get('interval')}" if f.get("interval") else f.get("name")
                   for f in graph.iter("field") if f.get("type") != "measure"]
        self.assertEqual((measures, groupby), (["satisfaction"], ["month:month"]))
        # the graph view's read: context {fill_temporal: True, ...the action's context}
        web_context = {"fill_temporal": True, **{
            key: value for key, value in context.items() if not key.startswith("search_default_")
        }}
        result = Report.with_context(web_context).web_read_group(
            [("product_id", "=", self.machine.id)], ["satisfaction:avg"], groupby, lazy=False,
        )
        points = [(group["month:month"], round(group["satisfaction"], 2)) for group in result["groups"]]
        self.assertEqual([value for _month, value in points], [3.3, 4.0])
        self.assertEqual(len(points), 2, points)

    # ------------------------------------------------------------ item 12
    def test_satisfaction_cost_opens_on_the_last_12_months_with_data(self):
        """A company whose service costs stop in June 2024: routine 200 in June 2023, 300 in
        July 2023, 500 in June 2024. The action opens on the 12 months up to June 2024, July
        2023 to June 2024: 12 months, routine 300 + 500 = 800 (June 2023 left out, and the
        empty months since July 2024 too); without the filter 1000."""
        company = self._new_company("Analysis Cost Co")
        self.env["aftersales.service.cost"].create([
            {"company_id": company.id, "product_id": self.machine.id, "period_date": day,
             "cost_type": "routine", "amount": amount}
            for day, amount in ((date(2023, 6, 1), 200.0), (date(2023, 7, 1), 300.0),
                                (date(2024, 6, 1), 500.0))
        ])
        self.env.flush_all()
        Cost = self.env["aftersales.cost.report"]
        mine = [("company_id", "=", company.id)]
        default = self._default_filter_domain("aftersales.aftersales_cost_report_action")
        months = Cost._read_group(mine + default, ["month:month"], ["routine_cost:sum"])
        self.assertEqual(len(months), 12)
        self.assertEqual((months[0][0], months[-1][0]), (date(2023, 7, 1), date(2024, 6, 1)))
        self.assertEqual(sum(routine for _month, routine in months), 800.0)
        [(everything,)] = Cost._read_group(mine, [], ["routine_cost:sum"])
        self.assertEqual(everything, 1000.0)

    def test_failure_rate_opens_on_the_months_with_claims(self):
        """Two machines of a company registered on 1 December 2022 (12 months of warranty),
        warranty claims for failures in February and June 2023. The action opens on the 12
        months up to June 2023, from the first month with a claim: February to June 2023, 5
        months, 2 claims over 2 x 5 = 10 machine-months in warranty -> 20 %."""
        company = self._new_company("Analysis Failure Co")
        lots = self.env["stock.lot"].create([
            {"name": f"SN-FR-{n}", "product_id": self.machine.id, "company_id": company.id,
             "end_user_id": self.end_user_a.id, "registration_date": date(2022, 12, 1)}
            for n in (1, 2)
        ])
        self.env["aftersales.claim"].create([
            {"company_id": company.id, "dealer_id": self.dealer_a.id, "lot_id": lot.id,
             "claim_type": "warranty", "failure_date": failure, "state": "submitted",
             "symptom": "Does not start"}
            for lot, failure in zip(lots, (date(2023, 2, 15), date(2023, 6, 3)))
        ])
        self.env.flush_all()
        Rate = self.env["aftersales.failure.rate.report"]
        mine = [("company_id", "=", company.id)]
        default = self._default_filter_domain("aftersales.aftersales_failure_rate_report_action")
        months = Rate._read_group(mine + default, ["month:month"], ["machine_count:sum"])
        self.assertEqual([month for month, _machines in months],
                         [date(2023, m, 1) for m in range(2, 7)])
        [(claims, machines, rate)] = Rate._read_group(
            mine + default, [], ["claim_count:sum", "machine_count:sum", "failure_rate:avg"]
        )
        self.assertEqual((claims, machines), (2, 10))
        self.assertAlmostEqual(rate, 20.0)
        self.assertGreater(Rate.search_count(mine), 5)  # the other months, one filter away

    def test_claims_to_credit_empty_state(self):
        """No approved claim waits for its credit note: the list shows the action's help (a
        smiling face and what appears there), not Odoo's sample rows."""
        action = self.env.ref("aftersales.aftersales_claim_action_to_credit")
        self.assertIn("o_view_nocontent_smiling_face", action.help)
        self.assertIn("until the dealer is", action.help)
        list_view = action.view_ids.filtered(lambda v: v.view_mode == "list").view_id
        self.assertTrue(list_view)
        arch = self._arch("aftersales.claim", "list", list_view.id)
        self.assertNotIn(arch.get("sample"), ("1", "True", "true"))
        # the claims list itself keeps them
        self.assertEqual(self._arch("aftersales.claim", "list").get("sample"), "1")

    # ------------------------------------------------------------ item 13
    def test_group_rows_add_up_no_prices_nor_lead_times(self):
        """Grouped by check, the Double-Rule Check's rows of machines of 1890, 640 and 920 no
        longer show 3450 (a sum of different machines' prices), nor the lines of a reserve plan
        grouped by vendor 223 days of lead time: those fields have no aggregate, so a group row
        and the pivot leave them blank; counts still add up."""
        fields = {
            "aftersales.price.check": ["dealer_price", "parts_total", "cost", "margin"],
            "aftersales.reserve.plan.line": ["lead_days", "demand_std"],
        }
        for model, names in fields.items():
            described = self.env[model].fields_get(names, ["aggregator"])
            for name in names:
                self.assertFalse(described[name].get("aggregator"), f"{model}.{name}")
                arch = self._arch(model, "list")
                for node in arch.xpath(f"//field[@name='{name}']"):
                    self.assertFalse(node.get("sum") or node.get("avg"), f"{model}.{name}")
        self.assertEqual(
            self.env["aftersales.reserve.plan.line"].fields_get(["demand_qty"])["demand_qty"]["aggregator"],
            "sum",
        )
        pivot = self._arch("aftersales.price.check", "pivot")
        self.assertFalse(pivot.xpath("//field[@type='measure']"))  # a count per check
        # what a grouped list reads: a group gets no figure for the price
        self.env["aftersales.price.check"]._refresh()
        groups = self.env["aftersales.price.check"].web_read_group(
            [], ["dealer_price", "missing_part_count:sum"], ["check_type"], lazy=False,
        )["groups"]
        self.assertTrue(groups)
        for group in groups:
            self.assertNotIn("dealer_price", group)


@tagged("post_install", "-at_install")
class TestAnalysisTour(HttpCase):
    def test_analysis_tour(self):
        """Customer Satisfaction's trend is a line, not stacked; Satisfaction Cost and Failure
        Rate open on the last 12 months with data; the Double-Rule Check's group row of the
        demo machines (1890 + 640 + 920 = 3450, parts 6900) shows neither sum."""
        if not self.env.ref("aftersales.pricing_run_demo", raise_if_not_found=False):
            self.skipTest("the tour reads the demo data")
        self.start_tour("/odoo", "aftersales_analysis_tour", login="admin")
