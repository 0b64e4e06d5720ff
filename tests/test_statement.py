from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command, http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from .common_claim import AftersalesClaimCommon
from .common_queries import QueryCountMixin


class AftersalesStatementCommon(AftersalesClaimCommon):
    """A staged month (the month before last): invoices, a credit note, payments."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = new_test_user(
            cls.env, login="as_accountant",
            groups="base.group_user,account.group_account_invoice,aftersales.group_aftersales_user",
        )
        cls.level.gift_rate = 5.0
        cls.part.write({"lst_price": 100.0, "invoice_policy": "delivery", "taxes_id": [Command.clear()]})
        first = cls.today.replace(day=1)
        cls.date_from = first - relativedelta(months=2)
        cls.date_to = first - relativedelta(months=1, days=1)
        cls.next_month = cls.date_to + relativedelta(days=5)

    @classmethod
    def _invoice(cls, dealer, amount, day, move_type="out_invoice", post=True):
        move = cls.env["account.move"].create({
            "move_type": move_type,
            "partner_id": dealer.id,
            "invoice_date": day,
            "date": day,
            "invoice_line_ids": [Command.create({
                "product_id": cls.part.id, "quantity": 1.0, "price_unit": amount,
                "tax_ids": [Command.clear()],
            })],
        })
        if post:
            move.action_post()
        return move

    @classmethod
    def _pay(cls, invoice, amount, day):
        return cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"amount": amount, "payment_date": day})._create_payments()

    def _ledger(self, dealer, day):
        return self.env["account.move.line"]._read_group([
            ("partner_id", "=", dealer.id),
            ("account_id", "=", dealer.property_account_receivable_id.id),
            ("parent_state", "=", "posted"),
            ("date", "<=", day),
        ], [], ["balance:sum"])[0][0]

    def _generate(self, dealers=None, date_from=None, date_to=None, user=None):
        Statement = self.env["aftersales.statement"].with_user(user or self.accountant)
        return Statement._generate(
            dealers or self.dealer_a, date_from or self.date_from, date_to or self.date_to
        )

    def _stage_month(self):
        """Before the month: 100 owed. In it: an invoice of 1,000 paid 300, a credit note of 200.
        After it: 100 more paid."""
        before = self._invoice(self.dealer_a, 100.0, self.date_from - relativedelta(days=3))
        invoice = self._invoice(self.dealer_a, 1000.0, self.date_from + relativedelta(days=4))
        refund = self._invoice(self.dealer_a, 200.0, self.date_from + relativedelta(days=9), "out_refund")
        self._pay(invoice, 300.0, self.date_from + relativedelta(days=14))
        self._pay(invoice, 100.0, self.next_month)
        return before, invoice, refund


@tagged("post_install", "-at_install")
class TestStatement(AftersalesStatementCommon):
    def test_statement_ties_to_the_ledger(self):
        _before, invoice, refund = self._stage_month()
        statement = self._generate()
        self.assertRecordValues(statement, [{
            "dealer_id": self.dealer_a.id,
            "state": "draft",
            "opening_balance": 100.0,
            "invoiced_amount": 1000.0,
            "credited_amount": 200.0,
            "paid_amount": 300.0,
            "closing_balance": 600.0,
        }])
        self.assertEqual(statement.closing_balance, self._ledger(self.dealer_a, self.date_to))
        self.assertEqual(statement.ledger_balance, 600.0)
        self.assertFalse(statement.difference)
        self.assertEqual(statement.line_ids.mapped("line_type"), ["invoice", "refund", "payment"])
        self.assertEqual(statement.line_ids.mapped("cumulated_balance"), [1100.0, 900.0, 600.0])
        self.assertEqual(statement.line_ids[0].move_id, invoice)
        # a back-dated invoice posted afterwards: the difference shows with its cause
        late = self._invoice(self.dealer_a, 50.0, self.date_to)
        statement.invalidate_recordset()
        self.assertEqual(statement.difference, 50.0)
        self.assertIn(late.name, statement.difference_note)
        self.assertIn("posted after the statement was drawn", statement.difference_note)
        # redrawn: it ties again
        statement.with_user(self.accountant).action_regenerate()
        self.assertEqual(statement.closing_balance, 650.0)
        self.assertFalse(statement.difference)

    def test_statement_covers_every_receivable_account(self):
        """A dealer given another receivable account: the statement and its ledger check read
        both accounts, as Odoo's partner ledger does."""
        first = self._invoice(self.dealer_a, 345.0, self.date_from + relativedelta(days=2))
        other = self.env["account.account"].create({
            "name": "Dealers receivable (second)", "code": "121099",
            "account_type": "asset_receivable", "reconcile": True,
        })
        self.assertNotEqual(first.line_ids.account_id & other, other)
        self.dealer_a.property_account_receivable_id = other
        second = self._invoice(self.dealer_a, 575.0, self.date_from + relativedelta(days=6))
        self.assertIn(other, second.line_ids.account_id)
        statement = self._generate()
        self.assertRecordValues(statement, [{
            "opening_balance": 0.0, "invoiced_amount": 920.0, "closing_balance": 920.0,
            "ledger_balance": 920.0, "difference": 0.0,
        }])
        self.assertEqual(statement.line_ids.move_id, first | second)
        self.assertEqual(statement.line_ids.mapped("cumulated_balance"), [345.0, 920.0])
        # an entry posted later on the first account shows in the ledger check, with its cause
        self.dealer_a.property_account_receivable_id = first.line_ids.account_id.filtered(
            lambda a: a.account_type == "asset_receivable"
        )
        late = self._invoice(self.dealer_a, 80.0, self.date_from + relativedelta(days=8))
        self.assertNotIn(other, late.line_ids.account_id)
        statement.invalidate_recordset()
        self.assertEqual(statement.difference, 80.0)
        self.assertIn(late.name, statement.difference_note)
        # the journal items the statement's button opens are those of both accounts
        action = statement.action_view_moves()
        items = self.env["account.move.line"].search(action["domain"])
        self.assertEqual(items.move_id, first | second)
        self.assertEqual(len(items.account_id), 2)

    def test_regeneration_is_idempotent(self):
        self._stage_month()
        self.dealer_a.claim_settlement_mode = "monthly"
        claim = self._create_claim()
        claim.action_submit()
        claim.with_user(self.as_user).action_approve()
        first = self._generate()
        lines = first.line_ids.mapped(lambda l: (l.move_id.id, l.balance))
        refund = first.refund_move_id
        self.assertTrue(refund)
        second = self._generate()
        self.assertEqual(first, second)
        self.assertEqual(second.refund_move_id, refund)
        self.assertEqual(second.line_ids.mapped(lambda l: (l.move_id.id, l.balance)), lines)
        self.assertEqual(self.env["aftersales.statement"].search_count([("dealer_id", "=", self.dealer_a.id)]), 1)
        self.assertEqual(self.env["account.move"].search_count([("aftersales_claim_ids", "in", claim.ids)]), 1)
        # sent, then confirmed: frozen; the period cannot be drawn again nor overlapped
        second.with_user(self.accountant).action_send()
        second.with_user(self.portal_a).sudo().action_confirm()
        with self.assertRaisesMessage(UserError, "overlaps statement .*Confirmed"):
            self._generate(date_from=self.date_from + relativedelta(days=10), date_to=self.date_to + relativedelta(days=10))
        with self.assertRaisesMessage(UserError, "frozen"):
            second.write({"closing_balance": 1.0})
        with self.assertRaisesMessage(UserError, "frozen"):
            second.line_ids[0].balance = 3.0
        with self.assertRaisesMessage(UserError, "frozen"):
            second._delete_lines()
        with self.assertRaisesMessage(UserError, "frozen"):
            second._insert_lines([(second.id, 99, False, self.date_to, "other", "X", False, False, 1.0, 1.0)])
        self.assertEqual(second.closing_balance, 600.0 - refund.amount_total)

    def _drawn(self, statements):
        """What a statement shows: header amounts and lines, without ids and dates of writing."""
        statements.invalidate_recordset()
        return [
            (
                statement.dealer_id.id, statement.opening_balance,
                statement.invoiced_amount, statement.credited_amount, statement.paid_amount,
                statement.other_amount, statement.closing_balance, statement.gift_earned,
                statement.gift_balance,
                statement.line_ids.mapped(lambda l: (
                    l.sequence, l.move_id.id, l.date, l.line_type, l.name, l.ref, l.date_maturity,
                    l.balance, l.cumulated_balance, l.company_id.id, l.dealer_id.id,
                )),
            )
            for statement in statements.sorted("id")
        ]

    def test_redraw_rewrites_only_what_changed(self):
        self._stage_month()
        self._invoice(self.dealer_b, 70.0, self.date_from + relativedelta(days=6))
        statements = self._generate(self.dealer_a | self.dealer_b)
        stm_a = statements.filtered(lambda s: s.dealer_id == self.dealer_a)
        stm_b = statements - stm_a
        line_ids = {s: s.line_ids.ids for s in statements}
        drawn = self._drawn(statements)
        # nothing changed in the ledger: the lines stay as they are
        self.assertEqual(self._generate(self.dealer_a | self.dealer_b), statements)
        self.assertEqual({s: s.line_ids.ids for s in statements}, line_ids)
        self.assertEqual(self._drawn(statements), drawn)
        # a back-dated invoice of dealer A: only A's statement is drawn again
        self._invoice(self.dealer_a, 50.0, self.date_from + relativedelta(days=1))
        self._generate(self.dealer_a | self.dealer_b)
        self.assertEqual(stm_b.line_ids.ids, line_ids[stm_b])
        self.assertFalse(set(stm_a.line_ids.ids) & set(line_ids[stm_a]))
        self.assertEqual(stm_a.line_ids.mapped("cumulated_balance"), [150.0, 1150.0, 950.0, 650.0])
        self.assertEqual(stm_a.closing_balance, 650.0)
        # the same as drawing every line afresh
        drawn = self._drawn(statements)
        statements._delete_lines()
        self._generate(self.dealer_a | self.dealer_b)
        self.assertEqual(self._drawn(statements), drawn)

    def test_gift_credit_redraw_follows_payments(self):
        invoice = self._invoice(self.dealer_a, 1000.0, self.date_from + relativedelta(days=2))
        payment = self._pay(invoice, 1000.0, self.date_from + relativedelta(days=3))
        invoice.is_manually_modified = False
        statement = self._generate()
        card = statement.sudo().gift_card_id
        self.assertEqual(invoice.aftersales_gift_statement_id, statement)
        self.assertEqual((statement.gift_earned, card.points), (50.0, 50.0))
        # the mark is technical: the dealer's invoice is not flagged as edited by hand
        self.assertFalse(invoice.is_manually_modified)
        # the payment is cancelled: the redraw takes the reward back
        payment.action_draft()
        self.assertEqual(invoice.payment_state, "not_paid")
        self._generate()
        self.assertFalse(invoice.aftersales_gift_statement_id)
        self.assertEqual((statement.gift_base, statement.gift_earned, card.points), (0.0, 0.0, 0.0))
        # paid again: rewarded once
        payment.action_post()
        (payment.move_id.line_ids | invoice.line_ids).filtered(
            lambda l: l.account_id.account_type == "asset_receivable"
        ).reconcile()
        self._generate()
        self._generate()
        self.assertEqual(invoice.aftersales_gift_statement_id, statement)
        self.assertEqual((statement.gift_earned, card.points), (50.0, 50.0))
        self.assertEqual(len(self.env["loyalty.history"].search([("card_id", "=", card.id)])), 1)

    def test_deleted_draft_gives_gift_credit_back(self):
        invoice = self._invoice(self.dealer_a, 1000.0, self.date_from + relativedelta(days=2))
        self._pay(invoice, 1000.0, self.date_from + relativedelta(days=3))
        statement = self._generate()
        card = statement.sudo().gift_card_id
        self.assertEqual(card.points, 50.0)
        statement.unlink()
        self.assertEqual(card.points, 0.0)
        self.assertFalse(self.env["loyalty.history"].search([("card_id", "=", card.id)]))
        # drawn again: the invoice is rewarded once
        again = self._generate()
        self.assertEqual((again.gift_earned, card.points), (50.0, 50.0))
        self.assertEqual(invoice.aftersales_gift_statement_id, again)
        # credit spent: the statement cannot go, and nothing changes
        card.points = 20.0
        with self.assertRaisesMessage(UserError, "only .*20.00.* is left: the rest was spent"):
            again.unlink()
        self.assertTrue(again.exists())
        self.assertEqual(card.points, 20.0)
        self.assertEqual(len(self.env["loyalty.history"].search([("card_id", "=", card.id)])), 1)

    def test_bad_input(self):
        with self.assertRaisesMessage(ValidationError, "End User of A: not a dealer"):
            self._generate(self.end_user_a)
        with self.assertRaisesMessage(ValidationError, "must end after it starts"):
            self._generate(date_from=self.date_to, date_to=self.date_from)
        self.assertFalse(self.env["aftersales.statement"].search(
            [("dealer_id", "in", (self.dealer_a | self.dealer_b | self.end_user_a).ids)]
        ))
        with self.assertRaisesMessage(ValidationError, "Test Level: the gift credit rate must lie between 0 and 100"):
            self.level.gift_rate = 120.0
        self.assertEqual(self.level.gift_rate, 5.0)
        # closing a statement with a draft entry of the dealer in the period
        self._invoice(self.dealer_a, 100.0, self.date_from)
        statement = self._generate()
        statement.with_user(self.accountant).action_send()
        draft = self._invoice(self.dealer_a, 10.0, self.date_to, post=False)
        with self.assertRaisesMessage(UserError, "cannot be closed: the dealer has draft entries"):
            statement.with_user(self.accountant).action_close()
        self.assertEqual(statement.state, "sent")
        draft.action_post()
        statement.with_user(self.accountant).action_close()
        self.assertEqual(statement.state, "closed")
        # after-sales users read statements, they do not draw them
        with self.assertRaises(AccessError):
            self._generate(user=self.as_user)
        statement.with_user(self.as_user).read(["closing_balance"])

    def test_monthly_and_per_order_dealers(self):
        """Per order: not invoiced on delivery (the month's orders wait for the dealer's
        confirmation), credited per claim. Monthly: one invoice and one credit note for the
        period, made by the statement run."""
        self.dealer_b.claim_settlement_mode = "monthly"
        orders = self.env["sale.order"].create([
            {"partner_id": dealer.id, "order_line": [Command.create({"product_id": self.part.id, "product_uom_qty": 2})]}
            for dealer in (self.dealer_a, self.dealer_b, self.dealer_b)
        ])
        orders.action_confirm()
        for picking in orders.picking_ids:
            picking.move_ids.quantity = 2
            picking.move_ids.picked = True
            picking.button_validate()
        self.assertFalse(orders.invoice_ids)
        claims = self.env["aftersales.claim"]
        for days in (10, 5):
            claim = self._create_claim(dealer=self.dealer_b, lot=self.lot_b,
                                       failure_date=self.today - relativedelta(days=days))
            claim.action_submit()
            claim.with_user(self.as_user).action_approve()
            claims |= claim
        self.assertEqual(set(claims.mapped("state")), {"approved"})
        first = self.today.replace(day=1)
        period_end = first + relativedelta(months=1, days=-1)
        statements = self._generate(self.dealer_a | self.dealer_b, first, period_end)
        stm_b = statements.filtered(lambda s: s.dealer_id == self.dealer_b)
        invoice = stm_b.invoice_move_id
        self.assertEqual(orders[1:].invoice_ids, invoice, "one invoice for both orders")
        self.assertRecordValues(invoice, [{"state": "posted", "invoice_date": period_end, "amount_total": 400.0}])
        self.assertRecordValues(claims, [{"state": "settled", "refund_move_id": stm_b.refund_move_id.id}] * 2)
        self.assertEqual(stm_b.refund_move_id.amount_untaxed, 580.0)  # 2 x (2 x 100 + 2 h x 45)
        self.assertEqual(stm_b.claim_ids, claims)
        self.assertEqual(stm_b.closing_balance, 400.0 - stm_b.refund_move_id.amount_total)
        self.assertEqual(set(stm_b.line_ids.mapped("line_type")), {"invoice", "refund"})
        self.assertIn(claims[0].name, stm_b.line_ids.filtered(lambda l: l.line_type == "refund").claim_names)
        stm_a = statements - stm_b
        self.assertFalse(stm_a.invoice_move_id)
        self.assertEqual(stm_a.invoiced_amount, 0.0)
        self.assertEqual(stm_a.sale_order_ids, orders[0])
        self.assertEqual(stm_a.orders_amount, 200.0)

    def test_quarterly_dealer(self):
        self.dealer_a.claim_settlement_mode = "quarterly"
        Statement = self.env["aftersales.statement"]
        self.assertEqual(Statement._get_previous_period(self.dealer_a, date(2026, 4, 1)),
                         (date(2026, 1, 1), date(2026, 3, 31)))
        self.assertIsNone(Statement._get_previous_period(self.dealer_a, date(2026, 5, 1)))
        claim = self._create_claim()
        claim.action_submit()
        claim.with_user(self.as_user).action_approve()
        self.assertEqual(claim.state, "approved")
        with self.assertRaisesMessage(UserError, "settled by quarterly statement"):
            claim.action_settle()

    def test_gift_credit_earned_spent_balance(self):
        invoice = self._invoice(self.dealer_a, 1000.0, self.date_from + relativedelta(days=2))
        self._pay(invoice, 1000.0, self.date_from + relativedelta(days=3))
        unpaid = self._invoice(self.dealer_a, 500.0, self.date_from + relativedelta(days=4))
        statement = self._generate()
        self.assertRecordValues(statement, [{"gift_rate": 5.0, "gift_base": 1000.0, "gift_earned": 50.0, "gift_balance": 50.0}])
        card = statement.sudo().gift_card_id
        self.assertEqual(card.program_id.program_type, "ewallet")
        self.assertEqual(card.points, 50.0)
        self.assertEqual(self.dealer_a.aftersales_gift_balance, 50.0)
        self.assertEqual(invoice.aftersales_gift_statement_id, statement)
        # redrawn: nothing earned twice
        self._generate()
        self.assertEqual(card.points, 50.0)
        self.assertEqual(len(self.env["loyalty.history"].search([("card_id", "=", card.id)])), 1)
        # the unpaid invoice is paid later: next month's statement rewards it
        self._pay(unpaid, 500.0, self.next_month)
        nxt = self._generate(date_from=self.date_to + relativedelta(days=1), date_to=self.date_to + relativedelta(months=1))
        self.assertEqual(nxt.gift_earned, 25.0)
        self.assertEqual(card.points, 75.0)
        # spent on a quotation through the eWallet (sale_loyalty)
        order = self.env["sale.order"].create({
            "partner_id": self.dealer_a.id,
            "order_line": [Command.create({"product_id": self.part.id, "product_uom_qty": 1})],
        })
        order._update_programs_and_rewards()
        rewards = order._get_claimable_rewards()
        self.assertIn(card, rewards)
        order._apply_program_reward(rewards[card][0], card)
        self.assertEqual(order.amount_total, 25.0)  # 100 less 75 of gift credit
        order.action_confirm()
        self.assertEqual(card.points, 0.0)
        # a second quotation had taken the same credit: spending more than the balance fails
        card.points = 30.0
        other = self.env["sale.order"].create({
            "partner_id": self.dealer_a.id,
            "order_line": [Command.create({"product_id": self.part.id, "product_uom_qty": 1})],
        })
        other._update_programs_and_rewards()
        other._apply_program_reward(other._get_claimable_rewards()[card][0], card)
        card.points = 10.0
        with self.assertRaisesMessage(ValidationError, "spends .*30.00.* of gift credit but dealer Dealer A has .*10.00.* left"):
            other.action_confirm()
        self.assertEqual(other.state, "draft")
        self.assertEqual(card.points, 10.0)
        # the month's statement shows what was spent in it
        first = self.today.replace(day=1)
        current = self._generate(date_from=first, date_to=first + relativedelta(months=1, days=-1))
        self.assertEqual(current.gift_spent, 75.0)

    def test_month_boundaries_in_user_timezone(self):
        Statement = self.env["aftersales.statement"]
        # 1 December 2026, 04:00 in Shanghai is still 30 November in UTC
        with freeze_time(datetime(2026, 11, 30, 20, 0)):
            self.assertEqual(Statement.with_context(tz="Asia/Shanghai")._get_user_today(), date(2026, 12, 1))
            self.assertEqual(Statement.with_context(tz="UTC")._get_user_today(), date(2026, 11, 30))
            wizard = self.env["aftersales.statement.generate"].with_context(tz="Asia/Shanghai").create({})
            self.assertEqual((wizard.date_from, wizard.date_to), (date(2026, 11, 1), date(2026, 11, 30)))
            wizard = self.env["aftersales.statement.generate"].with_context(tz="UTC").create({})
            self.assertEqual((wizard.date_from, wizard.date_to), (date(2026, 10, 1), date(2026, 10, 31)))

    def test_cron(self):
        self._stage_month()
        self.env.company.aftersales_statement_auto_send = True
        run_day = self.date_to + relativedelta(days=1)
        with freeze_time(datetime.combine(run_day, datetime.min.time()).replace(hour=2)):
            self.env["aftersales.statement"].with_context(tz="UTC")._cron_generate()
            self.env["aftersales.statement"].with_context(tz="UTC")._cron_generate()
        statements = self.env["aftersales.statement"].search(
            [("date_from", "=", self.date_from), ("company_id", "=", self.env.company.id)]
        )
        self.assertIn(self.dealer_a, statements.dealer_id)
        self.assertNotIn(self.dealer_b, statements.dealer_id, "no entry, no balance: no statement")
        self.assertEqual(len(statements), len(statements.dealer_id), "one statement per dealer")
        self.assertEqual(set(statements.mapped("state")), {"sent"})
        stm_a = statements.filtered(lambda s: s.dealer_id == self.dealer_a)
        self.assertEqual(stm_a.closing_balance, 600.0)
        mail = stm_a.message_ids.filtered(lambda m: m.attachment_ids)
        self.assertTrue(mail)
        self.assertIn(self.dealer_a, mail[0].partner_ids)

    def test_portal_isolation(self):
        self._stage_month()
        self._invoice(self.dealer_b, 70.0, self.date_from + relativedelta(days=6))
        statements = self._generate(self.dealer_a | self.dealer_b)
        stm_a = statements.filtered(lambda s: s.dealer_id == self.dealer_a)
        Statement = self.env["aftersales.statement"]
        self.assertFalse(Statement.with_user(self.portal_a).search([]), "drafts stay in the office")
        statements.with_user(self.accountant).action_send()
        self.assertEqual(Statement.with_user(self.portal_a).search([]), stm_a)
        self.assertEqual(Statement.with_user(self.portal_b).search([]), statements - stm_a)
        with self.assertRaises(AccessError):
            stm_a.with_user(self.portal_b).read(["closing_balance"])
        Line = self.env["aftersales.statement.line"]
        self.assertEqual(Line.with_user(self.portal_a).search([("statement_id", "=", stm_a.id)]), stm_a.line_ids)
        self.assertFalse(Line.with_user(self.portal_b).search([("statement_id", "=", stm_a.id)]))
        with self.assertRaises(AccessError):
            stm_a.with_user(self.portal_a).write({"dispute_message": "mine"})

    def test_pdf(self):
        self._stage_month()
        statement = self._generate()
        self.dealer_a.lang = "en_US"
        self.env.company.external_report_layout_id = self.env.ref("web.external_layout_standard")
        html = self.env["ir.actions.report"]._render_qweb_html(
            "aftersales.report_aftersales_statement", statement.ids
        )[0].decode()
        self.assertIn(statement.name, html)
        for amount in ("100.00", "1,000.00", "200.00", "300.00", "600.00"):
            self.assertIn(amount, html)
        self.assertRegex(html, r'o_closing"><span>[^<]*<span class="oe_currency_value">600\.00')
        pdf, report_type = self.env["ir.actions.report"].with_context(
            force_report_rendering=True
        )._render_qweb_pdf("aftersales.action_report_aftersales_statement", statement.ids)
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))


