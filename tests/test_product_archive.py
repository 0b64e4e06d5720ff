from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import AftersalesCommon


@tagged("post_install", "-at_install")
class TestWarranty(AftersalesCommon):
    def test_unregistered_machine(self):
        self.assertTrue(self.lot_a.is_machine)
        self.assertEqual(self.lot_a.warranty_state, "not_registered")
        self.assertFalse(self.lot_a.warranty_end_date)

    def test_registered_machine_is_under_warranty(self):
        self._register(self.lot_a, self.end_user_a, 100)
        start = self.today - timedelta(days=100)
        self.assertEqual(self.lot_a.registration_date, start)
        self.assertEqual(self.lot_a.warranty_end_date, start + relativedelta(months=12) - timedelta(days=1))
        self.assertEqual(self.lot_a.warranty_state, "under_warranty")

    def test_warranty_end_date_hand_checked(self):
        self.lot_a.write({"dealer_delivery_date": date(2024, 1, 2)})
        self.lot_a._register_end_user(self.end_user_a, date(2024, 1, 15))
        self.assertEqual(self.lot_a.warranty_end_date, date(2025, 1, 14))
        self.assertEqual(self.lot_a._get_warranty_state(date(2025, 1, 14)), "under_warranty")
        self.assertEqual(self.lot_a._get_warranty_state(date(2025, 1, 15)), "expired")
        self.assertEqual(self.lot_a._get_warranty_state(date(2024, 1, 14)), "not_registered")

    def test_expired_machine(self):
        self.lot_a.dealer_delivery_date = self.today - timedelta(days=800)
        self._register(self.lot_a, self.end_user_a, 400)
        self.assertEqual(self.lot_a.warranty_state, "expired")
        self.assertLess(self.lot_a.warranty_end_date, self.today)

    def test_warranty_follows_product_months(self):
        self._register(self.lot_a, self.end_user_a, 100)
        self.machine.warranty_months = 2
        self.assertEqual(self.lot_a.warranty_state, "expired")
        self.machine.warranty_months = 24
        self.assertEqual(
            self.lot_a.warranty_end_date,
            self.today - timedelta(days=100) + relativedelta(months=24) - timedelta(days=1),
        )
        self.assertEqual(self.lot_a.warranty_state, "under_warranty")

    def test_search_and_group_by_warranty_state(self):
        self._register(self.lot_a, self.end_user_a, 30)
        Lot = self.env["stock.lot"]
        lots = self.lot_a | self.lot_b | self.lot_stock
        domain = [("id", "in", lots.ids)]
        self.assertEqual(Lot.search(domain + [("warranty_state", "=", "under_warranty")]), self.lot_a)
        self.assertEqual(
            Lot.search(domain + [("warranty_state", "=", "not_registered")]), self.lot_b | self.lot_stock
        )
        groups = dict(Lot._read_group(domain, ["warranty_state"], ["__count"]))
        self.assertEqual(groups, {"under_warranty": 1, "not_registered": 2})

    def test_cron_expires_warranty(self):
        self._register(self.lot_a, self.end_user_a, 10)
        self.assertEqual(self.lot_a.warranty_state, "under_warranty")
        with freeze_time(self.lot_a.warranty_end_date + timedelta(days=1)):
            expired = self.env["stock.lot"]._cron_update_warranty_state()
            self.assertIn(self.lot_a, expired)
        self.assertEqual(self.lot_a.warranty_state, "expired")

    def test_part_lots_are_not_machines(self):
        self.part.product_tmpl_id.write({"is_storable": True, "tracking": "lot"})
        lot = self.env["stock.lot"].create({"name": "PART-LOT", "product_id": self.part.id})
        self.assertFalse(lot.is_machine)


@tagged("post_install", "-at_install")
class TestRegistrationErrors(AftersalesCommon):
    def test_negative_warranty_months(self):
        with self.assertRaisesMessage(ValidationError, "cannot be negative"):
            self.machine.warranty_months = -3
        self.assertEqual(self.machine.warranty_months, 12)

    def test_register_to_non_end_user(self):
        with self.assertRaisesMessage(ValidationError, "not an end user"):
            self._register(self.lot_a, self.contact_a, 10)
        self.assertFalse(self.lot_a.end_user_id)
        self.assertFalse(self.lot_a.registration_date)
        self.assertEqual(self.lot_a.warranty_state, "not_registered")

    def test_registration_before_delivery(self):
        with self.assertRaisesMessage(ValidationError, "before the machine was delivered"):
            self._register(self.lot_a, self.end_user_a, 201)
        self.assertFalse(self.lot_a.end_user_id)
        self.assertEqual(self.lot_a.warranty_state, "not_registered")

    def test_registration_in_future(self):
        with self.assertRaisesMessage(ValidationError, "lies in the future"):
            self._register(self.lot_a, self.end_user_a, -1)
        self.assertFalse(self.lot_a.registration_date)

    def test_registration_needs_date(self):
        with self.assertRaisesMessage(ValidationError, "needs both"):
            self.lot_a.end_user_id = self.end_user_a
        self.assertFalse(self.lot_a.end_user_id)


