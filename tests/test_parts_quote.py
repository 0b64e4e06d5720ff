from datetime import timedelta

from lxml import html

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form, HttpCase, tagged

from .common import AftersalesCommon


@tagged("post_install", "-at_install")
class TestPartsQuote(AftersalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Tax = cls.env["account.tax"]
        cls.tax_excluded = Tax.create({"name": "VAT 15% (excl.)", "amount": 15.0, "type_tax_use": "sale"})
        cls.tax_included = Tax.create(
            {"name": "VAT 15% (incl.)", "amount": 15.0, "type_tax_use": "sale", "price_include_override": "tax_included"}
        )
        cls.module = cls.env["product.product"].create({
            "name": "Quote Module", "type": "consu", "aftersales_part_class": "module",
            "is_serviceable_part": True, "list_price": 100.0, "taxes_id": [Command.clear()],
        })
        shipping = cls.env["product.product"].create(
            {"name": "Parts courier", "type": "service", "list_price": 20.0, "taxes_id": [Command.clear()]}
        )
        cls.carrier = cls.env["delivery.carrier"].create({
            "name": "Parts courier", "delivery_type": "fixed", "fixed_price": 20.0,
            "product_id": shipping.id,
        })

    def _quote(self, partner, tax, qty=2):
        order = self.env["sale.order"].create({
            "partner_id": partner.id,
            "order_line": [Command.create({
                "product_id": self.module.id, "product_uom_qty": qty, "price_unit": 100.0,
                "tax_id": [Command.set(tax.ids)],
            })],
        })
        order.set_delivery_line(self.carrier, 20.0)
        return order

    def test_tax_excluded_quote(self):
        order = self._quote(self.dealer_a, self.tax_excluded)
        self.assertTrue(order.is_parts_quote)
        self.assertFalse(order.parts_prices_include_tax)
        # 2 x 100 = 200 list price + 30 tax + 20 logistics = 250
        self.assertAlmostEqual(order.parts_amount, 200.0)
        self.assertAlmostEqual(order.parts_tax_amount, 30.0)
        self.assertAlmostEqual(order.logistics_amount, 20.0)
        self.assertAlmostEqual(order.amount_total, 250.0)
        self.assertAlmostEqual(order.parts_amount + order.parts_tax_amount + order.logistics_amount, order.amount_total)

    def test_tax_included_quote(self):
        order = self._quote(self.dealer_a, self.tax_included)
        self.assertTrue(order.parts_prices_include_tax)
        # 2 x 100 tax included + 20 logistics = 220
        self.assertAlmostEqual(order.parts_amount, 200.0)
        self.assertAlmostEqual(order.logistics_amount, 20.0)
        self.assertAlmostEqual(order.amount_total, 220.0)

    def test_parts_quote_pdf(self):
        order = self._quote(self.dealer_a, self.tax_excluded)
        html = self.env["ir.actions.report"]._render_qweb_html("aftersales.report_parts_quote", order.ids)[0].decode()
        self.assertIn("Parts Quote", html)
        self.assertIn("List price (tax excluded)", html)
        self.assertIn("Logistics", html)

    def test_quote_to_end_user_refused(self):
        """End User of A (served by Dealer A) asks for 2 modules at 100: refused, the message
        names the end user and Dealer A; no order is written."""
        count = self.env["sale.order"].search_count([])
        with self.assertRaisesMessage(
            ValidationError, "quoted to dealers only, never directly to End User of A. Quote the "
            "serving dealer Dealer A instead"
        ):
            self._quote(self.end_user_a, self.tax_excluded)
        self.assertEqual(self.env["sale.order"].search_count([]), count)

    def test_quote_to_any_non_dealer_refused(self):
        """A workshop that is neither a dealer nor an end user, and a contact of it, asking for
        2 modules at 100 (250 with tax and logistics): both refused, naming the workshop; the
        archives know no dealer for it."""
        workshop = self.env["res.partner"].create({"name": "Walk-in Workshop", "is_company": True})
        mechanic = self.env["res.partner"].create({"name": "Mechanic", "parent_id": workshop.id})
        count = self.env["sale.order"].search_count([])
        for partner in (workshop, mechanic):
            with self.subTest(partner=partner.name), self.assertRaisesMessage(
                ValidationError, "never directly to Walk-in Workshop, which is not a dealer. Quote "
                "the dealer that serves this customer instead"
            ):
                self._quote(partner, self.tax_excluded)
        self.assertEqual(self.env["sale.order"].search_count([]), count)

    def test_serving_dealer_from_the_machines(self):
        """An end user with no serving dealer set owns SN-B-1, sold by Dealer B: the refusal
        names Dealer B (the product archive's dealer of its machine)."""
        owner = self.env["res.partner"].create(
            {"name": "Farm Owner", "is_end_user": True, "phone": "+1 555 0199"}
        )
        self.lot_b.write({"end_user_id": owner.id, "registration_date": self.today - timedelta(days=10)})
        self.assertFalse(owner.aftersales_dealer_id)
        self.assertEqual(owner._get_aftersales_serving_dealers(), self.dealer_b)
        with self.assertRaisesMessage(ValidationError, "Farm Owner. Quote the serving dealer Dealer B instead"):
            self._quote(owner, self.tax_excluded)

    def test_no_override(self):
        """The manager override is gone: no such field on the order nor in its form, and even
        the superuser cannot quote a module to End User of A, nor move a dealer's quote to it."""
        self.assertNotIn("aftersales_channel_override", self.env["sale.order"]._fields)
        arch = self.env["sale.order"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertNotIn("override", arch.lower())
        with self.assertRaisesMessage(ValidationError, "End User of A"):
            self._quote(self.end_user_a.sudo(), self.tax_excluded)
        order = self._quote(self.contact_a, self.tax_excluded)
        with self.assertRaisesMessage(ValidationError, "End User of A"):
            order.partner_id = self.end_user_a
        self.env.invalidate_all()
        self.assertEqual(order.partner_id, self.contact_a)
        # a module line added on its own to End User of A's order of a labour fee
        fee_order = self.env["sale.order"].create({
            "partner_id": self.end_user_a.id,
            "order_line": [Command.create({"product_id": self.env.ref("aftersales.product_fee_labour").id})],
        })
        with self.assertRaisesMessage(ValidationError, "End User of A"):
            self.env["sale.order.line"].create({"order_id": fee_order.id, "product_id": self.module.id})
        self.env.invalidate_all()
        self.assertEqual(len(fee_order.order_line), 1)

    def test_quote_form_to_end_user_refused(self):
        """Through the quotation form: End User of A, one module line (100): saving is refused;
        the same lines for Alice of Dealer A save as a parts quote of 100."""
        form = Form(self.env["sale.order"])
        form.partner_id = self.end_user_a
        with form.order_line.new() as line:
            line.product_id = self.module
            line.product_uom_qty = 1
            line.price_unit = 100.0
            line.tax_id.clear()
        with self.assertRaisesMessage(ValidationError, "Dealer A"):
            form.save()
        form.partner_id = self.contact_a
        order = form.save()
        self.assertTrue(order.is_parts_quote)
        self.assertAlmostEqual(order.amount_total, 100.0)

    def test_former_dealer_quote_goes_no_further(self):
        """A quote of 2 modules to Dealer B (200 + 30 tax + 20 logistics = 250), after which
        Dealer B stops being a dealer: it can no longer be sent, confirmed or printed; it stays
        a draft of 250."""
        order = self._quote(self.contact_b, self.tax_excluded)
        self.assertAlmostEqual(order.amount_total, 250.0)
        self.dealer_b.is_dealer = False
        message = "never directly to Dealer B, which is not a dealer"
        with self.assertRaisesMessage(ValidationError, message):
            order.action_quotation_send()
        with self.assertRaisesMessage(ValidationError, message):
            order.action_confirm()
        with self.assertRaisesMessage(ValidationError, message):
            self.env["ir.actions.report"]._render_qweb_html("aftersales.report_parts_quote", order.ids)
        self.assertEqual(order.state, "draft")
        self.assertAlmostEqual(order.amount_total, 250.0)

    def test_non_parts_order_to_end_user_allowed(self):
        """Ordinary sales without spare parts are untouched: a labour fee to End User of A and a
        machine to a walk-in customer are confirmed."""
        fee = self.env.ref("aftersales.product_fee_labour")
        order = self.env["sale.order"].create({
            "partner_id": self.end_user_a.id,
            "order_line": [Command.create({"product_id": fee.id, "product_uom_qty": 1})],
        })
        self.assertFalse(order.is_parts_quote)
        walk_in = self.env["res.partner"].create({"name": "Walk-in Buyer"})
        machine_order = self.env["sale.order"].create({
            "partner_id": walk_in.id,
            "order_line": [Command.create({"product_id": self.machine.id, "product_uom_qty": 1})],
        })
        (order | machine_order).action_confirm()
        self.assertEqual((order | machine_order).mapped("state"), ["sale", "sale"])


@tagged("post_install", "-at_install")
class TestPartsQuotePortal(HttpCase, AftersalesCommon):
    """The quote's PDF on the portal is the channel's: refused once its customer is no dealer."""

    def test_portal_quote_pdf_only_for_a_dealer(self):
        """Bob of Dealer B downloads his quote of 1 filter while Dealer B is a dealer; once it
        is not, the download is refused with the channel message and no quote is shown."""
        order = self.env["sale.order"].create({
            "partner_id": self.contact_b.id,
            "order_line": [Command.create({"product_id": self.part.id, "product_uom_qty": 1})],
        })
        order.action_quotation_sent()
        self.authenticate("portal_b", "portal_b")
        url = f"/my/orders/{order.id}?report_type=pdf"
        title = f"Parts Quote {order.name}"
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200, response.text[:500])
        self.assertIn(title, self._text(response))
        self.dealer_b.is_dealer = False
        response = self.url_open(url)
        self.assertNotEqual(response.status_code, 200)
        self.assertNotIn(title, self._text(response))
        self.assertIn("which is not a dealer", self._text(response))

    def _text(self, response):
        return " ".join(html.fromstring(response.content).text_content().split())
