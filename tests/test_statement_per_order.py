from dateutil.relativedelta import relativedelta

from odoo import Command, http
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, HttpCase, tagged

from .common import BrowserCase
from .test_statement import AftersalesStatementCommon


@tagged("post_install", "-at_install")
class TestPerOrderSettlement(HttpCase, AftersalesStatementCommon):
    """Dealers settled per order (单单结, 月对账开票): each order paid on its own, the month's
    delivered orders invoiced once, when the dealer confirms the month's statement."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kit = cls.env["product.product"].create({
            "name": "Test Service Kit", "type": "consu", "aftersales_part_class": "wear",
            "is_serviceable_part": True, "lst_price": 100.0, "invoice_policy": "delivery",
            "taxes_id": [Command.clear()],
        })
        # claim credit: 2 filters x 30 + 2 h labour x 45 = 150, without tax
        cls.part.write({"lst_price": 30.0})
        (cls.part | cls.fee_labour).taxes_id = [Command.clear()]
        cls.first = cls.today.replace(day=1)
        cls.month_end = cls.first + relativedelta(months=1, days=-1)

    def _deliver_orders(self, dealer, quantities):
        orders = self.env["sale.order"].create([
            {"partner_id": dealer.id, "order_line": [Command.create(
                {"product_id": self.kit.id, "product_uom_qty": qty, "price_unit": 100.0}
            )]}
            for qty in quantities
        ])
        orders.action_confirm()
        for picking in orders.picking_ids:
            for move in picking.move_ids:
                move.quantity = move.product_uom_qty
            picking.move_ids.picked = True
            picking.button_validate()
        return orders

    def _register_payment(self, order, amount):
        """The accountant's Register Payment button on the order, then Confirm."""
        action = order.with_user(self.accountant).action_aftersales_register_payment()
        Payment = self.env["account.payment"].with_user(self.accountant).with_context(
            action["context"]
        )
        form = Form(Payment)
        self.assertEqual(form.aftersales_sale_order_id, order)
        self.assertEqual(form.memo, order.name)
        form.amount = amount
        payment = form.save()
        payment.action_post()
        return payment

    def _approve_claim(self, dealer, lot):
        claim = self._create_claim(dealer=dealer, lot=lot)
        claim.action_submit()
        claim.with_user(self.as_user).action_approve()
        return claim

    def _confirm_on_portal(self, login, statement):
        self.authenticate(login, login)
        return self.url_open(
            f"/my/statements/{statement.id}/confirm",
            data={"csrf_token": http.Request.csrf_token(self)},
        )

    def test_orders_paid_one_by_one_invoiced_once_on_confirmation(self):
        """Orders 4 x 100 = 400 and 6 x 100 = 600 delivered in the month, not invoiced on
        delivery. A payment of 400 matched to order 1 -> order 1 paid (due 0), order 2 not
        paid (due 600). A claim approved in the month is credited at once: 2 x 30 + 2 h x 45 =
        150. The dealer confirms its statement on the portal -> one invoice of 400 + 600 =
        1,000 dated the month's end, the payment (400) and the claim's credit note (150)
        reconciled on it -> left to pay 1,000 - 400 - 150 = 450; the statement, drawn again,
        closes at -150 - 400 + 1,000 = 450."""
        orders = self._deliver_orders(self.dealer_a, [4, 6])
        self.assertFalse(orders.invoice_ids, "per order: no invoice per delivery")
        self.assertRecordValues(orders, [
            {"is_aftersales_per_order": True, "aftersales_payment_state": "not_paid",
             "aftersales_amount_due": 400.0},
            {"is_aftersales_per_order": True, "aftersales_payment_state": "not_paid",
             "aftersales_amount_due": 600.0},
        ])
        payment = self._register_payment(orders[0], 400.0)
        orders.invalidate_recordset()
        self.assertRecordValues(orders, [
            {"aftersales_payment_state": "paid", "aftersales_amount_paid": 400.0,
             "aftersales_amount_due": 0.0},
            {"aftersales_payment_state": "not_paid", "aftersales_amount_paid": 0.0,
             "aftersales_amount_due": 600.0},
        ])
        claim = self._approve_claim(self.dealer_a, self.lot_a)
        self.assertEqual(claim.state, "settled")
        self.assertEqual(claim.refund_move_id.amount_total, 150.0)

        statement = self._generate(self.dealer_a, self.first, self.month_end)
        self.assertFalse(statement.invoice_move_id)
        self.assertEqual(statement.sale_order_ids, orders)
        self.assertEqual(statement.orders_amount, 1000.0)
        self.assertEqual(statement.closing_balance, -550.0)  # -150 credit note, -400 paid
        statement.with_user(self.accountant).action_send()

        # another dealer's portal user cannot confirm it
        self._confirm_on_portal("portal_b", statement)
        self.assertEqual(statement.state, "sent")
        self.assertFalse(orders.invoice_ids)
        # the dealer's own page lists the orders with what is paid and due
        self.authenticate("portal_a", "portal_a")
        page = self.url_open(f"/my/statements/{statement.id}")
        self.assertIn(orders[1].name, page.text)
        self.assertIn("600.00", page.text)

        self._confirm_on_portal("portal_a", statement)
        statement.invalidate_recordset()
        invoice = statement.invoice_move_id
        self.assertEqual(orders.invoice_ids, invoice, "one invoice for both orders")
        self.assertRecordValues(invoice, [{
            "move_type": "out_invoice", "state": "posted", "invoice_date": self.month_end,
            "amount_total": 1000.0, "amount_residual": 450.0, "payment_state": "partial",
        }])
        self.assertEqual(payment.reconciled_invoice_ids, invoice)
        self.assertEqual(claim.refund_move_id.payment_state, "paid")
        self.assertRecordValues(statement, [{
            "state": "confirmed", "confirm_user_id": self.portal_a.id,
            "invoiced_amount": 1000.0, "credited_amount": 150.0, "paid_amount": 400.0,
            "closing_balance": 450.0, "difference": 0.0,
        }])
        self.assertTrue(statement.confirm_date)
        message = statement.message_ids.filtered(lambda m: "Confirmed by" in m.body)
        self.assertEqual(message.author_id, self.portal_a.partner_id)
        self.assertIn(invoice.name, message.body)
        self.assertEqual(statement.sale_order_ids, orders)
        # the printed statement lists the orders and what is left to pay on their invoice
        html = self.env["ir.actions.report"].with_user(self.accountant)._render_qweb_html(
            "aftersales.report_aftersales_statement", statement.ids)[0].decode()
        self.assertIn("Orders of the month", html)
        self.assertIn(orders[0].name, html)
        self.assertIn(orders[1].name, html)
        self.assertIn(f"Invoice {invoice.name}", html)
        self.assertIn("450.00", html)
        # confirmed: never drawn or invoiced again
        with self.assertRaises(UserError):
            statement.with_user(self.accountant).action_regenerate()
        with self.assertRaises(UserError):
            self._generate(self.dealer_a, self.first, self.month_end)
        with self.assertRaises(UserError):
            statement.with_user(self.accountant).action_invoice_orders()

    def test_office_invoices_an_unconfirmed_month(self):
        """Dealer B, settled per order, does not confirm: orders 2 x 100 = 200 and 3 x 100 =
        300, 300 paid on order 2. The office's button draws one invoice of 500, paid 300 ->
        200 left; the statement stays sent, says who invoiced it, and is not invoiced twice.
        Dealer A, settled monthly, keeps its statement run's invoice (1 x 100 = 100)."""
        self.dealer_a.claim_settlement_mode = "monthly"
        orders_b = self._deliver_orders(self.dealer_b, [2, 3])
        order_a = self._deliver_orders(self.dealer_a, [1])
        self._register_payment(orders_b[1], 300.0)
        statements = self._generate(self.dealer_a | self.dealer_b, self.first, self.month_end)
        stm_a = statements.filtered(lambda s: s.dealer_id == self.dealer_a)
        stm_b = statements - stm_a
        self.assertEqual(stm_a.invoice_move_id.amount_total, 100.0)
        self.assertEqual(order_a.invoice_ids, stm_a.invoice_move_id)
        self.assertFalse(stm_a.can_be_invoiced)
        self.assertEqual(stm_a.sale_order_ids, order_a, "the orders of its period invoice")
        stm_b.with_user(self.accountant).action_send()
        self.assertTrue(stm_b.with_user(self.accountant).can_be_invoiced)
        self.assertFalse(stm_b.with_user(self.as_user).can_be_invoiced)
        stm_b.with_user(self.accountant).action_invoice_orders()
        self.assertRecordValues(stm_b.invoice_move_id, [
            {"amount_total": 500.0, "amount_residual": 200.0, "invoice_date": self.month_end}
        ])
        self.assertEqual(orders_b.invoice_ids, stm_b.invoice_move_id)
        self.assertEqual(stm_b.state, "sent")
        self.assertEqual(stm_b.closing_balance, 200.0)
        self.assertTrue(stm_b.message_ids.filtered(lambda m: "without the dealer" in m.body))
        with self.assertRaises(UserError):
            stm_b.with_user(self.accountant).action_invoice_orders()
        # the dealer may still confirm: nothing is invoiced twice
        stm_b.with_user(self.portal_b).sudo().action_confirm()
        self.assertEqual(self.env["account.move"].search_count(
            [("move_type", "=", "out_invoice"), ("partner_id", "=", self.dealer_b.id)]
        ), 1)

    def test_payment_matched_to_another_dealers_order(self):
        """A payment of dealer B cannot be matched to dealer A's order; the button refuses
        orders of dealers not settled per order."""
        order = self._deliver_orders(self.dealer_a, [1])
        with self.assertRaises(ValidationError):
            self.env["account.payment"].create({
                "payment_type": "inbound", "partner_type": "customer",
                "partner_id": self.dealer_b.id, "amount": 100.0,
                "aftersales_sale_order_id": order.id,
            })
        self.dealer_a.claim_settlement_mode = "monthly"
        order.invalidate_recordset()
        with self.assertRaises(UserError):
            order.action_aftersales_register_payment()


