from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

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
        self.assertEqual(self.lot_a.warranty_end_date, start + relativedelta(months=12))
        self.assertEqual(self.lot_a.warranty_state, "under_warranty")

    def test_warranty_end_date_hand_checked(self):
        """The PRC Civil Code's rule (articles 201-202): the registration day is not counted;
        N months end on the same day N months later, or on that month's last day."""
        self.lot_a.write({"dealer_delivery_date": date(2024, 1, 2)})
        self.lot_a._register_end_user(self.end_user_a, date(2024, 1, 15))
        self.assertEqual(self.lot_a.warranty_end_date, date(2025, 1, 15))
        self.assertEqual(self.lot_a._get_warranty_state(date(2024, 1, 15)), "under_warranty")
        self.assertEqual(self.lot_a._get_warranty_state(date(2025, 1, 15)), "under_warranty")
        self.assertEqual(self.lot_a._get_warranty_state(date(2025, 1, 16)), "expired")
        self.assertEqual(self.lot_a._get_warranty_state(date(2024, 1, 14)), "not_registered")

    def test_warranty_end_at_month_ends(self):
        self.lot_a.dealer_delivery_date = date(2023, 1, 2)
        cases = [
            # (registered, months, covered until)
            (date(2025, 1, 31), 1, date(2025, 2, 28)),
            (date(2024, 1, 31), 1, date(2024, 2, 29)),
            (date(2024, 2, 29), 12, date(2025, 2, 28)),
            (date(2024, 2, 29), 48, date(2028, 2, 29)),
            (date(2024, 3, 31), 6, date(2024, 9, 30)),
            (date(2024, 8, 31), 6, date(2025, 2, 28)),
            (date(2024, 12, 31), 2, date(2025, 2, 28)),
            (date(2024, 4, 30), 1, date(2024, 5, 30)),
        ]
        for registered, months, end in cases:
            with self.subTest(registered=registered, months=months):
                self.machine.warranty_months = months
                self.lot_a._register_end_user(self.end_user_a, registered)
                self.assertEqual(self.lot_a.warranty_end_date, end)
                self.assertEqual(self.lot_a._get_warranty_state(end), "under_warranty")
                self.assertEqual(self.lot_a._get_warranty_state(end + timedelta(days=1)), "expired")

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
            self.today - timedelta(days=100) + relativedelta(months=24),
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


