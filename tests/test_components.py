from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import BrowserCase
from .common_claim import AftersalesClaimCommon


@tagged("post_install", "-at_install")
class TestComponents(BrowserCase, AftersalesClaimCommon):
    """Replacement serials and parts warranty: a claim line replacing a serial-tracked module
    names the serial removed and the serial installed; approval writes the machine's component
    history; the installed module has its own warranty; the removed serial comes back to the
    claimed-parts room."""

    browser_size = "390x844"  # the dealer's flow, on a phone
    touch_enabled = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.module.tracking = "serial"
        cls.company.aftersales_part_warranty_months_module = 3
        Lot = cls.env["stock.lot"]
        cls.m1, cls.m2, cls.m3, cls.m4, cls.mb = Lot.create([
            {"name": name, "product_id": cls.module.id}
            for name in ("MOD-1", "MOD-2", "MOD-3", "MOD-4", "MOD-B")
        ])
        Component = cls.env["aftersales.machine.component"]
        cls.original_a, cls.original_b = Component.create([
            {"machine_id": lot.id, "product_id": cls.module.id, "lot_id": serial.id,
             "date_installed": cls.today - timedelta(days=300)}
            for lot, serial in ((cls.lot_a, cls.m1), (cls.lot_b, cls.mb))
        ])

    @classmethod
    def _module_claim(cls, lot, removed, installed, failure_date=None, dealer=None):
        """A draft claim replacing the module of ``lot``, with an hour of labour."""
        claim = cls._create_claim(
            dealer=dealer or (cls.dealer_b if lot == cls.lot_b else cls.dealer_a),
            lot=lot,
            failure_date=failure_date or cls.failure_date,
            line_ids=cls._lines([(cls.module, 1.0)], hours=1.0),
        )
        claim.line_ids.filtered(lambda line: line.product_id == cls.module).write(
            {"removed_lot_id": removed.id, "installed_lot_id": installed.id}
        )
        return claim

    def _approve(self, claims):
        claims.action_submit()
        claims.with_user(self.as_user).action_approve()

    def _module_line(self, claim):
        return claim.line_ids.filtered(lambda line: line.product_id == self.module)

    def test_serials_required_and_checked(self):
        claim = self._create_claim(line_ids=self._lines([(self.module, 1.0)], hours=1.0))
        line = self._module_line(claim)
        self.assertTrue(line.is_serial_part)
        self.assertFalse(claim.line_ids.filtered(lambda l: l.line_type == "labour").is_serial_part)
        with self.assertRaisesMessage(UserError, r"Test Engine Module is tracked by serial number"):
            claim.action_submit()
        self.assertEqual(claim.state, "draft")
        with self.assertRaisesMessage(ValidationError, r"belongs to Test Generator"):
            line.removed_lot_id = self.lot_b
        with self.assertRaisesMessage(ValidationError, r"carries Test Engine Module serial MOD-1, not MOD-3"):
            line.removed_lot_id = self.m3
        with self.assertRaisesMessage(ValidationError, r"MOD-B is already fitted in machine SN-B-1"):
            line.installed_lot_id = self.mb
        with self.assertRaisesMessage(ValidationError, r"removed and the installed serial are both"):
            line.write({"removed_lot_id": self.m1.id, "installed_lot_id": self.m1.id})
        with self.assertRaisesMessage(ValidationError, r"one line per serial number"):
            line.write({"removed_lot_id": self.m1.id, "installed_lot_id": self.m2.id, "quantity": 2})
        labour = claim.line_ids.filtered(lambda l: l.line_type == "labour")
        with self.assertRaisesMessage(ValidationError, r"not a part tracked by serial number"):
            labour.installed_lot_id = self.m2
        # a machine whose history knows no module: any serial not fitted in another machine
        self.original_a.unlink()
        with self.assertRaisesMessage(ValidationError, r"MOD-B is fitted in machine SN-B-1, not in SN-A-1"):
            line.removed_lot_id = self.mb
        line.write({"removed_lot_id": self.m3.id, "installed_lot_id": self.m2.id})
        claim.action_submit()
        self.assertEqual(claim.state, "submitted")

    def test_approval_builds_history(self):
        claim_a = self._module_claim(self.lot_a, self.m1, self.m2)
        claim_b = self._module_claim(self.lot_b, self.mb, self.m3)
        self._approve(claim_a | claim_b)  # one approval of both
        history = self.lot_a.aftersales_component_ids
        self.assertEqual(len(history), 2)
        new = history[0]  # current first
        self.assertEqual(
            (new.lot_id, new.is_current, new.date_installed, new.replaced_component_id, new.claim_id),
            (self.m2, True, self.failure_date, self.original_a, claim_a),
        )
        self.assertEqual(new.warranty_end_date, self.failure_date + relativedelta(months=3))
        self.assertEqual(
            (self.original_a.is_current, self.original_a.date_removed, self.original_a.replaced_by_id),
            (False, self.failure_date, new),
        )
        self.assertFalse(self.original_a.warranty_end_date, "the module it was built with")
        self.assertEqual(self.lot_b.aftersales_component_ids.filtered("is_current").lot_id, self.m3)
        self.assertEqual(self._module_line(claim_a).warranty_cover, "machine")
        # the serial taken off is no longer the machine's
        late = self._module_claim(self.lot_a, self.m2, self.m4, failure_date=self.today - timedelta(days=3))
        with self.assertRaisesMessage(ValidationError, r"carries Test Engine Module serial MOD-2, not MOD-1"):
            self._module_line(late).removed_lot_id = self.m1
        # the second replacement closes the first
        self._approve(late)
        current = self.lot_a.aftersales_component_ids.filtered("is_current")
        self.assertEqual(current.lot_id, self.m4)
        self.assertEqual(current.replaced_component_id, new)
        self.assertEqual((new.date_removed, new.replaced_by_id), (self.today - timedelta(days=3), current))
        self.assertEqual(len(self.lot_a.aftersales_component_ids), 3)
        # from the module serial: the machines it was fitted in
        self.assertEqual(self.m2.aftersales_fitted_ids, new)

    def test_part_warranty_covers_claim(self):
        self.assertEqual(self.company.aftersales_part_warranty_months_wear, 0)
        self.assertEqual(self.company._get_aftersales_part_warranty_months("wear"), 0)
        settings = Form(self.env["res.config.settings"].with_user(self.env.ref("base.user_admin")))
        settings.aftersales_part_warranty_months_module = 6
        settings.save().execute()
        self.assertEqual(self.company.aftersales_part_warranty_months_module, 6)

        first = self._module_claim(self.lot_a, self.m1, self.m2, failure_date=self.today - timedelta(days=60))
        self._approve(first)
        component = self.lot_a.aftersales_component_ids.filtered("is_current")
        self.assertEqual(component.warranty_end_date, self.today - timedelta(days=60) + relativedelta(months=6))
        # the machine's warranty ends: registered 100 days ago, now 2 months
        self.machine.warranty_months = 2
        self.assertLess(self.lot_a.warranty_end_date, self.failure_date)
        again = self._module_claim(self.lot_a, self.m2, self.m3)
        self.assertFalse(again.is_in_warranty)
        self.assertEqual(set(again.line_ids.mapped("warranty_cover")), {"part"})
        again.action_submit()
        self.assertEqual(again.state, "submitted")
        self.assertIn("covered by the parts warranty of: Test Engine Module serial MOD-2", again.message_ids[0].body)

        # the same claim when the module warranty is 1 month: neither warranty covers it
        settings = Form(self.env["res.config.settings"].with_user(self.env.ref("base.user_admin")))
        settings.aftersales_part_warranty_months_module = 1
        settings.save().execute()
        self.assertEqual(component.warranty_end_date, self.today - timedelta(days=60) + relativedelta(months=1))
        refused = self._module_claim(self.lot_a, self.m2, self.m4, failure_date=self.today - timedelta(days=9))
        self.assertEqual(set(refused.line_ids.mapped("warranty_cover")), {"none"})
        with self.assertRaisesMessage(UserError, r"outside the warranty of machine SN-A-1"):
            refused.action_submit()
        # a part line without parts warranty: the claim is not covered either
        self.company.aftersales_part_warranty_months_module = 6
        mixed = self._module_claim(self.lot_a, self.m2, self.m4, failure_date=self.today - timedelta(days=8))
        mixed.line_ids = self._lines([(self.part, 1.0)], hours=0)
        self.assertEqual(self._module_line(mixed).warranty_cover, "part")
        self.assertEqual(mixed.line_ids.filtered(lambda l: l.product_id == self.part).warranty_cover, "none")
        with self.assertRaisesMessage(UserError, r"outside the warranty of machine SN-A-1"):
            mixed.action_submit()

    def test_returned_serial_in_claimed_parts_room(self):
        claim = self._module_claim(self.lot_a, self.m1, self.m2)
        self._approve(claim)
        receipt = claim.return_picking_ids
        self.assertEqual(receipt.move_ids.move_line_ids.lot_id, self.m1)
        for move in receipt.move_ids:
            move.quantity = move.product_uom_qty
        receipt.move_ids.picked = True
        receipt.button_validate()
        self.assertEqual(receipt.state, "done")
        room = receipt.location_dest_id
        self.assertTrue(room.is_aftersales_claimed_parts)
        quant = self.env["stock.quant"].search([
            ("product_id", "=", self.module.id), ("location_id", "=", room.id), ("quantity", ">", 0),
        ])
        self.assertEqual(quant.lot_id, self.m1)
        # from the returned lot back to its machine and its claim
        self.assertEqual(quant.lot_id.aftersales_fitted_ids.machine_id, self.lot_a)
        self.assertEqual(quant.lot_id.aftersales_claim_line_removed_ids.claim_id, claim)

    def test_portal_dealer_reads_own_components(self):
        claim = self._module_claim(self.lot_a, self.m1, self.m2)
        self._approve(claim)
        Component = self.env["aftersales.machine.component"]
        seen = Component.with_user(self.portal_a).search([("machine_id", "in", (self.lot_a | self.lot_b).ids)])
        self.assertEqual(seen.machine_id, self.lot_a)
        self.assertEqual(len(seen), 2)
        with self.assertRaises(AccessError):
            self.original_b.with_user(self.portal_a).read(["lot_id"])
        with self.assertRaises(AccessError):
            Component.with_user(self.portal_a).create({
                "machine_id": self.lot_a.id, "product_id": self.module.id, "lot_id": self.m4.id,
            })

        self.authenticate("portal_a", "portal_a")
        page = self.url_open(f"/my/machines/{self.lot_a.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_aftersales_machine_components", page.text)
        self.assertIn("MOD-2", page.text)
        self.assertIn("MOD-1", page.text)  # replacing
        other = self.url_open(f"/my/machines/{self.lot_b.id}")
        self.assertNotIn("MOD-B", other.text)

    def test_portal_claim_form_serials(self):
        self.authenticate("portal_a", "portal_a")
        form = self.url_open("/my/claims/new?serial=SN-A-1").text
        self.assertIn(f'name="part_removed_serial_{self.module.id}"', form)
        self.assertIn('value="MOD-1"', form)  # the serial the machine carries, offered
        self.assertNotIn(f'name="part_removed_serial_{self.part.id}"', form)  # not serial-tracked
        data = {
            "serial": "SN-A-1", "failure_date": str(self.failure_date), "usage": "120",
            "usage_unit": "hours", "claim_type": "warranty", "symptom": "Stops", "cause_category": "material",
            f"part_qty_{self.module.id}": "1", f"fee_qty_{self.fee_labour.id}": "1", "submit": "1",
            f"part_removed_serial_{self.module.id}": " mod-1 ",
            "csrf_token": http.Request.csrf_token(self),
        }
        Claim = self.env["aftersales.claim"]
        response = self.url_open("/my/claims/new", data=dict(data))
        self.assertIn("is tracked by serial number", response.text)  # installed serial missing
        response = self.url_open("/my/claims/new", data=dict(data, **{f"part_installed_serial_{self.module.id}": "MOD-9"}))
        self.assertIn("Serial number MOD-9 of Test Engine Module is unknown", response.text)
        response = self.url_open("/my/claims/new", data=dict(data, **{f"part_installed_serial_{self.module.id}": "MOD-B"}))
        self.assertIn("already fitted in another machine", response.text)
        self.assertNotIn("SN-B-1", response.text)  # another dealer's machine is not named
        self.assertFalse(Claim.search([("dealer_id", "=", self.dealer_a.id)]))
        self.url_open("/my/claims/new", data=dict(data, **{f"part_installed_serial_{self.module.id}": "mod-2"}))
        claim = Claim.search([("dealer_id", "=", self.dealer_a.id)])
        self.assertEqual(claim.state, "submitted")
        self.assertEqual(
            (self._module_line(claim).removed_lot_id, self._module_line(claim).installed_lot_id), (self.m1, self.m2)
        )

    def test_dealer_claims_module_on_phone(self):
        """On a phone: the machine page shows the module MOD-2 replacing MOD-1; the new claim
        offers MOD-2 as the serial removed, the dealer types MOD-3 installed and submits."""
        self._approve(self._module_claim(self.lot_a, self.m1, self.m2, failure_date=self.today - timedelta(days=20)))
        self.start_tour(f"/my/machines/{self.lot_a.id}", "aftersales_component_tour", login="portal_a")
        claim = self.env["aftersales.claim"].search([("lot_id", "=", self.lot_a.id), ("failure_date", "=", self.today)])
        self.assertEqual(claim.state, "submitted")
        line = self._module_line(claim)
        self.assertEqual((line.removed_lot_id, line.installed_lot_id), (self.m2, self.m3))

    def test_repair_updates_history(self):
        """A repair of the machine that removes module MOD-1 and adds MOD-4 updates the history
        on the day it is done, the new module under its own warranty."""
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.company.id)], limit=1)
        stock = warehouse.lot_stock_id
        for product, lot in ((self.machine, self.lot_a), (self.module, self.m4), (self.module, self.m1)):
            self.env["stock.quant"]._update_available_quantity(product, stock, 1, lot_id=lot)
        repair = self.env["repair.order"].create({
            "product_id": self.machine.id,
            "lot_id": self.lot_a.id,
            "partner_id": self.dealer_a.id,
            "picking_type_id": warehouse.repair_type_id.id,
            "move_ids": [
                Command.create({"product_id": self.module.id, "product_uom_qty": 1, "repair_line_type": kind})
                for kind in ("remove", "add")
            ],
        })
        repair.action_validate()
        repair.action_repair_start()
        for move in repair.move_ids:
            move.lot_ids = self.m1 if move.repair_line_type == "remove" else self.m4
        repair.move_ids.picked = True
        repair.action_repair_end()
        self.assertEqual(repair.state, "done")
        current = self.lot_a.aftersales_component_ids.filtered("is_current")
        self.assertEqual((current.lot_id, current.repair_id, current.date_installed), (self.m4, repair, self.today))
        self.assertEqual(current.replaced_component_id, self.original_a)
        self.assertEqual(self.original_a.date_removed, self.today)
        self.assertEqual(current.warranty_end_date, self.today + relativedelta(months=3))

    def test_machine_form_components(self):
        """On the machine form (Components tab) a user enters the module a machine was built
        with; a serial fitted in another machine is refused."""
        self.original_b.unlink()
        clerk = new_test_user(
            self.env, login="as_stock", groups="base.group_user,stock.group_stock_user,aftersales.group_aftersales_user"
        )
        form = Form(self.lot_b.with_user(clerk))
        with form.aftersales_component_ids.new() as row:
            row.product_id = self.module
            row.lot_id = self.m1  # fitted in SN-A-1
            row.date_installed = self.today - timedelta(days=200)
        with self.assertRaisesMessage(ValidationError, r"MOD-1 of Test Engine Module is already fitted in machine SN-A-1"):
            form.save()
        with form.aftersales_component_ids.edit(0) as row:
            row.lot_id = self.mb
        form.save()
        self.assertEqual(self.lot_b.aftersales_component_ids.lot_id, self.mb)
        self.assertTrue(self.lot_b.aftersales_component_ids.is_current)
        self.assertFalse(self.lot_b.aftersales_component_ids.warranty_end_date)
