from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, create_index, format_amount, format_date, groupby
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

CLAIM_STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("approved", "Approved"),
    ("partially_approved", "Partially Approved"),
    ("rejected", "Rejected"),
    ("settled", "Settled"),
    ("closed", "Closed"),
    ("cancelled", "Cancelled"),
]
# Approved in full or in part and not settled yet: the claims waiting for their credit note.
APPROVED_UNSETTLED_STATES = ("approved", "partially_approved")
# Approved once, whatever happened next: the approved amount is owed or paid.
ONCE_APPROVED_STATES = (*APPROVED_UNSETTLED_STATES, "settled", "closed")
# Decided by a reviewer: approved in full or in part, or rejected, whatever happened next.
DECIDED_STATES = (*ONCE_APPROVED_STATES, "rejected")
# Filed and not turned down: the claims counted as service done and as failures (drafts,
# rejected and cancelled claims left out).
COUNTED_STATES = ("submitted", *ONCE_APPROVED_STATES)
# Withdrawn by the dealer (a draft or submitted claim cancelled): no failure report any more.
WITHDRAWN_STATES = ("cancelled",)

# Settled, and closed after that: a claim in these states has had its credit (or nothing to
# credit), and a settlement that finds it so skips it.
SETTLED_STATES = ("settled", "closed")
# Claims credited in one transaction of a background settlement; a selection of no more is
# settled at once, in the request.
SETTLE_BATCH = 50
# Claims named in one error message of a selection; the others are counted.
MAX_LISTED_PROBLEMS = 10

# Dealers' claim settlement modes (res.partner.claim_settlement_mode) whose approved claims are
# credited by the statement run, not one by one.
STATEMENT_SETTLEMENT_MODES = ("monthly", "quarterly")

CLAIM_TYPES = [
    ("warranty", "Warranty"),
    ("goodwill", "Goodwill"),
    # Service campaigns: the work of a campaign (recall) on one of its machines
    ("campaign", "Campaign"),
]
# Service campaigns: the claim type of a campaign claim, for the code and SQL that test it
CAMPAIGN_CLAIM_TYPE = "campaign"

USAGE_UNITS = [
    ("hours", "Operating hours"),
    ("km", "Kilometres"),
]

CAUSE_CATEGORIES = [
    ("material", "Material defect"),
    ("manufacturing", "Manufacturing / assembly"),
    ("design", "Design weakness"),
    ("wear", "Premature wear"),
    ("operation", "Operation / misuse"),
    ("external", "External cause"),
    ("unknown", "Unknown"),
]

RETURN_STATES = [
    ("none", "Nothing to return"),
    ("waiting", "Waiting for parts"),
    ("received", "Parts received"),
]

# What the dealer declares: frozen once the claim leaves the draft state (lines guard their own).
CLAIMED_FIELDS = {
    "company_id", "date", "claim_type", "dealer_id", "lot_id", "product_id", "end_user_id",
    "end_user_name", "end_user_phone", "end_user_email", "failure_date", "usage", "usage_unit",
    "symptom", "cause", "action_taken",
    "campaign_id",  # Service campaigns
}