def _load_migration(version, name="post-migration"):
    """The add-on's migration script of ``version``, as Odoo runs it at an update."""
    import importlib.util
    import os

    path = os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations", version, f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"aftersales_migration_{version.replace('.', '_')}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestMachineCompany(TestDealerDelivery):
    """A machine always belongs to a company, and other companies never read it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Other Maker Ltd"})
        cls.user_b = cls.env["res.users"].create({
            "name": "Clerk of B", "login": "clerk_b",
            "company_id": cls.company_b.id, "company_ids": [(6, 0, cls.company_b.ids)],
            "groups_id": [(6, 0, [cls.env.ref("base.group_user").id,
                                  cls.env.ref("aftersales.group_aftersales_user").id])],
        })
        # back-office staff as the demo's: After-Sales and Inventory users
        cls.as_user.groups_id |= cls.env.ref("stock.group_stock_user")

    def test_machines_have_a_company(self):
        self.assertEqual(self.lot_a.company_id, self.company_a)
        self.assertFalse(self.machine.company_id, "the product is shared between companies")
        self.assertFalse(self.env["stock.lot"].sudo().search_count(
            [("is_machine", "=", True), ("company_id", "=", False)]
        ), "every machine, demo ones included, has a company")
        # a part's serial stays as Odoo makes it
        part_lot = self.env["stock.lot"].create({"name": "PART-1", "product_id": self.part.id})
        self.assertFalse(part_lot.company_id)

    def test_machine_created_from_the_machines_menu(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("aftersales.stock_lot_action_machines")
        Lot = self.env["stock.lot"].with_user(self.as_user).with_context(
            **dict(safe_eval(action["context"] or "{}")) if isinstance(action["context"], str)
            else (action["context"] or {})
        )
        form = Form(Lot, view="stock.view_production_lot_form")
        form.name = "SN-NEW-1"
        form.product_id = self.machine
        machine = form.save()
        self.assertEqual(machine.company_id, self.company_a)
        # created in company B by B's clerk: company B
        machine_b = self.env["stock.lot"].with_user(self.user_b).create(
            {"name": "SN-NEW-B", "product_id": self.machine.id}
        )
        self.assertEqual(machine_b.company_id, self.company_b)

    def test_other_company_reads_no_machine(self):
        self._register(self.lot_a, self.end_user_a, 10)
        Lot = self.env["stock.lot"].with_user(self.user_b)
        self.assertFalse(Lot.search([("id", "in", (self.lot_a | self.lot_b).ids)]))
        with self.assertRaises(AccessError):
            Lot.browse(self.lot_a.id).read(["dealer_id", "end_user_id", "end_user_phone"])
        self.assertFalse(Lot.search_read([("name", "=", "SN-A-1")], ["end_user_phone"]))
        self.assertFalse(Lot._read_group([("name", "=", "SN-A-1")], ["end_user_id"], ["__count"]))
        # the owner company's users read it
        self.assertEqual(
            self.env["stock.lot"].with_user(self.as_user).search([("name", "=", "SN-A-1")]), self.lot_a
        )

    def test_delivery_fills_a_missing_company(self):
        lot = self.env["stock.lot"].create({"name": "SN-OLD-1", "product_id": self.machine.id})
        self.env.cr.execute("UPDATE stock_lot SET company_id = NULL WHERE id = %s", [lot.id])
        lot.invalidate_recordset(["company_id"])
        self._deliver(self.contact_a, lot)
        self.assertEqual(lot.company_id, self.company_a)
        self.assertEqual(lot.dealer_id, self.dealer_a)

    def test_serial_typed_on_a_receipt(self):
        self.machine.tracking = "serial"
        receipt_type = self.warehouse.in_type_id
        receipt_type.use_create_lots = True
        picking = self.env["stock.picking"].with_user(self.as_user).sudo().create({
            "picking_type_id": receipt_type.id,
            "location_id": self.env.ref("stock.stock_location_suppliers").id,
            "location_dest_id": self.stock_location.id,
            "move_ids": [(0, 0, {
                "name": self.machine.name, "product_id": self.machine.id, "product_uom_qty": 1,
                "product_uom": self.machine.uom_id.id,
                "location_id": self.env.ref("stock.stock_location_suppliers").id,
                "location_dest_id": self.stock_location.id,
            })],
        })
        picking.action_confirm()
        picking.move_ids.move_line_ids.lot_name = "SN-RCV-1"
        picking.move_ids.picked = True
        picking.with_company(self.company_b).with_context(
            allowed_company_ids=[self.company_b.id, self.company_a.id]
        ).button_validate()
        lot = picking.move_line_ids.lot_id
        self.assertEqual(lot.name, "SN-RCV-1")
        self.assertEqual(lot.company_id, self.company_a, "the receipt's company, not the user's current one")

    def test_migration_gives_existing_machines_their_company(self):
        delivered = self.env["stock.lot"].create({"name": "SN-MIG-1", "product_id": self.machine.id})
        self._deliver(self.contact_a, delivered)
        in_b = self.env["stock.lot"].create({"name": "SN-MIG-2", "product_id": self.machine.id})
        never_moved = self.env["stock.lot"].create({"name": "SN-MIG-3", "product_id": self.machine.id})
        # a move of SN-MIG-2 done in company B
        location_b = self.env["stock.warehouse"].search([("company_id", "=", self.company_b.id)], limit=1).lot_stock_id
        self.env["stock.quant"].with_company(self.company_b)._update_available_quantity(
            self.machine, location_b, 1, lot_id=in_b
        )
        self.env["stock.move"].with_company(self.company_b).create({
            "name": "move in B", "product_id": self.machine.id, "product_uom_qty": 1,
            "product_uom": self.machine.uom_id.id, "company_id": self.company_b.id,
            "location_id": location_b.id,
            "location_dest_id": self.env.ref("stock.stock_location_customers").id,
            "move_line_ids": [(0, 0, {
                "product_id": self.machine.id, "lot_id": in_b.id, "quantity": 1,
                "location_id": location_b.id, "company_id": self.company_b.id,
                "location_dest_id": self.env.ref("stock.stock_location_customers").id,
            })],
        })._action_done()
        machines = delivered | in_b | never_moved
        self.env.flush_all()
        self.env.cr.execute("UPDATE stock_lot SET company_id = NULL WHERE id IN %s", [tuple(machines.ids)])
        machines.invalidate_recordset(["company_id"])
        _load_migration("18.0.1.3.0").assign_machine_companies(self.env)
        machines.invalidate_recordset(["company_id"])
        self.assertEqual(delivered.company_id, self.company_a)
        self.assertEqual(in_b.company_id, self.company_b)
        self.assertEqual(never_moved.company_id, self.env.ref("base.main_company"))


@tagged("post_install", "-at_install")
class TestWarrantyMigration(AftersalesCommon):
    def test_migration_recomputes_warranty_end_dates(self):
        self.lot_a.dealer_delivery_date = date(2023, 1, 2)
        self.lot_a._register_end_user(self.end_user_a, date(2025, 1, 31))
        self.machine.warranty_months = 1
        self.env.flush_all()
        # the end date the previous rule stored (a day and more short at month ends)
        self.env.cr.execute(
            "UPDATE stock_lot SET warranty_end_date = %s WHERE id = %s", [date(2025, 2, 27), self.lot_a.id]
        )
        self.lot_a.invalidate_recordset()
        self.assertEqual(self.lot_a.warranty_end_date, date(2025, 2, 27))
        _load_migration("18.0.1.3.0").recompute_warranty_end_dates(self.env)
        self.lot_a.invalidate_recordset()
        self.assertEqual(self.lot_a.warranty_end_date, date(2025, 2, 28))