@tagged("post_install", "-at_install", "aftersales_performance")
class TestStatementQueries(QueryCountMixin, AftersalesStatementCommon):
    def test_statement_queries_do_not_grow(self):
        """Redrawing statements whose entries changed costs as many queries for 1 new entry a
        dealer as for 8: the lines are read with aggregates and rewritten through the ORM."""
        self._stage_month()
        self._generate(self.dealer_a | self.dealer_b)  # warm up: gift program, cards, statements
        counts = []
        for new_entries in (1, 8):
            for _i in range(new_entries):
                self._invoice(self.dealer_a, 10.0, self.date_from + relativedelta(days=20))
                self._invoice(self.dealer_b, 10.0, self.date_from + relativedelta(days=20))
            counts.append(self._count_queries(lambda: self._generate(self.dealer_a | self.dealer_b)))
        statements = self._generate(self.dealer_a | self.dealer_b)
        self.assertEqual(len(statements.line_ids), 3 + 1 + 8 + 1 + 8)
        self.assertLessEqual(counts[1], counts[0] + 2, "queries do not grow with the entries")
        self.assertLess(counts[0], 90)


@tagged("post_install", "-at_install")
class TestStatementPortal(HttpCase, AftersalesStatementCommon):
    """The dealer's portal: list, page, PDF, confirm or dispute; only its own statements."""

    def _post(self, url, data):
        return self.url_open(url, data={**data, "csrf_token": http.Request.csrf_token(self)})

    def test_portal_pages(self):
        self._stage_month()
        self._invoice(self.dealer_b, 70.0, self.date_from + relativedelta(days=6))
        statements = self._generate(self.dealer_a | self.dealer_b)
        stm_a = statements.filtered(lambda s: s.dealer_id == self.dealer_a)
        stm_b = statements - stm_a
        statements.with_user(self.accountant).action_send()
        self.authenticate("portal_a", "portal_a")
        page = self.url_open("/my/statements")
        self.assertEqual(page.status_code, 200)
        self.assertIn(stm_a.name, page.text)
        self.assertNotIn(stm_b.name, page.text)
        self.assertIn("gift_balance", page.text)
        page = self.url_open(f"/my/statements/{stm_a.id}")
        self.assertIn("600.00", page.text)
        # another dealer's statement: back to the portal home
        other = self.url_open(f"/my/statements/{stm_b.id}")
        self.assertNotIn(stm_b.name, other.text)
        pdf = self.url_open(f"/my/statements/{stm_a.id}?report_type=pdf&download=true")
        self.assertEqual(pdf.headers["Content-Type"], "application/pdf")
        # dispute with a message, then confirm
        self._post(f"/my/statements/{stm_a.id}/dispute", {"dispute_message": "Invoice INV/X is not ours"})
        self.assertEqual(stm_a.state, "disputed")
        self.assertEqual(stm_a.dispute_message, "Invoice INV/X is not ours")
        self._post(f"/my/statements/{stm_b.id}/confirm", {})
        self.assertEqual(stm_b.state, "sent", "not its own: nothing happens")
        self._post(f"/my/statements/{stm_a.id}/confirm", {})
        self.assertEqual(stm_a.state, "confirmed")


