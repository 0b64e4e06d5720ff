from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import AftersalesCommon


@tagged("post_install", "-at_install")
class TestPartsQuote(AftersalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Tax = cls.env["account.tax"]
        cls.tax_excluded = Tax.create({"name": "VAT 15% (excl.)", "amount": 15.0, "type_tax_use": "sale"})
        cls.tax_included = Tax.create(
            {"name": "VAT 15% (incl.)", "amount": 15.0, "type_tax_use": "sale", "price_include_override": "tax_included"}
        )
        cls.module = cls.env["product.product"].create({
            "name": "Quote Module", "type": "consu", "aftersales_part_class": "module",
            "is_serviceable_part": True, "list_price": 100.0, "taxes_id": [Command.clear()],
        })
        shipping = cls.env["product.product"].create(
            {"name": "Parts courier", "type": "service", "list_price": 20.0, "taxes_id": [Command.clear()]}
        )
        cls.carrier = cls.env["delivery.carrier"].create({
            "name": "Parts courier", "delivery_type": "fixed", "fixed_price": 20.0,
            "product_id": shipping.id,
        })

    def _quote(self, partner, tax, qty=2):
        order = self.env["sale.order"].create({
            "partner_id": partner.id,
            "order_line": [Command.create({
                "product_id": self.module.id, "product_uom_qty": qty, "price_unit": 100.0,
                "tax_id": [Command.set(tax.ids)],
            })],
        })
        order.set_delivery_line(self.carrier, 20.0)
        return order

    def test_tax_excluded_quote(self):
        order = self._quote(self.dealer_a, self.tax_excluded)
        self.assertTrue(order.is_parts_quote)
        self.assertFalse(order.parts_prices_include_tax)
        # 2 x 100 = 200 list price + 30 tax + 20 logistics = 250
        self.assertAlmostEqual(order.parts_amount, 200.0)
        self.assertAlmostEqual(order.parts_tax_amount, 30.0)
        self.assertAlmostEqual(order.logistics_amount, 20.0)
        self.assertAlmostEqual(order.amount_total, 250.0)
        self.assertAlmostEqual(order.parts_amount + order.parts_tax_amount + order.logistics_amount, order.amount_total)

    def test_tax_included_quote(self):
        order = self._quote(self.dealer_a, self.tax_included)
        self.assertTrue(order.parts_prices_include_tax)
        # 2 x 100 tax included + 20 logistics = 220
        self.assertAlmostEqual(order.parts_amount, 200.0)
        self.assertAlmostEqual(order.logistics_amount, 20.0)
        self.assertAlmostEqual(order.amount_total, 220.0)

    def test_parts_quote_pdf(self):
        order = self._quote(self.dealer_a, self.tax_excluded)
        html = self.env["ir.actions.report"]._render_qweb_html("aftersales.report_parts_quote", order.ids)[0].decode()
        self.assertIn("Parts Quote", html)
        self.assertIn("List price (tax excluded)", html)
        self.assertIn("Logistics", html)

    def test_quote_to_end_user_refused(self):
        count = self.env["sale.order"].search_count([])
        with self.assertRaisesMessage(ValidationError, "quoted to dealers only[\\s\\S]*Dealer A"):
            self._quote(self.end_user_a, self.tax_excluded)
        self.assertEqual(self.env["sale.order"].search_count([]), count)

    def test_end_user_quote_needs_manager_override(self):
        order = self.env["sale.order"].create({"partner_id": self.end_user_a.id})
        with self.assertRaises(ValidationError):
            order.order_line = [Command.create({"product_id": self.module.id, "product_uom_qty": 1})]
        with self.assertRaises(AccessError):
            order.with_user(self.as_user).write({"aftersales_channel_override": True})
        order.aftersales_channel_override = True
        order.order_line = [Command.create({"product_id": self.module.id, "product_uom_qty": 1})]
        self.assertTrue(order.is_parts_quote)

    def test_non_parts_order_to_end_user_allowed(self):
        fee = self.env.ref("aftersales.product_fee_labour")
        order = self.env["sale.order"].create({
            "partner_id": self.end_user_a.id,
            "order_line": [Command.create({"product_id": fee.id, "product_uom_qty": 1})],
        })
        self.assertFalse(order.is_parts_quote)
