from datetime import timedelta

from odoo import Command
from odoo.tests import tagged

from .stock_common import AftersalesStockCommon


@tagged("post_install", "-at_install")
class TestPurchaseLoop(AftersalesStockCommon):
    """A staged purchase flow: which loops the exceptions report finds open."""

    def _purchase(self, product, quantity, planned_days_ago=0):
        order = self.env["purchase.order"].create({
            "partner_id": self.vendor.id,
            "picking_type_id": self.warehouse.in_type_id.id,
            "order_line": [Command.create({
                "product_id": product.id,
                "product_qty": quantity,
                "price_unit": 5.0,
                "date_planned": self.now - timedelta(days=planned_days_ago),
            })],
        })
        order.button_confirm()
        return order

    def _receive(self, order, quantity, backorder=True):
        picking = order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        picking.move_ids.quantity = quantity
        picking.move_ids.picked = True
        context = {} if backorder else {"picking_ids_not_to_backorder": picking.ids}
        picking.with_context(skip_backorder=True, **context).button_validate()
        return picking

    def _exceptions(self, *products):
        return self.env["aftersales.purchase.exception.report"].search(
            [("product_id", "in", [p.id for p in products])]
        )

    def test_loop_closed(self):
        order = self._purchase(self.wear_part, 10, planned_days_ago=5)
        self._receive(order, 10)
        self.assertEqual(order.order_line.qty_received, 10)
        self.assertFalse(self._exceptions(self.wear_part))

    def test_not_received_past_promised_date(self):
        late = self._purchase(self.wear_part, 10, planned_days_ago=6)
        self._purchase(self.module_part, 2, planned_days_ago=-10)  # expected in 10 days: not late
        exception = self._exceptions(self.wear_part, self.module_part)
        self.assertEqual(exception.exception_type, "late")
        self.assertEqual(exception.purchase_id, late)
        self.assertEqual(exception.partner_id, self.vendor)
        self.assertEqual((exception.qty_ordered, exception.qty_received), (10, 0))
        self.assertEqual(exception.days_late, 6)

    def test_partly_received_with_backorder_is_still_late(self):
        order = self._purchase(self.wear_part, 10, planned_days_ago=3)
        self._receive(order, 4)
        exception = self._exceptions(self.wear_part)
        self.assertEqual(exception.exception_type, "late")
        self.assertEqual(exception.qty_received, 4)

    def test_short_delivery_without_backorder(self):
        order = self._purchase(self.wear_part, 10, planned_days_ago=3)
        self._receive(order, 8, backorder=False)
        exception = self._exceptions(self.wear_part)
        self.assertEqual(exception.exception_type, "qty_diff")
        self.assertEqual(exception.qty_difference, -2)

    def test_over_delivery(self):
        order = self._purchase(self.wear_part, 10)
        self._receive(order, 12)
        exception = self._exceptions(self.wear_part)
        self.assertEqual(exception.exception_type, "qty_diff")
        self.assertEqual(exception.qty_difference, 2)

    def test_received_without_purchase_order(self):
        receipt = self._make_picking(self.standard_part, 30, self.supplier_location, self.stock_location, self.vendor)
        self._validate(receipt)
        exception = self._exceptions(self.standard_part)
        self.assertEqual(exception.exception_type, "no_po")
        self.assertEqual(exception.picking_id, receipt)
        self.assertEqual(exception.qty_received, 30)
        self.assertFalse(exception.purchase_id)
        # A return from a customer is no purchase receipt.
        back = self._make_picking(self.standard_part, 1, self.customer_location, self.stock_location, self.customer)
        self._validate(back)
        self.assertEqual(len(self._exceptions(self.standard_part)), 1)

    def test_non_parts_are_ignored(self):
        order = self._purchase(self.no_class_product, 5, planned_days_ago=10)
        self.assertTrue(order.order_line)
        self.assertFalse(self._exceptions(self.no_class_product))

    def test_chain_from_part_form(self):
        order = self._purchase(self.wear_part, 20, planned_days_ago=1)
        self._receive(order, 20)
        self._purchase(self.wear_part, 5, planned_days_ago=2)  # late
        delivery = self._make_picking(self.wear_part, 6, self.stock_location, self.customer_location, self.dealer_a)
        self._validate(delivery)
        scrap = self.env["stock.scrap"].create({
            "product_id": self.wear_part.id, "scrap_qty": 1, "location_id": self.stock_location.id,
        })
        scrap.action_validate()
        self.assertEqual(delivery.state, "done")
        self.assertEqual(scrap.state, "done")
        template = self.wear_part.product_tmpl_id
        self.assertEqual(template.aftersales_purchase_line_count, 2)
        self.assertEqual(template.aftersales_receipt_count, 1)
        self.assertEqual(template.qty_available, 13)
        self.assertEqual(template.aftersales_consumed_qty, 6)  # scrap is no consumption
        self.assertEqual(template.aftersales_exception_count, 1)
        self.assertEqual(
            self.env["purchase.order.line"].search(template.action_view_aftersales_purchases()["domain"]),
            order.order_line | self.env["purchase.order.line"].search(
                [("product_id", "=", self.wear_part.id), ("order_id", "!=", order.id)]
            ),
        )
        self.assertEqual(
            self.env["stock.move"].search(template.action_view_aftersales_receipts()["domain"]),
            order.picking_ids.move_ids,
        )
        self.assertEqual(
            self.env["stock.move"].search(template.action_view_aftersales_consumption()["domain"]),
            delivery.move_ids,
        )
        self.assertEqual(
            len(self.env["aftersales.purchase.exception.report"].search(
                template.action_view_aftersales_exceptions()["domain"])),
            1,
        )
