from ast import literal_eval
from datetime import timedelta

from odoo.tests import tagged

from .stock_common import AftersalesStockCommon


@tagged("post_install", "-at_install")
class TestClaimedPartsRoom(AftersalesStockCommon):
    def test_claimed_parts_location_per_warehouse(self):
        second = self.env["stock.warehouse"].create({"name": "North Depot", "code": "NDP"})
        rooms = self.env["stock.location"].search([("is_aftersales_claimed_parts", "=", True)])
        self.assertIn(self.claimed_location, rooms)
        self.assertIn(second.claimed_parts_location_id, rooms)
        self.assertNotEqual(second.claimed_parts_location_id, self.claimed_location)
        self.assertEqual(second.claimed_parts_location_id.warehouse_id, second)
        # A shelf inside the room belongs to it; the stock location does not.
        shelf = self.env["stock.location"].create({"name": "Shelf A", "location_id": self.claimed_location.id})
        self.assertTrue(shelf.is_aftersales_claimed_parts)
        self.assertFalse(self.stock_location.is_aftersales_claimed_parts)
        self.assertNotIn(
            self.stock_location,
            self.env["stock.location"].search([("is_aftersales_claimed_parts", "=", True)]),
        )
        self.assertIn(
            self.stock_location,
            self.env["stock.location"].search([("is_aftersales_claimed_parts", "!=", True)]),
        )

    def test_claimed_parts_view(self):
        """A part taken off under warranty comes back from the dealer into the room: the view
        lists it with its age and the document that brought it."""
        receipt = self._make_picking(
            self.module_part, 1, self.customer_location, self.claimed_location, self.dealer_a
        )
        receipt.origin = "Claim PG-5000-1001"
        self._validate(receipt)
        quant = self.env["stock.quant"].search(
            [("product_id", "=", self.module_part.id), ("location_id", "=", self.claimed_location.id)]
        )
        quant.in_date = self.now - timedelta(days=40)
        self._put_in_stock(self.module_part, 5)  # ordinary stock: not in the view

        action = self.env["ir.actions.act_window"]._for_xml_id("aftersales.stock_quant_action_claimed_parts")
        listed = self.env["stock.quant"].search(literal_eval(action["domain"]))
        self.assertEqual(listed.filtered(lambda q: q.product_id == self.module_part), quant)
        self.assertEqual(quant.aftersales_age_days, 40)
        self.assertEqual(quant.warehouse_id, self.warehouse)
        self.assertEqual(quant.aftersales_incoming_move_id, receipt.move_ids)
        self.assertEqual(quant.aftersales_incoming_picking_id, receipt)
        self.assertEqual(quant.aftersales_incoming_origin, "Claim PG-5000-1001")
        self.assertEqual(quant.action_view_aftersales_incoming_move()["res_id"], receipt.id)
        template = self.module_part.product_tmpl_id
        self.assertEqual(template.aftersales_claimed_qty, 1)
        self.assertEqual(
            self.env["stock.quant"].search(template.action_view_aftersales_claimed_parts()["domain"]), quant
        )

    def test_claimed_parts_are_no_reserve_stock(self):
        self._put_in_stock(self.wear_part, 3, self.claimed_location)
        self._put_in_stock(self.wear_part, 7)
        rows = self.env["aftersales.stock.aging.report"].search([("product_id", "=", self.wear_part.id)])
        self.assertEqual(sum(rows.mapped("quantity")), 7)
