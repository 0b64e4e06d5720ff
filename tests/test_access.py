from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import AftersalesCommon


@tagged("post_install", "-at_install")
class TestAccess(AftersalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._register(cls.lot_a, cls.end_user_a, 10)
        cls._register(cls.lot_b, cls.end_user_b, 10)

    def test_user_cannot_configure_dealer_levels(self):
        Level = self.env["aftersales.dealer.level"].with_user(self.as_user)
        self.assertIn(self.level, Level.search([]))
        with self.assertRaises(AccessError):
            Level.create({"name": "Platinum"})
        with self.assertRaises(AccessError):
            self.level.with_user(self.as_user).write({"settlement_discount": 50})
        with self.assertRaises(AccessError):
            self.level.with_user(self.as_user).unlink()
        self.assertEqual(self.level.settlement_discount, 10.0)

    def test_manager_configures_dealer_levels(self):
        level = self.env["aftersales.dealer.level"].with_user(self.as_manager).create(
            {"name": "Platinum", "settlement_discount": 20}
        )
        level.write({"settlement_discount": 22})
        self.assertEqual(level.settlement_discount, 22)

    def test_user_works_the_machine_archive(self):
        lot = self.lot_stock.with_user(self.as_user)
        lot.write({"dealer_id": self.dealer_a.id})
        self.assertEqual(lot.dealer_id, self.dealer_a)
        with self.assertRaises(AccessError):
            lot.unlink()

    def test_dealer_level_multi_company(self):
        other = self.env["res.company"].create({"name": "Other Manufacturing Co"})
        foreign = self.env["aftersales.dealer.level"].create({"name": "Foreign", "company_id": other.id})
        Level = self.env["aftersales.dealer.level"].with_user(self.as_user)
        self.assertNotIn(foreign, Level.search([]))
        self.assertIn(self.level, Level.search([]))

    def test_portal_sees_only_own_machines(self):
        Lot = self.env["stock.lot"].with_user(self.portal_a)
        rows = Lot.search_read([], ["name", "dealer_id", "end_user_id", "warranty_state"])
        self.assertEqual({row["name"] for row in rows}, {"SN-A-1"})
        self.assertEqual(rows[0]["end_user_id"][0], self.end_user_a.id)
        self.assertEqual(Lot.search_count([("name", "=", "SN-B-1")]), 0)
        with self.assertRaises(AccessError):
            self.lot_b.with_user(self.portal_a).read(["name"])
        with self.assertRaises(AccessError):
            self.lot_stock.with_user(self.portal_a).read(["name"])
        # the other dealer sees its own, and not ours
        rows_b = self.env["stock.lot"].with_user(self.portal_b).search_read([], ["name"])
        self.assertEqual([row["name"] for row in rows_b], ["SN-B-1"])

    def test_portal_cannot_change_machines(self):
        with self.assertRaises(AccessError):
            self.lot_a.with_user(self.portal_a).write({"end_user_id": False})
        with self.assertRaises(AccessError):
            self.env["stock.lot"].with_user(self.portal_a).create(
                {"name": "SN-FAKE", "product_id": self.machine.id}
            )

    def test_portal_sees_only_own_end_users(self):
        Partner = self.env["res.partner"].with_user(self.portal_a)
        rows = Partner.search_read([("is_end_user", "=", True)], ["name", "phone"])
        self.assertEqual([row["name"] for row in rows], ["End User of A"])
        with self.assertRaises(AccessError):
            self.end_user_b.with_user(self.portal_a).read(["name", "email"])
        with self.assertRaises(AccessError):
            self.end_user_a.with_user(self.portal_a).write({"phone": "0"})
        # nor the other dealer's company record
        with self.assertRaises(AccessError):
            self.dealer_b.with_user(self.portal_a).read(["dealer_code"])
