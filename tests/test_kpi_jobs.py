from datetime import date

from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import Form, tagged

from .common import run_one_batch_killed
from .common_kpi import approve_scheme
from .test_kpi_measures import KpiMeasuresCommon


@tagged("post_install", "-at_install")
class TestKpiJobs(KpiMeasuresCommon):
    """A period of more employees than a batch is computed by the background jobs, the sheets
    of a batch of employees per transaction: the sheets are those of the period computed at
    once, the values entered by hand are kept, and the period is computed after the last batch."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Job = cls.env["aftersales.job"]
        cls.emp_4, cls.emp_5 = cls.env["hr.employee"].create([
            {"name": "Fourth Reviewer", "aftersales_average_wage": 5200.0},
            {"name": "Fifth Reviewer", "aftersales_average_wage": 4800.0},
        ])
        cls.emp_1.aftersales_average_wage = 6000.0
        cls.scheme.employee_ids = [Command.link(cls.emp_4.id), Command.link(cls.emp_5.id)]
        approve_scheme(cls.scheme)
        cls.employees = cls.scheme.employee_ids
        cls.period = cls.env["aftersales.kpi.period"].with_user(cls.as_manager).create(
            {"scheme_id": cls.scheme.id, "date_from": date(2025, 3, 1)}
        )

    def _set_batch_size(self, size):
        self.env["ir.config_parameter"].sudo().set_param("aftersales.job_batch_size", size)

    def _jobs(self):
        return self.Job.search([("res_model", "=", self.period._name), ("res_id", "=", self.period.id)])

    def _sheets(self):
        """Every sheet of the period with its lines, as the appraisal manager reads them."""
        self.period.invalidate_recordset()
        sheets = self.period.sheet_ids
        self.assertEqual(len(sheets), len(sheets.employee_id), "an employee has two sheets")
        return sorted(
            (sheet.employee_id.id, sheet.average_wage, sheet.base_coefficient, sheet.kpi_value,
             sheet.actual_wage, sheet.employee_agreed,
             sorted((line.item_id.id, line.value, line.no_data, line.score, line.weight)
                    for line in sheet.line_ids))
            for sheet in sheets
        )

    def test_compute_in_the_background_as_at_once(self):
        self._set_batch_size(2)
        period = self.period
        action = period.action_compute()
        self.assertEqual(action["params"]["next"]["res_model"], "aftersales.job")
        job = self._jobs()
        self.assertEqual(action["params"]["next"]["res_id"], job.id)
        self.assertRecordValues(job, [{"state": "queued", "unit_model": "hr.employee", "unit_count": 5,
                                       "user_id": self.as_manager.id}])
        self.assertEqual(len(job.batch_ids), 3)
        period.invalidate_recordset()
        self.assertRecordValues(period, [{"state": "draft", "is_aftersales_job_running": True,
                                          "employee_count": 0}])
        # the period's buttons and its scheme and dates wait for the job
        for button in (period.action_compute, period.action_reset_to_draft, period.action_confirm):
            with self.assertRaisesRegex(UserError, "is running in the background"):
                button()
        with self.assertRaisesRegex(UserError, "is running in the background"):
            period.date_from = date(2025, 2, 1)
        with self.assertRaisesRegex(UserError, "is running in the background"):
            period.unlink()
        # one lane's turn: the sheets of two employees
        self.env["aftersales.job.batch"].sudo()._lock_next()._run()
        period.invalidate_recordset()
        form = Form(period)
        self.assertEqual((form.aftersales_job_state, form.aftersales_job_done, form.aftersales_job_remaining),
                         ("running", 2, 3))
        self.assertEqual(form.aftersales_job_progress, 40.0)
        self.assertEqual(period.employee_count, 2)
        self.assertEqual(period.state, "draft")
        self.Job._run_pending()
        period.invalidate_recordset()
        self.assertRecordValues(period, [{
            "state": "computed", "employee_count": 5, "aftersales_job_state": "done",
            "is_aftersales_job_running": False,
        }])
        no_data = len(period.sheet_ids.line_ids.filtered("no_data"))
        summary = (f"5 appraisal sheets computed; 0 values entered by hand kept; {no_data} items "
                   "without data, scored as the scheme says.")
        self.assertIn(summary, job.summary)
        self.assertTrue(period.message_ids.filtered(lambda m: summary in m.body))
        in_batches = self._sheets()
        # the same period recomputed at once: the same sheets
        self._set_batch_size(500)
        action = period.action_compute()
        self.assertEqual(action["params"]["message"], summary)
        self.assertEqual(self._jobs(), job)
        self.assertEqual(self._sheets(), in_batches)

    def test_stopped_recompute_resumes_and_keeps_manual_values(self):
        period = self.period
        period.action_compute()  # at once: 5 employees, a batch of 500
        self.assertFalse(self._jobs())
        self.assertEqual(period.state, "computed")
        for value, sheet in enumerate(period.sheet_ids, start=60):
            sheet.line_ids.filtered(lambda line: line.measure == "manual").value = value
        before = self._sheets()
        self._set_batch_size(2)
        job = self.Job.browse(period.action_compute()["params"]["next"]["res_id"])
        batch = self.env["aftersales.job.batch"].sudo()._lock_next()
        batch._run()
        run_one_batch_killed(self)
        self.Job._run_pending()
        self.assertEqual(job.state, "done")
        self.assertEqual(job.result["kept"], 5)
        self.assertEqual(period.state, "computed")
        self.assertEqual(self._sheets(), before)
        # a batch run a second time rebuilds its sheets: none twice, the values kept
        counts = period._compute_sheets(self.env["hr.employee"].browse(batch.unit_ids))
        self.assertEqual((counts["sheets"], counts["kept"]), (2, 2))
        self.assertEqual(self._sheets(), before)

    def test_employees_no_longer_appraised_lose_their_sheets(self):
        self.period.action_compute()
        self.emp_5.active = False  # left the company: no longer in the scheme's list
        self._set_batch_size(2)
        self.period.action_compute()
        self.Job._run_pending()
        self.assertEqual(self.period.sheet_ids.employee_id, self.employees - self.emp_5)
        self.assertEqual(self._jobs().unit_count, 4)
