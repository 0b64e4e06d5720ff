from odoo.tests import tagged

from .common import BrowserCase
from .test_statement import AftersalesStatementCommon


@tagged("post_install", "-at_install")
class TestPortalPhone(BrowserCase, AftersalesStatementCommon):
    """The dealer portal on a phone (390 x 844): every page fits the screen with its key figures."""

    browser_size = "390x844"
    touch_enabled = True

    def test_portal_pages_fit_a_phone(self):
        """A phone 390 px wide, no page wider than the screen:
        - claims list and claim page: the sent-back claim of 2 compressor heads at 100 (the
          statement's part price) and 2 hours at 45 shows claimed 2 x 100 + 2 x 45 = 290.00 and
          approved 0.00 on screen, and the reviewer's question in its conversation;
        - new-claim form: "[SP-C-HEAD] Compressor head assembly" and "[SP-C-MOT] Compressor motor
          2 HP" shown in full (reference and name), not cut to "[SP-C-HEAD] Compr...";
        - statements: opening 100, invoiced 1,000, paid 300, credited 200 -> closing balance
          100 + 1,000 - 300 - 200 = 600.00 on screen in the list and on the statement."""
        self.part.write({"name": "Compressor head assembly", "default_code": "SP-C-HEAD"})
        self.module.write({"name": "Compressor motor 2 HP", "default_code": "SP-C-MOT"})
        claim = self._create_claim()
        self.assertEqual(claim.amount_claimed, 290.0)
        claim.action_submit()
        claim.with_user(self.as_user)._action_send_back("Which filter did you fit?")
        self._stage_month()
        statement = self._generate()
        self.assertEqual(statement.closing_balance, 600.0)
        statement.name = "TOUR-PHONE-ST"
        statement.with_user(self.accountant).action_send()
        self.start_tour("/my/claims", "aftersales_portal_phone_tour", login="portal_a")