@tagged("post_install", "-at_install")
class TestStatementAccountants(AftersalesStatementCommon):
    """Accountants without any after-sales right draw, read, print and send statements."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.billing = new_test_user(
            cls.env, login="billing_only", groups="base.group_user,account.group_account_invoice"
        )
        cls.billing_admin = new_test_user(
            cls.env, login="billing_admin", groups="base.group_user,account.group_account_manager"
        )

    def _draw_through_the_wizard(self, user):
        Wizard = self.env["aftersales.statement.generate"].with_user(user)
        form = Form(Wizard)
        form.date_from = self.date_from
        form.date_to = self.date_to
        form.dealer_ids.add(self.dealer_a)
        action = form.save().action_generate()
        return self.env["aftersales.statement"].with_user(user).search(action["params"]["next"]["domain"])

    def test_accountants_draw_print_and_send(self):
        self._stage_month()
        for user in (self.billing, self.billing_admin):
            with self.subTest(user=user.login):
                self.assertFalse(user.has_group("aftersales.group_aftersales_user"))
                # Accounting > Customers shows them the statements and the drawing wizard
                menus = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
                for xmlid in ("aftersales.aftersales_statement_menu_accounting",
                              "aftersales.aftersales_statement_generate_menu_accounting"):
                    self.assertIn(self.env.ref(xmlid).id, menus, xmlid)
                statement = self._draw_through_the_wizard(user)
                self.assertEqual(statement.dealer_id, self.dealer_a)
                self.assertEqual(statement.closing_balance, 600.0)
                # the statement's form as the accountant opens it, every field of the view
                form = Form(statement)
                self.assertEqual(form.dealer_level_id, self.level)
                self.assertEqual(form.closing_balance, 600.0)
                statement.read(list(statement.fields_get()))
                html = self.env["ir.actions.report"].with_user(user)._render_qweb_html(
                    "aftersales.report_aftersales_statement", statement.ids
                )[0].decode()
                self.assertIn(statement.name, html)
                statement.action_regenerate()
                statement.action_send()
                self.assertEqual(statement.state, "sent")
                statement.action_reset_to_draft()
                statement.sudo().unlink()
