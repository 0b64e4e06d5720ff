from datetime import timedelta

from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tests import Form, tagged

from .common import load_translations
from .common_claim import AftersalesClaimCommon


@tagged("post_install", "-at_install")
class TestClaimReview(AftersalesClaimCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # these tests are about the review: nothing to return, credit notes tested elsewhere
        cls.dealer_a.claim_settlement_mode = "monthly"

    def _submitted(self, **values):
        claim = self._create_claim(**values)
        claim.action_submit()
        return claim

    def _wizard(self, claim, model, user=None, **values):
        action = claim.with_user(user or self.as_user).action_open_reject()
        context = action["context"]
        return self.env[model].with_user(user or self.as_user).with_context(context).create(values)

    def test_gates_follow_the_state(self):
        claim = self._create_claim().with_user(self.as_user)
        gates = ["can_be_submitted", "can_be_approved", "can_be_rejected", "can_be_sent_back",
                 "can_be_settled", "can_be_closed", "can_be_cancelled", "can_be_reset"]

        def opened():
            claim.invalidate_recordset()
            return {gate for gate in gates if claim[gate]}

        self.assertEqual(opened(), {"can_be_submitted", "can_be_cancelled"})
        claim.action_submit()
        self.assertEqual(opened(), {"can_be_approved", "can_be_rejected", "can_be_sent_back",
                                    "can_be_cancelled"})
        claim.action_cancel()
        self.assertEqual(opened(), {"can_be_reset"})
        claim.action_reset_to_draft()
        self.assertEqual(claim.state, "draft")
        self.assertFalse(claim.review_deadline)
        claim.action_submit()
        claim.action_approve()
        self.assertEqual(opened(), set(), "monthly dealer: waits for its statement")
        with self.assertRaisesMessage(UserError, "is Approved and cannot be cancelled"):
            claim.action_cancel()
        with self.assertRaisesMessage(UserError, "is Approved and cannot be reviewed"):
            claim.action_approve()

    def test_approve_all(self):
        claim = self._submitted(reviewer_id=self.as_manager.id)
        claim.with_user(self.as_user).action_approve()
        self.assertEqual(claim.state, "approved")
        self.assertEqual(claim.line_ids.mapped("amount_approved"), [40.0, 90.0])
        self.assertEqual(claim.amount_approved, 130.0)
        self.assertEqual(claim.reviewer_id, self.as_user, "whoever decides is the reviewer")
        self.assertTrue(claim.review_date)
        self.assertFalse(claim.activity_ids, "the review activity is done")

    def test_partial_approval(self):
        claim = self._submitted()
        wizard = self._wizard(claim, "aftersales.claim.partial.approve", reason="Labour too long")
        self.assertEqual(wizard.claim_id, claim)
        self.assertEqual(wizard.line_ids.mapped("amount_approved"), [40.0, 90.0])
        part_row, labour_row = wizard.line_ids
        labour_row.amount_approved = 45.0
        self.assertEqual(wizard.amount_approved, 85.0)
        wizard.action_partial_approve()
        self.assertEqual(claim.state, "partially_approved")
        self.assertEqual(claim.line_ids.mapped("amount_approved"), [40.0, 45.0])
        self.assertEqual(claim.amount_approved, 85.0)
        self.assertEqual(claim.review_note, "Labour too long")
        self.assertTrue(any("Labour too long" in body for body in claim.message_ids.mapped("body")))

    def test_partial_approval_bad_amounts(self):
        claim = self._submitted()
        wizard = self._wizard(claim, "aftersales.claim.partial.approve", reason="No")
        part_row, labour_row = wizard.line_ids
        labour_row.amount_approved = 95.0
        with self.assertRaisesMessage(ValidationError, "approved amount 95.0 is more than the claimed 90.0"):
            wizard.action_partial_approve()
        labour_row.amount_approved = -5.0
        with self.assertRaisesMessage(ValidationError, "approved amount cannot be negative"):
            wizard.action_partial_approve()
        labour_row.amount_approved = 90.0
        with self.assertRaisesMessage(UserError, "every line is approved in full"):
            wizard.action_partial_approve()
        part_row.amount_approved = labour_row.amount_approved = 0.0
        with self.assertRaisesMessage(UserError, "nothing is approved. Use Reject"):
            wizard.action_partial_approve()
        self.assertEqual(claim.state, "submitted")
        self.assertEqual(claim.amount_approved, 0.0)
        self.assertFalse(claim.review_date)
        # the same rules hold without the wizard (API)
        with self.assertRaisesMessage(ValidationError, "approved amount 100.0 is more than the claimed 90.0"):
            claim._action_approve({claim.line_ids[1].id: 100.0}, "Generous")
        with self.assertRaisesMessage(UserError, "Give the reason for the partial approval"):
            claim._action_approve({claim.line_ids[1].id: 10.0}, "")
        self.assertEqual(claim.state, "submitted")

    def test_reject_needs_a_reason(self):
        claim = self._submitted()
        with self.assertRaisesMessage(AssertionError, "reason is a required field"):
            Form(self.env["aftersales.claim.reject"].with_context(default_claim_ids=claim.ids)).save()
        with self.assertRaisesMessage(UserError, "Give the reason"):
            self._wizard(claim, "aftersales.claim.reject", reason="  ").action_reject()
        self.assertEqual(claim.state, "submitted")
        wizard = self._wizard(claim, "aftersales.claim.reject", reason="Misuse")
        wizard.action_reject()
        self.assertEqual(claim.state, "rejected")
        self.assertEqual(claim.review_note, "Misuse")
        self.assertEqual(claim.amount_approved, 0.0)
        self.assertIn("Misuse", claim.message_ids[0].body)
        with self.assertRaisesMessage(UserError, "is Rejected: only an approved"):
            claim.action_settle()
        claim.action_close()
        self.assertEqual(claim.state, "closed")

    def test_send_back_with_a_question(self):
        claim = self._submitted(reviewer_id=self.as_user.id)
        wizard = self._wizard(claim, "aftersales.claim.send.back",
                              question="Please attach a photo of the rating plate.")
        wizard.action_send_back()
        self.assertEqual(claim.state, "draft")
        self.assertEqual(claim.sent_back_question, "Please attach a photo of the rating plate.")
        self.assertIn("rating plate", claim.message_ids[0].body)
        self.assertIn(self.dealer_a.id, claim.message_ids[0].partner_ids.ids)
        self.assertFalse(claim.activity_ids)
        # the dealer corrects the claim and submits again
        claim.write({"usage": 160.0})
        claim.action_submit()
        self.assertEqual(claim.state, "submitted")
        self.assertFalse(claim.sent_back_question)

    def test_goodwill_needs_a_manager(self):
        old = self.env["stock.lot"].create({
            "name": "SN-A-OLD", "product_id": self.machine.id, "dealer_id": self.dealer_a.id,
            "dealer_delivery_date": self.today - timedelta(days=500),
        })
        self._register(old, self.end_user_a, 450)
        claim = self._submitted(lot=old, claim_type="goodwill",
                                failure_date=self.today - timedelta(days=20))
        self.assertFalse(claim.with_user(self.as_user).can_be_approved)
        self.assertTrue(claim.with_user(self.as_user).can_be_rejected)
        with self.assertRaisesMessage(UserError, "goodwill claim: only an After-Sales manager"):
            claim.with_user(self.as_user).action_approve()
        self.assertEqual(claim.state, "submitted")
        claim.invalidate_recordset()
        claim.with_user(self.as_manager).action_approve()
        self.assertEqual(claim.state, "approved")
        self.assertEqual(claim.reviewer_id, self.as_manager)

    def test_approve_selected_claims_from_the_list(self):
        """The claims list's Approve button acts on the selection: all approved, or, when one
        of them cannot be, none (the message names it)."""
        list_view = self.env.ref("aftersales.aftersales_claim_view_list")
        self.assertIn('name="action_approve"', list_view.arch)
        old = self.env["stock.lot"].create({
            "name": "SN-A-OLD2", "product_id": self.machine.id, "dealer_id": self.dealer_a.id,
            "dealer_delivery_date": self.today - timedelta(days=500),
        })
        self._register(old, self.end_user_a, 450)
        other = self.env["stock.lot"].create({
            "name": "SN-A-2", "product_id": self.machine.id, "dealer_id": self.dealer_a.id,
            "dealer_delivery_date": self.lot_a.dealer_delivery_date,
        })
        self._register(other, self.end_user_a, 100)
        first = self._submitted()
        second = self._submitted(lot=other)
        goodwill = self._submitted(lot=old, claim_type="goodwill",
                                   failure_date=self.today - timedelta(days=20))
        selection = (first | second | goodwill).with_user(self.as_user)
        with self.assertRaisesMessage(UserError, f"{goodwill.name}.*goodwill claim: only an After-Sales manager"):
            selection.action_approve()
        self.assertEqual(set(selection.mapped("state")), {"submitted"})
        (first | second).with_user(self.as_user).action_approve()
        self.assertEqual((first | second).mapped("state"), ["approved", "approved"])
        self.assertEqual((first | second).mapped("amount_approved"), [130.0, 130.0])

    def test_part_outside_service_bom_needs_confirmation(self):
        claim = self._submitted(line_ids=self._lines([(self.part, 1.0), (self.off_bom_part, 1.0)]))
        fuse_line = claim.line_ids.filtered(lambda l: l.product_id == self.off_bom_part)
        self.assertFalse(fuse_line.is_in_service_bom)
        self.assertTrue(claim.needs_part_confirmation)
        with self.assertRaisesMessage(UserError, "Test Fuse not in the service BOM of Test Generator"):
            claim.with_user(self.as_user).action_approve()
        # the reviewer checks the part and confirms it on the submitted claim
        fuse_line.with_user(self.as_user).is_part_confirmed = True
        self.assertFalse(claim.needs_part_confirmation)
        claim.with_user(self.as_user).action_approve()
        self.assertEqual(claim.state, "approved")

    def test_part_outside_service_bom_approved_at_zero(self):
        claim = self._submitted(line_ids=self._lines([(self.part, 1.0), (self.off_bom_part, 1.0)]))
        fuse_line = claim.line_ids.filtered(lambda l: l.product_id == self.off_bom_part)
        claim._action_approve({fuse_line.id: 0.0}, "The fuse is not part of this repair")
        self.assertEqual(claim.state, "partially_approved")

    def test_submitted_claim_is_frozen(self):
        claim = self._submitted()
        with self.assertRaisesMessage(UserError, "can no longer be changed \\(Failure Date\\)"):
            claim.failure_date = self.today - timedelta(days=3)
        with self.assertRaisesMessage(UserError, "lines can no longer be changed"):
            claim.line_ids[0].quantity = 5
        with self.assertRaisesMessage(UserError, "lines can no longer be changed"):
            claim.write({"line_ids": [Command.create(
                {"line_type": "labour", "product_id": self.fee_labour.id, "quantity": 1})]})
        with self.assertRaisesMessage(UserError, "lines can no longer be changed"):
            claim.line_ids[0].unlink()
        with self.assertRaisesMessage(UserError, "set by the review of the claim"):
            claim.line_ids[0].with_user(self.as_user).amount_approved = 1.0
        self.assertEqual(claim.line_ids[0].quantity, 2.0)
        self.assertEqual(len(claim.line_ids), 2)
        # reviewers may still classify the cause and decide on returns
        claim.with_user(self.as_user).write({"cause_category": "design"})
        claim.line_ids[0].with_user(self.as_user).return_required = True
        self.assertTrue(claim.line_ids[0].return_required)
        with self.assertRaisesMessage(UserError, "kept for the record"):
            claim.unlink()

    def test_form_files_a_claim(self):
        form = Form(self.env["aftersales.claim"].with_user(self.as_user))
        form.dealer_id = self.dealer_a
        form.lot_id = self.lot_a
        self.assertEqual(form.product_id, self.machine)
        self.assertEqual(form.end_user_phone, "+1 555 0101")
        form.failure_date = self.failure_date
        with form.line_ids.new() as line:
            line.product_id = self.part
            line.quantity = 3
        with form.line_ids.new() as line:
            line.line_type = "labour"
            line.product_id = self.fee_labour
            line.quantity = 1
        claim = form.save()
        self.assertEqual(claim.amount_claimed, 3 * 20.0 + 45.0)
        claim.action_submit()
        self.assertEqual(claim.state, "submitted")

    def test_reviewers_activities_read_in_their_language(self):
        """A reviewer working in Chinese gets the review activity and the end-user correction in
        Chinese, though the claim was filed in English: summaries 审核索赔单 / 根据索赔单更新终端用户
        档案, and the corrected details by their labels (电话: +1 555 0199), not field names."""
        load_translations(self.env, ["zh_CN"], ["aftersales", "base"])  # base: the partner's labels
        self.as_user.lang = "zh_CN"
        review_type = self.env.ref("aftersales.mail_activity_type_claim_review")
        end_user_type = self.env.ref("aftersales.mail_activity_type_claim_end_user")
        claim = self._create_claim()
        claim.write({"end_user_phone": "+1 555 0199", "reviewer_id": self.as_user.id})
        claim.action_submit()
        self.assertEqual(claim.activity_ids.summary,
                         review_type.with_context(lang="zh_CN").summary)
        self.assertNotEqual(claim.activity_ids.summary, review_type.summary)
        claim.with_user(self.as_user).action_approve()
        activity = claim.activity_ids.filtered(lambda a: a.activity_type_id == end_user_type)
        self.assertEqual(activity.summary, end_user_type.with_context(lang="zh_CN").summary)
        self.assertIn("电话: +1 555 0199", activity.note)
        self.assertNotIn("phone =", activity.note)

    def test_end_user_changes_are_proposed_to_the_archive(self):
        claim = self._create_claim()
        claim.write({"end_user_phone": "+1 555 0199", "end_user_email": "new@a.example.com"})
        self.assertTrue(claim.has_end_user_changes)
        claim.action_submit()
        self.assertFalse(claim.with_user(self.as_user).can_be_end_user_updated)
        claim.with_user(self.as_user).action_approve()
        activity = claim.activity_ids
        self.assertEqual(activity.activity_type_id,
                         self.env.ref("aftersales.mail_activity_type_claim_end_user"))
        self.assertIn("+1 555 0199", activity.note)
        self.assertEqual(self.end_user_a.phone, "+1 555 0101", "only proposed, not written")
        claim.with_user(self.as_user).action_update_end_user()
        self.assertEqual(self.end_user_a.phone, "+1 555 0199")
        self.assertEqual(self.end_user_a.email, "new@a.example.com")
        self.assertFalse(claim.has_end_user_changes)
        self.assertFalse(claim.activity_ids)
        with self.assertRaisesMessage(UserError, "nothing to update"):
            claim.with_user(self.as_user).action_update_end_user()

    def test_overdue_reviews(self):
        late = self._submitted()
        late.review_deadline = self.today - timedelta(days=1)
        on_time = self._submitted(failure_date=self.today - timedelta(days=2))
        Claim = self.env["aftersales.claim"]
        self.assertTrue(late.is_review_overdue)
        self.assertFalse(on_time.is_review_overdue)
        overdue = Claim.search([("is_review_overdue", "=", True)])
        self.assertIn(late, overdue)
        self.assertNotIn(on_time, overdue)
        self.assertIn(on_time, Claim.search([("is_review_overdue", "=", False)]))
        late.with_user(self.as_user).action_approve()
        self.assertFalse(late.is_review_overdue)
        self.assertNotIn(late, Claim.search([("is_review_overdue", "=", True)]))
