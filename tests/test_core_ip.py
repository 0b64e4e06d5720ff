from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .stock_common import AftersalesStockCommon


@tagged("post_install", "-at_install")
class TestCoreIpStock(AftersalesStockCommon):
    """Core IP parts move inside the company but never leave it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._put_in_stock(cls.core_ip_part, 10)

    def _on_hand(self, product, location=None):
        return product.with_context(location=(location or self.stock_location).id).qty_available

    def assertNothingMoved(self, picking, stock):
        """Nothing of ``picking`` was moved: it is not done, none of its move lines is, and
        each product of ``stock`` ({product: quantity}) still has that quantity on hand."""
        self.env.invalidate_all()
        self.assertNotEqual(picking.state, "done")
        self.assertFalse(picking.move_ids.filtered(lambda move: move.state == "done"))
        self.assertFalse(self.env["stock.move.line"].search([
            ("picking_id", "=", picking.id), ("state", "=", "done"),
        ]))
        for product, quantity in stock.items():
            self.assertEqual(self._on_hand(product), quantity, product.name)

    def test_delivery_to_dealer_refused(self):
        picking = self._make_picking(
            self.core_ip_part, 2, self.stock_location, self.customer_location, self.dealer_a
        )
        with self.assertRaisesMessage(UserError, picking.name) as cm:
            self._validate(picking)
        self.assertIn("[T-IP-ECU] Test ECU", str(cm.exception))
        self.assertIn("never leave the company", str(cm.exception))
        self.assertNothingMoved(picking, {self.core_ip_part: 10})

    def test_delivery_to_customer_refused_with_other_parts(self):
        picking = self._make_picking(
            self.wear_part, 1, self.stock_location, self.customer_location, self.customer
        )
        self._put_in_stock(self.wear_part, 1)
        self.env["stock.move"].create({
            "name": "ECU", "picking_id": picking.id, "product_id": self.core_ip_part.id,
            "product_uom_qty": 1, "product_uom": self.unit.id,
            "location_id": self.stock_location.id, "location_dest_id": self.customer_location.id,
        })
        picking.action_confirm()
        picking.action_assign()
        with self.assertRaisesMessage(UserError, r"Test ECU"):
            self._validate(picking)
        # the whole transfer is refused, the part that may leave included
        self.assertNothingMoved(picking, {self.core_ip_part: 10, self.wear_part: 1})

    def test_dealer_return_refused(self):
        # A dealer sent a core IP part back (allowed: it comes in) ...
        receipt = self._make_picking(
            self.core_ip_part, 1, self.customer_location, self.stock_location, self.dealer_a
        )
        self._validate(receipt)
        self.assertEqual(receipt.state, "done")
        # ... but returning it to the dealer is refused.
        wizard = Form(
            self.env["stock.return.picking"].with_context(active_id=receipt.id, active_model="stock.picking")
        ).save()
        wizard.product_return_moves.quantity = 1
        action = wizard.action_create_returns()
        return_picking = self.env["stock.picking"].browse(action["res_id"])
        self.assertEqual(return_picking.location_dest_id.usage, "customer")
        with self.assertRaisesMessage(UserError, return_picking.name):
            self._validate(return_picking)
        self.assertNothingMoved(return_picking, {self.core_ip_part: 11})

    def test_inter_company_transit_refused(self):
        transit = self.env.ref("stock.stock_location_inter_company")
        self.assertFalse(transit.company_id)
        picking = self._make_picking(
            self.core_ip_part, 1, self.stock_location, transit, picking_type=self.warehouse.out_type_id
        )
        with self.assertRaisesMessage(UserError, "Test ECU"):
            self._validate(picking)
        self.assertNothingMoved(picking, {self.core_ip_part: 10})
        self.assertFalse(self.core_ip_part.with_context(location=transit.id).qty_available)

    def test_other_company_location_refused(self):
        other = self.env["res.company"].create({"name": "Sister Manufacturing Co"})
        other_stock = self.env["stock.warehouse"].search([("company_id", "=", other.id)]).lot_stock_id
        self.assertTrue(other_stock._aftersales_is_outside_company(self.env.company))
        self.assertFalse(self.stock_location._aftersales_is_outside_company(self.env.company))
        self.assertFalse(self.claimed_location._aftersales_is_outside_company(self.env.company))
        move_line = self.env["stock.move.line"].new({
            "product_id": self.core_ip_part.id, "quantity": 1, "company_id": self.env.company.id,
            "location_id": self.stock_location.id, "location_dest_id": other_stock.id,
        })
        with self.assertRaisesMessage(UserError, "Test ECU"):
            move_line._check_aftersales_core_ip_leaving()

    def test_internal_transfer_allowed(self):
        picking = self._make_picking(self.core_ip_part, 3, self.stock_location, self.claimed_location)
        self._validate(picking)
        self.assertEqual(picking.state, "done")
        self.assertEqual(self._on_hand(self.core_ip_part, self.claimed_location), 3)

    def test_receipt_and_scrap_allowed(self):
        receipt = self._make_picking(
            self.core_ip_part, 5, self.supplier_location, self.stock_location, self.vendor
        )
        self._validate(receipt)
        self.assertEqual(receipt.state, "done")
        scrap = self.env["stock.scrap"].create({
            "product_id": self.core_ip_part.id, "scrap_qty": 2, "location_id": self.stock_location.id,
        })
        scrap.action_validate()
        self.assertEqual(scrap.state, "done")
        self.assertEqual(self._on_hand(self.core_ip_part), 13)

    def test_other_parts_leave_freely(self):
        self._put_in_stock(self.wear_part, 4)
        picking = self._make_picking(
            self.wear_part, 4, self.stock_location, self.customer_location, self.dealer_a
        )
        self._validate(picking)
        self.assertEqual(picking.state, "done")
        self.assertEqual(self._on_hand(self.wear_part), 0)


@tagged("post_install", "-at_install")
class TestCoreIpDocuments(AftersalesStockCommon):
    """Core IP parts are never sold, invoiced or priced; dealers buy only serviceable parts."""

    def _order(self, partner, *products):
        return self.env["sale.order"].create({
            "partner_id": partner.id,
            "order_line": [Command.create({"product_id": p.id, "product_uom_qty": 1}) for p in products],
        })

    def test_sale_line_refused(self):
        Order = self.env["sale.order"]
        with self.assertRaisesMessage(UserError, r"Sales order .*Test ECU"):
            self._order(self.customer, self.core_ip_part)
        self.assertFalse(Order.search([("partner_id", "=", self.customer.id)]))
        order = self._order(self.customer, self.wear_part)
        with self.assertRaisesMessage(UserError, "Test ECU"):
            order.write({"order_line": [Command.create({"product_id": self.core_ip_part.id})]})
        with self.assertRaisesMessage(UserError, "Test ECU"):
            order.order_line.product_id = self.core_ip_part
        self.env.invalidate_all()
        self.assertEqual(order.order_line.product_id, self.wear_part)
        self.assertFalse(self.env["sale.order.line"].search([("product_id", "=", self.core_ip_part.id)]))

    def test_dealer_buys_only_serviceable_parts(self):
        Order = self.env["sale.order"]
        dealer_orders = [("partner_id", "child_of", self.dealer_a.id)]
        before = Order.search(dealer_orders)
        with self.assertRaisesMessage(UserError, r"not serviceable.*Dealer A|Dealer A.*not serviceable"):
            self._order(self.contact_a, self.internal_module)
        self.assertEqual(Order.search(dealer_orders), before)
        order = self._order(self.contact_a, self.wear_part, self.module_part, self.standard_part,
                            self.machine, self.no_class_product)
        self.assertEqual(len(order.order_line), 5)
        # Non-dealers may buy a non-serviceable module (e.g. a replacement assembly).
        self.assertTrue(self._order(self.customer, self.internal_module))

    def test_order_moved_to_dealer_refused(self):
        order = self._order(self.customer, self.internal_module)
        with self.assertRaisesMessage(UserError, "Test Frame Weldment"):
            order.partner_id = self.dealer_b
        self.env.invalidate_all()
        self.assertEqual(order.partner_id, self.customer)

    def _invoice(self, move_type, partner, product):
        return self.env["account.move"].create({
            "move_type": move_type,
            "partner_id": partner.id,
            "invoice_line_ids": [Command.create({"product_id": product.id, "quantity": 1, "price_unit": 10})],
        })

    def test_customer_invoice_and_refund_refused(self):
        for move_type in ("out_invoice", "out_refund"):
            with self.subTest(move_type=move_type), \
                    self.assertRaisesMessage(UserError, r"Customer invoice .*Test ECU"):
                self._invoice(move_type, self.customer, self.core_ip_part)
        self.assertFalse(self.env["account.move"].search([("partner_id", "=", self.customer.id)]))
        invoice = self._invoice("out_invoice", self.customer, self.wear_part)
        with self.assertRaisesMessage(UserError, "Test ECU"):
            invoice.invoice_line_ids.product_id = self.core_ip_part
        self.env.invalidate_all()
        self.assertEqual(invoice.invoice_line_ids.product_id, self.wear_part)
        self.assertFalse(self.env["account.move.line"].search([
            ("product_id", "=", self.core_ip_part.id), ("move_id.move_type", "in", ("out_invoice", "out_refund")),
        ]))

    def test_dealer_invoice_only_serviceable(self):
        Move = self.env["account.move"]
        before = Move.search([("partner_id", "=", self.dealer_a.id)])
        with self.assertRaisesMessage(UserError, "not serviceable"):
            self._invoice("out_invoice", self.dealer_a, self.internal_module)
        self.assertEqual(Move.search([("partner_id", "=", self.dealer_a.id)]), before)
        invoice = self._invoice("out_invoice", self.dealer_a, self.module_part)
        self.assertEqual(invoice.invoice_line_ids.product_id, self.module_part)

    def test_vendor_bill_allowed(self):
        bill = self._invoice("in_invoice", self.vendor, self.core_ip_part)
        self.assertEqual(bill.invoice_line_ids.product_id, self.core_ip_part)
        bill.invoice_date = fields.Date.today()
        bill.action_post()
        self.assertEqual(bill.state, "posted")

    def test_pricelist_refused(self):
        pricelist = self.env["product.pricelist"].create({"name": "Dealer Settlement"})
        Item = self.env["product.pricelist.item"]
        with self.assertRaisesMessage(UserError, r"Price list Dealer Settlement.*Test ECU"):
            Item.create({"pricelist_id": pricelist.id, "applied_on": "0_product_variant",
                         "product_id": self.core_ip_part.id, "fixed_price": 10})
        with self.assertRaisesMessage(UserError, "Test ECU"):
            Item.create({"pricelist_id": pricelist.id, "applied_on": "1_product",
                         "product_tmpl_id": self.core_ip_part.product_tmpl_id.id, "fixed_price": 10})
        item = Item.create({"pricelist_id": pricelist.id, "applied_on": "1_product",
                            "product_tmpl_id": self.wear_part.product_tmpl_id.id, "fixed_price": 10})
        with self.assertRaisesMessage(UserError, "Test ECU"):
            item.product_tmpl_id = self.core_ip_part.product_tmpl_id
        with self.assertRaisesMessage(UserError, "Test ECU"):
            pricelist.write({"item_ids": [Command.create({
                "applied_on": "0_product_variant", "product_id": self.core_ip_part.id, "fixed_price": 1,
            })]})
        self.assertEqual(pricelist.item_ids, item)
        self.assertEqual(item.product_tmpl_id, self.wear_part.product_tmpl_id)

    def test_pricelist_import_refused(self):
        pricelist = self.env["product.pricelist"].create({"name": "Market Guide"})
        result = self.env["product.pricelist.item"].load(
            ["pricelist_id/.id", "applied_on", "product_tmpl_id/.id", "fixed_price"],
            [[str(pricelist.id), "1_product", str(self.core_ip_part.product_tmpl_id.id), "99"]],
        )
        self.assertFalse(result["ids"])
        self.assertIn("Test ECU", " ".join(message["message"] for message in result["messages"]))
        self.assertFalse(pricelist.item_ids)

    def test_category_and_global_items_allowed(self):
        """Rules for all products or a category name no part: they are allowed, even where a
        core IP part falls under them (selling it is what the guard refuses)."""
        pricelist = self.env["product.pricelist"].create({
            "name": "Global",
            "item_ids": [
                Command.create({"applied_on": "3_global", "compute_price": "percentage", "percent_price": 10}),
                Command.create({"applied_on": "2_product_category", "categ_id": self.core_ip_part.categ_id.id,
                                "compute_price": "percentage", "percent_price": 5}),
            ],
        })
        self.assertRecordValues(pricelist.item_ids.sorted("applied_on"), [
            {"applied_on": "2_product_category", "product_id": False, "product_tmpl_id": False},
            {"applied_on": "3_global", "product_id": False, "product_tmpl_id": False},
        ])
