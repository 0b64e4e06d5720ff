from datetime import datetime, timedelta

from odoo import Command, fields

from .common import AftersalesCommon


class AftersalesStockCommon(AftersalesCommon):
    """A warehouse, a vendor and a part of every class, with helpers to stage stock and moves."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.now = fields.Datetime.now()
        # A warehouse of its own, so that demo stock and history never leak into the figures.
        cls.warehouse = cls.env["stock.warehouse"].create({"name": "Test Parts Depot", "code": "TPD"})
        cls.stock_location = cls.warehouse.lot_stock_id
        cls.claimed_location = cls.warehouse.claimed_parts_location_id
        cls.customer_location = cls.env.ref("stock.stock_location_customers")
        cls.supplier_location = cls.env.ref("stock.stock_location_suppliers")
        cls.unit = cls.env.ref("uom.product_uom_unit")
        cls.vendor = cls.env["res.partner"].create({"name": "Test Parts Vendor", "is_company": True})
        cls.customer = cls.env["res.partner"].create({"name": "Walk-in Customer"})
        Product = cls.env["product.product"]
        part_vals = {"type": "consu", "is_storable": True}
        cls.core_ip_part = Product.create(
            dict(part_vals, name="Test ECU", default_code="T-IP-ECU", aftersales_part_class="core_ip",
                 standard_price=100.0)
        )
        cls.wear_part = Product.create(
            dict(part_vals, name="Test Belt", default_code="T-W-BLT", aftersales_part_class="wear",
                 is_serviceable_part=True, standard_price=10.0)
        )
        cls.module_part = Product.create(
            dict(part_vals, name="Test Engine Module", default_code="T-M-ENG",
                 aftersales_part_class="module", is_serviceable_part=True, standard_price=200.0)
        )
        cls.internal_module = Product.create(
            dict(part_vals, name="Test Frame Weldment", default_code="T-M-FRM",
                 aftersales_part_class="module", is_serviceable_part=False, standard_price=50.0)
        )
        cls.standard_part = Product.create(
            dict(part_vals, name="Test Bolt Kit", default_code="T-S-BLT", aftersales_part_class="standard",
                 is_serviceable_part=True, standard_price=2.0)
        )
        cls.no_class_product = Product.create(dict(part_vals, name="Test Shop Rag"))

    @classmethod
    def _put_in_stock(cls, product, quantity, location=None, in_date=None):
        cls.env["stock.quant"]._update_available_quantity(
            product, location or cls.stock_location, quantity, in_date=in_date
        )

    @classmethod
    def _make_picking(cls, product, quantity, source, destination, partner=None, picking_type=None):
        if not picking_type:
            if source.usage == "internal" and destination.usage == "internal":
                picking_type = cls.warehouse.int_type_id
            elif source.usage == "internal":
                picking_type = cls.warehouse.out_type_id
            else:
                picking_type = cls.warehouse.in_type_id
        picking = cls.env["stock.picking"].create(
            {
                "partner_id": partner.id if partner else False,
                "picking_type_id": picking_type.id,
                "location_id": source.id,
                "location_dest_id": destination.id,
                "move_ids": [
                    Command.create({
                        "name": product.name,
                        "product_id": product.id,
                        "product_uom_qty": quantity,
                        "product_uom": product.uom_id.id,
                        "location_id": source.id,
                        "location_dest_id": destination.id,
                    })
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        return picking

    @classmethod
    def _validate(cls, picking):
        for move in picking.move_ids:
            if not move.quantity:
                move.quantity = move.product_uom_qty
        picking.move_ids.picked = True
        return picking.button_validate()

    @classmethod
    def _done_move(cls, product, quantity, source, destination, date):
        """A validated move dated ``date`` (history staged in the past)."""
        if source.usage == "internal":
            cls._put_in_stock(product, quantity, source)
        move = cls.env["stock.move"].create(
            {
                "name": "History",
                "product_id": product.id,
                "product_uom_qty": quantity,
                "product_uom": product.uom_id.id,
                "location_id": source.id,
                "location_dest_id": destination.id,
            }
        )
        move._action_confirm()
        move._action_assign()
        move.quantity = quantity
        move.picked = True
        move._action_done()
        if isinstance(date, datetime):
            when = date
        else:
            when = datetime.combine(date, datetime.min.time()) + timedelta(hours=10)
        move.write({"date": when})
        move.move_line_ids.write({"date": when})
        return move
