import logging
from collections import defaultdict, namedtuple
from datetime import datetime, time

import psycopg2.errors
import pytz
from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_date
from odoo.tools.translate import LazyTranslate

from .aftersales_claim import APPROVED_UNSETTLED_STATES, STATEMENT_SETTLEMENT_MODES
from .res_partner import PER_ORDER_MODE

_logger = logging.getLogger(__name__)

_lt = LazyTranslate(__name__)

STATEMENT_STATES = [
    ("draft", "Draft"),
    ("sent", "Sent"),
    ("confirmed", "Confirmed"),
    ("disputed", "Disputed"),
    ("closed", "Closed"),
]
FROZEN_STATES = ("confirmed", "closed")
# what the dealer and the accountants may still change on a frozen statement
FROZEN_WRITABLE = {
    "state", "dispute_message", "confirm_date", "close_date", "message_main_attachment_id",
    "access_token",
}

# The accounts a statement reads: every receivable account, as Odoo's partner ledger does (a dealer
# given another receivable account keeps the balance of the first one)
LEDGER_ACCOUNT_TYPE = "asset_receivable"
# Dealers drawn in one transaction of a background draw; a draw of no more runs at once.
STATEMENT_BATCH = 50

# A journal entry of a statement's period as the statement run reads it: the dealer's balance on
# it and the entry's columns the statement lines show
PeriodEntry = namedtuple("PeriodEntry", [
    "partner_id", "move_id", "balance", "date", "name", "ref", "invoice_origin",
    "move_type", "origin_payment_id", "statement_line_id", "invoice_date_due",
])


# What drawing statements did: the statements drawn and the drafts updated, the dealers skipped
DrawResult = namedtuple("DrawResult", ["drawn", "updated", "skipped"])


