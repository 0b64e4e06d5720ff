from contextlib import closing
from datetime import timedelta

from psycopg2.errors import UniqueViolation

from odoo import SUPERUSER_ID, api, fields
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .common_request import AftersalesRequestCommon


@tagged("post_install", "-at_install")
class TestMaintenanceReminderJobs(AftersalesRequestCommon):
    """The maintenance reminders of more machines than a batch (here 2) are created by a
    background job, one per company and day; the lanes' work is run here in the test's
    transaction (``_run_pending``)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param("aftersales.job_batch_size", 2)
        cls.machine.product_tmpl_id.write(
            {"has_maintenance_reminder": True, "maintenance_interval_months": 3})
        more = cls.env["stock.lot"].create([
            {"name": f"SN-A-{n}", "product_id": cls.machine.id, "dealer_id": cls.dealer_a.id,
             "dealer_delivery_date": cls.today - timedelta(days=200)}
            for n in (2, 3)
        ])
        for lot in more:
            cls._register(lot, cls.end_user_a, 100)
        # SN-A-1, SN-B-1, SN-A-2, SN-A-3 registered 100 days ago, SN-B-OLD 500 days ago
        cls.lots = cls.lot_a | cls.lot_b | cls.lot_old | more
        cls.Request = cls.env["aftersales.request"]
        cls.Job = cls.env["aftersales.job"]

    def _reminders(self):
        return self.Request.search(
            [("request_type", "=", "maintenance"), ("lot_id", "in", self.lots.ids)]
        )

    def _jobs(self):
        return self.Job.search([("key", "=like", "aftersales.request.maintenance:%")])

    def test_reminders_created_by_one_job_per_company_and_day(self):
        created = self.Request._cron_create_maintenance_reminders(self.today)
        self.assertFalse(created, "queued, not created at once")
        self.assertFalse(self._reminders())
        job = self._jobs()
        self.assertEqual(len(job), 1)
        self.assertEqual(job.key, f"aftersales.request.maintenance:{self.company.id}:{self.today}")
        self.assertEqual(job.state, "queued")
        self.assertGreaterEqual(job.unit_count, 5)  # demo machines may be due too
        self.assertTrue(set(self.lots.ids) <= {i for batch in job.batch_ids for i in batch.unit_ids})
        # the cron started again (a second server) while the job waits: no second job
        with mute_logger("odoo.addons.aftersales.models.aftersales_request"):
            self.assertFalse(self.Request._cron_create_maintenance_reminders(self.today))
        self.assertEqual(self._jobs(), job)

        self.Job._run_pending()
        reminders = self._reminders()
        self.assertEqual(reminders.lot_id, self.lots)
        self.assertEqual(len(reminders), 5)
        self.assertEqual(reminders.activity_ids.user_id, self.as_manager)
        self.assertEqual(len(reminders.activity_ids), 5)
        self.assertEqual(set(reminders.mapped("user_id")), {self.as_manager})
        self.assertEqual(job.state, "done")
        self.assertEqual(job.summary, f"Maintenance reminders created: {job.unit_count}.")
        # the same day again: nothing due, nothing queued
        self.assertFalse(self.Request._cron_create_maintenance_reminders(self.today))
        self.assertEqual(self._jobs(), job)
        self.assertEqual(len(self._reminders()), 5)

    def test_reminder_created_meanwhile_is_skipped(self):
        """Between queueing and running, SN-A-1 was reminded (another server's batch): its
        batch finds the reminder and skips the machine."""
        self.Request._cron_create_maintenance_reminders(self.today)
        job = self._jobs()
        self.Request._job_create_maintenance_reminders(self.lot_a, fields.Date.to_string(self.today))
        self.Job._run_pending()
        self.assertEqual(len(self._reminders()), 5)
        self.assertEqual(len(self._reminders().filtered(lambda r: r.lot_id == self.lot_a)), 1)
        self.assertEqual(
            job.summary,
            f"Maintenance reminders created: {job.unit_count - 1}. "
            "Machines skipped, already reminded: 1.",
        )

    def test_few_machines_reminded_at_once(self):
        self.env["ir.config_parameter"].sudo().set_param("aftersales.job_batch_size", 1000)
        created = self.Request._cron_create_maintenance_reminders(self.today)
        self.assertEqual(created.filtered(lambda r: r.lot_id in self.lots).lot_id, self.lots)
        self.assertFalse(self._jobs())


@tagged("post_install", "-at_install")
class TestMaintenanceReminderRace(TransactionCase):
    """A batch of reminders loses a race to another server, which committed a reminder of one
    of its machines after the batch began: the database refuses the second reminder
    (maintenance_due_uniq), the whole batch is rolled back, and run again it finds the other's
    reminder and skips that machine. Two real transactions, so the data is committed and
    removed afterwards."""

    def setUp(self):
        super().setUp()
        self.addCleanup(self._remove_committed_data)
        with closing(self.registry.cursor()) as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            self.today = fields.Date.context_today(env.user)
            dealer = env["res.partner"].create(
                {"name": "Race Dealer", "is_company": True, "is_dealer": True})
            end_user = env["res.partner"].create(
                {"name": "Race End User", "is_end_user": True, "phone": "+1 555 0177",
                 "aftersales_dealer_id": dealer.id})
            product = env["product.product"].create({
                "name": "Race Generator", "type": "consu", "is_storable": True,
                "tracking": "serial", "aftersales_part_class": "finished",
                "warranty_months": 24, "has_maintenance_reminder": True,
                "maintenance_interval_months": 3,
            })
            lots = env["stock.lot"].create([
                {"name": f"SN-RACE-{n}", "product_id": product.id, "dealer_id": dealer.id,
                 "dealer_delivery_date": self.today - timedelta(days=200)}
                for n in range(3)
            ])
            for lot in lots:
                lot._register_end_user(end_user, self.today - timedelta(days=100))
            # queued as the cron would for more machines than a batch (the batch size set for
            # this transaction only: never committed)
            env["ir.config_parameter"].set_param("aftersales.job_batch_size", 2)
            start = env["aftersales.request"]._start_maintenance_reminders(lots, self.today)
            env["ir.config_parameter"].search([("key", "=", "aftersales.job_batch_size")]).unlink()
            cr.commit()
            self.job_id = start.job.id
            self.lot_ids = lots.ids
            self.partner_ids = [end_user.id, dealer.id]
            self.product_id = product.id

    def _remove_committed_data(self):
        with closing(self.registry.cursor()) as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            requests = env["aftersales.request"].search([("lot_id", "in", self.lot_ids)])
            ids = tuple(requests.ids) or (0,)
            for table, column in (("mail_message", "model"), ("mail_followers", "res_model"),
                                  ("mail_activity", "res_model")):
                cr.execute(
                    f"DELETE FROM {table} WHERE {column} = 'aftersales.request' AND res_id IN %s", [ids]
                )
            cr.execute("DELETE FROM aftersales_request WHERE id IN %s", [ids])
            job = env["aftersales.job"].browse(self.job_id)
            cr.execute("DELETE FROM mail_message WHERE model = 'aftersales.job' AND res_id = %s", [job.id])
            job.unlink()
            env["stock.lot"].browse(self.lot_ids).unlink()
            env["product.product"].browse(self.product_id).unlink()
            env["res.partner"].browse(self.partner_ids).unlink()
            cr.commit()

    def _count(self, lot_id):
        with closing(self.registry.cursor()) as cr:
            cr.execute(
                "SELECT COUNT(*) FROM aftersales_request WHERE lot_id = %s AND request_type = 'maintenance'",
                [lot_id],
            )
            return cr.fetchone()[0]

    def test_batch_losing_the_race_is_run_again_and_skips(self):
        first, second, third = self.lot_ids
        with closing(self.registry.cursor()) as lane, closing(self.registry.cursor()) as other:
            lane_env = api.Environment(lane, SUPERUSER_ID, {})
            Job = lane_env["aftersales.job"]
            # a lane takes the first batch (SN-RACE-0 and 1): its transaction has begun
            batch = lane_env["aftersales.job.batch"]._lock_next()
            self.assertEqual(batch.unit_ids, [first, second])
            # another server reminds SN-RACE-0 of the same due date and commits
            other_env = api.Environment(other, SUPERUSER_ID, {})
            other_env["aftersales.request"]._job_create_maintenance_reminders(
                other_env["stock.lot"].browse(first), fields.Date.to_string(self.today)
            )
            other.commit()
            # the lane does not see it and creates the batch's reminders: refused whole
            with mute_logger("odoo.sql_db"), self.assertRaises(UniqueViolation):
                batch._run()
            lane.rollback()
            # the lane's next turn runs the batch again, in a new transaction
            self.assertEqual(Job._run_pending(), Job.browse(self.job_id))
            lane.commit()
            job = Job.browse(self.job_id)
            self.assertEqual(job.state, "done")
            self.assertEqual(job.summary, "Maintenance reminders created: 2. "
                                          "Machines skipped, already reminded: 1.")
        self.assertEqual([self._count(lot_id) for lot_id in (first, second, third)], [1, 1, 1])
