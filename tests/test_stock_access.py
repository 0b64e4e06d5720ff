from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .stock_common import AftersalesStockCommon


@tagged("post_install", "-at_install")
class TestStockAccess(AftersalesStockCommon):
    """Dealers reach none of the stock features; staff reach them through their Inventory and
    Purchase rights."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._put_in_stock(cls.wear_part, 5)
        cls._put_in_stock(cls.wear_part, 1, cls.claimed_location)
        cls.plan = cls.env["aftersales.reserve.plan"].create(
            {"warehouse_ids": [Command.set(cls.warehouse.ids)]}
        )
        cls.plan.action_compute()
        cls.stock_staff = new_test_user(
            cls.env, login="as_stock_staff",
            groups="base.group_user,aftersales.group_aftersales_user,stock.group_stock_user",
        )

    def test_dealer_reads_nothing(self):
        self.assertTrue(self.plan.line_ids)
        for model in ("aftersales.reserve.plan", "aftersales.reserve.plan.line",
                      "aftersales.stock.aging.report", "aftersales.purchase.exception.report",
                      "aftersales.stock.aging.overview"):
            with self.subTest(model=model), self.assertRaises(AccessError):
                self.env[model].with_user(self.portal_a).search([])
        with self.assertRaises(AccessError):
            self.plan.with_user(self.portal_a).read(["name"])
        with self.assertRaises(AccessError):
            self.env["stock.quant"].with_user(self.portal_a).search(
                [("location_id.is_aftersales_claimed_parts", "=", True)]
            )

    def test_after_sales_user_without_inventory_rights(self):
        # The plans are after-sales records, but applying them writes Inventory's rules.
        plan = self.plan.with_user(self.as_user)
        self.assertEqual(plan.state, "draft")
        with self.assertRaises(AccessError):
            self.env["aftersales.stock.aging.report"].with_user(self.as_user).search([])
        with self.assertRaises(AccessError):
            plan.action_apply()
        self.assertEqual(self.plan.state, "draft")
        self.assertFalse(self.plan.line_ids.orderpoint_id)

    def test_stock_staff_works_the_plan(self):
        plan = self.env["aftersales.reserve.plan"].with_user(self.stock_staff).create(
            {"warehouse_ids": [Command.set(self.warehouse.ids)]}
        )
        plan.action_compute()
        plan.action_apply()
        self.assertEqual(plan.state, "applied")
        rows = self.env["aftersales.stock.aging.report"].with_user(self.stock_staff).search(
            [("product_id", "=", self.wear_part.id)]
        )
        self.assertEqual(sum(rows.mapped("quantity")), 5)
        claimed = self.env["stock.quant"].with_user(self.stock_staff).search(
            [("location_id.is_aftersales_claimed_parts", "=", True), ("product_id", "=", self.wear_part.id)]
        )
        self.assertEqual(claimed.quantity, 1)
        with self.assertRaises(AccessError):
            plan.unlink()  # only managers delete plans (and never applied ones)