@tagged("post_install", "-at_install")
class TestRegisterWizard(AftersalesCommon):
    def _wizard(self, **vals):
        return self.env["stock.lot.register"].create(dict({"lot_id": self.lot_a.id}, **vals))

    def test_register_new_end_user(self):
        self._wizard(name="New Owner", phone="+1 555 0199", city="Springfield").action_register()
        owner = self.lot_a.end_user_id
        self.assertEqual(owner.name, "New Owner")
        self.assertTrue(owner.is_end_user)
        self.assertEqual(owner.aftersales_dealer_id, self.dealer_a)
        self.assertEqual(self.lot_a.registration_date, self.today)
        self.assertEqual(self.lot_a.warranty_state, "under_warranty")

    def test_register_existing_end_user_corrects_archive(self):
        self._wizard(end_user_id=self.end_user_a.id, email="new@a.example.com").action_register()
        self.assertEqual(self.lot_a.end_user_id, self.end_user_a)
        self.assertEqual(self.end_user_a.email, "new@a.example.com")
        self.assertEqual(self.end_user_a.phone, "+1 555 0101")

    def test_register_without_contact_data_writes_nothing(self):
        count = self.env["res.partner"].search_count([])
        with self.assertRaisesMessage(ValidationError, "phone number or an e-mail"):
            self._wizard(name="No Contact").action_register()
        self.assertEqual(self.env["res.partner"].search_count([]), count)
        self.assertFalse(self.lot_a.end_user_id)

    def test_register_without_name(self):
        with self.assertRaises(UserError):
            self._wizard().action_register()
        self.assertFalse(self.lot_a.end_user_id)


@tagged("post_install", "-at_install")
class TestDealerDelivery(AftersalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )
        cls.stock_location = cls.warehouse.lot_stock_id
        cls.customer_location = cls.env.ref("stock.stock_location_customers")

    def _deliver(self, partner, lots):
        Quant = self.env["stock.quant"]
        for lot in lots:
            Quant._update_available_quantity(self.machine, self.stock_location, 1, lot_id=lot)
        picking = self.env["stock.picking"].create(
            {
                "partner_id": partner.id,
                "picking_type_id": self.warehouse.out_type_id.id,
                "location_id": self.stock_location.id,
                "location_dest_id": self.customer_location.id,
                "move_ids": [
                    (0, 0, {
                        "name": self.machine.name,
                        "product_id": self.machine.id,
                        "product_uom_qty": len(lots),
                        "product_uom": self.machine.uom_id.id,
                        "location_id": self.stock_location.id,
                        "location_dest_id": self.customer_location.id,
                    })
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        self.assertEqual(picking.move_line_ids.lot_id, lots)
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        return picking

    def test_delivery_to_dealer_fills_machine(self):
        lots = self.env["stock.lot"].create(
            [{"name": f"SN-DLV-{i}", "product_id": self.machine.id} for i in range(3)]
        )
        # Delivered to a contact person of the dealer: the dealer company is recorded.
        picking = self._deliver(self.contact_b, lots)
        for lot in lots:
            self.assertEqual(lot.dealer_id, self.dealer_b)
            self.assertEqual(lot.dealer_delivery_date, self.today)
            self.assertEqual(lot.dealer_picking_id, picking)
            self.assertEqual(lot.warranty_state, "not_registered")

    def test_delivery_to_non_dealer_leaves_machine(self):
        customer = self.env["res.partner"].create({"name": "Walk-in Customer"})
        picking = self._deliver(customer, self.lot_stock)
        self.assertEqual(picking.state, "done")
        self.assertFalse(self.lot_stock.dealer_id)
        self.assertFalse(self.lot_stock.dealer_delivery_date)


@tagged("post_install", "-at_install")
class TestClaimedPartsLocation(AftersalesCommon):
    def test_every_warehouse_has_a_claimed_parts_location(self):
        for warehouse in self.env["stock.warehouse"].search([]):
            location = warehouse.claimed_parts_location_id
            self.assertTrue(location, warehouse.name)
            self.assertEqual(location.usage, "internal")
            self.assertEqual(location.warehouse_id, warehouse)

    def test_new_warehouse_gets_its_own(self):
        warehouse = self.env["stock.warehouse"].create({"name": "Service Depot", "code": "SVD"})
        location = warehouse.claimed_parts_location_id
        self.assertEqual(location.location_id, warehouse.view_location_id)
        self.assertEqual(location.barcode, "SVDCLAIMED")
        self.assertEqual(location.company_id, warehouse.company_id)
