from datetime import date

from lxml import etree

from odoo.tests import Form, TransactionCase, tagged

from .common_kpi import KpiMixin, approve_scheme


@tagged("post_install", "-at_install")
class TestKpiNoData(KpiMixin, TransactionCase):
    """An item with nothing to measure is shown as no data and scored as the scheme says
    (Item without Data), and Recompute says what it did."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_kpi()

    def _scheme(self, rule):
        """Two items entered by hand: reports on time (weight 60, target 4) and training hours
        (weight 40, target 10), the rule for items without data chosen on the form."""
        with Form(self.env["aftersales.kpi.scheme"].with_user(self.kpi_manager)) as form:
            form.name = f"Scheme {rule}"
            form.department_id = self.department
            form.base_coefficient = 0.6
            form.no_data_rule = rule
            for name, weight, target in (("Reports", 60.0, 4.0), ("Training", 40.0, 10.0)):
                with form.item_ids.new() as item:
                    item.name = name
                    item.kpi_class = "standardisation"
                    item.weight = weight
                    item.measure = "manual"
                    item.scoring_rule = "ratio_up"
                    item.target = target
        return approve_scheme(form.record.sudo()).with_env(self.env)

    def _appraise(self, rule):
        """Computed, Erin's 5 reports entered on her sheet's form, recomputed: Erin's sheet
        and the notifications of both Recompute clicks."""
        scheme = self._scheme(rule)
        period = self.env["aftersales.kpi.period"].with_user(self.kpi_manager).create(
            {"scheme_id": scheme.id, "date_from": date(2025, 3, 1)}
        )
        first = period.action_compute()
        sheet = self._sheet(period, self.emp_erin).with_user(self.kpi_manager)
        with Form(sheet) as form:
            with form.line_ids.edit(0) as line:
                line.value = 5.0
        second = period.action_compute()
        return self._sheet(period, self.emp_erin), first, second

    def test_no_data_left_out_and_weight_shared(self):
        """Left out: Erin's training has no data: blank, no score, weight 0; reports 5 / 4 =
        1.25 with the whole weight (60 -> 100 %): weighted 1.25, KPI 1.25. Wage 6,000 x 0.6 =
        3,600 + 6,000 x 0.4 = 2,400 x 1.25 = 3,000 -> 6,600. (Scored 1 as before, it was 1.25 x
        0.6 + 1 x 0.4 = 1.15 -> 3,600 + 2,760 = 6,360.)
        Recompute says: 3 sheets, no hand value yet, 6 items without data (3 x 2); then 3
        sheets, 1 hand value kept, 5 without data."""
        sheet, first, second = self._appraise("left_out")
        reports, training = sheet.line_ids.sorted("sequence")
        self.assertRecordValues(training, [{
            "no_data": True, "score": 0.0, "applied_weight": 0.0, "weighted_score": 0.0,
        }])
        self.assertRecordValues(reports, [{
            "no_data": False, "score": 1.25, "applied_weight": 100.0, "weighted_score": 1.25,
        }])
        self.assertAlmostEqual(sheet.kpi_value, 1.25)
        self.assertAlmostEqual(sheet.actual_performance_wage, 3000.0)
        self.assertAlmostEqual(sheet.actual_wage, 6600.0)
        self.assertEqual(first["tag"], "display_notification")
        self.assertEqual(
            first["params"]["message"],
            "3 appraisal sheets computed; 0 values entered by hand kept; 6 items without data, "
            "scored as the scheme says.",
        )
        self.assertIn("3 appraisal sheets computed; 1 values entered by hand kept; 5 items",
                      second["params"]["message"])
        # Gina and Frank: nothing measured at all -> on target, 1 (base + standard wage)
        gina = self._sheet(sheet.period_id, self.emp_gina)
        self.assertAlmostEqual(gina.kpi_value, 1.0)
        self.assertAlmostEqual(gina.actual_wage, 4000.0)

    def test_no_data_scored_on_target(self):
        """Scored 1: training counts 1 with its weight 40 -> 0.4; reports 1.25 x 0.6 = 0.75;
        KPI 1.15; wage 3,600 + 2,400 x 1.15 = 2,760 -> 6,360."""
        sheet, _first, _second = self._appraise("on_target")
        reports, training = sheet.line_ids.sorted("sequence")
        self.assertRecordValues(training, [{
            "no_data": True, "score": 1.0, "applied_weight": 40.0, "weighted_score": 0.4,
        }])
        self.assertRecordValues(reports, [{"applied_weight": 60.0, "weighted_score": 0.75}])
        self.assertAlmostEqual(sheet.kpi_value, 1.15)
        self.assertAlmostEqual(sheet.actual_wage, 6360.0)

    def test_no_data_line_shows_blank(self):
        """On the sheet form a line without data shows no measured value and no score (it
        showed "0.00 h" and the maximum score 5.000 for no work)."""
        views = self.env["aftersales.kpi.sheet"].get_views([(False, "form")])["views"]
        arch = etree.fromstring(views["form"]["arch"])
        for fname in ("value", "score", "weighted_score"):
            [node] = arch.xpath(f"//field[@name='line_ids']//field[@name='{fname}']")
            self.assertIn("no_data", node.get("invisible") or "", fname)
