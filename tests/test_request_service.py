from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo.exceptions import UserError, ValidationError
from odoo import fields
from odoo.tests import Form, tagged

from .common_request import AftersalesRequestCommon


@tagged("post_install", "-at_install")
class TestRequestService(AftersalesRequestCommon):
    """Field service dispatch and settlement, factory repairs, maintenance reminders."""

    def _field_service(self, lot, **values):
        vals = {
            "request_type": "field_service", "lot_id": lot.id, "engineer_id": self.engineer.id,
            "visit_start": self.visit_start, "hours_spent": 1.5,
            "part_line_ids": [(0, 0, {"product_id": self.module.id, "quantity": 1.0})],
        }
        vals.update(values)
        return self._create_request(user=self.as_user, **vals)

    def _van_quantity(self):
        return self.env["stock.quant"]._get_available_quantity(self.module, self.van)

    def test_dispatch_needs_engineer_and_date(self):
        request = self._field_service(self.lot_a, engineer_id=False)
        with self.assertRaisesMessage(UserError, "choose the engineer and the date and time"):
            request.action_dispatch()
        self.assertEqual(request.state, "new")
        self.assertFalse(request.event_id)
        request.write({"engineer_id": self.engineer.id, "visit_start": False})
        with self.assertRaisesMessage(UserError, "choose the engineer and the date and time"):
            request.action_dispatch()
        with self.assertRaisesMessage(UserError, "needs an engineer and a date before it is settled"):
            request.action_settle()
        self.assertFalse(self.env["stock.picking"].search([("origin", "=", request.name)]))
        request.visit_start = self.visit_start
        request.action_dispatch()
        self.assertEqual(request.state, "in_progress")
        event = request.event_id
        self.assertEqual(event.user_id, self.engineer)
        self.assertEqual(event.start, request.visit_start)
        self.assertEqual(event.stop, request.visit_start + timedelta(hours=2))
        self.assertIn(self.engineer.partner_id, event.partner_ids)

    def test_settle_under_warranty_creates_claim(self):
        request = self._field_service(self.lot_a)
        request.action_dispatch()
        request.action_settle()
        self.assertEqual(request.state, "done")
        # the part left the van through a validated transfer
        picking = request.van_picking_id
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.location_id, self.van)
        self.assertEqual(picking.move_ids.location_id, self.van)
        self.assertEqual(picking.move_ids.quantity, 1.0)
        self.assertEqual(self._van_quantity(), 2.0)
        # and the visit is a draft warranty claim of the dealer with parts, labour and call-out
        claim = request.settlement_claim_id
        self.assertFalse(request.invoice_id)
        self.assertEqual(claim.state, "draft")
        self.assertEqual(claim.dealer_id, self.dealer_a)
        self.assertEqual(claim.lot_id, self.lot_a)
        self.assertIn(claim, request.claim_ids)
        lines = {(line.line_type, line.product_id, line.quantity) for line in claim.line_ids}
        self.assertEqual(lines, {
            ("part", self.module, 1.0), ("labour", self.fee_labour, 1.5),
            ("travel", self.fee_callout, 1.0),
        })
        self.assertAlmostEqual(claim.line_ids.filtered(
            lambda l: l.line_type == "labour").amount_claimed, 67.5)
        with self.assertRaisesMessage(UserError, "cannot be settled now"):
            request.action_settle()

    def test_future_visit_refused_before_numbering(self):
        """A visit dated tomorrow is settled from the request form: refused with the visit's
        date, before anything is numbered. The claim sequence's next number is the same
        before and after (say 12 and 12; before, the claim drew number 12 and was rolled back,
        so the next one was 13), nothing was booked out of the van (3 modules stay), and the
        request stays in progress."""
        tomorrow = fields.Datetime.now() + timedelta(days=1)
        with Form(self.env["aftersales.request"].with_user(self.as_user)) as form:
            form.subject = "Visit"
            form.team_id = self.team
            form.request_type = "field_service"
            form.lot_id = self.lot_a
            form.engineer_id = self.engineer
            form.visit_start = tomorrow
            form.hours_spent = 1.5
            with form.part_line_ids.new() as line:
                line.product_id = self.module
                line.quantity = 1.0
        request = form.record
        request.action_dispatch()
        sequence = self.env["ir.sequence"].search([("code", "=", "aftersales.claim")])
        next_number = sequence.number_next_actual
        with self.assertRaisesMessage(UserError, "in the future"):
            request.action_settle()
        sequence.invalidate_recordset(["number_next_actual"])
        self.assertEqual(sequence.number_next_actual, next_number)
        self.assertEqual(request.state, "in_progress")
        self.assertFalse(request.settlement_claim_id)
        self.assertEqual(self._van_quantity(), 3.0)

    def test_settle_out_of_warranty_invoices_dealer(self):
        request = self._field_service(self.lot_old)
        request.action_dispatch()
        request.action_settle()
        self.assertEqual(request.van_picking_id.state, "done")
        self.assertEqual(self._van_quantity(), 2.0)
        self.assertFalse(request.settlement_claim_id)
        invoice = request.invoice_id
        self.assertEqual(invoice.move_type, "out_invoice")
        self.assertEqual(invoice.partner_id, self.dealer_b)
        prices = {line.product_id: (line.quantity, line.price_unit) for line in invoice.invoice_line_ids}
        self.assertEqual(prices[self.fee_labour], (1.5, 45.0))
        self.assertEqual(prices[self.fee_callout], (1.0, 35.0))
        pricelist = self.dealer_b.property_product_pricelist
        expected = pricelist._get_product_price(self.module, 1.0) if pricelist else 300.0
        self.assertAlmostEqual(prices[self.module][1], expected)
        self.assertAlmostEqual(invoice.amount_untaxed, 67.5 + 35.0 + expected)

    def test_settle_without_van_refused(self):
        self.engineer.aftersales_van_location_id = False
        request = self._field_service(self.lot_a)
        request.action_dispatch()
        with self.assertRaisesMessage(UserError, "Eddie Engineer has no van location"):
            request.action_settle()
        self.assertFalse(request.van_picking_id or request.settlement_claim_id)
        self.assertFalse(self.env["aftersales.claim"].search([("lot_id", "=", self.lot_a.id)]))
        self.assertEqual(self._van_quantity(), 3.0)
        self.assertEqual(request.state, "in_progress")

    def test_repair_order_and_warranty_flag(self):
        in_warranty = self._create_request(user=self.as_user, request_type="repair", lot_id=self.lot_a.id)
        expired = self._create_request(user=self.as_user, request_type="repair", lot_id=self.lot_old.id)
        (in_warranty | expired).action_create_repair()
        repair = in_warranty.repair_id
        self.assertEqual(repair.product_id, self.machine)
        self.assertEqual(repair.lot_id, self.lot_a)
        self.assertTrue(repair.under_warranty)
        self.assertEqual(repair.partner_id, self.dealer_a)
        self.assertEqual(repair.aftersales_request_id, in_warranty)
        self.assertFalse(expired.repair_id.under_warranty)
        self.assertEqual(in_warranty.state, "in_progress")
        self.assertEqual(self.lot_a.repair_count, 1)
        self.assertEqual(self.lot_a.request_count, 1)
        self.assertEqual(self.lot_a.action_view_repairs()["domain"], [("lot_id", "=", self.lot_a.id)])
        with self.assertRaisesMessage(UserError, "cannot be sent to the factory now"):
            in_warranty.action_create_repair()
        no_machine = self._create_request(request_type="repair")
        with self.assertRaisesMessage(UserError, "choose the machine to repair first"):
            no_machine.action_create_repair()
        self.assertFalse(no_machine.repair_id)

    def test_maintenance_interval_must_be_positive(self):
        template = self.machine.product_tmpl_id
        for months in (0, -3):
            with self.assertRaisesMessage(ValidationError, "must be at least 1 month"):
                template.write({"has_maintenance_reminder": True, "maintenance_interval_months": months})
        self.assertFalse(template.has_maintenance_reminder)
        template.write({"has_maintenance_reminder": True, "maintenance_interval_months": 6})
        self.assertEqual(template.maintenance_interval_months, 6)

    def test_maintenance_subject_in_owner_date_format(self):
        """The reminder's subject carries the due date in its owner's language and date
        format: English with day.month.year; SN-A-1 registered 100 days ago, every 3 months ->
        due on the registration date + 3 months, e.g. registered 2026-01-01 -> "Maintenance due
        on 01.04.2026: SN-A-1" (before: "2026-04-01")."""
        self.env["res.lang"]._activate_lang("en_US").date_format = "%d.%m.%Y"
        self.as_manager.lang = "en_US"
        self.machine.product_tmpl_id.write(
            {"has_maintenance_reminder": True, "maintenance_interval_months": 3})
        created = self.env["aftersales.request"]._cron_create_maintenance_reminders(self.today)
        reminder = created.filtered(lambda r: r.lot_id == self.lot_a)
        due = self.lot_a.registration_date + relativedelta(months=3)
        self.assertEqual(reminder.subject, f"Maintenance due on {due:%d.%m.%Y}: SN-A-1")

    def test_maintenance_cron_idempotent(self):
        self.machine.product_tmpl_id.write(
            {"has_maintenance_reminder": True, "maintenance_interval_months": 3})
        Request = self.env["aftersales.request"]
        # SN-A-1 and SN-B-1 were registered 100 days ago (one period), SN-B-OLD 500 days ago
        lots = self.lot_a | self.lot_b | self.lot_old
        created = Request._cron_create_maintenance_reminders(self.today)
        # (demo machines, when installed with demo data, may be due too: only ours are checked)
        created = created.filtered(lambda r: r.lot_id in lots)
        self.assertEqual(len(created), 3)
        reminder = created.filtered(lambda r: r.lot_id == self.lot_a)
        self.assertEqual(reminder.maintenance_due_date,
                         self.lot_a.registration_date + relativedelta(months=3))
        self.assertEqual(reminder.request_type, "maintenance")
        self.assertEqual(reminder.channel, "outbound_call")
        self.assertEqual(reminder.user_id, self.as_manager)
        self.assertEqual(reminder.end_user_id, self.end_user_a)
        self.assertEqual(reminder.activity_ids.user_id, self.as_manager)
        old = created.filtered(lambda r: r.lot_id == self.lot_old)
        self.assertEqual(old.maintenance_due_date,
                         self.lot_old.registration_date + relativedelta(months=15))
        # the same day again, or the next day: nothing new
        self.assertFalse(Request._cron_create_maintenance_reminders(self.today).lot_id & lots)
        self.assertFalse(
            Request._cron_create_maintenance_reminders(self.today + timedelta(days=1)).lot_id & lots
        )
        self.assertEqual(Request.search_count([("request_type", "=", "maintenance"),
                                               ("lot_id", "in", lots.ids)]), 3)
        # the next due date gives the next reminder
        later = Request._cron_create_maintenance_reminders(self.today + relativedelta(months=3))
        self.assertEqual(len(later.filtered(lambda r: r.lot_id in lots)), 3)
