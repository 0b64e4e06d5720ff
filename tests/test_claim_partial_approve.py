from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import BrowserCase
from .common_claim import AftersalesClaimCommon


class PartialApproveCommon(AftersalesClaimCommon):
    """A submitted claim of dealer A with a part of the service BOM (2 x 20), an off-BOM part
    (a fuse, 2.50, not confirmed) and 2 hours of labour (2 x 45): 132.50 claimed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.claim = cls._create_claim(
            reviewer_id=cls.as_user.id,
            line_ids=cls._lines([(cls.part, 2.0), (cls.off_bom_part, 1.0)]),
        )
        cls.claim.action_submit()
        lines = cls.claim.line_ids
        cls.fuse_line = lines.filtered(lambda line: line.product_id == cls.off_bom_part)
        cls.labour_line = lines.filtered(lambda line: line.line_type == "labour")

    def _chatter(self):
        return "\n".join(self.claim.message_ids.mapped("body"))

    def _claimed_and_approved(self):
        self.claim.invalidate_recordset()
        self.claim.line_ids.invalidate_recordset()
        return [
            (line.product_id, line.amount_claimed, line.amount_approved)
            for line in self.claim.line_ids
        ]


@tagged("post_install", "-at_install")
class TestClaimPartialApproveForm(PartialApproveCommon):
    """The wizard as the web client fills and saves it (odoo.tests.Form sends what the browser
    sends: no readonly field unless the view saves it)."""

    def _form(self):
        action = self.claim.with_user(self.as_user).action_open_partial_approve()
        wizard = self.env[action["res_model"]].with_user(self.as_user)
        return Form(wizard.with_context(action["context"]))

    def _row(self, form, claim_line):
        """The index of the wizard's row of ``claim_line`` (one row per line, in their order)."""
        return list(self.claim.line_ids).index(claim_line)

    def test_partial_approval_through_the_form(self):
        self.assertEqual(
            [(line.product_id, line.amount_claimed) for line in self.claim.line_ids],
            [(self.part, 40.0), (self.off_bom_part, 2.5), (self.fee_labour, 90.0)],
        )
        form = self._form()
        self.assertEqual(
            [form.line_ids.edit(index).amount_approved for index in range(len(form.line_ids))],
            [40.0, 2.5, 90.0],
            "every line proposed at its claimed amount",
        )
        with form.line_ids.edit(self._row(form, self.labour_line)) as row:
            row.amount_approved = 60.0
        with form.line_ids.edit(self._row(form, self.fuse_line)) as row:
            # an off-BOM part the reviewer does not confirm is approved at 0
            row.amount_approved = 0.0
        form.reason = "Labour above the standard time; the fuse is not a part of this machine."
        wizard = form.save()
        self.assertEqual(wizard.amount_approved, 100.0)
        self.assertEqual(wizard.line_ids.claim_line_id, self.claim.line_ids)
        wizard.action_partial_approve()

        self.assertEqual(self.claim.state, "settled", "per-claim dealer, credited on approval")
        self.assertEqual(
            self.claim.line_ids.mapped("amount_approved"), [40.0, 0.0, 60.0]
        )
        self.assertEqual(self.claim.amount_approved, 100.0)
        self.assertEqual(self.claim.reviewer_id, self.as_user)
        self.assertEqual(self.claim.refund_move_id.amount_untaxed, 100.0,
                         "the dealer is credited what was approved, not what was claimed")
        self.assertIn(
            "Partially approved: Labour above the standard time", self._chatter(),
            "the reason is told to the dealer",
        )

    def test_bad_amounts_write_nothing(self):
        """An amount above the claimed one, or a negative one, is refused naming the line, before
        anything is written (the rows before it included); tried without Odoo's test savepoint,
        so a half-written approval would show."""
        for amount, message in (
            (95.0, r"line \[FEE-LAB\] Service labour.*: the approved amount 95\.0 is more than "
                   r"the claimed 90\.0"),
            (-5.0, r"line \[FEE-LAB\] Service labour.*: the approved amount cannot be negative"),
        ):
            form = self._form()
            with form.line_ids.edit(self._row(form, self.fuse_line)) as row:
                row.amount_approved = 0.0
            with form.line_ids.edit(self._row(form, self.labour_line)) as row:
                row.amount_approved = amount
            form.reason = "Too much"
            wizard = form.save()
            try:
                wizard.action_partial_approve()
            except ValidationError as error:
                self.assertRegex(str(error), message)
                self.assertIn(self.claim.display_name, str(error))
            else:
                self.fail(f"an approved amount of {amount} was accepted")
            self.assertEqual(self.claim.state, "submitted")
            self.assertEqual(
                [approved for _product, _claimed, approved in self._claimed_and_approved()],
                [0.0, 0.0, 0.0],
                "nothing approved, not even the lines before the wrong one",
            )

    def test_rows_are_the_claims_lines(self):
        """A row (sent by a client) naming a line of another claim is refused, not ignored."""
        other = self._create_claim(lot=self.lot_b, dealer=self.dealer_b)
        form = self._form()
        form.reason = "Too much"
        wizard = form.save()
        wizard.line_ids[0].claim_line_id = other.line_ids[0]
        with self.assertRaisesMessage(UserError, "a line that is not one of its lines"):
            wizard.action_partial_approve()
        self.assertEqual(self.claim.state, "submitted")


@tagged("post_install", "-at_install")
class TestClaimPartialApproveUi(PartialApproveCommon, BrowserCase):
    def test_partial_approve_tour(self):
        """A reviewer (an After-Sales user) partially approves a submitted claim in the back
        office: more than claimed is refused naming the line; then the labour lowered, the
        off-BOM fuse approved at 0, a reason for the dealer."""
        self.dealer_a.claim_settlement_mode = "monthly"  # the claim stays Partially Approved
        self.start_tour("/odoo", "aftersales_partial_approve_tour", login=self.as_user.login)
        self.assertEqual(self.claim.state, "partially_approved")
        self.assertEqual(
            self._claimed_and_approved(),
            [(self.part, 40.0, 40.0), (self.off_bom_part, 2.5, 0.0), (self.fee_labour, 90.0, 60.0)],
        )
        self.assertEqual(self.claim.amount_approved, 100.0)
        self.assertEqual(self.claim.reviewer_id, self.as_user)
        self.assertEqual(self.claim.review_note, "Labour above the standard time")
        self.assertIn("Partially approved: Labour above the standard time", self._chatter())
