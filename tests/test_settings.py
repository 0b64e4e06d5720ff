from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import AftersalesCommon


@tagged("post_install", "-at_install")
class TestSettingsKeepPricelists(AftersalesCommon):
    """Saving Settings, or a company getting its second warehouse, never archives the price
    lists the add-on prices parts with (Odoo archives every list when the Pricelists option
    reads as off)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        cls.company = cls.env.company
        cls.pricelists = cls.company._get_aftersales_pricelists()

    def _assert_pricelists_active(self):
        self.pricelists.invalidate_recordset(["active"])
        archived = self.pricelists.filtered(lambda pl: not pl.active)
        self.assertFalse(archived, "after-sales price lists archived: %s" % archived.mapped("name"))

    def test_pricelists_of_the_company(self):
        self.assertIn(self.company.aftersales_dealer_pricelist_id, self.pricelists)
        self.assertIn(self.company.aftersales_market_pricelist_id, self.pricelists)
        levels = self.env["aftersales.dealer.level"].search([("pricelist_id", "!=", False)])
        self.assertLessEqual(levels.pricelist_id, self.pricelists)

    def test_internal_users_have_the_pricelists_option(self):
        """Every internal user, not only After-Sales users, has the option: it is what the
        Settings form reads."""
        clerk = self.env["res.users"].create({"name": "Clerk", "login": "clerk_pl"})
        self.assertTrue(clerk._is_internal())
        self.assertTrue(clerk.has_group("product.group_product_pricelist"))
        self.assertIn(
            self.env.ref("product.group_product_pricelist"),
            self.env.ref("base.group_user").implied_ids,
        )

    def test_settings_save_without_change(self):
        """Settings opened and saved as the administrator does, nothing changed."""
        settings = Form(self.env["res.config.settings"].with_user(self.admin))
        self.assertTrue(settings.group_product_pricelist)
        settings.save().execute()
        self._assert_pricelists_active()

    def test_settings_execute_without_change(self):
        self.env["res.config.settings"].with_user(self.admin).create({}).execute()
        self._assert_pricelists_active()

    def test_second_warehouse(self):
        """Odoo saves the settings itself when a company gets its second warehouse."""
        self.assertEqual(
            self.env["stock.warehouse"].search_count([("company_id", "=", self.company.id)]), 1
        )
        self.env["stock.warehouse"].with_user(self.admin).create(
            {"name": "Second Depot", "code": "SD2", "company_id": self.company.id}
        )
        self._assert_pricelists_active()

    def test_turning_the_option_off_is_refused(self):
        settings = self.env["res.config.settings"].with_user(self.admin).create(
            {"group_product_pricelist": False}
        )
        with self.assertRaisesRegex(UserError, "Pricelists option cannot be turned off"):
            settings.execute()
        self._assert_pricelists_active()
        self.assertTrue(self.admin.has_group("product.group_product_pricelist"))