@tagged("post_install", "-at_install")
class TestPerOrderPortalPhone(BrowserCase, AftersalesStatementCommon):
    """The dealer confirms its month on a phone."""

    browser_size = "375x667"
    touch_enabled = True

    def test_confirm_on_a_phone(self):
        """Orders 400 and 600, 400 paid on the first: the dealer's phone shows order 2 due 600,
        the Confirm button draws one invoice of 1,000 with 600 left to pay."""
        self.part.write({"lst_price": 100.0, "taxes_id": [Command.clear()]})
        orders = self.env["sale.order"].create([
            {"name": name, "partner_id": self.dealer_a.id, "order_line": [Command.create(
                {"product_id": self.part.id, "product_uom_qty": qty, "price_unit": 100.0}
            )]}
            for name, qty in (("TOUR-ORDER-1", 4), ("TOUR-ORDER-2", 6))
        ])
        orders.action_confirm()
        for picking in orders.picking_ids:
            picking.move_ids.quantity = picking.move_ids.product_uom_qty
            picking.move_ids.picked = True
            picking.button_validate()
        payment = self.env["account.payment"].create({
            "payment_type": "inbound", "partner_type": "customer", "partner_id": self.dealer_a.id,
            "amount": 400.0, "aftersales_sale_order_id": orders[0].id,
        })
        payment.action_post()
        first = self.today.replace(day=1)
        statement = self._generate(
            self.dealer_a, first, first + relativedelta(months=1, days=-1)
        )
        statement.name = "TOUR-STATEMENT"
        statement.with_user(self.accountant).action_send()
        self.start_tour("/my/statements", "aftersales_portal_statement_tour", login="portal_a")
        self.assertEqual(statement.state, "confirmed")
        self.assertRecordValues(statement.invoice_move_id, [
            {"amount_total": 1000.0, "amount_residual": 600.0}
        ])