class AftersalesClaim(models.Model):
    _name = "aftersales.claim"
    _description = "Warranty Claim"
    _inherit = [
        "portal.mixin", "mail.thread", "mail.activity.mixin", "aftersales.state.gate.mixin",
        "aftersales.knowledge.mixin",
    ]
    _order = "date desc, id desc"
    _check_company_auto = True
    _state_gate_message = _lt("Claim %(record)s is %(state)s and cannot be %(verb)s.")

    # ------------------------------------------------------------------ fields
    name = fields.Char(
        string="Claim Number",
        required=True,
        readonly=True,
        copy=False,
        index="trigram",
        default=lambda self: _("New"),
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        CLAIM_STATES, default="draft", required=True, copy=False, index=True, tracking=True
    )
    date = fields.Date(
        string="Claim Date",
        required=True,
        index=True,
        default=fields.Date.context_today,
        help="Date the dealer files the claim: the parts are priced at the dealer settlement "
        "price list of this day, the labour and fees at the service charge standard's version "
        "valid that day.",
    )
    claim_type = fields.Selection(
        CLAIM_TYPES,
        string="Claim Type",
        required=True,
        default="warranty",
        tracking=True,
        help="Warranty: the failure happened while the machine was under warranty.\n"
        "Goodwill: a failure outside warranty the company may still pay for; an After-Sales "
        "manager must approve it.\n"
        "Campaign: the work of a service campaign or recall on one of its machines, in or out "
        "of warranty.",
    )
    dealer_id = fields.Many2one(
        "res.partner",
        string="Dealer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('is_dealer', '=', True)]",
        help="The dealer that repaired the machine and files the claim.",
    )
    settlement_mode = fields.Selection(related="dealer_id.claim_settlement_mode")
    is_settled_by_statement = fields.Boolean(
        string="Settled by Statement",
        compute="_compute_is_settled_by_statement",
        search="_search_is_settled_by_statement",
        help="The dealer is settled by monthly or quarterly statement: the approved claim is "
        "credited by the statement run, not on its own.",
    )
    is_approved_unsettled = fields.Boolean(
        string="Approved, not Settled",
        compute="_compute_is_approved_unsettled",
        search="_search_is_approved_unsettled",
        help="Approved in full or in part and waiting for its credit note.",
    )
    lot_id = fields.Many2one(
        "stock.lot",
        string="Machine",
        index=True,
        tracking=True,
        check_company=True,
        domain="[('is_machine', '=', True), ('product_id', '=?', product_id)]",
        help="The serial number of the failed machine, from the product archive.",
    )
    serial_number = fields.Char(
        related="lot_id.name",
        string="Serial Number",
        help="When filing through the API, give the serial number here: it is looked up in "
        "the product archive.",
    )
    product_id = fields.Many2one(
        "product.product",
        string="Product",
        compute="_compute_product_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('aftersales_part_class', '=', 'finished')]",
    )
    warranty_end_date = fields.Date(related="lot_id.warranty_end_date")
    is_in_warranty = fields.Boolean(
        string="Failed in Warranty",
        compute="_compute_is_in_warranty",
        store=True,
        help="The failure date lies within the machine's warranty.",
    )
    end_user_id = fields.Many2one(
        "res.partner",
        string="End User",
        compute="_compute_end_user_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        domain="[('is_end_user', '=', True)]",
        help="The end user the machine is registered to in the product archive.",
    )
    end_user_name = fields.Char(
        string="End User Name", compute="_compute_end_user_contact", store=True, readonly=False,
        precompute=True,
    )
    end_user_phone = fields.Char(
        string="End User Phone", compute="_compute_end_user_contact", store=True, readonly=False,
        precompute=True,
    )
    end_user_email = fields.Char(
        string="End User E-mail", compute="_compute_end_user_contact", store=True,
        readonly=False, precompute=True,
    )
    has_end_user_changes = fields.Boolean(
        compute="_compute_has_end_user_changes",
        help="The end-user details on the claim differ from the end-user archive.",
    )
    failure_date = fields.Date(index=True, tracking=True)
    usage = fields.Float(
        string="Usage at Failure", digits=(12, 1), help="Operating hours or kilometres."
    )
    usage_unit = fields.Selection(USAGE_UNITS, default="hours", required=True)
    symptom = fields.Text(help="What the end user noticed.")
    cause_category = fields.Selection(
        CAUSE_CATEGORIES, string="Cause", index=True, tracking=True,
        help="Class of the root cause, for the failure analysis.",
    )
    cause = fields.Text(string="Cause Details", help="What the dealer found to be the cause.")
    action_taken = fields.Text(string="Action Taken", help="What the dealer did to repair it.")
    line_ids = fields.One2many("aftersales.claim.line", "claim_id", string="Lines", copy=True)
    amount_claimed = fields.Monetary(
        string="Claimed", compute="_compute_amounts", store=True, tracking=True
    )
    amount_approved = fields.Monetary(
        string="Approved", compute="_compute_amounts", store=True, tracking=True
    )
    service_bom_part_ids = fields.Many2many(
        "product.product",
        string="Service BOM Parts",
        compute="_compute_service_bom_part_ids",
        help="The parts of the machine's service BOM: offered first on the part lines.",
    )
    needs_part_confirmation = fields.Boolean(
        compute="_compute_needs_part_confirmation",
        help="Parts outside the machine's service BOM wait for a reviewer's confirmation.",
    )
    has_repeat_part = fields.Boolean(
        compute="_compute_has_repeat_part",
        store=True,
        string="Repeat Part",
        help="A part of this claim was already claimed on the same machine shortly before.",
    )
    reviewer_id = fields.Many2one(
        "res.users",
        string="Reviewer",
        index=True,
        tracking=True,
        domain="[('share', '=', False)]",
        help="Who reviews the claim; set to whoever decides on it.",
    )
    submit_date = fields.Datetime(string="Submitted on", readonly=True, copy=False)
    review_deadline = fields.Date(
        readonly=True,
        copy=False,
        index=True,
        help="Last day to decide on the claim: the configured number of working days after "
        "submission.",
    )
    is_review_overdue = fields.Boolean(
        compute="_compute_is_review_overdue", search="_search_is_review_overdue"
    )
    review_date = fields.Datetime(string="Reviewed on", readonly=True, copy=False)
    review_note = fields.Text(
        string="Review Reason", readonly=True, copy=False,
        help="Why the claim was rejected or only partially approved.",
    )
    sent_back_question = fields.Text(
        readonly=True, copy=False,
        help="The reviewer's question when the claim was sent back to the dealer.",
    )
    sent_back_count = fields.Integer(
        string="Times Sent Back",
        readonly=True,
        copy=False,
        default=0,
        help="How often the claim was sent back to the dealer: a claim complete on its first "
        "submission never is (KPI standardisation measure).",
    )
    return_picking_ids = fields.One2many(
        "stock.picking", "aftersales_claim_id", string="Return Receipts", readonly=True
    )
    return_picking_count = fields.Integer(compute="_compute_return_picking_count")
    return_state = fields.Selection(
        RETURN_STATES,
        string="Returned Parts",
        compute="_compute_return_state",
        store=True,
        index=True,
    )
    refund_move_id = fields.Many2one(
        "account.move",
        string="Credit Note",
        readonly=True,
        copy=False,
        index="btree_not_null",
        tracking=True,
    )
    settle_date = fields.Datetime(string="Settled on", readonly=True, copy=False)
    request_ids = fields.Many2many(
        "aftersales.request", "aftersales_request_claim_rel", "claim_id", "request_id",
        string="Service Requests",
    )
    request_count = fields.Integer(compute="_compute_request_count")
    callback_ids = fields.One2many("aftersales.callback", "claim_id", string="Call-backs")
    callback_count = fields.Integer(compute="_compute_callback_count")

    # Service campaigns -------------------------------------------------------
    campaign_id = fields.Many2one(
        "aftersales.campaign",
        string="Campaign",
        index="btree_not_null",
        tracking=True,
        check_company=True,
        domain="[('state', '=', 'active')]",
        help="The service campaign whose work this campaign claim pays.",
    )
    campaign_warning = fields.Text(
        compute="_compute_campaign_warning",
        help="The open campaigns of the machine of a warranty or goodwill claim: the failure may "
        "be the campaign's defect, to be claimed as a campaign claim.",
    )

    can_be_submitted = fields.Boolean(compute="_compute_can_be")
    can_be_approved = fields.Boolean(compute="_compute_can_be")
    can_be_rejected = fields.Boolean(compute="_compute_can_be")
    can_be_sent_back = fields.Boolean(compute="_compute_can_be")
    can_be_settled = fields.Boolean(compute="_compute_can_be")
    can_be_closed = fields.Boolean(compute="_compute_can_be")
    can_be_cancelled = fields.Boolean(compute="_compute_can_be")
    can_be_reset = fields.Boolean(compute="_compute_can_be")
    can_be_end_user_updated = fields.Boolean(compute="_compute_can_be")

    def init(self):
        super().init()
        # A dealer's claims newest first, as the portal lists them: a page is read from this
        # index (no sort of all the dealer's claims) and the pager's count is an index-only scan
        # (the company is the portal's record rule).
        create_index(
            self.env.cr, "aftersales_claim_dealer_date_index", self._table,
            ["dealer_id", "date", "id", "company_id"],
        )

    # ---------------------------------------------------------------- computes
    @api.depends("lot_id")
    def _compute_product_id(self):
        for claim in self:
            if claim.lot_id:
                claim.product_id = claim.lot_id.product_id

    @api.depends("lot_id")
    def _compute_end_user_id(self):
        for claim in self:
            claim.end_user_id = claim.lot_id.end_user_id

    @api.depends("end_user_id")
    def _compute_end_user_contact(self):
        for claim in self:
            end_user = claim.end_user_id
            claim.end_user_name = end_user.name
            claim.end_user_phone = end_user.phone or end_user.mobile
            claim.end_user_email = end_user.email

    @api.depends(
        "end_user_id.name", "end_user_id.phone", "end_user_id.mobile", "end_user_id.email",
        "end_user_name", "end_user_phone", "end_user_email",
    )
    def _compute_has_end_user_changes(self):
        for claim in self:
            claim.has_end_user_changes = bool(claim._get_end_user_updates())

    @api.depends("dealer_id.claim_settlement_mode")
    def _compute_is_settled_by_statement(self):
        for claim in self:
            claim.is_settled_by_statement = claim.settlement_mode in STATEMENT_SETTLEMENT_MODES

    def _search_is_settled_by_statement(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on Settled by Statement."))
        by_statement = (operator == "=") == value
        return [(
            "dealer_id.claim_settlement_mode",
            "in" if by_statement else "not in",
            STATEMENT_SETTLEMENT_MODES,
        )]

    @api.depends("state")
    def _compute_is_approved_unsettled(self):
        for claim in self:
            claim.is_approved_unsettled = claim.state in APPROVED_UNSETTLED_STATES

    def _search_is_approved_unsettled(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on Approved, not Settled."))
        positive = (operator == "=") == value
        return [("state", "in" if positive else "not in", APPROVED_UNSETTLED_STATES)]

    @api.depends("failure_date", "lot_id.registration_date", "lot_id.warranty_end_date")
    def _compute_is_in_warranty(self):
        for claim in self:
            claim.is_in_warranty = bool(
                claim.lot_id
                and claim.failure_date
                and claim.lot_id._get_warranty_state(claim.failure_date) == "under_warranty"
            )

    @api.depends("line_ids.amount_claimed", "line_ids.amount_approved")
    def _compute_amounts(self):
        for claim in self:
            claim.amount_claimed = sum(claim.line_ids.mapped("amount_claimed"))
            claim.amount_approved = sum(claim.line_ids.mapped("amount_approved"))

    @api.depends("product_id")
    def _compute_service_bom_part_ids(self):
        for claim in self:
            claim.service_bom_part_ids = claim.product_id.product_tmpl_id._get_service_bom_parts()

    @api.depends("line_ids.is_in_service_bom", "line_ids.is_part_confirmed")
    def _compute_needs_part_confirmation(self):
        for claim in self:
            claim.needs_part_confirmation = bool(claim._get_unconfirmed_part_lines())

    @api.depends("line_ids.is_repeat_part")
    def _compute_has_repeat_part(self):
        for claim in self:
            claim.has_repeat_part = any(claim.line_ids.mapped("is_repeat_part"))

    @api.depends("state", "review_deadline")
    def _compute_is_review_overdue(self):
        today = fields.Date.context_today(self)
        for claim in self:
            claim.is_review_overdue = bool(
                claim.state == "submitted" and claim.review_deadline and claim.review_deadline < today
            )

    def _search_is_review_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on Review Overdue."))
        domain = [
            ("state", "=", "submitted"),
            ("review_deadline", "<", fields.Date.context_today(self)),
        ]
        return domain if (operator == "=") == value else ["!", "&", *domain]

    def _compute_return_picking_count(self):
        counts = dict(
            self.env["stock.picking"].sudo()._read_group(
                [("aftersales_claim_id", "in", self.ids)], ["aftersales_claim_id"], ["__count"]
            )
        )
        for claim in self:
            claim.return_picking_count = counts.get(claim, 0)

    def _compute_request_count(self):
        counts = dict(
            self.env["aftersales.request"]._read_group(
                [("claim_ids", "in", self.ids)], ["claim_ids"], ["__count"]
            )
        )
        for claim in self:
            claim.request_count = counts.get(claim, 0)

    def _compute_callback_count(self):
        counts = dict(
            self.env["aftersales.callback"]._read_group(
                [("claim_id", "in", self.ids)], ["claim_id"], ["__count"]
            )
        )
        for claim in self:
            claim.callback_count = counts.get(claim, 0)

    @api.depends("return_picking_ids.state")
    def _compute_return_state(self):
        for claim in self:
            states = set(claim.return_picking_ids.mapped("state")) - {"cancel"}
            if not states:
                claim.return_state = "none"
            elif states == {"done"}:
                claim.return_state = "received"
            else:
                claim.return_state = "waiting"

    @api.depends(
        "state", "claim_type", "refund_move_id", "return_state", "settlement_mode",
        "has_end_user_changes",
    )
    @api.depends_context("uid")
    def _compute_can_be(self):
        is_manager = self.env.user.has_group("aftersales.group_aftersales_manager")
        is_reviewer = self.env.user.has_group("aftersales.group_aftersales_user")
        for claim in self:
            state = claim.state
            submitted = state == "submitted" and is_reviewer
            claim.can_be_submitted = state == "draft"
            claim.can_be_approved = submitted and (
                # Service campaigns: a campaign claim is approved by any reviewer
                claim.claim_type in ("warranty", CAMPAIGN_CLAIM_TYPE) or is_manager
            )
            claim.can_be_rejected = submitted
            claim.can_be_sent_back = submitted
            claim.can_be_settled = (
                is_reviewer
                and claim.settlement_mode == "per_claim"
                and claim._is_ready_for_settlement()
            )
            claim.can_be_closed = state in ("settled", "rejected") and is_reviewer
            claim.can_be_cancelled = state in ("draft", "submitted")
            claim.can_be_reset = state == "cancelled"
            claim.can_be_end_user_updated = (
                is_reviewer
                and claim.has_end_user_changes
                and state in ONCE_APPROVED_STATES
            )

    # Service campaigns -------------------------------------------------------
    @api.depends("claim_type", "lot_id")
    def _compute_campaign_warning(self):
        lots = self.filtered(lambda c: c.claim_type != CAMPAIGN_CLAIM_TYPE).lot_id
        # read as superuser: accountants and dealers read claims, not campaigns
        open_rows = lots.sudo()._get_open_campaign_rows().grouped("lot_id") if lots else {}
        for claim in self:
            rows = open_rows.get(claim.lot_id) if claim.claim_type != CAMPAIGN_CLAIM_TYPE else None
            claim.campaign_warning = _(
                "Machine %(machine)s has open campaigns: %(campaigns)s. If the failure is the "
                "campaign's defect, it is claimed as a campaign claim.",
                machine=claim.lot_id.name,
                campaigns=", ".join(rows.campaign_id.mapped("display_name")),
            ) if rows else False

    @api.onchange("campaign_id", "lot_id")
    def _onchange_campaign_id(self):
        """Fill a new campaign claim with its campaign's kit and labour."""
        if self.campaign_id and self.claim_type == CAMPAIGN_CLAIM_TYPE and not self.line_ids:
            self.line_ids = self.campaign_id._prepare_claim_line_commands()
            self.symptom = self.symptom or self.campaign_id.title
            self.failure_date = self.failure_date or fields.Date.context_today(self)

    def _get_campaign_errors(self):
        """What stops a campaign claim: the campaign not active or the claim date outside its
        dates, the machine not in it or done already, or claimed by another claim."""
        self.ensure_one()
        campaign = self.campaign_id
        if self.claim_type != CAMPAIGN_CLAIM_TYPE:
            return [_("Only a campaign claim names a campaign: clear the campaign, or make it a "
                      "campaign claim.")] if campaign else []
        if not campaign:
            return [_("Choose the campaign whose work this campaign claim pays.")]
        errors = []
        if campaign.state != "active":
            errors.append(_("Campaign %(campaign)s is not active.", campaign=campaign.display_name))
        if self.date < campaign.date_start or (campaign.date_end and self.date > campaign.date_end):
            errors.append(_(
                "The claim date %(date)s lies outside campaign %(campaign)s (%(start)s - %(end)s).",
                date=format_date(self.env, self.date), campaign=campaign.display_name,
                start=format_date(self.env, campaign.date_start),
                end=format_date(self.env, campaign.date_end) if campaign.date_end else "...",
            ))
        row = self._get_campaign_row()
        if not row:
            errors.append(_(
                "Machine %(machine)s is not affected by campaign %(campaign)s.",
                machine=self.lot_id.name or "-", campaign=campaign.display_name,
            ))
        elif row.state == "done":
            errors.append(_(
                "Machine %(machine)s is already done in campaign %(campaign)s (claim %(claim)s): "
                "a machine is done once.",
                machine=self.lot_id.name, campaign=campaign.display_name, claim=row.claim_id.name,
            ))
        else:
            other = self.search([
                ("campaign_id", "=", campaign.id), ("lot_id", "=", self.lot_id.id),
                ("state", "in", COUNTED_STATES), ("id", "!=", self.id),
            ], limit=1)
            if other:
                errors.append(_(
                    "Machine %(machine)s already has campaign claim %(other)s: a machine is done "
                    "once. Cancel one of the two.", machine=self.lot_id.name, other=other.name,
                ))
        return errors

    def _get_campaign_row(self):
        """The campaign machine of this campaign claim (sudo: a dealer's portal user files it)."""
        self.ensure_one()
        return self.env["aftersales.campaign.machine"].sudo().search([
            ("campaign_id", "=", self.campaign_id.id), ("lot_id", "=", self.lot_id.id),
        ], limit=1)

    def _check_campaign_approvable(self):
        """Before anything is written: every campaign claim's machine is still open, once."""
        claims = self.filtered(lambda c: c.claim_type == CAMPAIGN_CLAIM_TYPE)
        rows = self.env["aftersales.campaign.machine"].sudo().concat(
            *(claim._get_campaign_row() for claim in claims)
        )
        if rows:
            # two reviewers approving two claims of one machine at once: the second waits for
            # nothing, fails, and its retry finds the machine done (as _lock_claims does)
            rows.flush_recordset()
            self.env.cr.execute(SQL(
                "SELECT id FROM %s WHERE id IN %s FOR NO KEY UPDATE NOWAIT",
                SQL.identifier(rows._table), tuple(rows.ids),
            ))
            rows.invalidate_recordset(["state", "claim_id"])
        seen = set()
        for claim in claims:
            row = claim._get_campaign_row()
            if not row or row.state == "done" or row.id in seen:
                raise UserError(_(
                    "Claim %(claim)s: machine %(machine)s is already done in campaign "
                    "%(campaign)s, or not in it: a machine is done once. Reject this claim.",
                    claim=claim.display_name, machine=claim.lot_id.name,
                    campaign=claim.campaign_id.display_name,
                ))
            seen.add(row.id)

    def _mark_campaign_machines_done(self):
        today = fields.Date.context_today(self)
        for claim in self.filtered(lambda c: c.claim_type == CAMPAIGN_CLAIM_TYPE):
            claim._get_campaign_row().write({"state": "done", "claim_id": claim.id, "done_date": today})

    def _note_open_campaigns(self):
        """Tell the reviewer, in the chatter, of the open campaigns of a normal claim's machine."""
        for claim in self.filtered("campaign_warning"):
            claim.message_post(body=claim.campaign_warning, subtype_xmlid="mail.mt_note")

    def _compute_access_url(self):
        super()._compute_access_url()
        for claim in self:
            claim.access_url = f"/my/claims/{claim.id}"

    # Dealer training and certification --------------------------------------
    is_dealer_uncertified = fields.Boolean(
        string="Dealer Not Certified",
        compute="_compute_is_dealer_uncertified",
        search="_search_is_dealer_uncertified",
        help="None of the dealer's technicians holds a valid certification for the claim's product "
        "line, though a published course certifies it.",
    )

    @api.depends("dealer_id", "product_id")
    def _compute_is_dealer_uncertified(self):
        """Batched: the courses' product lines and the dealers' certified product lines read
        once for all the claims (as superuser: dealers and accountants read no courses)."""
        products = self.product_id
        course_products = self.env["aftersales.training.course"].sudo().search([
            ("is_published", "=", True), ("kind", "=", "product"), ("product_id", "in", products.ids),
        ]).product_id if products else products
        certified = self.env["aftersales.certification"]._get_certified_pairs(
            self.dealer_id.commercial_partner_id, course_products,
        ) if course_products else set()
        for claim in self:
            claim.is_dealer_uncertified = bool(
                claim.product_id in course_products
                and (claim.dealer_id.commercial_partner_id.id, claim.product_id.id) not in certified
            )

    def _search_is_dealer_uncertified(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Operation not supported"))
        course_products = self.env["aftersales.training.course"].sudo().search([
            ("is_published", "=", True), ("kind", "=", "product"), ("product_id", "!=", False),
        ]).product_id
        Certification = self.env["aftersales.certification"].sudo()
        pairs = Certification._read_group(
            Certification._valid_domain() + [("product_id", "in", course_products.ids)],
            ["dealer_id", "product_id"],
        )
        # a claim of a product line with a course, whose dealer is not certified for it
        certified = expression.OR([
            [("dealer_id.commercial_partner_id", "=", dealer.id), ("product_id", "=", product.id)]
            for dealer, product in pairs
        ]) if pairs else expression.FALSE_DOMAIN
        uncertified = expression.AND([
            [("product_id", "in", course_products.ids)], ["!"] + certified,
        ])
        if (operator == "=") == value:
            return uncertified
        return ["!"] + uncertified

    # ------------------------------------------------------------- constraints
    @api.constrains("dealer_id")
    def _check_dealer(self):
        for claim in self:
            dealer = claim.dealer_id
            if not dealer.is_dealer or dealer != dealer.commercial_partner_id:
                raise ValidationError(
                    _(
                        "Claim %(claim)s: %(partner)s is not a dealer. A claim is filed by the "
                        "dealer company (After-Sales > Archive > Dealers), not by a contact.",
                        claim=claim.display_name,
                        partner=dealer.display_name,
                    )
                )

    @api.constrains("failure_date", "lot_id")
    def _check_failure_date(self):
        today = fields.Date.context_today(self)
        for claim in self:
            if not claim.failure_date:
                continue
            if claim.failure_date > today:
                raise ValidationError(
                    _(
                        "Claim %(claim)s: the failure date %(date)s lies in the future. Enter the "
                        "day the machine failed.",
                        claim=claim.display_name,
                        date=format_date(self.env, claim.failure_date),
                    )
                )
            delivery = claim.lot_id.dealer_delivery_date
            if delivery and claim.failure_date < delivery:
                raise ValidationError(
                    _(
                        "Claim %(claim)s: the failure date %(date)s is before machine %(machine)s "
                        "was delivered to the dealer on %(delivery)s. Check the failure date and "
                        "the serial number.",
                        claim=claim.display_name,
                        date=format_date(self.env, claim.failure_date),
                        machine=claim.lot_id.name,
                        delivery=format_date(self.env, delivery),
                    )
                )

    @api.constrains("usage")
    def _check_usage(self):
        for claim in self:
            if claim.usage < 0:
                raise ValidationError(
                    _(
                        "Claim %(claim)s: the usage at failure cannot be negative (%(usage)s).",
                        claim=claim.display_name,
                        usage=claim.usage,
                    )
                )

    # -------------------------------------------------------------------- CRUD
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._resolve_serial_number(vals)
        for vals in vals_list:
            if vals.get("name", _("New")) == _("New"):
                sequence = self.env["ir.sequence"].with_company(vals.get("company_id"))
                vals["name"] = sequence.next_by_code("aftersales.claim") or _("New")
        return super().create(vals_list)

    def write(self, vals):
        self._resolve_serial_number(vals)
        self._check_claimed_fields_editable(vals)
        res = super().write(vals)
        if vals.get("state") == "settled":
            # whatever settled them (approval, receipt of the parts, a statement)
            self._schedule_satisfaction_callbacks()
        return res

    def _check_claimed_fields_editable(self, vals):
        """Refuse to change what the dealer claimed once the claim left the draft state."""
        locked = CLAIMED_FIELDS.intersection(vals)
        if locked:
            self.check_access("write")  # say nothing about claims the user may not change
            frozen = self.filtered(lambda claim: claim.state != "draft")
            if frozen:
                raise UserError(
                    _(
                        "Claim %(claim)s is %(state)s: what the dealer claimed can no longer be "
                        "changed (%(fields)s). A reviewer can send it back to the dealer to have it "
                        "corrected.",
                        claim=frozen[0].display_name,
                        state=frozen[0]._get_state_label(),
                        fields=", ".join(
                            self._fields[fname]._description_string(self.env)
                            for fname in sorted(locked)
                        ),
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_filed(self):
        for claim in self:
            if claim.state not in ("draft", "cancelled"):
                raise UserError(
                    _(
                        "Claim %(claim)s is %(state)s and is kept for the record: cancel it "
                        "instead of deleting it.",
                        claim=claim.display_name,
                        state=claim._get_state_label(),
                    )
                )

    @api.model
    def _resolve_serial_number(self, vals):
        """Accept a serial number instead of a machine id (API and portal filing)."""
        serial = vals.pop("serial_number", None)
        if serial and not vals.get("lot_id"):
            product = self.env["product.product"].browse(vals.get("product_id"))
            vals["lot_id"] = self._get_machine_from_serial(serial, product).id

    @api.model
    def _get_machine_from_serial(self, serial, product=None):
        """The machine of the product archive with this serial number (of ``product`` if given),
        found by the archive's one serial lookup (``stock.lot._aftersales_find_machine``: case
        and surrounding spaces ignored, in the user's companies). Raises when there is none, or
        none of ``product``, or several; whether the dealer may claim it is the claim's own
        check on submission (``_get_machine_errors``)."""
        serial = (serial or "").strip()
        lots, problem = self.env["stock.lot"]._aftersales_find_machine(serial, product=product)
        if not problem:
            return lots
        products = ", ".join(lots.sudo().product_id.mapped("display_name"))
        if problem == "unknown":
            message = _(
                "Serial number %(serial)s is not in the product archive. Check it on the "
                "machine's rating plate; a machine that is really missing must first be "
                "added to After-Sales > Archive > Machines.",
                serial=serial,
            )
        elif problem == "other_product":
            message = _(
                "Serial number %(serial)s belongs to %(other)s, not to %(product)s. "
                "Correct the product or the serial number.",
                serial=serial, other=products, product=product.display_name,
            )
        else:  # several: no dealer is asked for, so no machine is another dealer's here
            message = _(
                "Serial number %(serial)s exists for several products (%(products)s): "
                "choose the product first.",
                serial=serial, products=products,
            )
        raise UserError(message)

    # ----------------------------------------------------------------- actions
    def action_submit(self):
        """Submit the claims for review: checked against the product archive and the rules of
        the claim, repeat parts flagged, a reviewer given to the claims without one
        (``_assign_reviewers``) and the review deadline set, worked out once per company (its
        working days) for all the claims submitted together; the reviewer gets the review
        activity."""
        self.check_access("write")
        self._check_can("can_be_submitted", _("submitted"))
        self._check_submission()
        self.line_ids._flag_repeat_parts()
        now = fields.Datetime.now()
        day = fields.Date.context_today(self, now)
        self._assign_reviewers()
        self._note_open_campaigns()  # Service campaigns
        for company, claims in self.grouped("company_id").items():
            claims.write({
                "state": "submitted",
                "submit_date": now,
                "review_deadline": self._get_review_deadline(company, day),
                "sent_back_question": False,
            })
        self._schedule_review_activities()
        self._post_warranty_cover()  # parts warranty
        return True

    def _schedule_review_activities(self):
        """The review activity of each claim's reviewer, due on the review deadline."""
        for claim in self.filtered("reviewer_id"):
            claim.activity_schedule(
                "aftersales.mail_activity_type_claim_review",
                date_deadline=claim.review_deadline,
                user_id=claim.reviewer_id.id,
                summary=claim.reviewer_id.sudo()._aftersales_activity_summary(
                    "aftersales.mail_activity_type_claim_review"
                ),
            )

    def action_approve(self):
        """Approve every line at its claimed amount, and say how many claims were approved and
        how many of them credited at once (the others wait for their returned parts or their
        dealer's statement)."""
        self._action_approve()
        return self._notify_approved()

    def action_open_partial_approve(self):
        self.ensure_one()
        self._check_can("can_be_approved", _("approved by you"))
        return self._open_review_wizard("aftersales.claim.partial.approve", _("Partially Approve"))

    def action_open_reject(self):
        self._check_can("can_be_rejected", _("reviewed"))
        return self._open_review_wizard("aftersales.claim.reject", _("Reject Claim"))

    def action_open_send_back(self):
        self._check_can("can_be_sent_back", _("sent back"))
        return self._open_review_wizard("aftersales.claim.send.back", _("Send Back to Dealer"))

    def action_settle(self):
        """Credit the dealer now (claims settled per claim, once ready): the Settle button of
        the claims list and Create Credit Note on the form. The whole selection is checked
        first (``_check_settleable``: what the user must fix before anything starts); a
        selection larger than one batch (``SETTLE_BATCH``) is then credited by a background job
        (``aftersales.job``), batch by batch, and the user is told it is queued."""
        self.check_access("write")
        self._check_settleable()
        start = self.env["aftersales.job"]._run_or_queue(
            self.browse(), "_job_settle", self,
            name=_("Settle %(count)s claims", count=len(self)),
            batch_size=SETTLE_BATCH,
            done_method="_job_settle_done",
            # each credit note takes the journal's next number: two batches at once would
            # only roll each other back
            sequential=True,
        )
        if start.job:
            return start.job._action_queued()
        return True

    def _check_settleable(self):
        """Refuse to settle claims that are not approved, that their dealer's statement
        credits, or that wait for their returned parts: one error naming every such claim of
        the selection (the first ten) and the fix, before anything is credited."""
        problems = [error for error in (claim._get_settle_error() for claim in self) if error]
        if not problems:
            return
        shown = problems[:MAX_LISTED_PROBLEMS]
        if len(problems) > len(shown):
            shown.append(_("... and %(count)s more claims.", count=len(problems) - len(shown)))
        raise UserError("\n".join(shown))

    def _get_settle_error(self):
        """Why this claim cannot be settled now, for the user; False when it can."""
        self.ensure_one()
        if self.state not in APPROVED_UNSETTLED_STATES:
            return _(
                "Claim %(claim)s is %(state)s: only an approved or partially approved claim can "
                "be settled.",
                claim=self.display_name,
                state=self._get_state_label(),
            )
        if self.is_settled_by_statement:
            if self.settlement_mode == "quarterly":
                return _(
                    "Claim %(claim)s: dealer %(dealer)s is settled by quarterly statement; the "
                    "claim is credited there.",
                    claim=self.display_name,
                    dealer=self.dealer_id.display_name,
                )
            return _(
                "Claim %(claim)s: dealer %(dealer)s is settled by monthly statement; the claim "
                "is credited there.",
                claim=self.display_name,
                dealer=self.dealer_id.display_name,
            )
        if not self._is_ready_for_settlement():
            return _(
                "Claim %(claim)s is credited when its returned parts are received: validate the "
                "return receipt first.",
                claim=self.display_name,
            )
        return False

    def action_close(self):
        self._check_can("can_be_closed", _("closed"))
        self.write({"state": "closed"})
        return True

    def action_cancel(self):
        self._check_can("can_be_cancelled", _("cancelled"))
        self.activity_unlink(["aftersales.mail_activity_type_claim_review"])
        self.write({"state": "cancelled"})
        return True

    def action_reset_to_draft(self):
        self._check_can("can_be_reset", _("reset to draft"))
        self.write({"state": "draft", "submit_date": False, "review_deadline": False})
        return True

    def action_update_end_user(self):
        """Write the end-user details collected with the claim into the end-user archive."""
        for claim in self:
            if not claim.can_be_end_user_updated:
                raise UserError(
                    _(
                        "Claim %(claim)s: there is nothing to update in the end-user archive, or "
                        "the claim is not approved yet.",
                        claim=claim.display_name,
                    )
                )
            updates = claim._get_end_user_updates()
            # reviewers need no contact-creation rights to correct what the claim proved
            claim.end_user_id.sudo().write(updates)
            claim.message_post(
                body=_(
                    "End-user archive of %(end_user)s updated from the claim: %(changes)s.",
                    end_user=claim.end_user_id.display_name,
                    changes=claim._format_end_user_updates(updates, self.env),
                )
            )
        self.activity_feedback(["aftersales.mail_activity_type_claim_end_user"])
        return True

    def action_view_return_pickings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.action_picking_tree_all")
        action["domain"] = [("aftersales_claim_id", "=", self.id)]
        action["context"] = {"create": False}
        if self.return_picking_count == 1:
            action["views"] = [(False, "form")]
            action["res_id"] = self.return_picking_ids.id
        return action

    def action_view_refund(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_refund_type"
        )
        action.update({"views": [(False, "form")], "res_id": self.refund_move_id.id})
        return action

    def action_view_requests(self):
        self.ensure_one()
        return self.env["aftersales.request"]._action_view_requests(
            [("claim_ids", "in", self.ids)],
            {"default_claim_ids": [self.id], "default_lot_id": self.lot_id.id,
             "default_dealer_id": self.dealer_id.id, "default_request_type": "complaint"},
        )

    def action_view_callbacks(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("aftersales.aftersales_callback_action")
        action["domain"] = [("claim_id", "=", self.id)]
        action["context"] = {"create": False}
        if self.callback_count == 1:
            action.update(views=[(False, "form")], res_id=self.callback_ids.id)
        return action

    @api.model
    def _action_view_claims(self, domain, context=None):
        action = self.env["ir.actions.act_window"]._for_xml_id("aftersales.aftersales_claim_action")
        action["domain"] = domain
        action["context"] = context or {}
        return action

    # -------------------------------------------------------- business methods
    def _open_review_wizard(self, model, title):
        return {
            "type": "ir.actions.act_window",
            "name": title,
            "res_model": model,
            "view_mode": "form",
            "target": "new",
            "context": {"default_claim_ids": self.ids, "default_claim_id": self[:1].id},
        }

    def _get_end_user_updates(self):
        """Values that would bring the end-user archive in line with the claim."""
        self.ensure_one()
        end_user = self.end_user_id
        if not end_user:
            return {}
        updates = {}
        if self.end_user_name and self.end_user_name.strip() != (end_user.name or "").strip():
            updates["name"] = self.end_user_name.strip()
        if self.end_user_phone and self.end_user_phone not in (end_user.phone, end_user.mobile):
            updates["phone"] = self.end_user_phone
        if self.end_user_email and self.end_user_email != end_user.email:
            updates["email"] = self.end_user_email
        return updates

    def _check_lines_editable(self, review=False):
        """Lines change only while the claim is a draft; reviewers may still confirm parts and
        decide on returns while it is submitted."""
        states = ["draft"]
        if review and self.env.user.has_group("aftersales.group_aftersales_user"):
            states.append("submitted")
        for claim in self:
            if claim.state not in states:
                raise UserError(
                    _(
                        "Claim %(claim)s is %(state)s: its lines can no longer be changed. A "
                        "reviewer can send it back to the dealer to have them corrected.",
                        claim=claim.display_name,
                        state=claim._get_state_label(),
                    )
                )

    def _get_unconfirmed_part_lines(self):
        return self.line_ids.filtered(
            lambda line: line.line_type == "part"
            and not line.is_in_service_bom
            and not line.is_part_confirmed
        )

    def _check_submission(self):
        """Refuse to submit claims whose machine, end user or lines are not right, saying
        exactly what to correct."""
        duplicates = self._get_duplicates()
        problems = []
        for claim in self:
            errors = claim._get_machine_errors()
            errors += claim._get_end_user_errors()
            errors += claim._get_line_errors()
            errors += claim._get_campaign_errors()  # Service campaigns
            if claim in duplicates:
                errors.append(
                    _(
                        "Machine %(machine)s already has claim %(other)s for a failure on "
                        "%(date)s: a failure is claimed once. Complete that claim, or cancel one "
                        "of the two.",
                        machine=claim.lot_id.name,
                        other=duplicates[claim].name,
                        date=format_date(self.env, claim.failure_date),
                    )
                )
            if errors:
                problems.append(
                    _("Claim %(claim)s cannot be submitted:", claim=claim.display_name)
                    + "".join(f"\n- {error}" for error in errors)
                )
        if problems:
            raise UserError("\n\n".join(problems))

    def _get_machine_errors(self):
        self.ensure_one()
        lot = self.lot_id
        if not lot:
            return [_("Enter the serial number of the failed machine.")]
        errors = []
        if not lot.is_machine:
            errors.append(
                _(
                    "Serial number %(serial)s is not a machine of the product archive: choose the "
                    "serial number of the finished product that failed.",
                    serial=lot.name,
                )
            )
        if self.product_id != lot.product_id:
            errors.append(
                _(
                    "Serial number %(serial)s belongs to %(other)s, not to %(product)s. Correct "
                    "the product or the serial number.",
                    serial=lot.name,
                    other=lot.product_id.display_name,
                    product=self.product_id.display_name or _("(no product)"),
                )
            )
        dealer = self.dealer_id
        if not lot._aftersales_is_dealer_of(dealer):
            errors.append(
                _(
                    "Machine %(serial)s was not delivered to %(dealer)s and its end user is not "
                    "served by it (delivered to: %(delivered)s). Only the selling or serving "
                    "dealer can claim it.",
                    serial=lot.name,
                    dealer=dealer.display_name,
                    delivered=lot.dealer_id.display_name or _("no dealer"),
                )
            )
        if not self.failure_date:
            errors.append(_("Enter the failure date."))
        elif (
            self.claim_type == "warranty"
            and not self.is_in_warranty
            and not self._is_covered_by_part_warranty()  # parts warranty
        ):
            if not lot.registration_date or self.failure_date < lot.registration_date:
                errors.append(
                    _(
                        "The failure on %(date)s happened before machine %(serial)s was "
                        "registered to an end user, so before its warranty started. File it as "
                        "a goodwill claim (an After-Sales manager approves it).",
                        date=format_date(self.env, self.failure_date),
                        serial=lot.name,
                    )
                )
            else:
                errors.append(
                    _(
                        "The failure on %(date)s is outside the warranty of machine %(serial)s, "
                        "which ended on %(end)s. File it as a goodwill claim (an After-Sales "
                        "manager approves it).",
                        date=format_date(self.env, self.failure_date),
                        serial=lot.name,
                        end=format_date(self.env, lot.warranty_end_date),
                    )
                )
        return errors

    def _get_end_user_errors(self):
        self.ensure_one()
        lot = self.lot_id
        if lot and not lot.end_user_id:
            return [
                _(
                    "Machine %(serial)s is not registered to an end user yet. Register it first "
                    "(Register to End User on the machine), then file the claim.",
                    serial=lot.name,
                )
            ]
        errors = []
        if not (self.end_user_name or "").strip():
            errors.append(_("Enter the end user's name."))
        if not (self.end_user_phone or self.end_user_email):
            errors.append(
                _("Enter the end user's phone number or e-mail: end users are called back after "
                  "every claim.")
            )
        return errors

    def _get_line_errors(self):
        self.ensure_one()
        if not self.line_ids:
            return [_("Add at least one line: the parts replaced and the labour or fees.")]
        return self.line_ids._get_replacement_serial_errors()  # replacement serials

    def _get_duplicates(self):
        """{claim: other claim} for claims of a machine and failure date already claimed.
        Service campaigns: a campaign claim is no failure, neither checked nor counted here (its
        own rule is one claim per campaign machine, ``_get_campaign_errors``)."""
        claims = self.filtered(
            lambda c: c.lot_id and c.failure_date and c.claim_type != CAMPAIGN_CLAIM_TYPE
        )
        if not claims:
            return {}
        others = self.search(
            [
                ("lot_id", "in", claims.lot_id.ids),
                ("failure_date", "in", list(set(claims.mapped("failure_date")))),
                ("state", "!=", "cancelled"),
                ("claim_type", "!=", CAMPAIGN_CLAIM_TYPE),
            ],
            order="id",
        )
        by_failure = others.grouped(lambda o: (o.lot_id, o.failure_date))
        result = {}
        for claim in claims:
            twins = by_failure.get((claim.lot_id, claim.failure_date), others.browse()) - claim
            if twins:
                result[claim] = twins[0]
        return result

    @api.model
    def _get_review_deadline(self, company, submit_day):
        """Last review day: ``claim_review_days`` working days of the company's working schedule
        after ``submit_day`` (calendar days when the company has no schedule)."""
        days = company.claim_review_days
        calendar = company.resource_calendar_id
        if days <= 0:
            return submit_day
        if calendar:
            tz = pytz.timezone(calendar.tz or "UTC")
            start = tz.localize(datetime.combine(submit_day + timedelta(days=1), time.min))
            end = calendar.plan_days(days, start, compute_leaves=True)
            if end:
                return end.astimezone(tz).date()
        return submit_day + timedelta(days=days)

    def _assign_reviewers(self):
        """Give each claim without a reviewer one, so that every submitted claim reaches
        somebody: the company's default claim reviewer (Settings), else its After-Sales users in
        turn (round robin, by user id, starting after the reviewer of the company's claim
        submitted last). A default reviewer archived or no longer in the company is skipped."""
        unassigned = self.filtered(lambda claim: not claim.reviewer_id)
        for company, claims in unassigned.grouped("company_id").items():
            default = company.sudo().claim_reviewer_id
            if default.active and company in default.company_ids:
                claims.reviewer_id = default
                continue
            reviewers = self._get_reviewer_candidates(company)
            if not reviewers:
                continue
            last = self.sudo().search(
                [
                    ("company_id", "=", company.id),
                    ("reviewer_id", "in", reviewers.ids),
                    ("submit_date", "!=", False),
                    ("id", "not in", self.ids),
                ],
                order="submit_date desc, id desc",
                limit=1,
            ).reviewer_id
            turns = {}
            for claim, reviewer in zip(claims, reviewers._aftersales_take_turns(last, len(claims))):
                turns[reviewer] = turns.get(reviewer, claims.browse()) | claim
            for reviewer, reviewer_claims in turns.items():
                reviewer_claims.reviewer_id = reviewer

    @api.model
    def _get_reviewer_candidates(self, company):
        """The active internal After-Sales users (managers included) of ``company``, by id: the
        reviewers a claim goes to in turn."""
        return self.env["res.users"].sudo().search(
            [
                ("groups_id", "in", self.env.ref("aftersales.group_aftersales_user").id),
                ("share", "=", False),
                ("company_ids", "in", company.id),
            ],
            order="id",
        )

    @api.model
    def _check_reason(self, text, message):
        if not (text or "").strip():
            raise UserError(message)

    def _check_reviewable(self, approving=False):
        self.check_access("write")
        self._lock_claims()
        for claim in self:
            claim._check_can("can_be_rejected", _("reviewed"))
            if approving and not claim.can_be_approved:
                raise UserError(
                    _(
                        "Claim %(claim)s is a goodwill claim: only an After-Sales manager can "
                        "approve it.",
                        claim=claim.display_name,
                    )
                )

    def _action_approve(self, approved_amounts=None, reason=None):
        """Approve the claims. ``approved_amounts`` ({claim line id: amount}) approves only part
        of the claimed amounts (partial approval), for the given ``reason``; lines it does not
        name are approved in full."""
        approved_amounts = approved_amounts or {}
        if approved_amounts:
            self._check_reason(reason, _("Give the reason for the partial approval."))
        self._check_reviewable(approving=True)
        self._check_campaign_approvable()  # Service campaigns
        amounts = {
            line: approved_amounts.get(line.id, line.amount_claimed) for line in self.line_ids
        }
        for claim in self:
            unconfirmed = claim._get_unconfirmed_part_lines().filtered(
                lambda line: claim.currency_id.compare_amounts(amounts[line], 0) > 0
            )
            if unconfirmed:
                raise UserError(
                    _(
                        "Claim %(claim)s: %(parts)s not in the service BOM of %(product)s. Check "
                        "the parts, then tick 'Part Confirmed' on their lines (or approve them at 0).",
                        claim=claim.display_name,
                        parts=", ".join(unconfirmed.product_id.mapped("display_name")),
                        product=claim.product_id.display_name,
                    )
                )
        # one write per amount rather than per line; the lines refuse more than claimed
        for amount, lines in groupby(amounts, key=amounts.get):
            self.env["aftersales.claim.line"].concat(*lines).sudo().amount_approved = amount
        partial_ids = set()
        for claim in self:
            partial = any(
                claim.currency_id.compare_amounts(line.amount_approved, line.amount_claimed) < 0
                for line in claim.line_ids
            )
            if approved_amounts and not partial:
                raise UserError(
                    _(
                        "Claim %(claim)s: every line is approved in full. Lower the approved "
                        "amount of the lines you do not pay, or use Approve.",
                        claim=claim.display_name,
                    )
                )
            if approved_amounts and claim.currency_id.is_zero(claim.amount_approved):
                raise UserError(
                    _(
                        "Claim %(claim)s: nothing is approved. Use Reject to turn the claim down.",
                        claim=claim.display_name,
                    )
                )
            if partial:
                partial_ids.add(claim.id)
        partially = self.filtered(lambda claim: claim.id in partial_ids)
        now = fields.Datetime.now()
        for claims, partial in ((self - partially, False), (partially, True)):
            if claims:
                claims.write({
                    "state": "partially_approved" if partial else "approved",
                    "review_date": now,
                    "reviewer_id": self.env.uid,
                    "review_note": reason if partial else False,
                })
        for claim in partially:
            claim.message_post(
                body=_("Partially approved: %(reason)s", reason=reason),
                # a comment, so that the dealer reads the reason in the portal's conversation
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        self._after_approval()

    def _notify_approved(self):
        """The notification that tells the reviewer what an approval did, then reloads the view."""
        credited = len(self.filtered(lambda claim: claim.state == "settled"))
        message = _(
            "%(approved)s approved, %(credited)s credited.",
            approved=len(self),
            credited=credited,
        )
        if credited < len(self):
            message += " " + _(
                "%(waiting)s credited later: when their returned parts are received, or by "
                "their dealer's statement.",
                waiting=len(self) - credited,
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Claims Approved"),
                "message": message,
                "type": "success",
                "sticky": False,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _after_approval(self):
        self._mark_campaign_machines_done()  # Service campaigns
        self.activity_feedback(["aftersales.mail_activity_type_claim_review"])
        self._create_return_pickings()
        self._update_component_history()  # replacement serials
        self._propose_end_user_updates()
        self.filtered(
            lambda c: c.settlement_mode == "per_claim" and c._is_ready_for_settlement()
        )._create_refunds()

    def _action_reject(self, reason):
        self._check_reason(reason, _("Give the reason for rejecting the claim: the dealer reads it."))
        self._check_reviewable()
        self.line_ids.sudo().amount_approved = 0.0
        self.write({
            "state": "rejected",
            "review_date": fields.Datetime.now(),
            "reviewer_id": self.env.uid,
            "review_note": reason,
        })
        self.activity_feedback(["aftersales.mail_activity_type_claim_review"])
        for claim in self:
            claim.message_post(
                body=_("Claim rejected: %(reason)s", reason=reason),
                # a comment, so that the dealer reads the reason in the portal's conversation
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )

    def _action_send_back(self, question):
        self._check_reason(question, _("Write the question the dealer must answer."))
        self._check_reviewable()
        self.activity_unlink(["aftersales.mail_activity_type_claim_review"])
        self.write({
            "state": "draft",
            "sent_back_question": question,
            "submit_date": False,
            "review_deadline": False,
        })
        for claim in self:
            claim.message_post(
                body=_("Sent back to the dealer with a question: %(question)s", question=question),
                # a comment, not a notification: the portal's conversation shows comments only
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=claim.dealer_id.ids,
            )
        self._count_sent_back()

    def _count_sent_back(self):
        for claim in self:
            claim.sudo().sent_back_count += 1

    def _propose_end_user_updates(self):
        """The service process keeps the end-user archive true: a claim whose end-user details
        differ from the archive asks its reviewer to update the archive."""
        for claim in self:
            updates = claim._get_end_user_updates()
            if not updates:
                continue
            user = claim.reviewer_id or self.env.user
            # written for the reviewer, in the reviewer's language
            env = self.with_context(lang=user.lang or self.env.lang).env
            claim.activity_schedule(
                "aftersales.mail_activity_type_claim_end_user",
                user_id=user.id,
                summary=user.sudo()._aftersales_activity_summary(
                    "aftersales.mail_activity_type_claim_end_user"
                ),
                note=env._(
                    "The claim gives other end-user details than the archive for %(end_user)s: "
                    "%(changes)s. Check them and click 'Update End-User Archive'.",
                    end_user=claim.end_user_id.display_name,
                    changes=claim._format_end_user_updates(updates, env),
                ),
            )

    @api.model
    def _format_end_user_updates(self, updates, env):
        """The end-user details a claim corrects, by their labels in ``env``'s language:
        "Phone: +1 555 0102, Email: alice@example.com"."""
        partner_fields = env["res.partner"]._fields
        return ", ".join(
            f"{partner_fields[key]._description_string(env)}: {value}"
            for key, value in updates.items()
        )

    # Settlement ---------------------------------------------------------------
    def _is_ready_for_settlement(self):
        """Approved, not credited yet, and past the company's credit trigger."""
        self.ensure_one()
        return (
            self.state in APPROVED_UNSETTLED_STATES
            and not self.refund_move_id
            and (self.company_id.claim_credit_trigger == "approval" or self.return_state != "waiting")
        )

    def _lock_claims(self):
        """Lock the claims' rows until the end of the transaction, so that two reviewers, or a
        reviewer and a receipt, can never decide on or credit the same claim twice. Fails at
        once rather than wait: the server retries the request, which then finds the claim
        already decided or settled."""
        self.flush_recordset()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM %s WHERE id IN %s FOR NO KEY UPDATE NOWAIT",
                SQL.identifier(self._table),
                tuple(self.ids),
            )
        )
        # re-read what another transaction may have committed before we got the lock
        self.invalidate_recordset(["state", "refund_move_id"])

    def _create_refunds(self):
        """Credit each claim with its own credit note for its approved amounts."""
        if not self:
            return self.env["account.move"]
        self._lock_claims()
        for claim in self:
            if claim.refund_move_id or claim.state not in APPROVED_UNSETTLED_STATES:
                raise UserError(
                    _(
                        "Claim %(claim)s is %(state)s and cannot be credited (again)%(move)s.",
                        claim=claim.display_name,
                        state=claim._get_state_label(),
                        move=_(": credit note %s", claim.refund_move_id.sudo().name)
                        if claim.refund_move_id
                        else "",
                    )
                )
        to_credit = self.filtered(lambda c: c._get_creditable_lines())
        # reviewers need no invoicing rights: the approval they gave is what credits the dealer
        Move = self.env["account.move"].sudo()
        moves = Move
        for company, claims in to_credit.grouped("company_id").items():
            new_moves = Move.with_company(company).create(
                [claim._prepare_refund_vals() for claim in claims]
            )
            for claim, move in zip(claims, new_moves):
                claim.refund_move_id = move.id
            moves |= new_moves
        # posting numbers the credit notes and makes each dealer a follower of its own
        moves.action_post()
        self.write({"state": "settled", "settle_date": fields.Datetime.now()})
        # the credit note itself shows on the chatter through the tracking of refund_move_id
        for claim in self - to_credit:
            claim.message_post(
                body=_("Settled: nothing to credit (no approved amount)."),
                subtype_xmlid="mail.mt_note",
            )
        return moves.with_env(self.env)

    @api.model
    def _job_settle(self, claims):
        """One batch of a settlement (``action_settle``), in one transaction: the claims
        locked, those credited meanwhile skipped (by a reviewer, by another server, or by an
        earlier try of this batch: never credited twice), the others checked again and
        credited with their satisfaction call-backs (``write``). A claim that can no longer
        be settled raises: the job then runs the batch claim by claim and reports it, named,
        while the others are credited."""
        claims = claims.exists()
        if not claims:
            return {}
        claims._lock_claims()
        done = claims.filtered(lambda c: c.refund_move_id or c.state in SETTLED_STATES)
        to_settle = claims - done
        to_settle._check_settleable()
        moves = to_settle._create_refunds()
        totals = defaultdict(float)
        for move in moves.sudo():  # reviewers credit dealers without reading invoices
            totals[move.currency_id.id] += move.amount_total
        return {
            "credited": len(moves),
            "nothing_to_credit": len(to_settle) - len(moves),
            "skipped": len(done),
            # [[currency id, amount]]: joined over the batches, added up at the end
            "amounts": [[currency_id, amount] for currency_id, amount in totals.items()],
        }

    @api.model
    def _job_settle_done(self, job, counts):
        """What a settlement did, in one sentence for the user: the claims credited and the
        total of their credit notes."""
        totals = defaultdict(float)
        for currency_id, amount in counts.get("amounts", []):
            totals[currency_id] += amount
        Currency = self.env["res.currency"]
        total = " + ".join(
            format_amount(self.env, amount, Currency.browse(currency_id))
            for currency_id, amount in sorted(totals.items())
        ) or format_amount(self.env, 0.0, self.env.company.currency_id)
        message = _(
            "Claims credited: %(count)s, %(total)s in total.",
            count=counts.get("credited", 0), total=total,
        )
        if counts.get("nothing_to_credit"):
            message += " " + _(
                "Settled with nothing to credit (no approved amount): %(count)s.",
                count=counts["nothing_to_credit"],
            )
        if counts.get("skipped"):
            message += " " + _(
                "Skipped, already credited: %(count)s.", count=counts["skipped"],
            )
        return message

    def _create_period_refund(self, date):
        """One credit note, dated ``date``, for the approved claims of one dealer settled by
        statement: the claims' own credit note values and lines, gathered."""
        if not self:
            return self.env["account.move"]
        self._lock_claims()
        claims = self.filtered(lambda c: c._is_ready_for_settlement())
        to_credit = claims.filtered(lambda c: c._get_creditable_lines())
        move = self.env["account.move"].sudo()
        if to_credit:
            first = to_credit[0]
            vals = first._prepare_refund_vals()
            vals.update({
                "invoice_date": date,
                "invoice_origin": ", ".join(to_credit.mapped("name")),
                "ref": _(
                    "Warranty claims %(claims)s", claims=", ".join(to_credit.mapped("name"))
                ),
                "invoice_line_ids": [
                    command for claim in to_credit for command in claim._prepare_refund_line_vals()
                ],
            })
            move = move.with_company(first.company_id).create(vals)
            move.action_post()
            to_credit.write({"refund_move_id": move.id})
        claims.write({"state": "settled", "settle_date": fields.Datetime.now()})
        return move

    def _prepare_refund_vals(self):
        """Values of the dealer's credit note for this claim."""
        self.ensure_one()
        return {
            "move_type": "out_refund",
            "partner_id": self.dealer_id.id,
            "company_id": self.company_id.id,
            "currency_id": self.currency_id.id,
            "invoice_date": fields.Date.context_today(self),
            "invoice_origin": self.name,
            "ref": _(
                "Warranty claim %(claim)s, machine %(serial)s",
                claim=self.name,
                serial=self.lot_id.name,
            ),
            "invoice_line_ids": self._prepare_refund_line_vals(),
        }

    def _get_creditable_lines(self):
        """Lines credited to the dealer: those with an approved amount, never a core IP part."""
        return self.line_ids.filtered(
            lambda line: not line.is_core_ip and not line.currency_id.is_zero(line.amount_approved)
        )

    def _prepare_refund_line_vals(self):
        """Credit note lines (``Command.create``) for the approved amounts."""
        self.ensure_one()
        return [line._prepare_refund_line_command() for line in self._get_creditable_lines()]

    def _on_returned_parts_received(self):
        """A return receipt was validated: credit the claims waiting for their parts."""
        for claim in self:
            if claim.return_state == "received":
                claim.message_post(
                    body=_("The returned parts were received."), subtype_xmlid="mail.mt_note"
                )
        self.filtered(
            lambda c: c.settlement_mode == "per_claim"
            and c.company_id.claim_credit_trigger == "receipt"
            and c._is_ready_for_settlement()
        )._create_refunds()

    # Satisfaction call-backs --------------------------------------------------
    def _schedule_satisfaction_callbacks(self):
        """Schedule one satisfaction call-back per settled claim with an end user, due the
        company's call-back delay after today, never a second one for the same claim."""
        Callback = self.env["aftersales.callback"].sudo()
        claims = self.filtered(lambda c: c.state == "settled" and c.end_user_id)
        if not claims:
            return Callback
        done = Callback.with_context(active_test=False).search(
            [("claim_id", "in", claims.ids)]
        ).claim_id
        claims -= done
        if not claims:
            return Callback
        today = fields.Date.context_today(self)
        vals_list = []
        for company in claims.company_id:
            company_claims = claims.filtered(lambda c: c.company_id == company).sorted("id")
            agents = Callback._get_next_agents(company, len(company_claims))
            vals_list += [
                claim._prepare_callback_vals(today, agent)
                for claim, agent in zip(company_claims, agents)
            ]
        # the agents' work queue, filled in batches: no "you have been assigned" e-mail per
        # call-back (they are followers and get the call-back activity)
        callbacks = Callback.with_context(mail_auto_subscribe_no_notify=True).create(vals_list)
        callbacks._schedule_activities()
        return callbacks

    def _prepare_callback_vals(self, today, agent):
        """``agent``: the hotline agent the call-back is for (Callback._get_next_agents); when
        none, the claim's reviewer, else the user who settled it (never OdooBot)."""
        self.ensure_one()
        company = self.company_id
        user = agent or (self.reviewer_id | self.env.user).filtered(
            lambda u: u.id != SUPERUSER_ID
        )[:1]
        return {
            "company_id": company.id,
            "claim_id": self.id,
            "lot_id": self.lot_id.id,
            "product_id": self.product_id.id,
            "dealer_id": self.dealer_id.id,
            "end_user_id": self.end_user_id.id,
            "due_date": today + timedelta(days=company.callback_delay_days),
            "user_id": user.id,
            "duration": company.callback_duration,
        }

    # Parts to return ----------------------------------------------------------
    def _get_return_warehouse(self):
        """Warehouse whose claimed-parts location receives the returned parts."""
        self.ensure_one()
        return self.env["stock.warehouse"]._get_aftersales_main_warehouse(self.company_id)

    def _create_return_pickings(self):
        """One receipt per claim, from the dealer into the Claimed Parts location, for the part
        lines that must be returned (on claims filed before core IP parts were refused, their
        core IP lines too, though never credited)."""
        today = fields.Date.context_today(self)
        warehouses = {}
        vals_list = []
        for claim in self:
            lines = claim.line_ids.filtered(lambda l: l.line_type == "part" and l.return_required)
            if not lines:
                continue
            company = claim.company_id
            if company not in warehouses:
                warehouses[company] = claim._get_return_warehouse()
            deadline = today + timedelta(days=company.claim_return_days)
            lines.sudo().return_deadline = deadline
            vals_list.append(
                claim._prepare_return_picking_vals(lines, deadline, warehouses[company])
            )
        if not vals_list:
            return self.env["stock.picking"]
        pickings = self.env["stock.picking"].sudo().create(vals_list)
        pickings.action_confirm()
        self._set_returned_serials(pickings)  # replacement serials
        for picking in pickings:
            picking.aftersales_claim_id.message_post(
                body=_(
                    "Parts to return by %(date)s: %(picking)s.",
                    date=format_date(self.env, picking.scheduled_date.date()),
                    picking=picking._get_html_link(),
                ),
                subtype_xmlid="mail.mt_note",
            )
        return pickings

    def _prepare_return_picking_vals(self, lines, deadline, warehouse):
        self.ensure_one()
        if not warehouse.claimed_parts_location_id:
            raise UserError(
                _(
                    "Claim %(claim)s: company %(company)s has no warehouse with a Claimed Parts "
                    "location to receive the returned parts. Create a warehouse first.",
                    claim=self.display_name,
                    company=self.company_id.display_name,
                )
            )
        source = self.dealer_id.with_company(self.company_id).property_stock_customer
        destination = warehouse.claimed_parts_location_id
        return {
            "picking_type_id": warehouse.in_type_id.id,
            "partner_id": self.dealer_id.id,
            "location_id": source.id,
            "location_dest_id": destination.id,
            "origin": self.name,
            "scheduled_date": datetime.combine(deadline, time(12)),
            "company_id": self.company_id.id,
            "aftersales_claim_id": self.id,
            "move_ids": [
                fields.Command.create({
                    "name": line.name or line.product_id.display_name,
                    "product_id": line.product_id.id,
                    "product_uom_qty": line.quantity,
                    "product_uom": line.product_uom_id.id,
                    "location_id": source.id,
                    "location_dest_id": destination.id,
                    "company_id": self.company_id.id,
                })
                for line in lines
            ],
        }

    # Replacement serials and parts warranty -----------------------------------
    def _is_covered_by_part_warranty(self, components=None):
        """Whether the parts warranty covers this claim out of the machine's warranty: it has
        part lines and the failed part of every one (its removed serial) is a replacement part
        under its own warranty on the failure date. ``components``: the lines'
        ``_get_part_warranty_components``, when already read."""
        self.ensure_one()
        if components is None:
            components = self.line_ids._get_part_warranty_components()
        parts = self.line_ids.filtered(lambda line: line.line_type == "part")
        return bool(parts) and all(line in components for line in parts)

    def _post_warranty_cover(self):
        """Say in each submitted claim's chatter which warranty covers it."""
        components = self.line_ids._get_part_warranty_components()
        for claim in self:
            if claim.is_in_warranty:
                body = _(
                    "Covered by the warranty of machine %(machine)s (until %(end)s).",
                    machine=claim.lot_id.name,
                    end=format_date(self.env, claim.lot_id.warranty_end_date),
                )
            elif claim._is_covered_by_part_warranty(components):
                covered = [components[line] for line in claim.line_ids if line in components]
                body = _(
                    "Out of the warranty of machine %(machine)s, covered by the parts warranty "
                    "of: %(parts)s.",
                    machine=claim.lot_id.name,
                    parts=", ".join(
                        _(
                            "%(part)s serial %(serial)s (installed on %(installed)s, until %(end)s)",
                            part=component.product_id.display_name,
                            serial=component.lot_id.name,
                            installed=format_date(self.env, component.date_installed),
                            end=format_date(self.env, component.warranty_end_date),
                        )
                        for component in covered
                    ),
                )
            else:
                body = _("Covered by no warranty: a goodwill claim.")
            claim.message_post(body=body, subtype_xmlid="mail.mt_note")

    def _update_component_history(self):
        """The approved claims' part lines that replaced a serial update their machines'
        component history, on the failure date (``_record_replacements``), all at once."""
        lines = self.line_ids.filtered(
            lambda line: line.line_type == "part" and line.installed_lot_id and line.lot_id
        )
        return self.env["aftersales.machine.component"]._record_replacements([
            {
                "machine": line.lot_id,
                "product": line.product_id,
                "removed": line.removed_lot_id,
                "installed": line.installed_lot_id,
                "date": line.claim_id.failure_date or line.claim_id.date,
                "claim_line_id": line.id,
            }
            for line in lines
        ])

    def _set_returned_serials(self, pickings):
        """The return receipts carry the removed serials: the Claimed Parts location receives
        the very lot the machine carried. A picking's moves are in the order of its lines."""
        for picking in pickings:
            claim = picking.aftersales_claim_id
            lines = claim.line_ids.filtered(lambda l: l.line_type == "part" and l.return_required)
            for line, move in zip(lines, picking.move_ids.sorted("id")):
                if line.removed_lot_id and move.product_id == line.product_id:
                    move.lot_ids = line.removed_lot_id

    def _get_report_base_filename(self):
        self.ensure_one()
        return _("Warranty Claim %s", self.name).replace("/", "-")
