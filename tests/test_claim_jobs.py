from datetime import timedelta

from lxml import etree

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import format_amount

from .common_claim import AftersalesClaimCommon


@tagged("post_install", "-at_install")
class TestClaimJobs(AftersalesClaimCommon):
    """Settling a selection of claims larger than a batch (here 2 claims): the whole selection
    checked first, then credited by a background job, batch by batch, each claim once. The
    lanes' work is run here in the test's transaction (``_run_pending``)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param("aftersales.job_batch_size", 2)
        # approved while their dealers were settled monthly: waiting for a credit note
        (cls.dealer_a | cls.dealer_b).claim_settlement_mode = "monthly"
        claims = [
            cls._create_claim(failure_date=cls.today - timedelta(days=days))
            for days in range(10, 14)
        ]
        # dealer B's claim in the second batch, beside one of dealer A
        claims.insert(2, cls._create_claim(dealer=cls.dealer_b, lot=cls.lot_b))
        cls.claims = cls.env["aftersales.claim"].concat(*claims)
        cls.claims.action_submit()
        cls.claims.with_user(cls.as_user).action_approve()
        (cls.dealer_a | cls.dealer_b).claim_settlement_mode = "per_claim"
        cls.claim_b = cls.claims[2]
        cls.Job = cls.env["aftersales.job"]
        cls.jobs_before = cls.Job.search([])  # a database in use has some

    def _settle(self, claims, user=None):
        """The Settle button of the claims list on ``claims`` (the form's Create Credit Note
        calls the same method)."""
        return claims.with_user(user or self.as_user).action_settle()

    def _credit_notes(self, claim):
        return self.env["account.move"].search(
            [("move_type", "=", "out_refund"), ("invoice_origin", "=", claim.name)]
        )

    def test_settle_button_in_the_claims_lists(self):
        """The claims list, and the Approved Claims to Credit list built on it, offer Settle on
        a selection."""
        Claim = self.env["aftersales.claim"].with_user(self.as_user)
        for xmlid in ("aftersales_claim_view_list", "aftersales_claim_view_list_to_credit"):
            with self.subTest(view=xmlid):
                view = self.env.ref(f"aftersales.{xmlid}")
                arch = etree.fromstring(Claim.get_views([(view.id, "list")])["views"]["list"]["arch"])
                self.assertTrue(arch.xpath("//header/button[@name='action_settle'][@string='Settle']"))

    def test_approved_claims_settle_at_once_when_few(self):
        self.assertTrue(self._settle(self.claims[:2]))
        self.assertEqual(self.claims[:2].mapped("state"), ["settled", "settled"])
        self.assertFalse(self.Job.search([("id", "not in", self.jobs_before.ids)]))

    def test_selection_is_settled_by_a_job(self):
        action = self._settle(self.claims)
        job = self.Job.search([("user_id", "=", self.as_user.id)])
        self.assertEqual(len(job), 1)
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(action["params"]["next"]["res_id"], job.id)
        self.assertRecordValues(job, [{
            "name": "Settle 5 claims", "state": "queued", "unit_count": 5, "remaining_count": 5,
            "res_model": "aftersales.claim", "res_id": False, "unit_model": "aftersales.claim",
        }])
        self.assertEqual(len(job.batch_ids), 3)
        self.assertEqual(set(self.claims.mapped("state")), {"approved"}, "nothing credited yet")
        self.assertFalse(self.claims.refund_move_id)

        # one lane's turn: one batch, credited on its own
        self.env["aftersales.job.batch"].sudo()._lock_next()._run()
        self.assertRecordValues(job, [{"state": "running", "done_count": 2, "remaining_count": 3}])
        self.assertEqual(self.claims.mapped("state"), ["settled"] * 2 + ["approved"] * 3)

        self.assertEqual(self.Job._run_pending(), job)
        for claim in self.claims:
            with self.subTest(claim=claim.name):
                self.assertEqual(claim.state, "settled")
                self.assertEqual(self._credit_notes(claim), claim.refund_move_id)
                self.assertEqual(claim.refund_move_id.state, "posted")
                self.assertEqual(claim.refund_move_id.amount_untaxed, 130.0)
                # settled in the background, called back as ever: in the same batch
                self.assertEqual(len(claim.callback_ids), 1)
                # the chatter as today: the credit note tracked on the claim
                tracked = claim.message_ids.tracking_value_ids.filtered(
                    lambda t: t.field_id.name == "refund_move_id"
                )
                self.assertEqual(tracked.new_value_integer, claim.refund_move_id.id)
        total = format_amount(
            self.env, sum(self.claims.refund_move_id.mapped("amount_total")), self.company.currency_id
        )
        self.assertRecordValues(job, [{"state": "done", "done_count": 5, "failed_count": 0,
                                       "progress": 100.0}])
        self.assertEqual(job.summary, f"Claims credited: 5, {total} in total.")
        self.assertIn("Claims credited: 5", job.message_ids[0].body)

        # the lanes run again (a second server, a retry): nothing credited twice
        self.assertFalse(self.Job._run_pending())
        job.batch_ids.write({"state": "queued"})
        job.sudo().write({"state": "running"})
        self.assertEqual(self.Job._run_pending(), job)
        self.assertIn("Claims credited: 0,", job.summary)
        self.assertIn("Skipped, already credited: 5.", job.summary)
        for claim in self.claims:
            self.assertEqual(len(self._credit_notes(claim)), 1)
            self.assertEqual(len(claim.callback_ids), 1)

    def test_claim_that_can_no_longer_be_settled_is_named(self):
        """Dealer B moves to monthly statements after the settlement was queued: its claim
        fails, named with the reason, while the others are credited."""
        self._settle(self.claims)
        job = self.Job.search([("user_id", "=", self.as_user.id)])
        self.dealer_b.claim_settlement_mode = "monthly"
        self.Job._run_pending()
        self.assertRecordValues(job, [{"state": "failed", "done_count": 4, "failed_count": 1}])
        self.assertEqual(job.failure_ids.unit_name, self.claim_b.name)
        self.assertIn("settled by monthly statement", job.failure_ids.error)
        self.assertIn("Claims credited: 4,", job.summary)
        self.assertIn(self.claim_b.name, job.summary)
        self.assertEqual(self.claim_b.state, "approved")
        self.assertFalse(self._credit_notes(self.claim_b))
        for claim in self.claims - self.claim_b:
            self.assertEqual(len(self._credit_notes(claim)), 1)
        # the dealer back to per-claim settlement: Retry Failed credits it
        self.dealer_b.claim_settlement_mode = "per_claim"
        job.with_user(self.as_user).action_retry_failed()
        self.Job._run_pending()
        self.assertRecordValues(job, [{"state": "done", "done_count": 5, "failed_count": 0}])
        self.assertEqual(len(self._credit_notes(self.claim_b)), 1)

    def test_claims_credited_meanwhile_are_skipped(self):
        """The same claims settled twice before the lanes run (two reviewers, two servers), and
        one credited from its form meanwhile: every claim is credited once."""
        first = self._settle(self.claims)
        second = self._settle(self.claims, user=self.as_manager)
        self.assertEqual(first["tag"], second["tag"])
        self.assertTrue(self._settle(self.claims[0]))  # Create Credit Note on its form
        jobs = self.Job.search([("res_model", "=", "aftersales.claim")], order="id")
        self.assertEqual(len(jobs), 2)
        self.Job._run_pending()
        for claim in self.claims:
            self.assertEqual(len(self._credit_notes(claim)), 1)
        self.assertIn("Claims credited: 4,", jobs[0].summary)
        self.assertIn("Skipped, already credited: 1.", jobs[0].summary)
        self.assertIn("Claims credited: 0,", jobs[1].summary)
        self.assertIn("Skipped, already credited: 5.", jobs[1].summary)
        self.assertEqual(jobs.mapped("state"), ["done", "done"])

    def test_selection_is_checked_before_anything_starts(self):
        """A claim of the selection cannot be settled: the user is told which and why, for
        every such claim, and nothing is queued or credited."""
        self.dealer_b.claim_settlement_mode = "quarterly"
        draft = self._create_claim(failure_date=self.today - timedelta(days=20))
        with self.assertRaisesMessage(UserError, "settled by quarterly statement") as error:
            self._settle(self.claims | draft)
        self.assertIn(self.claim_b.name, str(error.exception))
        self.assertIn(f"Claim {draft.name} is Draft", str(error.exception))
        self.assertFalse(self.Job.search([("id", "not in", self.jobs_before.ids)]))
        self.assertFalse(self.claims.refund_move_id)

    def test_nothing_to_credit_is_counted(self):
        """A claim approved at 0 is settled with nothing to credit, and said so."""
        self.claims[0].line_ids.sudo().amount_approved = 0.0
        self._settle(self.claims)
        job = self.Job.search([("user_id", "=", self.as_user.id)])
        self.Job._run_pending()
        self.assertIn("Claims credited: 4,", job.summary)
        self.assertIn("Settled with nothing to credit (no approved amount): 1.", job.summary)
        self.assertEqual(self.claims[0].state, "settled")
        self.assertFalse(self.claims[0].refund_move_id)
        self.assertIn("Settled: nothing to credit",
                      "".join(self.claims[0].message_ids.mapped("body")))
