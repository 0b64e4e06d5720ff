from lxml import etree

from odoo.tests import tagged

from .common import BrowserCase
from .common_claim import AftersalesClaimCommon


class ReviewerCommon(AftersalesClaimCommon):
    """A draft claim on SN-A-1 without a reviewer, and two submitted claims: on SN-A-2 (dealer
    A, credited per claim on approval) and on SN-B-1 (dealer B, credited by its monthly
    statement). Each claims two filters and two hours of labour: 2 x 20 + 2 x 45 = 130."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dealer_b.claim_settlement_mode = "monthly"
        cls.lot_a2 = cls.env["stock.lot"].create({
            "name": "SN-A-2", "product_id": cls.machine.id, "dealer_id": cls.dealer_a.id,
            "dealer_delivery_date": cls.lot_a.dealer_delivery_date,
        })
        cls._register(cls.lot_a2, cls.end_user_a, 100)
        cls.draft = cls._create_claim()
        cls.per_claim = cls._create_claim(lot=cls.lot_a2, reviewer_id=cls.as_user.id)
        cls.monthly = cls._create_claim(
            dealer=cls.dealer_b, lot=cls.lot_b, reviewer_id=cls.as_user.id
        )
        (cls.per_claim | cls.monthly).action_submit()


@tagged("post_install", "-at_install")
class TestClaimMassApproval(ReviewerCommon):
    def test_mass_approval_says_what_it_did(self):
        """Approving the two submitted claims and the draft, once submitted, from the list: 3
        approved; the two of dealer A credited at once (2 credit notes of 130.00), the one of
        dealer B waits for its monthly statement: '3 approved, 2 credited. 1 credited later'."""
        self.draft.action_submit()
        claims = self.draft | self.per_claim | self.monthly
        action = claims.with_user(self.as_user).action_approve()
        self.assertEqual(action["tag"], "display_notification")
        params = action["params"]
        self.assertEqual(params["type"], "success")
        self.assertEqual(params["title"], "Claims Approved")
        self.assertEqual(
            params["message"],
            "3 approved, 2 credited. 1 credited later: when their returned parts are received, "
            "or by their dealer's statement.",
        )
        self.assertEqual(params["next"], {"type": "ir.actions.act_window_close"})
        self.assertEqual(
            [claim.state for claim in claims], ["settled", "settled", "approved"]
        )
        self.assertEqual((self.draft | self.per_claim).refund_move_id.mapped("amount_untaxed"),
                         [130.0, 130.0])

    def test_one_claim_approved_and_credited(self):
        """The form's Approve on one claim of dealer A: '1 approved, 1 credited.'"""
        action = self.per_claim.with_user(self.as_user).action_approve()
        self.assertEqual(action["params"]["message"], "1 approved, 1 credited.")


@tagged("post_install", "-at_install")
class TestClaimListColumns(AftersalesClaimCommon):
    def test_key_columns_never_truncate(self):
        """The claims list: the claim number and the serial number have fixed widths (140 px:
        'CLM/2026/00012' and 'PG-5000-1001' fit); the claim type is a secondary column, hidden
        by default."""
        arch = etree.fromstring(self.env["aftersales.claim"].get_view(view_type="list")["arch"])
        column = {node.get("name"): node for node in arch.xpath("/list/field")}
        self.assertEqual(column["name"].get("width"), "140px")
        self.assertEqual(column["lot_id"].get("width"), "140px")
        self.assertIsNone(column["name"].get("optional"))
        self.assertIsNone(column["lot_id"].get("optional"))
        self.assertEqual(column["claim_type"].get("optional"), "hide")


@tagged("post_install", "-at_install")
class TestClaimReviewerUi(ReviewerCommon, BrowserCase):
    browser_size = "1400x900"

    def test_reviewer_tour(self):
        """A reviewer at desktop size (aftersales_claim_reviewer_tour): the claim number and
        the serial are not cut in the list; the draft on SN-A-1, submitted without a reviewer,
        goes to the default reviewer as_manager with the Claim Review activity and shows no
        'Add a line' nor delete icon any more; the three claims approved from the list say
        '3 approved, 2 credited'."""
        self.company.claim_reviewer_id = self.as_manager
        self.start_tour("/odoo", "aftersales_claim_reviewer_tour", login=self.as_user.login)
        claims = self.draft | self.per_claim | self.monthly
        self.assertEqual([claim.state for claim in claims], ["settled", "settled", "approved"])
        review_type = self.env.ref("aftersales.mail_activity_type_claim_review")
        done = self.env["mail.message"].search([
            ("model", "=", "aftersales.claim"), ("res_id", "=", self.draft.id),
            ("mail_activity_type_id", "=", review_type.id),
        ])
        self.assertEqual(len(done), 1, "the review activity, done at the approval")
