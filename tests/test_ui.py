from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import BrowserCase


@tagged("post_install", "-at_install")
class TestUi(BrowserCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.context_today(cls.env.user)
        dealer = cls.env["res.partner"].create(
            {"name": "Tour Dealer", "is_company": True, "is_dealer": True}
        )
        end_user = cls.env["res.partner"].create(
            {"name": "Tour End User", "is_end_user": True, "phone": "+1 555 0100",
             "aftersales_dealer_id": dealer.id}
        )
        product = cls.env["product.product"].create(
            {"name": "Tour Pump", "type": "consu", "is_storable": True, "tracking": "serial",
             "aftersales_part_class": "finished", "warranty_months": 12}
        )
        cls.env["stock.lot"].create(
            {"name": "TOUR-SN-0001", "product_id": product.id, "dealer_id": dealer.id,
             "dealer_delivery_date": today - timedelta(days=30),
             "end_user_id": end_user.id, "registration_date": today - timedelta(days=10)}
        )

    def test_machines_tour(self):
        self.start_tour("/odoo", "aftersales_machines_tour", login="admin")


@tagged("post_install", "-at_install")
class TestStockUi(BrowserCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.env.company.id)], limit=1)
        part = cls.env["product.product"].create(
            {"name": "Tour Belt", "default_code": "TOUR-BELT", "type": "consu", "is_storable": True,
             "aftersales_part_class": "wear", "is_serviceable_part": True}
        )
        Move = cls.env["stock.move"]
        customers = cls.env.ref("stock.stock_location_customers")
        cls.env["stock.quant"]._update_available_quantity(part, warehouse.lot_stock_id, 10)
        delivery = Move.create({
            "name": "Tour delivery", "product_id": part.id, "product_uom_qty": 4,
            "product_uom": part.uom_id.id, "location_id": warehouse.lot_stock_id.id,
            "location_dest_id": customers.id,
        })
        claimed = Move.create({
            "name": "Tour claimed part", "product_id": part.id, "product_uom_qty": 1, "origin": "Tour claim 42",
            "product_uom": part.uom_id.id, "location_id": customers.id,
            "location_dest_id": warehouse.claimed_parts_location_id.id,
        })
        for move in delivery | claimed:
            move._action_confirm()
            move._action_assign()
            move.quantity = move.product_uom_qty
            move.picked = True
            move._action_done()
        delivery.date = fields.Datetime.now() - timedelta(days=40)
        receipt = cls.env["stock.picking"].create({
            "picking_type_id": warehouse.in_type_id.id,
            "location_id": cls.env.ref("stock.stock_location_suppliers").id,
            "location_dest_id": warehouse.lot_stock_id.id,
            "move_ids": [(0, 0, {
                "name": "Tour receipt", "product_id": part.id, "product_uom_qty": 2, "product_uom": part.uom_id.id,
                "location_id": cls.env.ref("stock.stock_location_suppliers").id,
                "location_dest_id": warehouse.lot_stock_id.id,
            })],
        })
        receipt.button_validate()

    def test_stock_tour(self):
        self.start_tour("/odoo", "aftersales_stock_tour", login="admin")
