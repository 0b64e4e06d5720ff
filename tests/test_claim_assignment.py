import importlib.util
from ast import literal_eval
from datetime import timedelta
from pathlib import Path

from lxml import etree

from odoo.tests import Form, tagged

from .common_claim import AftersalesClaimCommon


@tagged("post_install", "-at_install")
class TestClaimAssignment(AftersalesClaimCommon):
    """A claim submitted without a reviewer reaches somebody: the company's default reviewer
    (Settings), else the After-Sales users in turn; the reviewer gets the review activity."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dealer_a.claim_settlement_mode = "monthly"  # nothing credited: the review only
        cls.review_type = cls.env.ref("aftersales.mail_activity_type_claim_review")
        cls.admin = cls.env.ref("base.user_admin")

    def _claim(self, days_before, **values):
        """A draft claim of dealer A on SN-A-1 (a failure of its own, so never a duplicate)."""
        return self._create_claim(
            failure_date=self.failure_date - timedelta(days=days_before), **values
        )

    def _review_activities(self, claim):
        return claim.activity_ids.filtered(lambda a: a.activity_type_id == self.review_type)

    def test_default_reviewer_from_settings(self):
        """Settings > Warranty Claims > Default Reviewer = as_manager: a claim filed without a
        reviewer and submitted goes to as_manager, who gets the Claim Review activity due on the
        review deadline (5 working days after today)."""
        settings = Form(self.env["res.config.settings"].with_user(self.admin))
        settings.claim_reviewer_id = self.as_manager
        settings.save().execute()
        self.assertEqual(self.company.claim_reviewer_id, self.as_manager)

        form = Form(self.env["aftersales.claim"].with_user(self.as_user))
        form.dealer_id = self.dealer_a
        form.lot_id = self.lot_a
        form.failure_date = self.failure_date
        with form.line_ids.new() as line:
            line.product_id = self.part
        claim = form.save()
        self.assertFalse(claim.reviewer_id)
        claim.action_submit()

        self.assertEqual(claim.reviewer_id, self.as_manager)
        activity = self._review_activities(claim)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.as_manager)
        self.assertEqual(activity.date_deadline, claim.review_deadline)

    def test_default_reviewer_gone_falls_back_to_round_robin(self):
        """A default reviewer archived since (as_manager) is skipped: the claim goes to the
        next After-Sales user in turn (after as_user's claim: as_manager is archived, so the
        administrator, the first by id)."""
        self.company.claim_reviewer_id = self.as_manager
        self.as_manager.active = False
        self._claim(0, reviewer_id=self.as_user.id).action_submit()
        claim = self._claim(1)
        claim.action_submit()
        self.assertEqual(claim.reviewer_id, self.admin)

    def test_chosen_reviewer_is_kept(self):
        """A reviewer chosen on the draft (as_user) keeps the claim, whatever the default
        (as_manager)."""
        self.company.claim_reviewer_id = self.as_manager
        claim = self._claim(0, reviewer_id=self.as_user.id)
        claim.action_submit()
        self.assertEqual(claim.reviewer_id, self.as_user)
        self.assertEqual(self._review_activities(claim).user_id, self.as_user)

    def test_round_robin_without_default(self):
        """No default reviewer: the company's After-Sales users review in turn, by user id.
        as_user and as_manager are the two After-Sales users created last (the two highest
        ids, as_user first), and the administrator (id 2) is the first. After a claim submitted
        with as_user as its reviewer, the next claim goes to as_manager, the one after wraps
        round to the administrator; two claims submitted together after another as_user claim
        go to as_manager and the administrator."""
        self.assertFalse(self.company.claim_reviewer_id)
        reviewers = self.env["aftersales.claim"]._get_reviewer_candidates(self.company)
        self.assertEqual(reviewers[0], self.admin)
        self.assertEqual(reviewers[-2:], self.as_user | self.as_manager)
        self.assertNotIn(self.env.ref("base.user_root"), reviewers, "never OdooBot")
        self.assertNotIn(self.portal_a, reviewers)

        self._claim(0, reviewer_id=self.as_user.id).action_submit()
        second, third = self._claim(1), self._claim(2)
        second.action_submit()
        third.action_submit()
        self.assertEqual(second.reviewer_id, self.as_manager)
        self.assertEqual(third.reviewer_id, self.admin)
        self.assertEqual(self._review_activities(second).user_id, self.as_manager)
        self.assertEqual(self._review_activities(third).user_id, self.admin)

        self._claim(3, reviewer_id=self.as_user.id).action_submit()
        batch = self._claim(4) | self._claim(5)
        batch.action_submit()
        self.assertEqual([claim.reviewer_id for claim in batch], [self.as_manager, self.admin])
        self.assertEqual(
            [self._review_activities(claim).user_id for claim in batch],
            [self.as_manager, self.admin],
        )

    def test_unassigned_filter_and_reviewer_column(self):
        """The claims list shows the reviewer by default, and its 'Unassigned' filter finds the
        submitted claims without one (here: one whose reviewer was cleared), not the drafts."""
        claim = self._claim(0)
        claim.action_submit()
        draft = self._claim(1)
        Claim = self.env["aftersales.claim"]
        search = etree.fromstring(Claim.get_view(view_type="search")["arch"])
        [unassigned] = search.xpath("//filter[@name='unassigned']")
        domain = literal_eval(unassigned.get("domain"))
        self.assertNotIn(claim, Claim.search(domain))
        claim.reviewer_id = False
        found = Claim.search(domain)
        self.assertIn(claim, found)
        self.assertNotIn(draft, found)
        listing = etree.fromstring(Claim.get_view(view_type="list")["arch"])
        [column] = listing.xpath("//field[@name='reviewer_id']")
        self.assertEqual(column.get("optional"), "show")

    def test_migration_assigns_claims_submitted_without_reviewer(self):
        """Claims submitted before reviewers were assigned (no reviewer, no activity) get one at
        the update to 18.0.1.6.0: with as_manager the default reviewer, both go to as_manager
        with the review activity; a claim that had a reviewer keeps it."""
        orphans = self._claim(0) | self._claim(1)
        kept = self._claim(2, reviewer_id=self.as_user.id)
        (orphans | kept).action_submit()
        # as they were before the update: submitted, reviewed by nobody
        orphans.activity_ids.unlink()
        orphans.reviewer_id = False
        self.company.claim_reviewer_id = self.as_manager
        migration = importlib.util.module_from_spec(importlib.util.spec_from_file_location(
            "aftersales_migration_18_0_1_6_0",
            Path(__file__).parents[1] / "migrations" / "18.0.1.6.0" / "post-migration.py",
        ))
        migration.__spec__.loader.exec_module(migration)
        migration.migrate(self.env.cr, "18.0.1.5.0")
        self.assertEqual(orphans.reviewer_id, self.as_manager)
        for claim in orphans:
            self.assertEqual(self._review_activities(claim).user_id, self.as_manager)
        self.assertEqual(kept.reviewer_id, self.as_user)
        self.assertEqual(len(self._review_activities(kept)), 1)
