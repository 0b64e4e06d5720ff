from datetime import date, datetime

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, TransactionCase, tagged

from .common_request import AftersalesRequestCommon


@tagged("post_install", "-at_install")
class TestFeeSchedule(TransactionCase):
    def test_fee_schedule_report(self):
        fees = self.env["product.template"].search([("aftersales_fee_type", "!=", False)])
        self.assertTrue(fees)
        html = self.env["ir.actions.report"]._render_qweb_html(
            "aftersales.report_fee_schedule", fees.ids
        )[0].decode()
        self.assertIn("Service Charge Standard", html)
        self.assertIn("Service labour (per hour)", html)
        self.env.company.external_report_layout_id = self.env.ref("web.external_layout_standard")
        action = fees[:1].action_print_fee_schedule()
        self.assertEqual(action["report_name"], "aftersales.report_fee_schedule")
        self.assertEqual(action["context"]["active_ids"], fees[:1].ids)
        # from the list's header button, with nothing selected, it prints the whole schedule
        action = self.env["product.template"].action_print_fee_schedule()
        self.assertEqual(action["context"]["active_ids"], fees.ids)


@tagged("post_install", "-at_install")
class TestFeeVersions(AftersalesRequestCommon):
    """The service charge standard in two versions, each made with New Version as a manager:
    labour 80 an hour and call-out 35 from 2026-01-01, then labour 90 an hour from 2026-07-01
    (call-out copied at 35). The fees' own sales prices (labour 45, diagnosis 40) are what is
    charged where no version covers the day."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company._aftersales_ensure_pricelists()
        cls.standard = cls.company.aftersales_fee_pricelist_id
        cls.standard.item_ids.unlink()  # the demo's versions: the test makes its own
        cls.fee_labour.lst_price = 45.0
        cls.fee_diagnosis.lst_price = 40.0
        cls._new_version(date(2026, 1, 1), {cls.fee_labour: 80.0, cls.fee_callout: 35.0})
        cls._new_version(date(2026, 7, 1), {cls.fee_labour: 90.0})

    @classmethod
    def _new_version(cls, date_from, rates):
        """New Version as the manager: the date, then the new rate of the fees in ``rates``
        (the other fees keep the rate they have)."""
        rates = {product.product_tmpl_id: rate for product, rate in rates.items()}
        form = Form(cls.env["product.template.fee.version"].with_user(cls.as_manager))
        form.date_from = date_from
        for index in range(len(form.line_ids)):
            with form.line_ids.edit(index) as line:
                if line.product_tmpl_id in rates:
                    line.new_rate = rates[line.product_tmpl_id]
        return form.save().action_apply()

    def _items(self, product):
        return self.standard.item_ids.filtered(
            lambda item: item.product_tmpl_id == product.product_tmpl_id
        ).sorted("date_start")

    def _days(self, items):
        return [(self.company._aftersales_fee_day(item.date_start),
                 self.company._aftersales_fee_day(item.date_end), item.fixed_price) for item in items]

    def test_new_version_ends_the_previous_one(self):
        """Labour: 80 from 2026-01-01 until 2026-06-30 (the day before the new version), then 90
        from 2026-07-01 with no end; the call-out copied: 35, then 35 again."""
        self.assertEqual(self._days(self._items(self.fee_labour)), [
            (date(2026, 1, 1), date(2026, 6, 30), 80.0), (date(2026, 7, 1), False, 90.0),
        ])
        self.assertEqual(self._days(self._items(self.fee_callout)), [
            (date(2026, 1, 1), date(2026, 6, 30), 35.0), (date(2026, 7, 1), False, 35.0),
        ])
        # the wizard shows the rate until then: labour 90 the day before 2027-01-01
        form = Form(self.env["product.template.fee.version"].with_user(self.as_manager))
        form.date_from = date(2027, 1, 1)
        current = {}
        for index in range(len(form.line_ids)):
            with form.line_ids.edit(index) as line:
                current[line.product_tmpl_id] = line.current_rate
        self.assertEqual(current[self.fee_labour.product_tmpl_id], 90.0)
        self.assertEqual(current[self.fee_callout.product_tmpl_id], 35.0)
        # history is not rewritten: a version on or before the latest start is refused
        with self.assertRaisesMessage(UserError, "already has a version from 07/01/2026"):
            self._new_version(date(2026, 7, 1), {self.fee_labour: 85.0})
        self.assertEqual(len(self._items(self.fee_labour)), 2)
        # only managers make versions
        with self.assertRaises(AccessError):
            Form(self.env["product.template.fee.version"].with_user(self.as_user))

    def test_request_priced_at_its_date(self):
        """2 h of labour on a visit out of warranty: requested 2026-05-10 -> 2 x 80 = 160 (and
        the call-out 35); requested 2026-08-01 -> 2 x 90 = 180 (call-out 35)."""
        for received, labour, callout in ((datetime(2026, 5, 10, 9), 160.0, 35.0),
                                          (datetime(2026, 8, 1, 9), 180.0, 35.0)):
            request = self._create_request(
                user=self.as_user, request_type="field_service", lot_id=self.lot_old.id,
                engineer_id=self.engineer.id, visit_start=self.visit_start, hours_spent=2.0,
                request_date=received,
            )
            request.action_dispatch()
            request.action_settle()
            amounts = {line.product_id: line.price_subtotal for line in request.invoice_id.invoice_line_ids}
            self.assertEqual(amounts, {self.fee_labour: labour, self.fee_callout: callout})

    def test_warranty_visit_claim_priced_at_request_date(self):
        """Under warranty the visit becomes a claim dated as the request: 2026-05-10, 2 h of
        labour at 80 = 160."""
        request = self._create_request(
            user=self.as_user, request_type="field_service", lot_id=self.lot_a.id,
            engineer_id=self.engineer.id, visit_start=self.visit_start, hours_spent=2.0,
            request_date=datetime(2026, 5, 10, 9),
        )
        request.action_dispatch()
        request.action_settle()
        claim = request.settlement_claim_id
        self.assertEqual(claim.date, date(2026, 5, 10))
        labour = claim.line_ids.filtered(lambda line: line.line_type == "labour")
        self.assertEqual(labour.amount_claimed, 160.0)

    def test_claim_priced_at_claim_date(self):
        """A claim of 2 h labour and 1 fault diagnosis (no version has it: its price 40):
        dated 2026-05-10 -> 2 x 80 + 40 = 200; moved to 2026-08-01 -> 2 x 90 + 40 = 220;
        dated 2025-12-31, before the first version -> the sales price 2 x 45 + 40 = 130."""
        claim = self._create_claim(date=date(2026, 5, 10), line_ids=self._lines(parts=[]) + [
            (0, 0, {"line_type": "other", "product_id": self.fee_diagnosis.id, "quantity": 1.0})
        ])
        self.assertEqual(claim.amount_claimed, 200.0)
        with Form(claim.with_user(self.as_user)) as form:
            form.date = date(2026, 8, 1)
        self.assertEqual(claim.amount_claimed, 220.0)
        claim.date = date(2025, 12, 31)
        self.assertEqual(claim.amount_claimed, 130.0)

    def test_fee_schedule_pdf_shows_the_version(self):
        """Printed for 2026-05-10: valid from 2026-01-01 until 2026-06-30, labour 80.00; printed
        for 2026-08-01: valid from 2026-07-01, labour 90.00. The dates in the user's date
        format: English with day.month.year -> "01.01.2026 until 30.06.2026" (before: ISO)."""
        self.env["res.lang"]._activate_lang("en_US").date_format = "%d.%m.%Y"
        wizard = self.env["product.template.fee.print"].with_user(self.as_user).create(
            {"date": date(2026, 5, 10), "product_tmpl_ids": [(6, 0, self.fee_labour.product_tmpl_id.ids)]}
        )
        action = wizard.action_print()
        self.assertEqual(action["data"], {"fee_date": "2026-05-10"})
        html = self.env["ir.actions.report"]._render_qweb_html(
            "aftersales.report_fee_schedule", action["context"]["active_ids"], data=action["data"]
        )[0].decode()
        self.assertRegex(
            html, r"Valid from <span[^>]*>01\.01\.2026</span> until <span[^>]*>30\.06\.2026</span>"
        )
        self.assertIn("80.00", html)
        self.assertNotIn("90.00", html)
        fees = self.env["product.template"].search([("aftersales_fee_type", "!=", False)])
        html = self.env["ir.actions.report"]._render_qweb_html(
            "aftersales.report_fee_schedule", fees.ids, data={"fee_date": "2026-08-01"}
        )[0].decode()
        self.assertRegex(html, r"Valid from <span[^>]*>01\.07\.2026</span>\.")
        self.assertIn("90.00", html)
        # the fee list shows today's rate (after 2026-07-01: 90)
        self.assertEqual(self.fee_labour.product_tmpl_id.aftersales_fee_rate, 90.0)
