from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import tagged

from .common_claim import AftersalesClaimCommon


@tagged("post_install", "-at_install")
class TestClaimAccess(AftersalesClaimCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.claim_a = cls._create_claim()
        cls.claim_b = cls._create_claim(dealer=cls.dealer_b, lot=cls.lot_b)
        (cls.claim_a | cls.claim_b).action_submit()

    def test_users_file_and_review(self):
        claim = self._create_claim(user=self.as_user, failure_date=self.today)
        self.assertEqual(claim.create_uid, self.as_user)
        claim.action_submit()
        claim.action_approve()
        self.assertEqual(claim.state, "settled")
        other = self._create_claim(user=self.as_user, failure_date=self.today, lot=self.lot_a,
                                   line_ids=self._lines([(self.module, 1.0)]))
        with self.assertRaisesMessage(UserError, "already has claim"):
            other.action_submit()
        other.unlink()
        self.assertFalse(other.exists())

    def test_portal_reads_only_its_own_claims(self):
        Claim = self.env["aftersales.claim"].with_user(self.portal_a)
        rows = Claim.search_read([], ["name", "state", "lot_id", "amount_claimed", "line_ids"])
        self.assertEqual([row["name"] for row in rows], [self.claim_a.name])
        self.assertEqual(rows[0]["lot_id"][1], "SN-A-1")
        self.assertEqual(rows[0]["amount_claimed"], 130.0)
        lines = self.env["aftersales.claim.line"].with_user(self.portal_a).search_read(
            [], ["claim_id", "product_id", "amount_claimed"])
        self.assertEqual({row["claim_id"][0] for row in lines}, {self.claim_a.id})
        self.assertEqual(Claim.search_count([("id", "=", self.claim_b.id)]), 0)
        with self.assertRaises(AccessError):
            self.claim_b.with_user(self.portal_a).read(["name"])
        with self.assertRaises(AccessError):
            self.claim_b.line_ids.with_user(self.portal_a).read(["amount_claimed"])
        # and the other dealer sees its own only
        rows_b = self.env["aftersales.claim"].with_user(self.portal_b).search_read([], ["name"])
        self.assertEqual([row["name"] for row in rows_b], [self.claim_b.name])

    def test_portal_cannot_change_claims(self):
        with self.assertRaises(AccessError):
            self.env["aftersales.claim"].with_user(self.portal_a).create({
                "dealer_id": self.dealer_a.id, "lot_id": self.lot_a.id,
            })
        with self.assertRaises(AccessError):
            self.claim_a.with_user(self.portal_a).write({"symptom": "changed"})
        with self.assertRaises(AccessError):
            self.claim_a.with_user(self.portal_a).action_approve()
        with self.assertRaises(AccessError):
            self.claim_a.with_user(self.portal_a).action_settle()

    def test_dealer_never_edits_the_lines_of_a_submitted_claim(self):
        line = self.claim_a.line_ids[0]
        with self.assertRaises(AccessError):
            line.with_user(self.portal_a).write({"quantity": 10})
        with self.assertRaises(AccessError):
            self.claim_a.with_user(self.portal_a).write(
                {"line_ids": [Command.update(line.id, {"quantity": 10})]})
        # not even through a privileged path (e.g. a portal page writing as superuser)
        with self.assertRaisesMessage(UserError, "lines can no longer be changed"):
            line.with_user(self.portal_a).sudo().write({"quantity": 10})
        with self.assertRaisesMessage(UserError, "lines can no longer be changed"):
            line.with_user(self.portal_a).sudo().write({"is_part_confirmed": True})
        with self.assertRaisesMessage(UserError, "lines can no longer be changed"):
            line.with_user(self.portal_a).sudo().unlink()
        self.assertEqual(line.quantity, 2.0)
        self.assertFalse(line.is_part_confirmed)

    def test_claims_follow_their_company(self):
        other = self.env["res.company"].create({"name": "Other Manufacturing Co"})
        foreign = self.env["aftersales.claim"].with_company(other).create({
            "dealer_id": self.dealer_a.id, "company_id": other.id,
        })
        Claim = self.env["aftersales.claim"].with_user(self.as_user)
        self.assertNotIn(foreign, Claim.search([]))
        self.assertIn(self.claim_a, Claim.search([]))
        with self.assertRaises(AccessError):
            foreign.with_user(self.as_user).read(["name"])
        self.as_user.company_ids = [Command.link(other.id)]
        self.assertIn(foreign, Claim.with_context(allowed_company_ids=[other.id]).search([]))
        self.assertNotIn(foreign, Claim.with_context(
            allowed_company_ids=[self.company.id]).search([]))

    def test_smart_buttons(self):
        self.assertEqual(self.lot_a.claim_count, 1)
        self.assertEqual(self.dealer_a.claim_count, 1)
        action = self.lot_a.with_user(self.as_user).action_view_claims()
        self.assertEqual(action["res_model"], "aftersales.claim")
        self.assertEqual(self.env["aftersales.claim"].search(action["domain"]), self.claim_a)
        self.assertEqual(action["context"]["default_lot_id"], self.lot_a.id)
        action = self.dealer_b.action_view_claims()
        self.assertEqual(self.env["aftersales.claim"].search(action["domain"]), self.claim_b)