class AftersalesStatement(models.Model):
    """A dealer's statement of account for a period, built from the dealer's posted journal
    items on every receivable account (the dealer's contacts included): opening balance, every posted invoice, credit note and payment of the period, the
    closing balance, and the gift credit earned, spent and left on the dealer's eWallet."""

    _name = "aftersales.statement"
    _description = "Dealer Statement"
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin", "aftersales.state.gate.mixin"]
    _order = "date_to desc, dealer_id, id desc"
    _check_company_auto = True
    _state_gate_message = _lt("Statement %(record)s is %(state)s: it cannot be %(verb)s.")

    name = fields.Char(
        string="Statement", required=True, readonly=True, copy=False, default=lambda self: _("New")
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    dealer_id = fields.Many2one(
        "res.partner", string="Dealer", required=True, index=True, readonly=True,
        check_company=True, domain="[('is_dealer', '=', True)]",
    )
    dealer_level_id = fields.Many2one(related="dealer_id.dealer_level_id", store=True)
    settlement_mode = fields.Selection(related="dealer_id.claim_settlement_mode")
    date_from = fields.Date(string="From", required=True, readonly=True, index=True)
    date_to = fields.Date(string="To", required=True, readonly=True, index=True)
    state = fields.Selection(
        STATEMENT_STATES, default="draft", required=True, copy=False, index=True, tracking=True
    )
    line_ids = fields.One2many("aftersales.statement.line", "statement_id", string="Lines")
    opening_balance = fields.Monetary(readonly=True)
    invoiced_amount = fields.Monetary(string="Invoiced", readonly=True)
    credited_amount = fields.Monetary(string="Credited", readonly=True)
    paid_amount = fields.Monetary(string="Paid", readonly=True)
    other_amount = fields.Monetary(string="Other Entries", readonly=True)
    closing_balance = fields.Monetary(readonly=True, tracking=True)
    generate_date = fields.Datetime(string="Generated On", readonly=True, copy=False)
    ledger_balance = fields.Monetary(
        compute="_compute_ledger_check",
        help="The dealer's balance on the receivable accounts at the period end, as the ledger "
        "shows it now (posted journal items).",
    )
    difference = fields.Monetary(compute="_compute_ledger_check")
    difference_note = fields.Text(string="Difference Causes", compute="_compute_ledger_check")
    invoice_move_id = fields.Many2one(
        "account.move", string="Period Invoice", readonly=True, copy=False,
        help="The invoice of the parts delivered in the period (dealers settled monthly or "
        "quarterly).",
    )
    refund_move_id = fields.Many2one(
        "account.move", string="Period Credit Note", readonly=True, copy=False,
        help="The credit note of the claims approved in the period (dealers settled monthly or "
        "quarterly).",
    )
    claim_ids = fields.One2many(related="refund_move_id.aftersales_claim_ids", string="Credited Claims")
    gift_card_id = fields.Many2one("loyalty.card", string="Gift Credit Card", readonly=True)
    gift_rate = fields.Float(string="Gift Rate (%)", readonly=True, digits=(5, 2))
    gift_base = fields.Monetary(
        string="Paid Parts Purchases", readonly=True,
        help="Untaxed serviceable parts on the dealer's invoices paid and not rewarded before.",
    )
    gift_earned = fields.Monetary(readonly=True)
    gift_spent = fields.Monetary(readonly=True)
    gift_balance = fields.Monetary(string="Gift Credit Balance", readonly=True)
    gift_invoice_ids = fields.One2many(
        "account.move", "aftersales_gift_statement_id", string="Rewarded Invoices", readonly=True
    )
    dispute_message = fields.Text(readonly=True, copy=False, tracking=True)
    confirm_date = fields.Datetime(readonly=True, copy=False)
    confirm_user_id = fields.Many2one(
        "res.users", string="Confirmed By", readonly=True, copy=False,
        help="The dealer's portal user (or the office user) who confirmed the statement.",
    )
    sale_order_ids = fields.Many2many(
        "sale.order", string="Orders of the Month", compute="_compute_sale_order_ids",
        help="Dealers settled per order: the delivered orders the month's invoice covers (before "
        "it is drawn: the orders waiting for it), each with its payments matched so far.",
    )
    orders_amount = fields.Monetary(
        string="Orders to Invoice", compute="_compute_sale_order_ids",
        help="Dealers settled per order: what the month's invoice will charge for the orders "
        "still waiting for it.",
    )
    close_date = fields.Datetime(readonly=True, copy=False)
    can_be_regenerated = fields.Boolean(compute="_compute_can_be")
    can_be_sent = fields.Boolean(compute="_compute_can_be")
    can_be_confirmed = fields.Boolean(compute="_compute_can_be")
    can_be_disputed = fields.Boolean(compute="_compute_can_be")
    can_be_closed = fields.Boolean(compute="_compute_can_be")
    can_be_reset = fields.Boolean(compute="_compute_can_be")
    can_be_invoiced = fields.Boolean(compute="_compute_can_be")

    _sql_constraints = [
        ("period_check", "CHECK (date_from <= date_to)", "A statement period ends after it starts."),
        (
            "dealer_period_uniq",
            "unique(company_id, dealer_id, date_from, date_to)",
            "A dealer has one statement per period.",
        ),
    ]

    # ----------------------------------------------------------------- computes
    @api.depends("state", "invoice_move_id", "dealer_id.claim_settlement_mode")
    @api.depends_context("uid")
    def _compute_can_be(self):
        user = self.env.user
        is_accountant = user.has_group("account.group_account_invoice") or user.has_group(
            "aftersales.group_aftersales_manager"
        )
        for statement in self:
            state = statement.state
            statement.can_be_regenerated = is_accountant and state == "draft"
            statement.can_be_sent = is_accountant and state in ("draft", "sent", "disputed")
            statement.can_be_confirmed = state in ("sent", "disputed")
            statement.can_be_disputed = state == "sent"
            statement.can_be_closed = is_accountant and state in ("sent", "confirmed", "disputed")
            statement.can_be_reset = is_accountant and state in ("sent", "disputed")
            # the office invoices the month of a dealer that does not confirm its statement
            statement.can_be_invoiced = (
                is_accountant
                and state not in FROZEN_STATES
                and statement.settlement_mode == PER_ORDER_MODE
                and not statement.invoice_move_id
            )

    @api.depends("invoice_move_id", "dealer_id", "state")
    def _compute_sale_order_ids(self):
        """The orders of the month's invoice once drawn; before, the orders waiting for it (one
        search per company for all the statements)."""
        waiting = {}
        open_statements = self.filtered(
            lambda s: not s.invoice_move_id
            and s.settlement_mode == PER_ORDER_MODE
            and s.state not in FROZEN_STATES
        )
        for company, statements in open_statements.grouped("company_id").items():
            orders = self.with_company(company)._get_orders_to_invoice(statements.dealer_id)
            for dealer, dealer_orders in orders.grouped(
                lambda o: o.partner_invoice_id.commercial_partner_id
            ).items():
                waiting[company, dealer] = dealer_orders
        for statement in self:
            to_invoice = waiting.get(
                (statement.company_id, statement.dealer_id), self.env["sale.order"]
            )
            invoiced = statement.invoice_move_id.sudo().line_ids.sale_line_ids.order_id
            statement.sale_order_ids = (invoiced | to_invoice).ids
            statement.orders_amount = sum(to_invoice.mapped("amount_to_invoice"))

    @api.depends("date_to", "dealer_id", "closing_balance", "line_ids.balance")
    def _compute_ledger_check(self):
        """Compare the statement with the ledger as it is now: one aggregate per period end,
        whatever the number of journal items."""
        ledger = defaultdict(float)
        for (company, date_to), statements in self.grouped(
            lambda s: (s.company_id, s.date_to)
        ).items():
            if not date_to:
                continue
            balances = self._read_ledger_balances(
                company, statements.dealer_id, [("date", "<=", date_to)]
            )
            for dealer_id, balance in balances.items():
                ledger[(company.id, date_to, dealer_id)] = balance
        for statement in self:
            key = (statement.company_id.id, statement.date_to, statement.dealer_id.id)
            statement.ledger_balance = ledger.get(key, 0.0)
            statement.difference = statement.currency_id.round(
                statement.ledger_balance - statement.closing_balance
            )
            statement.difference_note = (
                statement._get_difference_causes()
                if len(self) == 1 and not statement.currency_id.is_zero(statement.difference)
                else False
            )

    def _get_difference_causes(self):
        """Explain a difference between the statement and the ledger, journal entry by entry:
        entries posted, changed or cancelled in the period or before it since the statement
        was drawn."""
        self.ensure_one()
        AML = self.env["account.move.line"].sudo()
        domain = self._get_ledger_domain(self.company_id, self.dealer_id)
        causes = []
        opening = AML._read_group(domain + [("date", "<", self.date_from)], [], ["balance:sum"])[0][0]
        if not self.currency_id.is_zero(opening - self.opening_balance):
            causes.append(_(
                "Entries before %(date)s changed the opening balance by %(amount)s (back-dated "
                "or cancelled entries).",
                date=format_date(self.env, self.date_from),
                amount=self._format_amount(opening - self.opening_balance),
            ))
        now = dict(AML._read_group(
            domain + [("date", ">=", self.date_from), ("date", "<=", self.date_to)],
            ["move_id"], ["balance:sum"],
        ))
        stated = defaultdict(float)
        for line in self.line_ids.filtered("move_id"):
            stated[line.move_id] += line.balance
        for move in (set(now) | set(stated)):
            delta = now.get(move, 0.0) - stated.get(move, 0.0)
            if self.currency_id.is_zero(delta):
                continue
            if move not in stated:
                reason = _("posted after the statement was drawn")
            elif move not in now:
                reason = _("reset to draft or cancelled after the statement was drawn")
            else:
                reason = _("changed after the statement was drawn")
            causes.append(_(
                "%(move)s %(reason)s: %(amount)s.",
                move=move.display_name, reason=reason, amount=self._format_amount(delta),
            ))
        return "\n".join(causes) or _("Unexplained difference: regenerate the statement.")

    @api.model
    def _get_ledger_domain(self, company, dealers):
        """The journal items a statement of ``dealers`` reads: posted, of the dealers and their
        contacts, on any receivable account of the company."""
        return [
            ("company_id", "=", company.id),
            ("parent_state", "=", "posted"),
            ("partner_id.commercial_partner_id", "in", dealers.ids),
            ("account_id.account_type", "=", LEDGER_ACCOUNT_TYPE),
        ]

    @api.model
    def _read_ledger_balances(self, company, dealers, extra_domain):
        """{dealer id: balance} of the dealers' ledger items matching ``extra_domain``: one
        aggregate, the contacts' items counted to their dealer."""
        balances = defaultdict(float)
        if not dealers:
            return balances
        groups = self.env["account.move.line"].sudo()._read_group(
            self._get_ledger_domain(company, dealers) + extra_domain,
            ["partner_id"],
            ["balance:sum"],
        )
        for partner, balance in groups:
            balances[partner.commercial_partner_id.id] += balance
        return balances

    def _format_amount(self, amount):
        from odoo.tools.misc import formatLang
        return formatLang(self.env, amount, currency_obj=self.currency_id)

    def _compute_access_url(self):
        super()._compute_access_url()
        for statement in self:
            statement.access_url = f"/my/statements/{statement.id}"

    # ------------------------------------------------------------------ ORM
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", _("New")) == _("New"):
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = self.env["ir.sequence"].with_company(company).next_by_code(
                    "aftersales.statement"
                ) or _("New")
        return super().create(vals_list)

    def write(self, vals):
        if set(vals) - FROZEN_WRITABLE:
            frozen = self.filtered(lambda s: s.state in FROZEN_STATES)
            if frozen:
                raise UserError(_(
                    "Statement %(statement)s is %(state)s and frozen: nothing on it can change.",
                    statement=frozen[0].display_name,
                    state=frozen[0]._get_state_label(),
                ))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sent(self):
        for statement in self:
            if statement.state != "draft":
                raise UserError(_(
                    "Statement %(statement)s was sent to the dealer: it cannot be deleted.",
                    statement=statement.display_name,
                ))
        self._take_back_gift_credit()

    def _take_back_gift_credit(self):
        """A deleted draft statement gives back the gift credit it topped up: its invoices lose
        their reward link, so the next statement run rewards them again and must not find the
        credit granted twice. Credit already spent cannot be taken back: the statement is then
        kept (regenerate it instead)."""
        histories = self.env["loyalty.history"].sudo().search(
            [("order_model", "=", self._name), ("order_id", "in", self.ids), ("issued", "!=", 0.0)]
        )
        for history in histories:
            card = history.card_id
            if card.currency_id.compare_amounts(card.points, history.issued) < 0:
                statement = self.browse(history.order_id)
                raise UserError(_(
                    "Statement %(statement)s gave dealer %(dealer)s %(earned)s of gift credit, of "
                    "which only %(left)s is left: the rest was spent, so the statement cannot be "
                    "deleted. Regenerate it instead.",
                    statement=statement.display_name,
                    dealer=card.partner_id.display_name,
                    earned=statement._format_amount(history.issued),
                    left=statement._format_amount(card.points),
                ))
            card.with_context(loyalty_no_mail=True).points -= history.issued
        histories.unlink()

    def _get_report_base_filename(self):
        self.ensure_one()
        return _("Statement %s", self.name).replace("/", "-")

    # ----------------------------------------------------------------- periods
    @api.model
    def _get_previous_period(self, dealer, today):
        """The period a run on ``today`` covers for the dealer: the previous month, or the
        previous quarter for dealers settled quarterly (only on a quarter's first month)."""
        first = today.replace(day=1)
        if dealer.claim_settlement_mode == "quarterly":
            if (first.month - 1) % 3:
                return None
            return first - relativedelta(months=3), first - relativedelta(days=1)
        return first - relativedelta(months=1), first - relativedelta(days=1)

    @api.model
    def _get_user_today(self):
        """Today in the user's timezone (the cron's user: the company's timezone)."""
        tz = pytz.timezone(self.env.context.get("tz") or self.env.user.tz or "UTC")
        return datetime.now(pytz.utc).astimezone(tz).date()

    @api.model
    def _cron_generate(self):
        """First day of the month: draft (and, by setting, send) the previous period's
        statement of every dealer with something to state (``_get_idle_dealers``); more dealers
        than one batch are drawn as a background job."""
        today = self._get_user_today()
        for company in self.env["res.company"].search([]):
            dealers = self.env["res.partner"].with_company(company).search([
                ("is_dealer", "=", True),
                ("is_company", "=", True),
                ("company_id", "in", (False, company.id)),
            ])
            by_period = defaultdict(lambda: self.env["res.partner"])
            for dealer in dealers:
                period = self._get_previous_period(dealer, today)
                if period:
                    by_period[period] |= dealer
            for (date_from, date_to), period_dealers in by_period.items():
                try:
                    self.with_company(company)._start_draw(
                        period_dealers, date_from, date_to,
                        send=company.aftersales_statement_auto_send, skip_frozen=True,
                    )
                except UserError as error:  # the same month already being drawn by a job
                    _logger.info("Statements of %s not queued: %s", company.name, error)

    # --------------------------------------------------------------- background
    @api.model
    def _start_draw(self, dealers, date_from, date_to, send=False, skip_frozen=False):
        """Draw the statements of ``dealers`` now, or as a background job when they are more
        than one batch (``aftersales.job``); a ``JobStart``."""
        company = self.env.company
        # made now if the company has none yet, not by the first batches of a job at once
        company.sudo()._get_aftersales_gift_program()
        return self.env["aftersales.job"]._run_or_queue(
            self, "_job_draw", dealers,
            name=_("Statements %(start)s - %(end)s, %(company)s", company=company.name,
                   start=format_date(self.env, date_from), end=format_date(self.env, date_to)),
            batch_size=STATEMENT_BATCH,
            params={"date_from": fields.Date.to_string(date_from),
                    "date_to": fields.Date.to_string(date_to),
                    "send": send, "skip_frozen": skip_frozen},
            done_method="_job_draw_done",
            key=f"aftersales.statement:{company.id}:{date_from}:{date_to}",
        )

    @api.model
    def _job_draw(self, dealers, date_from, date_to, send=False, skip_frozen=False):
        """One batch of ``_start_draw``: the statements of ``dealers`` drawn (and sent)."""
        result = self._draw(dealers, fields.Date.to_date(date_from), fields.Date.to_date(date_to),
                            skip_frozen=skip_frozen)
        statements = result.drawn | result.updated
        if send:
            statements.filtered(lambda s: s.state == "draft").action_send()
        return {"drawn": len(result.drawn), "updated": len(result.updated),
                "skipped": len(result.skipped), "statement_ids": statements.ids}

    @api.model
    def _job_draw_done(self, job, counts):
        """What a draw did, in one sentence for the user."""
        message = _(
            "%(drawn)s drawn, %(updated)s updated, %(skipped)s skipped.",
            drawn=counts.get("drawn", 0), updated=counts.get("updated", 0),
            skipped=counts.get("skipped", 0),
        )
        if counts.get("skipped"):
            message += " " + _(
                "Skipped: dealers with no entry and no balance in the period, and statements "
                "already sent to their dealer."
            )
        return message

    # --------------------------------------------------------------- generation
    @api.model
    def _generate(self, dealers, date_from, date_to, skip_frozen=False):
        """The statements of ``dealers`` for the period, drawn or redrawn (``_draw``)."""
        result = self._draw(dealers, date_from, date_to, skip_frozen=skip_frozen)
        return result.drawn | result.updated

    @api.model
    def _draw(self, dealers, date_from, date_to, skip_frozen=False):
        """Draw (or redraw) the statements of ``dealers`` for the period in the current company;
        a ``DrawResult``: the statements drawn, the drafts updated, the dealers skipped.

        Settles the period first for dealers settled monthly or quarterly (one invoice for the
        delivered parts, one credit note for the approved claims), tops up the gift credit,
        then reads the ledger with a fixed number of aggregate queries.
        Running it again updates the drafts and never duplicates anything. Skipped: dealers
        whose statement of the period was sent (or, with ``skip_frozen``, frozen), and
        dealers with nothing to state (``_get_idle_dealers``), who get no all-zero statement.
        """
        company = self.env.company
        if date_from > date_to:
            raise ValidationError(_(
                "The statement period must end after it starts (%(start)s - %(end)s).",
                start=format_date(self.env, date_from), end=format_date(self.env, date_to),
            ))
        not_dealers = dealers.filtered(lambda p: not p.is_dealer or p != p.commercial_partner_id)
        if not_dealers:
            raise ValidationError(_(
                "%(partners)s: not a dealer. Statements are drawn for dealer companies only "
                "(After-Sales > Archive > Dealers).",
                partners=", ".join(not_dealers.mapped("display_name")),
            ))
        self.env["aftersales.statement"].check_access("create")
        existing = self.search([
            ("company_id", "=", company.id),
            ("dealer_id", "in", dealers.ids),
            ("date_from", "<=", date_to),
            ("date_to", ">=", date_from),
        ])
        by_dealer = {}
        skipped = self.env["res.partner"]
        for statement in existing:
            same = statement.date_from == date_from and statement.date_to == date_to
            if same and statement.state == "draft":
                by_dealer[statement.dealer_id] = statement
                continue
            if skip_frozen and same:
                skipped |= statement.dealer_id
                continue
            if statement.state in FROZEN_STATES or not same:
                raise UserError(_(
                    "Dealer %(dealer)s: the period %(start)s - %(end)s overlaps statement "
                    "%(statement)s (%(period)s, %(state)s). Choose a period that does not "
                    "overlap it%(hint)s.",
                    dealer=statement.dealer_id.display_name,
                    start=format_date(self.env, date_from),
                    end=format_date(self.env, date_to),
                    statement=statement.name,
                    period=statement._get_period_label(),
                    state=statement._get_state_label(),
                    hint="" if statement.state in FROZEN_STATES
                    else _(", or delete the draft statement"),
                ))
            # sent or disputed, same period: left as the dealer saw it
            skipped |= statement.dealer_id
        dealers = dealers - skipped
        if not dealers:
            return DrawResult(self.browse(), self.browse(), skipped)
        periodic = dealers.filtered(lambda d: d.claim_settlement_mode in STATEMENT_SETTLEMENT_MODES)
        settled = self._settle_period(periodic, date_from, date_to)
        new_dealers = dealers.filtered(lambda d: d not in by_dealer)
        idle = self._get_idle_dealers(company, new_dealers, date_from, date_to)
        skipped |= idle
        new_vals = [
            {"company_id": company.id, "dealer_id": dealer.id, "date_from": date_from,
             "date_to": date_to}
            for dealer in new_dealers - idle
        ]
        drawn = self._create_drawn(new_vals)
        updated = self.browse([statement.id for statement in by_dealer.values()])
        statements = drawn | updated
        for statement in statements:
            moves = settled.get(statement.dealer_id, {})
            if moves:
                statement.write(moves)
        statements._compute_gift_credit()
        statements._draw_from_ledger()
        return DrawResult(drawn, updated, skipped)

    @api.model
    def _get_idle_dealers(self, company, dealers, date_from, date_to):
        """The ``dealers`` with nothing to state for the period: no posted entry in it on the
        receivable accounts, a zero balance before it, no gift credit left and, settled per
        order, no order waiting for the month's invoice. One aggregate over the ledger: a
        dealer whose last entry up to the period end is older than the period has its opening
        balance as total."""
        if not dealers:
            return dealers
        totals = defaultdict(float)
        last_dates = {}
        for partner, balance, last_date in self.env["account.move.line"].sudo()._read_group(
            self._get_ledger_domain(company, dealers) + [("date", "<=", date_to)],
            ["partner_id"],
            ["balance:sum", "date:max"],
        ):
            dealer = partner.commercial_partner_id
            totals[dealer] += balance
            last_dates[dealer] = max(last_dates.get(dealer, last_date), last_date)
        active = dealers.filtered(
            lambda d: d in last_dates and (
                last_dates[d] >= date_from or not company.currency_id.is_zero(totals[d])
            )
        )
        program = company.sudo().aftersales_gift_program_id
        if program and dealers - active:
            active |= self.env["loyalty.card"].sudo().search([
                ("program_id", "=", program.id),
                ("partner_id", "in", (dealers - active).ids),
                ("points", "!=", 0.0),
            ]).partner_id
        per_order = (dealers - active).filtered(lambda d: d.claim_settlement_mode == PER_ORDER_MODE)
        if per_order:
            orders = self._get_orders_to_invoice(per_order)
            active |= orders.partner_invoice_id.commercial_partner_id
        return dealers - active

    @api.model
    def _create_drawn(self, vals_list):
        """The new statements of a draw. Another server drawing the same dealers' period at the
        same moment creates them first (one statement per dealer and period): a background job's
        batch is then run again and updates them; a user is told to draw again."""
        if not vals_list:
            return self.browse()
        try:
            with self.env.cr.savepoint():
                return self.create(vals_list)
        except psycopg2.errors.UniqueViolation:
            if self.env.context.get("aftersales_job"):
                raise
            raise UserError(_(
                "These statements were drawn at the same moment by another user or server. Draw "
                "them again: the statements just drawn are updated, nothing is drawn twice."
            )) from None

    def _get_period_label(self):
        self.ensure_one()
        return "%s - %s" % (format_date(self.env, self.date_from), format_date(self.env, self.date_to))

    @api.model
    def _settle_period(self, dealers, date_from, date_to):
        """Dealers settled monthly or quarterly: the delivered, uninvoiced parts orders become one
        invoice and the approved, unsettled claims one credit note, dated the period end."""
        result = defaultdict(dict)
        if not dealers:
            return result
        company = self.env.company
        invoices = self._create_period_invoices(self._get_orders_to_invoice(dealers), date_to)
        for invoice in invoices:
            result[invoice.partner_id.commercial_partner_id]["invoice_move_id"] = invoice.id
        claims = self.env["aftersales.claim"].sudo().search([
            ("company_id", "=", company.id),
            ("dealer_id", "in", dealers.ids),
            ("state", "in", APPROVED_UNSETTLED_STATES),
            ("refund_move_id", "=", False),
        ])
        claims = claims.filtered(lambda c: c._is_ready_for_settlement())
        for dealer, dealer_claims in claims.grouped("dealer_id").items():
            refund = dealer_claims._create_period_refund(date_to)
            if refund:
                result[dealer]["refund_move_id"] = refund.id
        return result

    @api.model
    def _get_orders_to_invoice(self, dealers):
        """The dealers' confirmed orders with something to invoice, in the current company (as
        superuser: whoever settles need not read sales)."""
        orders = self.env["sale.order"].sudo().search([
            ("company_id", "=", self.env.company.id),
            ("partner_invoice_id.commercial_partner_id", "in", dealers.ids),
            ("state", "=", "sale"),
            ("invoice_status", "=", "to invoice"),
        ])
        # Odoo's invoicing rule of each part decides what is due: delivered quantities for
        # parts invoiced on delivery (the after-sales setting), ordered ones otherwise
        return orders.filtered(lambda o: any(line.qty_to_invoice > 0 for line in o.order_line))

    @api.model
    def _create_period_invoices(self, orders, date):
        """Invoice ``orders`` as Odoo invoices several orders at once (one invoice per invoice
        address and currency), dated ``date``, and post the invoices."""
        invoices = self.env["account.move"].sudo()
        if orders:
            invoices = orders.sudo().with_context(
                default_invoice_date=date
            )._create_invoices(grouped=False, date=date)
            invoices.write({"invoice_date": date})
            invoices.action_post()
        return invoices

    def _invoice_month_orders(self):
        """Dealers settled per order, at the month's end: one invoice for the delivered orders,
        dated the statement's end, on which the payments matched to those orders and the
        dealer's open claim credit notes are reconciled; then the statement is drawn again so
        it shows the invoice."""
        for company, statements in self.grouped("company_id").items():
            statements = statements.with_company(company)
            for statement in statements:
                orders = statement._get_orders_to_invoice(statement.dealer_id)
                invoices = statement._create_period_invoices(orders, statement.date_to)
                if not invoices:
                    continue
                payments = self.env["account.payment"].sudo().search([
                    ("aftersales_sale_order_id", "in", orders.ids),
                    ("state", "in", ("in_process", "paid")),
                ])
                credit_notes = invoices.search([
                    ("company_id", "=", company.id),
                    ("move_type", "=", "out_refund"),
                    ("state", "=", "posted"),
                    ("commercial_partner_id", "=", statement.dealer_id.id),
                    ("aftersales_claim_ids", "!=", False),
                    ("payment_state", "in", ("not_paid", "partial")),
                    ("invoice_date", "<=", statement.date_to),
                ])
                invoices._aftersales_reconcile_outstanding(payments.move_id | credit_notes)
                statement.invoice_move_id = invoices[:1].id
            statements._draw_from_ledger()

    def _get_gift_program(self):
        company = self.company_id[:1] or self.env.company
        return company.sudo()._get_aftersales_gift_program()

    def _compute_gift_credit(self):
        """Top up each dealer's eWallet with the gift rate of the dealer's level on the paid
        serviceable parts of invoices not rewarded yet; redrawing adjusts the top-up."""
        if not self:
            return
        self._check_not_frozen()
        program = self._get_gift_program()
        Card = self.env["loyalty.card"].sudo()
        History = self.env["loyalty.history"].sudo()
        cards = {
            card.partner_id: card
            for card in Card.search([("program_id", "=", program.id), ("partner_id", "in", self.dealer_id.ids)])
        }
        missing = [d for d in self.dealer_id if d not in cards]
        if missing:
            for card in Card.create([
                {"program_id": program.id, "partner_id": dealer.id, "points": 0.0}
                for dealer in missing
            ]):
                cards[card.partner_id] = card
        rewarded, base_by_statement = self._get_gift_rewarded_invoices()
        self._mark_gift_invoices(rewarded)
        histories = {
            h.order_id: h
            for h in History.search([
                ("order_model", "=", self._name), ("order_id", "in", self.ids),
            ])
        }
        spent = self._get_gift_spent(cards)
        history_vals = []
        gift_vals = {}
        for statement in self:
            dealer = statement.dealer_id
            card = cards[dealer]
            rate = dealer.dealer_level_id.gift_rate
            base = statement.currency_id.round(base_by_statement.get(statement, 0.0))
            earned = statement.currency_id.round(base * rate / 100.0)
            history = histories.get(statement.id)
            delta = earned - (history.issued if history else 0.0)
            if history:
                if history.issued != earned:
                    history.issued = earned
            elif earned:
                history_vals.append({
                    "card_id": card.id,
                    "order_model": statement._name,
                    "order_id": statement.id,
                    "description": _("Gift credit of statement %s", statement.name),
                    "issued": earned,
                })
            if delta:
                card.with_context(loyalty_no_mail=True).points += delta
            gift_vals[statement] = {
                "gift_card_id": card.id,
                "gift_rate": rate,
                "gift_base": base,
                "gift_earned": earned,
                "gift_spent": spent.get(statement.id, 0.0),
                "gift_balance": card.points,
            }
        if history_vals:
            History.create(history_vals)
        self._write_changed(gift_vals)

    def _get_gift_rewarded_invoices(self):
        """The invoices each statement rewards and the untaxed serviceable parts on them: the
        dealer's posted customer invoices, paid, dated up to the statement's end and not rewarded
        by another statement (those these statements rewarded before count again from scratch).

        Returns ``({invoice id: statement id}, {statement: untaxed parts})``. Two aggregates: the
        invoices (one table), then the parts lines of those invoices. Joined in one query, the
        database may loop over the journal items once per invoice when its statistics predate
        the month's entries (a fresh month, or a benchmark in one transaction)."""
        Move = self.env["account.move"].sudo()
        AML = self.env["account.move.line"].sudo()
        by_dealer = {s.dealer_id: s for s in self}
        statement_of_move = {}
        for dealer, invoice_date, move_ids in Move._read_group(
            [
                ("company_id", "=", self.env.company.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("paid", "in_payment")),
                ("aftersales_gift_statement_id", "in", [False, *self.ids]),
                ("commercial_partner_id", "in", self.dealer_id.ids),
                ("invoice_date", "<=", max(self.mapped("date_to"))),
            ],
            ["commercial_partner_id", "invoice_date:day"],
            ["id:array_agg"],
        ):
            statement = by_dealer.get(dealer)
            if statement and invoice_date <= statement.date_to:
                statement_of_move.update(dict.fromkeys(move_ids, statement))
        rewarded = {}
        base_by_statement = defaultdict(float)
        if statement_of_move:
            for move, balance in AML._read_group(
                [
                    ("move_id", "in", list(statement_of_move)),
                    ("display_type", "=", "product"),
                    ("product_id.is_serviceable_part", "=", True),
                ],
                ["move_id"],
                ["balance:sum"],
            ):
                statement = statement_of_move[move.id]
                base_by_statement[statement] -= balance
                rewarded[move.id] = statement.id
        return rewarded, base_by_statement

    def _mark_gift_invoices(self, rewarded):
        """Link each rewarded invoice to its statement (``{invoice id: statement id}``) and
        unlink the invoices these statements rewarded before and no longer do: only the links
        that change are written, one ``write`` per statement (and one for the links removed).

        The link is a technical marker on the dealers' posted invoices, written as Odoo writes
        its own technical values on them (a payment's reconciliation): as superuser (whoever
        draws the statements need not have the right to edit invoices), without resynchronising
        the invoice's tax and payment term lines (``skip_invoice_sync``: nothing they derive
        from changes) and without flagging the invoice as manually modified
        (``skip_is_manually_modified``)."""
        Move = self.env["account.move"].sudo().with_context(
            skip_invoice_sync=True, skip_is_manually_modified=True
        )
        linked = {}
        for statement, move_ids in Move._read_group(
            [("aftersales_gift_statement_id", "in", self.ids)],
            ["aftersales_gift_statement_id"],
            ["id:array_agg"],
        ):
            linked.update(dict.fromkeys(move_ids, statement.id))
        changes = defaultdict(list)  # {statement id or False: invoice ids}
        for move_id in linked:
            if move_id not in rewarded:
                changes[False].append(move_id)
        for move_id, statement_id in rewarded.items():
            if linked.get(move_id) != statement_id:
                changes[statement_id].append(move_id)
        for statement_id, move_ids in changes.items():
            Move.browse(move_ids).write({"aftersales_gift_statement_id": statement_id})

    def _get_gift_spent(self, cards):
        """Gift credit the dealers spent in each statement's period (orders confirmed in it,
        day boundaries in the user's timezone)."""
        History = self.env["loyalty.history"].sudo()
        tz = pytz.timezone(self.env.context.get("tz") or self.env.user.tz or "UTC")
        result = {}
        for (date_from, date_to), statements in self.grouped(lambda s: (s.date_from, s.date_to)).items():
            start = tz.localize(datetime.combine(date_from, time.min)).astimezone(pytz.utc).replace(tzinfo=None)
            end = tz.localize(datetime.combine(date_to + relativedelta(days=1), time.min)).astimezone(pytz.utc).replace(tzinfo=None)
            card_ids = [cards[s.dealer_id].id for s in statements]
            used = dict(History._read_group(
                [("card_id", "in", card_ids), ("create_date", ">=", start), ("create_date", "<", end),
                 ("used", ">", 0)],
                ["card_id"], ["used:sum"],
            ))
            for statement in statements:
                result[statement.id] = used.get(cards[statement.dealer_id], 0.0)
        return result

    def _draw_from_ledger(self):
        """Opening balance and one line per posted journal entry of the period on the dealer's
        receivable account: aggregates only, so the number of queries does not depend on the
        number of journal items. A statement whose lines come out as they are stored keeps
        them: a redraw rewrites the statements that changed, with the same result as drawing
        every statement afresh."""
        if not self:
            return
        self._check_not_frozen()
        company = self.env.company
        now = fields.Datetime.now()
        drawn_lines = {}
        header_vals = {}
        for (date_from, date_to), statements in self.grouped(lambda s: (s.date_from, s.date_to)).items():
            opening = self._read_ledger_balances(
                company, statements.dealer_id, [("date", "<", date_from)]
            )
            per_statement = defaultdict(list)
            by_dealer = {s.dealer_id.id: s for s in statements}
            for entry in self._read_period_entries(company, statements.dealer_id, date_from, date_to):
                statement = by_dealer.get(entry.partner_id)
                if statement:
                    per_statement[statement].append(entry)
            for statement in statements:
                running = opening.get(statement.dealer_id.id, 0.0)
                totals = defaultdict(float)
                rows = []
                entries = sorted(per_statement[statement], key=lambda e: (e.date, e.move_id))
                for sequence, entry in enumerate(entries, start=1):
                    kind = statement._get_line_type(entry)
                    totals[kind] += entry.balance
                    running = statement.currency_id.round(running + entry.balance)
                    # in LINE_FIELDS order
                    rows.append((
                        statement.id, sequence, entry.move_id, entry.date, kind, entry.name,
                        entry.ref or entry.invoice_origin or False, entry.invoice_date_due or False,
                        statement.currency_id.round(entry.balance), running,
                    ))
                drawn_lines[statement.id] = rows
                header_vals[statement] = {
                    "opening_balance": opening.get(statement.dealer_id.id, 0.0),
                    "invoiced_amount": totals["invoice"],
                    "credited_amount": -totals["refund"],
                    "paid_amount": -totals["payment"],
                    "other_amount": totals["other"],
                    "closing_balance": running,
                    "generate_date": now,
                }
        stored_lines = self._read_lines()
        changed = self.filtered(lambda s: stored_lines.get(s.id, []) != drawn_lines[s.id])
        changed._delete_lines()
        changed._insert_lines([row for statement in changed for row in drawn_lines[statement.id]])
        self._write_changed(header_vals)

    @api.model
    def _read_period_entries(self, company, dealers, date_from, date_to):
        """One row per dealer and posted journal entry of the period on the receivable accounts
        (``_get_ledger_domain``): the balance of the entry's lines and the entry's columns, in
        one query that returns plain values (a read group by entry would then fetch tens of
        thousands of account.move records). The dealers' contacts' items count to the dealer."""
        if not dealers:
            return []
        self.env["account.move.line"].flush_model([
            "company_id", "parent_state", "partner_id", "account_id", "date", "move_id", "balance",
        ])
        self.env["account.move"].flush_model([
            "date", "name", "ref", "invoice_origin", "move_type", "origin_payment_id",
            "statement_line_id", "invoice_date_due",
        ])
        self.env["account.account"].flush_model(["account_type"])
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env.cr.execute(SQL(
            """SELECT partner.commercial_partner_id, move.id, SUM(line.balance), move.date,
                      move.name, move.ref, move.invoice_origin, move.move_type,
                      move.origin_payment_id, move.statement_line_id, move.invoice_date_due
                 FROM account_move_line line
                 JOIN account_move move ON move.id = line.move_id
                 JOIN account_account account ON account.id = line.account_id
                 JOIN res_partner partner ON partner.id = line.partner_id
                WHERE line.company_id = %(company)s
                  AND line.parent_state = 'posted'
                  AND partner.commercial_partner_id = ANY(%(dealers)s)
                  AND account.account_type = %(account_type)s
                  AND line.date >= %(date_from)s
                  AND line.date <= %(date_to)s
             GROUP BY partner.commercial_partner_id, move.id""",
            company=company.id, dealers=list(dealers.ids), account_type=LEDGER_ACCOUNT_TYPE,
            date_from=date_from, date_to=date_to,
        ))
        return [PeriodEntry(*row) for row in self.env.cr.fetchall()]

    def _write_changed(self, vals_by_statement):
        """Write on each statement the values that differ from its stored ones
        (``{statement: vals}``): a redraw that changes nothing writes nothing (no update, no
        tracking), and statements with the same changes are written together."""
        groups = defaultdict(list)
        for statement, vals in vals_by_statement.items():
            changes = {
                fname: value for fname, value in vals.items()
                if statement._fields[fname].convert_to_cache(value, statement)
                != statement._fields[fname].convert_to_cache(statement[fname], statement)
            }
            if changes:
                groups[tuple(sorted(changes.items()))].append(statement.id)
        for changes, ids in groups.items():
            self.browse(ids).write(dict(changes))

    # What a statement line holds, as drawn from the ledger and compared with the stored lines
    LINE_FIELDS = [
        "statement_id", "sequence", "move_id", "date", "line_type", "name", "ref",
        "date_maturity", "balance", "cumulated_balance",
    ]

    def _check_not_frozen(self):
        frozen = self.filtered(lambda s: s.state in FROZEN_STATES)
        if frozen:
            raise UserError(_(
                "Statement %(statement)s is frozen: its lines cannot change.",
                statement=frozen[0].display_name,
            ))

    def _read_lines(self):
        """The stored lines of each statement, ``{statement id: [row in LINE_FIELDS order]}``:
        one query returning plain values, rather than fetching tens of thousands of records."""
        if not self:
            return {}
        self.env["aftersales.statement.line"].flush_model(self.LINE_FIELDS)
        self.env.cr.execute(SQL(
            "SELECT %s FROM aftersales_statement_line WHERE statement_id IN %s "
            "ORDER BY statement_id, sequence, id",
            SQL(", ").join(SQL.identifier(name) for name in self.LINE_FIELDS),
            tuple(self.ids),
        ))
        lines = defaultdict(list)
        for row in self.env.cr.fetchall():
            # NULL as False, as the ORM reads an empty value
            lines[row[0]].append(tuple(False if value is None else value for value in row))
        return lines

    def _delete_lines(self):
        self.line_ids.unlink()

    def _insert_lines(self, rows):
        """Create statement lines given as rows in LINE_FIELDS order."""
        self.env["aftersales.statement.line"].create([dict(zip(self.LINE_FIELDS, row)) for row in rows])

    @api.model
    def _get_line_type(self, move):
        """The line type of a journal entry (an account.move, or a PeriodEntry row)."""
        if move.move_type == "out_invoice":
            return "invoice"
        if move.move_type == "out_refund":
            return "refund"
        if move.origin_payment_id or move.statement_line_id:
            return "payment"
        return "other"

    # ----------------------------------------------------------------- actions
    def action_regenerate(self):
        self._check_can("can_be_regenerated", _("redrawn"))
        for (company, date_from, date_to), statements in self.grouped(
            lambda s: (s.company_id, s.date_from, s.date_to)
        ).items():
            self.with_company(company)._generate(statements.dealer_id, date_from, date_to)
        return True

    def action_send(self):
        """E-mail the statement (PDF attached) to the dealer and mark it sent."""
        self._check_can("can_be_sent", _("sent"))
        template = self.env.ref("aftersales.mail_template_aftersales_statement")
        for statement in self:
            statement.message_post_with_source(template, subtype_xmlid="mail.mt_comment")
        self.filtered(lambda s: s.state == "draft").write({"state": "sent"})
        return True

    def action_confirm(self):
        """The dealer agrees with the statement: it is frozen. A dealer settled per order gets
        the month's invoice for its delivered orders at once."""
        self._check_can("can_be_confirmed", _("confirmed"))
        self.filtered(
            lambda s: s.settlement_mode == PER_ORDER_MODE and not s.invoice_move_id
        )._invoice_month_orders()
        self.write({
            "state": "confirmed",
            "confirm_date": fields.Datetime.now(),
            "confirm_user_id": self.env.uid,
        })
        for statement in self:
            statement.message_post(
                body=_("Confirmed by %(user)s.", user=self.env.user.name)
                + (_(" Invoice %(invoice)s drawn.", invoice=statement.invoice_move_id.sudo().name)
                   if statement.invoice_move_id else ""),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_invoice_orders(self):
        """The office draws the month's invoice of a dealer settled per order that has not
        confirmed its statement."""
        self._check_can("can_be_invoiced", _("invoiced"))
        self._invoice_month_orders()
        for statement in self:
            statement.message_post(
                body=_(
                    "The month's orders invoiced by %(user)s without the dealer's confirmation: "
                    "%(invoice)s.",
                    user=self.env.user.name,
                    invoice=statement.invoice_move_id.sudo().name or _("nothing to invoice"),
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_dispute(self, message):
        """The dealer does not agree: the message says why."""
        self._check_can("can_be_disputed", _("disputed"))
        message = (message or "").strip()
        if not message:
            raise UserError(_(
                "Statement %(statement)s: say what is wrong to dispute it.",
                statement=self[:1].display_name,
            ))
        for statement in self:
            statement.write({"state": "disputed", "dispute_message": message})
            statement.message_post(
                body=_("Disputed by %(user)s: %(message)s", user=self.env.user.name, message=message),
                subtype_xmlid="mail.mt_comment",
            )
        return True

    def action_close(self):
        """Close the period: every journal entry of the dealer in it must be posted."""
        self._check_can("can_be_closed", _("closed"))
        Move = self.env["account.move"].sudo()
        for statement in self:
            drafts = Move.search([
                ("company_id", "=", statement.company_id.id),
                ("commercial_partner_id", "=", statement.dealer_id.id),
                ("state", "=", "draft"),
                ("date", ">=", statement.date_from),
                ("date", "<=", statement.date_to),
            ], limit=5)
            if drafts:
                raise UserError(_(
                    "Statement %(statement)s cannot be closed: the dealer has draft entries in "
                    "the period (%(moves)s). Post or delete them, then redraw the statement.",
                    statement=statement.display_name,
                    moves=", ".join(drafts.mapped("display_name")),
                ))
        self.write({"state": "closed", "close_date": fields.Datetime.now()})
        return True

    def action_reset_to_draft(self):
        self._check_can("can_be_reset", _("reset to draft"))
        self.write({"state": "draft"})
        return True

    def action_view_moves(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_account_moves_all")
        action["domain"] = self._get_ledger_domain(self.company_id, self.dealer_id) + [
            ("move_id", "in", self.line_ids.move_id.ids)
        ]
        action["context"] = {}
        return action

