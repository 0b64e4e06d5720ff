import importlib.util
from pathlib import Path

from odoo import Command, fields, http
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, HttpCase, tagged

from .common_claim import AftersalesClaimCommon
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
            self._order(self.contact_a, self.core_ip_part)
        self.assertFalse(Order.search([("partner_id", "=", self.contact_a.id)]))
        order = self._order(self.contact_a, self.wear_part)
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
        # Non-dealers are quoted no parts at all (the channel rule), serviceable or not.
        with self.assertRaisesMessage(ValidationError, "quoted to dealers only"):
            self._order(self.customer, self.internal_module)

    def test_order_moved_to_dealer_refused(self):
        """A dealer's order of a module that is no longer serviceable cannot be moved to
        another dealer: the dealer rule reads the new customer too."""
        order = self._order(self.contact_a, self.module_part)
        self.module_part.is_serviceable_part = False
        with self.assertRaisesMessage(UserError, "Test Engine Module"):
            order.partner_id = self.dealer_b
        self.env.invalidate_all()
        self.assertEqual(order.partner_id, self.contact_a)

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


@tagged("post_install", "-at_install")
class TestCoreIpPrice(AftersalesStockCommon):
    """A core IP part has no sales price: 0 when created or made core IP, read-only in the
    form, a price refused."""

    def test_created_without_price(self):
        """Odoo gives a new product a sales price of 1.00; the ECU, created as a core IP part
        without one, has 0. A module created the same way keeps Odoo's 1.00."""
        self.assertEqual(self.core_ip_part.list_price, 0.0)
        self.assertEqual(self.core_ip_part.lst_price, 0.0)
        self.assertEqual(self.module_part.list_price, 1.0)

    def test_product_form(self):
        """In the product form: a new part priced 120, then classed core IP, is saved at 0 and
        its price cannot be typed; a module priced 150 made core IP is saved at 0."""
        form = Form(self.env["product.template"])
        form.name = "Test Inverter Board"
        form.list_price = 120.0
        form.aftersales_part_class = "core_ip"
        self.assertEqual(form.list_price, 0.0)
        with self.assertRaises(AssertionError):  # read-only: Form refuses to type into it
            form.list_price = 5.0
        inverter = form.save()
        self.assertRecordValues(inverter, [{"list_price": 0.0, "is_serviceable_part": False}])

        self.module_part.list_price = 150.0
        form = Form(self.module_part.product_tmpl_id)
        self.assertEqual(form.list_price, 150.0)
        form.aftersales_part_class = "core_ip"
        form.save()
        self.assertRecordValues(self.module_part.product_tmpl_id, [
            {"aftersales_part_class": "core_ip", "list_price": 0.0, "is_serviceable_part": False},
        ])

    def test_price_write_refused(self):
        """A price of 25 written on the ECU (template or variant) is refused naming the part;
        it stays at 0. A price of 25 given with the core IP class is cleared to 0; a part taken
        out of the core IP class may be priced again (25)."""
        for record, fname in ((self.core_ip_part.product_tmpl_id, "list_price"), (self.core_ip_part, "lst_price")):
            with self.subTest(fname=fname), self.assertRaisesMessage(
                ValidationError, r"\[T-IP-ECU\] Test ECU is a core IP part: it is never priced"
            ):
                record[fname] = 25.0
        self.env.invalidate_all()
        self.assertEqual(self.core_ip_part.list_price, 0.0)
        self.internal_module.write({"aftersales_part_class": "core_ip", "list_price": 25.0})
        self.assertEqual(self.internal_module.list_price, 0.0)
        self.core_ip_part.write({"aftersales_part_class": "module", "list_price": 25.0})
        self.assertEqual(self.core_ip_part.list_price, 25.0)

    def test_migration_clears_prices(self):
        """Before 18.0.1.5.0 a core IP part could keep a price: the ECU at 80 (as an older
        database holds it, written below the ORM's check) is cleared to 0 by the migration; the
        module at 150 keeps its price."""
        self.module_part.list_price = 150.0
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE product_template SET list_price = 80 WHERE id = %s",
            [self.core_ip_part.product_tmpl_id.id],
        )
        self.env.invalidate_all()
        self.assertEqual(self.core_ip_part.list_price, 80.0)
        path = Path(__file__).parents[1] / "migrations" / "18.0.1.5.0" / "post-migration.py"
        spec = importlib.util.spec_from_file_location("aftersales_post_migrate_1_5", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.migrate(self.env.cr, "18.0.1.4.0")
        self.env.invalidate_all()
        self.assertEqual(self.core_ip_part.list_price, 0.0)
        self.assertEqual(self.module_part.list_price, 150.0)


@tagged("post_install", "-at_install")
class TestCoreIpClaims(AftersalesClaimCommon):
    """A claim line never carries a core IP part: the dealer claims the module holding it."""

    def test_claim_line_refused(self):
        """On the claim form, Test Controller (core IP, in the machine's service BOM) is
        refused naming it and the module to claim; Test Engine Module, 1 x 300, and 2 hours of
        labour, 2 x 45, are claimed instead: 390."""
        form = Form(self.env["aftersales.claim"].with_user(self.as_user))
        form.dealer_id = self.dealer_a
        form.lot_id = self.lot_a
        form.failure_date = self.failure_date
        with form.line_ids.new() as line:
            line.product_id = self.core_ip
        message = r"Test Controller is a core IP part\..*claim the module that holds it"
        with self.assertRaisesMessage(ValidationError, message):
            form.save()
        form.line_ids.remove(0)
        with form.line_ids.new() as line:
            line.product_id = self.module
        with form.line_ids.new() as line:
            line.line_type = "labour"
            line.product_id = self.fee_labour
            line.quantity = 2
        claim = form.save()
        self.assertEqual(claim.line_ids.product_id, self.module | self.fee_labour)
        self.assertEqual(claim.amount_claimed, 300.0 + 2 * 45.0)
        # nor added later, through the API
        with self.assertRaisesMessage(ValidationError, message):
            claim.write({"line_ids": [Command.create({"product_id": self.core_ip.id})]})
        with self.assertRaisesMessage(ValidationError, message):
            claim.line_ids.filtered(lambda l: l.product_id == self.module).product_id = self.core_ip
        self.env.invalidate_all()
        self.assertEqual(claim.line_ids.product_id, self.module | self.fee_labour)


@tagged("post_install", "-at_install")
class TestCoreIpPortalClaim(HttpCase, AftersalesClaimCommon):
    """The portal's claim form offers the service BOM's parts, never a core IP part."""

    def test_claim_form_offers_no_core_ip_part(self):
        """SN-A-1's service BOM holds Test Filter, Test Engine Module and Test Controller (core
        IP): the form lists the first two only; a posted quantity for the controller is not
        claimed: the draft has the module (1) and 2 hours of labour (2 x 45 = 90)."""
        self.authenticate("portal_a", "portal_a")
        response = self.url_open("/my/claims/new?serial=SN-A-1")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Test Engine Module", response.text)
        self.assertIn("Test Filter", response.text)
        self.assertNotIn("Test Controller", response.text)
        self.assertNotIn(f"part_qty_{self.core_ip.id}", response.text)
        response = self.url_open("/my/claims/new", data={
            "csrf_token": http.Request.csrf_token(self),
            "serial": "SN-A-1", "failure_date": str(self.failure_date), "usage": "120",
            "usage_unit": "hours", "claim_type": "warranty", "symptom": "No start", "cause_category": "material",
            f"part_qty_{self.core_ip.id}": "1", f"part_qty_{self.module.id}": "1",
            f"fee_qty_{self.fee_labour.id}": "2",
        })
        self.assertEqual(response.status_code, 200)
        claim = self.env["aftersales.claim"].search(
            [("dealer_id", "=", self.dealer_a.id), ("symptom", "=", "No start")]
        )
        self.assertEqual(len(claim), 1, response.text[-2000:])
        self.assertEqual(
            [(line.product_id, line.quantity) for line in claim.line_ids],
            [(self.module, 1.0), (self.fee_labour, 2.0)],
        )
        self.assertEqual(claim.line_ids.filtered(lambda l: l.line_type == "labour").amount_claimed, 90.0)
