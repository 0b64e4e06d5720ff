from odoo.tests import tagged

from .common import BrowserCase, load_translations
from .common_claim import AftersalesClaimCommon


@tagged("post_install", "-at_install")
class TestChineseUi(BrowserCase, AftersalesClaimCommon):
    """The add-on in the browser as Chinese users read it (issue 21, item 23): a reviewer in
    Simplified Chinese on a submitted claim, a dealer in Traditional Chinese on a phone. The
    translations are loaded as Odoo loads them when a language is installed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_translations(cls.env, modules=("base", "web", "portal", "aftersales"))
        cls.claim = cls._create_claim()
        cls.claim.name = "TOUR-ZH-CLM"
        cls.claim.action_submit()

    def test_reviewer_in_simplified_chinese(self):
        self.as_user.lang = "zh_CN"
        self.start_tour("/odoo/action-aftersales.aftersales_claim_action",
                        "aftersales_chinese_claim_tour", login="as_user")

    def test_dealer_in_traditional_chinese_on_a_phone(self):
        self.portal_a.lang = "zh_TW"
        self.browser_size = "390x844"
        self.touch_enabled = True
        self.start_tour("/my/claims", "aftersales_chinese_portal_tour", login="portal_a")
