from dateutil.relativedelta import relativedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import BrowserCase
from .test_statement import AftersalesStatementCommon


@tagged("post_install", "-at_install")
class TestBackgroundJobs(AftersalesStatementCommon):
    """Long runs as background jobs (aftersales.job): queued when larger than a batch, run by
    the lanes batch by batch, one record's failure reported while the rest is done. The lanes'
    work is run here in the test's transaction (``_run_pending``, what each lane's scheduled
    action does one batch at a time); real servers running and killed mid-way are in
    test_multi_server."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param("aftersales.job_batch_size", 2)
        Partner = cls.env["res.partner"]
        cls.dealer_c, cls.dealer_d = Partner.create([
            {"name": "Dealer C", "is_company": True, "is_dealer": True, "dealer_code": "T-C",
             "dealer_level_id": cls.level.id},
            {"name": "Dealer D", "is_company": True, "is_dealer": True, "dealer_code": "T-D",
             "dealer_level_id": cls.level.id},
        ])
        cls.dealers = cls.dealer_a | cls.dealer_b | cls.dealer_c | cls.dealer_d
        cls.jobs_before = cls.env["aftersales.job"].search([])  # a database in use has some

    def _draw_with_wizard(self, dealers, user=None):
        wizard = Form(self.env["aftersales.statement.generate"].with_user(user or self.accountant))
        wizard.date_from = self.date_from
        wizard.date_to = self.date_to
        for dealer in dealers:
            wizard.dealer_ids.add(dealer)
        return wizard.save().action_generate()

    def _stage_invoices(self):
        for amount, dealer in zip((100.0, 200.0, 300.0, 400.0), self.dealers):
            self._invoice(dealer, amount, self.date_from + relativedelta(days=3))

    def test_small_draw_runs_at_once(self):
        self._stage_invoices()
        action = self._draw_with_wizard(self.dealer_a | self.dealer_b)
        self.assertEqual(action["params"]["message"].split(".")[0], "2 drawn, 0 updated, 0 skipped")
        self.assertFalse(self.env["aftersales.job"].search([("id", "not in", self.jobs_before.ids)]))

    def test_large_draw_is_queued_then_run_by_the_lanes(self):
        self._stage_invoices()
        action = self._draw_with_wizard(self.dealers)
        Job = self.env["aftersales.job"]
        job = Job.search([("user_id", "=", self.accountant.id)])
        self.assertEqual(len(job), 1)
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(action["params"]["next"]["res_id"], job.id)
        self.assertRecordValues(job, [{
            "state": "queued", "unit_count": 4, "done_count": 0, "remaining_count": 4,
            "progress": 0.0, "res_model": "aftersales.statement",
        }])
        self.assertEqual(len(job.batch_ids), 2)
        self.assertFalse(self.env["aftersales.statement"].search([("dealer_id", "in", self.dealers.ids)]))
        # the same month asked again while it runs: refused, nothing queued twice
        with self.assertRaisesRegex(UserError, "already running in the background"):
            self._draw_with_wizard(self.dealers)
        # one lane's turn: one batch, committed on its own; the job shows its progress
        Batch = self.env["aftersales.job.batch"].sudo()
        Batch._lock_next()._run()
        self.assertRecordValues(job, [{"state": "running", "done_count": 2, "remaining_count": 2,
                                       "progress": 50.0}])
        finished = Job._run_pending()
        self.assertEqual(finished, job)
        statements = self.env["aftersales.statement"].search([("dealer_id", "in", self.dealers.ids)])
        self.assertEqual(
            sorted(statements.mapped("invoiced_amount")), [100.0, 200.0, 300.0, 400.0]
        )
        self.assertRecordValues(job, [{"state": "done", "done_count": 4, "failed_count": 0,
                                       "progress": 100.0}])
        self.assertIn("4 drawn, 0 updated, 0 skipped", job.summary)
        self.assertIn("4 drawn", job.message_ids[0].body)
        # the end is notified to the one who started it (Odoo's bus, shown as a notification);
        # the bus writes its messages when the transaction commits
        self.env.cr.precommit.run()
        notice = self.env["bus.bus"].sudo().search(
            [("channel", "like", f'"res.partner",{self.accountant.partner_id.id}]')], order="id desc", limit=1
        )
        self.assertIn("simple_notification", notice.message)
        self.assertIn("4 drawn", notice.message)
        # a second run of the lanes finds nothing to do and draws nothing twice
        self.assertFalse(Job._run_pending())
        self.assertEqual(
            self.env["aftersales.statement"].search_count([("dealer_id", "in", self.dealers.ids)]), 4
        )

    def test_one_failing_dealer_is_named_and_the_rest_is_drawn(self):
        self._stage_invoices()
        # dealer C already has a confirmed statement overlapping the month: its draw fails
        overlap = self._generate(self.dealer_c, self.date_from, self.date_to - relativedelta(days=5))
        overlap.write({"state": "confirmed"})
        self._draw_with_wizard(self.dealers)
        job = self.env["aftersales.job"].search([("user_id", "=", self.accountant.id)])
        self.env["aftersales.job"]._run_pending()
        self.assertRecordValues(job, [{"state": "failed", "done_count": 3, "failed_count": 1}])
        self.assertEqual(job.failure_ids.unit_name, "Dealer C")
        self.assertIn("overlaps statement", job.failure_ids.error)
        self.assertIn("Dealer C", job.summary)
        self.assertEqual(
            self.env["aftersales.statement"].search_count(
                [("dealer_id", "in", self.dealers.ids), ("date_to", "=", self.date_to)]
            ), 3,
        )
        # the cause fixed, Retry Failed draws the one left
        overlap.write({"state": "draft"})
        overlap.unlink()
        job.with_user(self.accountant).action_retry_failed()
        self.assertEqual(job.state, "running")
        self.env["aftersales.job"]._run_pending()
        self.assertRecordValues(job, [{"state": "done", "done_count": 4, "failed_count": 0}])
        self.assertEqual(
            self.env["aftersales.statement"].search_count(
                [("dealer_id", "in", self.dealers.ids), ("date_to", "=", self.date_to)]
            ), 4,
        )

    def test_jobs_are_read_by_who_started_them(self):
        self._stage_invoices()
        self._draw_with_wizard(self.dealers)
        job = self.env["aftersales.job"].search([("user_id", "=", self.accountant.id)])
        clerk = new_test_user(self.env, login="as_job_clerk",
                              groups="base.group_user,aftersales.group_aftersales_user")
        self.assertFalse(self.env["aftersales.job"].with_user(clerk).search([]))
        with self.assertRaises(AccessError):
            job.with_user(clerk).read(["name"])
        with self.assertRaises(AccessError):
            job.with_user(clerk).action_cancel()
        manager = new_test_user(self.env, login="as_job_manager",
                                groups="base.group_user,aftersales.group_aftersales_manager")
        self.assertEqual(
            self.env["aftersales.job"].with_user(manager).search([("id", "not in", self.jobs_before.ids)]), job
        )
        # a dealer's portal user reads no job (not even the draw of its own statement) and no
        # batch, by the ORM as by RPC
        for model in ("aftersales.job", "aftersales.job.batch"):
            with self.assertRaises(AccessError):
                self.env[model].with_user(self.portal_a).search([])
        with self.assertRaises(AccessError):
            job.with_user(self.portal_a).read(["name", "summary"])
        job.with_user(manager).action_cancel()
        self.assertEqual(job.state, "cancel")
        self.assertFalse(self.env["aftersales.job"]._run_pending())
        self.assertFalse(self.env["aftersales.statement"].search([("dealer_id", "in", self.dealers.ids)]))


@tagged("post_install", "-at_install")
class TestBackgroundJobsTour(AftersalesStatementCommon, BrowserCase):
    def test_failed_job_retried_from_its_form(self):
        """The accountant opens Background Jobs, finds the draw with its failed dealer and the
        reason, and presses Retry Failed."""
        self.env["ir.config_parameter"].sudo().set_param("aftersales.job_batch_size", 2)
        Partner = self.env["res.partner"]
        dealer_c, dealer_d = Partner.create([
            {"name": "Dealer C", "is_company": True, "is_dealer": True, "dealer_code": "T-C"},
            {"name": "Dealer D", "is_company": True, "is_dealer": True, "dealer_code": "T-D"},
        ])
        dealers = self.dealer_a | self.dealer_b | dealer_c | dealer_d
        for amount, dealer in zip((100.0, 200.0, 300.0, 400.0), dealers):
            self._invoice(dealer, amount, self.date_from + relativedelta(days=3))
        overlap = self._generate(dealer_c, self.date_from, self.date_to - relativedelta(days=5))
        overlap.state = "confirmed"
        self.env["aftersales.statement"].with_user(self.accountant)._start_draw(
            dealers, self.date_from, self.date_to
        )
        job = self.env["aftersales.job"].search([("user_id", "=", self.accountant.id)])
        self.env["aftersales.job"]._run_pending()
        self.assertEqual(job.state, "failed")
        self.start_tour("/odoo", "aftersales_jobs_tour", login=self.accountant.login)
        job.invalidate_recordset()
        self.assertEqual(job.state, "running")
        self.assertEqual(job.remaining_count, 1)


@tagged("post_install", "-at_install")
class TestBackgroundJobFailures(AftersalesStatementCommon):
    def test_a_batch_whose_records_all_fail_ends_the_job(self):
        """Both dealers of the last batch fail: the job still ends, naming both."""
        self.env["ir.config_parameter"].sudo().set_param("aftersales.job_batch_size", 2)
        Partner = self.env["res.partner"]
        dealers = self.dealer_a | self.dealer_b | Partner.create([
            {"name": name, "is_company": True, "is_dealer": True} for name in ("Dealer C", "Dealer D")
        ])
        for dealer in dealers:
            self._invoice(dealer, 100.0, self.date_from + relativedelta(days=3))
        for dealer in dealers[2:]:
            self._generate(dealer, self.date_from, self.date_to - relativedelta(days=5)).state = "confirmed"
        job = self.env["aftersales.statement"].with_user(self.accountant)._start_draw(
            dealers, self.date_from, self.date_to
        ).job
        self.assertEqual(self.env["aftersales.job"]._run_pending(), job)
        self.assertRecordValues(job, [{"state": "failed", "done_count": 2, "failed_count": 2,
                                       "remaining_count": 0}])
        self.assertEqual(sorted(job.failure_ids.mapped("unit_name")), ["Dealer C", "Dealer D"])
