import logging
import re
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tools import email_normalize, format_date, html2plaintext, is_html_empty
from odoo.tools.translate import LazyTranslate

_logger = logging.getLogger(__name__)

_lt = LazyTranslate(__name__)

REQUEST_STATES = [
    ("new", "New"),
    ("in_progress", "In Progress"),
    ("waiting", "Waiting"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
]
REQUEST_TYPES = [
    ("question", "Technical Question"),
    ("complaint", "Complaint"),
    ("field_service", "Field Service"),
    ("repair", "Return-to-Factory Repair"),
    ("maintenance", "Maintenance Reminder"),
    ("callback", "Satisfaction Call-back"),
    # Service campaigns: an end user told of a campaign on their machine
    ("campaign", "Campaign Contact"),
    # Outbound call lists: an interested end user passed to the dealer as a sales lead
    ("sales_lead", "Sales Lead"),
]
REQUEST_CHANNELS = [
    ("inbound_call", "Inbound Call"),
    ("outbound_call", "Outbound Call"),
    ("email", "E-mail"),
    ("portal", "Portal"),
]
REQUEST_PRIORITIES = [
    ("0", "Normal"),
    ("1", "Medium"),
    ("2", "High"),
    ("3", "Urgent"),
]
OPEN_STATES = ("new", "in_progress", "waiting")
# Why the service was needed (domain.md section 1): routine service keeps a working machine
# working (the base of the cost model); service on a failed machine is non-conforming-product
# service, measured beside the model's routine x amplification factor.
SERVICE_CAUSES = [
    ("routine", "Routine (machine working)"),
    ("failure", "Machine failure"),
]
# Request types that follow a failure unless the desk says otherwise: a complaint, a call-out,
# a return-to-factory repair. Maintenance, questions and call-backs are routine.
FAILURE_REQUEST_TYPES = ("complaint", "field_service", "repair")
# Machines reminded of their maintenance in one transaction of a background job; no more are
# reminded at once, in the scheduled action's transaction.
MAINTENANCE_BATCH = 200


class AftersalesRequest(models.Model):
    """What reaches the service hotline (calls, e-mails, portal) and what it sends out
    (maintenance reminders, call-backs): one record per request, routed by its type."""

    _name = "aftersales.request"
    _description = "Service Request"
    _inherit = [
        "mail.thread", "mail.activity.mixin", "aftersales.state.gate.mixin",
        "aftersales.knowledge.mixin",
    ]
    _order = "priority desc, request_date desc, id desc"
    _check_company_auto = True
    _mail_post_access = "read"
    _aftersales_knowledge_text_field = "description"
    _state_gate_message = _lt("Request %(record)s (%(state)s) cannot %(verb)s now.")

    # ------------------------------------------------------------------ fields
    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, index="trigram",
        default=lambda self: _("New"),
    )
    subject = fields.Char(required=True, tracking=True)
    description = fields.Html()
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        REQUEST_STATES, default="new", required=True, copy=False, index=True, tracking=True,
        group_expand=True,
    )
    request_type = fields.Selection(
        REQUEST_TYPES, string="Type", required=True, default="question", index=True,
        tracking=True,
    )
    channel = fields.Selection(
        REQUEST_CHANNELS, required=True, default="inbound_call", tracking=True
    )
    priority = fields.Selection(REQUEST_PRIORITIES, default="0", required=True, index=True)
    request_date = fields.Datetime(
        string="Received", required=True, default=fields.Datetime.now, index=True,
        help="When the request reached the service desk; the SLA deadline counts from here.",
    )
    sla_deadline = fields.Datetime(
        string="SLA Deadline",
        compute="_compute_sla_deadline",
        store=True,
        index=True,
        help="Received + the resolution time of the SLA rule for the type and priority "
        "(After-Sales > Configuration > SLA Rules).",
    )
    is_overdue = fields.Boolean(compute="_compute_is_overdue", search="_search_is_overdue")
    close_date = fields.Datetime(string="Closed on", readonly=True, copy=False)
    team_id = fields.Many2one(
        "aftersales.team", string="Team", index=True, tracking=True, check_company=True,
        default=lambda self: self.env["aftersales.team"]._get_default_team(),
    )
    user_id = fields.Many2one(
        "res.users", string="Owner", index=True, tracking=True,
        default=lambda self: self.env.user if not self.env.user.share else False,
        domain="[('share', '=', False)]",
    )
    lookup = fields.Char(
        string="Serial or Phone",
        store=False,
        help="Type a machine's serial number or a caller's phone number: the machine, end user "
        "and dealer are filled from the archives.",
    )
    lot_id = fields.Many2one(
        "stock.lot", string="Machine", index=True, tracking=True, check_company=True,
        # '=?': no condition while the end user owns no machine (or is not known yet)
        domain="[('is_machine', '=', True), ('end_user_id', '=?', machine_owner_id)]",
    )
    machine_owner_id = fields.Many2one(
        "res.partner", compute="_compute_machine_owner_id",
        help="The end user when they own machines: the Machine field offers theirs.",
    )
    product_id = fields.Many2one(
        "product.product", string="Product", compute="_compute_product_id", store=True,
        readonly=False, precompute=True, index=True, check_company=True,
        domain="[('aftersales_part_class', '=', 'finished')]",
    )
    warranty_state = fields.Selection(related="lot_id.warranty_state")
    end_user_id = fields.Many2one(
        "res.partner", string="End User", index=True, tracking=True,
        domain="[('is_end_user', '=', True)]",
    )
    partner_phone = fields.Char(related="end_user_id.phone", string="End User Phone")
    dealer_id = fields.Many2one(
        "res.partner", string="Dealer", index=True, tracking=True,
        domain="[('is_dealer', '=', True)]",
    )
    email_from = fields.Char(string="E-mail", help="Sender of a request received by e-mail.")

    # complaints
    quality_user_id = fields.Many2one(
        "res.users", string="Quality Owner (CQE)", tracking=True,
        domain="[('share', '=', False)]",
    )
    root_cause = fields.Text(tracking=True)
    corrective_action = fields.Text(tracking=True)
    corrective_action_date = fields.Date(string="Corrective Action Due", tracking=True)
    claim_ids = fields.Many2many(
        "aftersales.claim", "aftersales_request_claim_rel", "request_id", "claim_id",
        string="Claims", check_company=True,
    )
    claim_count = fields.Integer(compute="_compute_claim_count")
    involved_lot_ids = fields.Many2many(
        "stock.lot", "aftersales_request_lot_rel", "request_id", "lot_id",
        string="Machines Involved", domain="[('is_machine', '=', True)]",
    )
    product_complaint_count = fields.Integer(
        string="Complaints on Product",
        compute="_compute_product_complaint_count",
        help="All complaints about this product, this one included.",
    )

    service_cause = fields.Selection(
        SERVICE_CAUSES, string="Service Cause", compute="_compute_service_cause", store=True,
        readonly=False, precompute=True, required=True, index=True, tracking=True,
        help="Routine: maintenance, an inspection or a paid visit on a machine that works; its "
        "fees are routine service cost.\n"
        "Machine failure: service caused by a failure; its fees are the measured "
        "non-conforming-product service cost, shown beside routine x the amplification factor. "
        "Set from the type (complaints, field service and repairs follow a failure); change it "
        "for a visit that is an inspection or maintenance.",
    )

    # field service
    engineer_id = fields.Many2one(
        "res.users", string="Engineer", index=True, tracking=True,
        domain="[('share', '=', False)]",
    )
    visit_start = fields.Datetime(string="Visit", tracking=True)
    visit_stop = fields.Datetime(
        string="Visit End", compute="_compute_visit_stop", store=True, readonly=False
    )
    event_id = fields.Many2one("calendar.event", string="Calendar Event", readonly=True, copy=False)
    work_report = fields.Html(string="On-site Report")
    hours_spent = fields.Float(string="Time Spent (hours)")
    part_line_ids = fields.One2many(
        "aftersales.request.part", "request_id", string="Parts Used", copy=False
    )
    labour_product_id = fields.Many2one(
        "product.product", string="Labour Fee",
        domain="[('aftersales_fee_type', '=', 'labour')]",
        default=lambda self: self.env.ref("aftersales.product_fee_labour", raise_if_not_found=False),
    )
    callout_product_id = fields.Many2one(
        "product.product", string="Call-out Fee",
        domain="[('aftersales_fee_type', '=', 'travel')]",
        default=lambda self: self.env.ref("aftersales.product_fee_callout", raise_if_not_found=False),
    )
    van_picking_id = fields.Many2one(
        "stock.picking", string="Parts Transfer", readonly=True, copy=False
    )
    settlement_claim_id = fields.Many2one(
        "aftersales.claim", string="Warranty Claim", readonly=True, copy=False
    )
    invoice_id = fields.Many2one("account.move", string="Invoice", readonly=True, copy=False)
    is_settled = fields.Boolean(compute="_compute_is_settled", store=True)

    # return-to-factory repair
    repair_id = fields.Many2one("repair.order", string="Repair Order", readonly=True, copy=False)

    # maintenance reminders
    maintenance_due_date = fields.Date(readonly=True, copy=False, index=True)

    # Service campaigns
    campaign_id = fields.Many2one(
        "aftersales.campaign", string="Campaign", index="btree_not_null", tracking=True,
        check_company=True, help="The campaign the end user is contacted about.",
    )

    can_be_started = fields.Boolean(compute="_compute_can_be")
    can_be_put_waiting = fields.Boolean(compute="_compute_can_be")
    can_be_done = fields.Boolean(compute="_compute_can_be")
    can_be_cancelled = fields.Boolean(compute="_compute_can_be")
    can_be_reset = fields.Boolean(compute="_compute_can_be")
    can_be_dispatched = fields.Boolean(compute="_compute_can_be")
    can_be_settled = fields.Boolean(compute="_compute_can_be")
    can_be_repaired = fields.Boolean(compute="_compute_can_be")

    _sql_constraints = [
        (
            "maintenance_due_uniq",
            "unique(lot_id, maintenance_due_date)",
            "A maintenance reminder already exists for this machine and due date.",
        ),
    ]

    # ---------------------------------------------------------------- computes
    @api.depends("lot_id")
    def _compute_product_id(self):
        for request in self:
            if request.lot_id:
                request.product_id = request.lot_id.product_id

    @api.depends("end_user_id")
    def _compute_machine_owner_id(self):
        owners = {
            end_user
            for [end_user] in self.env["stock.lot"]._read_group(
                [("end_user_id", "in", self.end_user_id.ids), ("is_machine", "=", True)],
                ["end_user_id"],
            )
        }
        for request in self:
            owner = request.end_user_id
            request.machine_owner_id = owner if owner in owners else False

    @api.depends("request_type")
    def _compute_service_cause(self):
        for request in self:
            request.service_cause = (
                "failure" if request.request_type in FAILURE_REQUEST_TYPES else "routine"
            )

    @api.depends("request_type", "priority", "request_date", "company_id")
    def _compute_sla_deadline(self):
        hours_map = self.env["aftersales.sla"]._get_hours_map(self.company_id)
        for request in self:
            key = (request.company_id.id, request.request_type)
            hours = hours_map.get(key + (request.priority,)) or hours_map.get(key + (False,))
            request.sla_deadline = (
                request.request_date + timedelta(hours=hours)
                if hours and request.request_date
                else False
            )

    @api.depends("sla_deadline", "state")
    def _compute_is_overdue(self):
        now = fields.Datetime.now()
        for request in self:
            request.is_overdue = bool(
                request.state in OPEN_STATES and request.sla_deadline and request.sla_deadline < now
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on overdue requests."))
        domain = [
            ("state", "in", OPEN_STATES),
            ("sla_deadline", "!=", False),
            ("sla_deadline", "<", fields.Datetime.now()),
        ]
        if (operator == "=") == value:
            return domain
        return ["!", "&", "&", *domain]

    def _compute_claim_count(self):
        for request in self:
            request.claim_count = len(request.claim_ids | request.settlement_claim_id)

    @api.depends("product_id", "request_type")
    def _compute_product_complaint_count(self):
        products = self.filtered(lambda r: r.request_type == "complaint").product_id
        counts = dict(
            self._read_group(
                [("request_type", "=", "complaint"), ("product_id", "in", products.ids)],
                ["product_id"],
                ["__count"],
            )
        )
        for request in self:
            request.product_complaint_count = (
                counts.get(request.product_id, 0) if request.request_type == "complaint" else 0
            )

    @api.depends("visit_start")
    def _compute_visit_stop(self):
        for request in self:
            if request.visit_start and (
                not request.visit_stop or request.visit_stop <= request.visit_start
            ):
                request.visit_stop = request.visit_start + timedelta(hours=2)

    @api.depends("settlement_claim_id", "invoice_id")
    def _compute_is_settled(self):
        for request in self:
            request.is_settled = bool(request.settlement_claim_id or request.invoice_id)

    @api.depends("state", "request_type", "is_settled", "repair_id", "event_id")
    def _compute_can_be(self):
        for request in self:
            is_open = request.state in OPEN_STATES
            request.can_be_started = request.state in ("new", "waiting")
            request.can_be_put_waiting = request.state in ("new", "in_progress")
            request.can_be_done = is_open
            request.can_be_cancelled = is_open
            request.can_be_reset = request.state in ("done", "cancelled")
            field_service = request.request_type == "field_service"
            request.can_be_dispatched = field_service and is_open and not request.is_settled
            request.can_be_settled = field_service and is_open and not request.is_settled
            request.can_be_repaired = (
                request.request_type == "repair" and is_open and not request.repair_id
            )

    # ---------------------------------------------------- constraints, onchanges
    @api.constrains("lot_id", "product_id")
    def _check_machine_product(self):
        for request in self:
            if request.lot_id and request.product_id and request.lot_id.product_id != request.product_id:
                raise ValidationError(
                    _(
                        "Request %(request)s: machine %(machine)s is a %(machine_product)s, not a "
                        "%(product)s. Correct the machine or the product.",
                        request=request.display_name,
                        machine=request.lot_id.display_name,
                        machine_product=request.lot_id.product_id.display_name,
                        product=request.product_id.display_name,
                    )
                )

    @api.onchange("lookup")
    def _onchange_lookup(self):
        if not self.lookup:
            return None
        found = self._lookup_caller(self.lookup)
        if not found:
            return {
                "warning": {
                    "title": _("Not found"),
                    "message": _(
                        "No machine with serial number %(text)s and no end user or dealer with "
                        "this phone number is in the archive.",
                        text=self.lookup,
                    ),
                }
            }
        for fname, record in found.items():
            self[fname] = record
        self.lookup = False
        return None

    @api.onchange("lot_id")
    def _onchange_lot_id(self):
        if self.lot_id:
            self.end_user_id = self.lot_id.end_user_id or self.end_user_id
            self.dealer_id = self.lot_id.dealer_id or self.dealer_id

    @api.onchange("end_user_id")
    def _onchange_end_user_id(self):
        if self.end_user_id and not self.dealer_id:
            self.dealer_id = self.end_user_id.aftersales_dealer_id

    # -------------------------------------------------------------------- CRUD
    @api.model_create_multi
    def create(self, vals_list):
        # Roles of the department: a request without a team goes to the team of its type's role
        routed = {}
        for vals in vals_list:
            if "team_id" not in vals:
                key = (
                    vals.get("request_type") or self.env.context.get("default_request_type")
                    or "question",
                    vals.get("company_id") or self.env.company.id,
                )
                if key not in routed:
                    routed[key] = self.env["aftersales.team"]._get_team_for_request_type(
                        key[0], self.env["res.company"].browse(key[1])
                    )
                if routed[key]:
                    vals["team_id"] = routed[key].id
        for vals in vals_list:
            lookup = vals.pop("lookup", None)
            if lookup:
                for fname, record in self._lookup_caller(lookup).items():
                    vals.setdefault(fname, record.id)
            if vals.get("lot_id") and not (vals.get("end_user_id") and vals.get("dealer_id")):
                lot = self.env["stock.lot"].browse(vals["lot_id"])
                vals.setdefault("end_user_id", lot.end_user_id.id)
                vals.setdefault("dealer_id", lot.dealer_id.id)
            if vals.get("name", _("New")) == _("New"):
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = (
                    self.env["ir.sequence"].with_company(company).next_by_code("aftersales.request")
                    or _("New")
                )
        return super().create(vals_list)

    def write(self, vals):
        if "lookup" in vals:
            lookup = vals.pop("lookup")
            if lookup:
                found = self._lookup_caller(lookup)
                vals.update({fname: record.id for fname, record in found.items()})
        return super().write(vals)

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """A request from an e-mail: the sender is looked up among end users and dealers."""
        values = dict(custom_values or {})
        email = msg_dict.get("email_from") or ""
        values.setdefault("subject", msg_dict.get("subject") or _("E-mail request"))
        values.setdefault("channel", "email")
        values["email_from"] = email
        values.setdefault("description", msg_dict.get("body"))
        partner = self._find_partner_from_email(email)
        if partner.is_end_user:
            values.setdefault("end_user_id", partner.id)
            values.setdefault("dealer_id", partner.aftersales_dealer_id.id)
            machines = self.env["stock.lot"].search(
                [("end_user_id", "=", partner.id), ("is_machine", "=", True)], limit=2
            )
            if len(machines) == 1:
                values.setdefault("lot_id", machines.id)
        elif partner.commercial_partner_id.is_dealer:
            values.setdefault("dealer_id", partner.commercial_partner_id.id)
        if not values.get("user_id"):
            team = self.env["aftersales.team"].browse(values.get("team_id"))
            values["user_id"] = team.leader_id.id
        return super().message_new(msg_dict, custom_values=values)

    @api.model
    def _find_partner_from_email(self, email):
        normalized = email_normalize(email or "")
        if not normalized:
            return self.env["res.partner"]
        return self.env["res.partner"].search(
            [("email_normalized", "=", normalized)], order="is_end_user desc, id", limit=1
        )

    # ----------------------------------------------------------------- lookup
    @api.model
    def _lookup_caller(self, text):
        """Find the machine, end user and dealer from a serial number or a phone number.
        Returns {field name: record} for what was found (empty when nothing is)."""
        text = (text or "").strip()
        if not text:
            return {}
        Lot = self.env["stock.lot"]
        # the archive's one serial lookup: case and surrounding spaces ignored, in the user's
        # companies; a serial of several machines finds none (the caller is asked which one)
        lot, problem = Lot._aftersales_find_machine(text)
        if not problem:
            found = {"lot_id": lot}
            if lot.end_user_id:
                found["end_user_id"] = lot.end_user_id
            if lot.dealer_id:
                found["dealer_id"] = lot.dealer_id
            return found
        partner = self._find_partner_from_phone(text)
        if not partner:
            return {}
        if partner.is_end_user:
            found = {"end_user_id": partner}
            if partner.aftersales_dealer_id:
                found["dealer_id"] = partner.aftersales_dealer_id
            machines = Lot.search(
                [("end_user_id", "=", partner.id), ("is_machine", "=", True)], limit=2
            )
            if len(machines) == 1:
                found["lot_id"] = machines
            return found
        return {"dealer_id": partner.commercial_partner_id}

    @api.model
    def _find_partner_from_phone(self, text):
        """An end user or a dealer (or a dealer's contact) whose phone or mobile number has the
        same digits as ``text`` (spaces, dashes and brackets ignored)."""
        # a national trunk prefix (0) is dropped: 020 7946 0000 is +44 20 7946 0000
        digits = re.sub(r"\D", "", text).lstrip("0")
        if len(digits) < 6:
            return self.env["res.partner"]
        # the last digits narrow the search down in SQL; the full comparison is done below
        tail = digits[-4:]
        pattern = "%" + "%".join(tail) + "%"
        candidates = self.env["res.partner"].search(
            [
                "|", ("is_end_user", "=", True), ("commercial_partner_id.is_dealer", "=", True),
                "|", ("phone", "=like", pattern), ("mobile", "=like", pattern),
            ],
            order="is_end_user desc, id",
        )

        def same_number(number):
            number = re.sub(r"\D", "", number or "")
            return bool(number) and (number.endswith(digits) or digits.endswith(number)) and (
                min(len(number), len(digits)) >= 6
            )

        matches = candidates.filtered(lambda p: same_number(p.phone) or same_number(p.mobile))
        return matches[:1]

    # ----------------------------------------------------------------- actions
    def action_start(self):
        self._check_can("can_be_started", _("start"))
        self.write({"state": "in_progress"})
        return True

    def action_wait(self):
        self._check_can("can_be_put_waiting", _("put on hold"))
        self.write({"state": "waiting"})
        return True

    def action_done(self):
        self._check_can("can_be_done", _("close"))
        for request in self.filtered(lambda r: r.request_type == "complaint"):
            missing = []
            if not (request.root_cause or "").strip():
                missing.append(self._fields["root_cause"]._description_string(self.env))
            if not (request.corrective_action or "").strip():
                missing.append(self._fields["corrective_action"]._description_string(self.env))
            if missing:
                raise UserError(
                    _(
                        "Complaint %(request)s cannot be closed without %(missing)s: the quality "
                        "owner records them first.",
                        request=request.display_name,
                        missing=_(" and ").join(missing),
                    )
                )
        self.write({"state": "done", "close_date": fields.Datetime.now()})
        return True

    def action_cancel(self):
        self._check_can("can_be_cancelled", _("cancel"))
        self.write({"state": "cancelled", "close_date": fields.Datetime.now()})
        return True

    def action_reset(self):
        self._check_can("can_be_reset", _("reopen"))
        self.write({"state": "in_progress", "close_date": False})
        return True

    def action_dispatch(self):
        """Send the engineer: the visit goes into the engineer's calendar."""
        self._check_can("can_be_dispatched", _("be dispatched"))
        for request in self:
            if not request.engineer_id or not request.visit_start:
                raise UserError(
                    _(
                        "Field service %(request)s: choose the engineer and the date and time of "
                        "the visit before dispatching.",
                        request=request.display_name,
                    )
                )
        Event = self.env["calendar.event"].with_context(mail_create_nosubscribe=True)
        model_id = self.env["ir.model"]._get_id(self._name)
        for request in self:
            event_vals = {
                "name": _("Field service %(request)s: %(subject)s",
                          request=request.name, subject=request.subject),
                "start": request.visit_start,
                "stop": request.visit_stop,
                "user_id": request.engineer_id.id,
                "partner_ids": [Command.set(request.engineer_id.partner_id.ids)],
                "location": request.end_user_id.contact_address or False,
                "res_model_id": model_id,
                "res_id": request.id,
            }
            if request.event_id:
                request.event_id.write(event_vals)
            else:
                request.event_id = Event.create(event_vals)
        self.filtered(lambda r: r.state != "in_progress").write({"state": "in_progress"})
        return True

    def action_settle(self):
        """Book the parts the engineer used out of the van and charge the visit: a warranty
        claim when the machine was under warranty on the visit day, otherwise an invoice to
        the dealer. Both dated and priced as the request: its fees at the version of the
        service charge standard valid on the request date."""
        self._check_can("can_be_settled", _("be settled"))
        # every visit checked before any claim, invoice or transfer draws its number
        for request in self:
            request._check_settlement()
        for request in self:
            request._create_van_picking()
            if request._is_visit_under_warranty():
                request._create_settlement_claim()
            else:
                request._create_settlement_invoice()
        self.write({"state": "done", "close_date": fields.Datetime.now()})
        return True

    def _check_settlement(self):
        self.ensure_one()
        if not self.engineer_id or not self.visit_start:
            raise UserError(
                _(
                    "Field service %(request)s: a visit needs an engineer and a date before it is "
                    "settled.",
                    request=self.display_name,
                )
            )
        visit_day = fields.Date.context_today(self, self.visit_start)
        if visit_day > fields.Date.context_today(self):
            raise UserError(
                _(
                    "Field service %(request)s: the visit is dated %(date)s, in the future. "
                    "Settle it once the engineer has been there, or correct the visit date.",
                    request=self.display_name,
                    date=format_date(self.env, visit_day),
                )
            )
        if not self.dealer_id:
            raise UserError(
                _(
                    "Field service %(request)s: set the dealer who is charged or credited for the "
                    "visit.",
                    request=self.display_name,
                )
            )
        if self.part_line_ids and not self._get_van_location():
            raise UserError(
                _(
                    "Field service %(request)s: engineer %(engineer)s has no van location. Set it "
                    "on the engineer's user (After-Sales tab) so the parts used can be booked.",
                    request=self.display_name,
                    engineer=self.engineer_id.name,
                )
            )
        if self.hours_spent < 0 or any(line.quantity <= 0 for line in self.part_line_ids):
            raise UserError(
                _(
                    "Field service %(request)s: the time spent and the quantities of parts used "
                    "must be positive.",
                    request=self.display_name,
                )
            )

    def _get_van_location(self):
        return self.engineer_id.sudo().aftersales_van_location_id

    def _is_visit_under_warranty(self):
        self.ensure_one()
        if not self.lot_id:
            return False
        visit_day = fields.Date.context_today(self, self.visit_start)
        return self.lot_id._get_warranty_state(visit_day) == "under_warranty"

    def _create_van_picking(self):
        """One transfer from the engineer's van to the customer, validated at once."""
        self.ensure_one()
        if not self.part_line_ids:
            return self.env["stock.picking"]
        van = self._get_van_location()
        warehouse = van.warehouse_id or self.env["stock.warehouse"]._get_aftersales_main_warehouse(
            self.company_id
        )
        customers = self.env.ref("stock.stock_location_customers")
        Picking = self.env["stock.picking"].sudo().with_company(self.company_id)
        picking = Picking.create({
            "picking_type_id": warehouse.out_type_id.id,
            "location_id": van.id,
            "location_dest_id": customers.id,
            "partner_id": (self.end_user_id or self.dealer_id).id,
            "origin": self.name,
            "move_ids": [
                Command.create({
                    "name": line.product_id.display_name,
                    "product_id": line.product_id.id,
                    "product_uom_qty": line.quantity,
                    "product_uom": line.product_id.uom_id.id,
                    "location_id": van.id,
                    "location_dest_id": customers.id,
                })
                for line in self.part_line_ids
            ],
        })
        picking.action_confirm()
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.move_ids.picked = True
        picking._action_done()
        self.van_picking_id = picking
        return picking

    def _create_settlement_claim(self):
        self.ensure_one()
        lines = [
            Command.create({"line_type": "part", "product_id": line.product_id.id,
                            "quantity": line.quantity})
            for line in self.part_line_ids
        ]
        if self.hours_spent and self.labour_product_id:
            lines.append(Command.create({"line_type": "labour",
                                         "product_id": self.labour_product_id.id,
                                         "quantity": self.hours_spent}))
        if self.callout_product_id:
            lines.append(Command.create({"line_type": "travel",
                                         "product_id": self.callout_product_id.id,
                                         "quantity": 1.0}))
        claim = self.env["aftersales.claim"].create({
            "company_id": self.company_id.id,
            # dated as the request: priced, like its invoice, at the standard of that day
            "date": fields.Date.context_today(self, self.request_date),
            "dealer_id": self.dealer_id.id,
            "lot_id": self.lot_id.id,
            "failure_date": fields.Date.context_today(self, self.visit_start),
            "symptom": self.subject + (
                "\n" + html2plaintext(self.description) if not is_html_empty(self.description) else ""
            ),
            "action_taken": html2plaintext(self.work_report or "") or False,
            "line_ids": lines,
        })
        self.write({"settlement_claim_id": claim.id, "claim_ids": [Command.link(claim.id)]})
        self.message_post(body=_("Settled under warranty: claim %(claim)s.", claim=claim.name))
        return claim

    def _create_settlement_invoice(self):
        self.ensure_one()
        dealer = self.dealer_id.commercial_partner_id
        pricelist = dealer._get_aftersales_pricelist(self.company_id)
        lines = []
        for line in self.part_line_ids:
            price = (
                pricelist._get_product_price(line.product_id, line.quantity)
                if pricelist else line.product_id.lst_price
            )
            lines.append(Command.create({
                "product_id": line.product_id.id, "quantity": line.quantity, "price_unit": price,
            }))
        # the fees at the version of the service charge standard valid on the request date
        rates = self.company_id._get_aftersales_fee_prices(
            self.labour_product_id | self.callout_product_id, self.request_date
        )
        if self.hours_spent and self.labour_product_id:
            lines.append(Command.create({
                "product_id": self.labour_product_id.id, "quantity": self.hours_spent,
                "price_unit": rates[self.labour_product_id],
            }))
        if self.callout_product_id:
            lines.append(Command.create({
                "product_id": self.callout_product_id.id, "quantity": 1.0,
                "price_unit": rates[self.callout_product_id],
            }))
        # service desk staff need no invoicing rights: the accountant checks and posts it
        invoice = self.env["account.move"].sudo().with_company(self.company_id).create({
            "move_type": "out_invoice",
            "partner_id": dealer.id,
            "invoice_origin": self.name,
            "ref": self.lot_id.name or False,
            "invoice_line_ids": lines,
        })
        self.invoice_id = invoice
        self.message_post(body=_("Charged to the dealer: invoice %(invoice)s.",
                                 invoice=invoice.display_name))
        return invoice

    def action_create_repair(self):
        """A repair order at the factory for the machine, under warranty when it is."""
        self._check_can("can_be_repaired", _("be sent to the factory"))
        for request in self:
            lot = request.lot_id
            if not lot:
                raise UserError(
                    _(
                        "Request %(request)s: choose the machine to repair first.",
                        request=request.display_name,
                    )
                )
            if request.product_id and lot.product_id != request.product_id:
                raise UserError(
                    _(
                        "Request %(request)s: machine %(machine)s is a %(machine_product)s, not a "
                        "%(product)s; a repair order needs the machine's own product.",
                        request=request.display_name,
                        machine=lot.display_name,
                        machine_product=lot.product_id.display_name,
                        product=request.product_id.display_name,
                    )
                )
        Repair = self.env["repair.order"].sudo()
        for request in self:
            repair = Repair.with_company(request.company_id).create(request._prepare_repair_vals())
            request.write({"repair_id": repair.id, "state": "in_progress"})
        return self.action_view_repair() if len(self) == 1 else True

    def _prepare_repair_vals(self):
        self.ensure_one()
        return {
            "product_id": self.lot_id.product_id.id,
            "lot_id": self.lot_id.id,
            "partner_id": (self.dealer_id or self.end_user_id).id,
            "under_warranty": self.lot_id.warranty_state == "under_warranty",
            "company_id": self.company_id.id,
            "internal_notes": self.description,
            "aftersales_request_id": self.id,
        }

    def action_view_repair(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "repair.order",
            "res_id": self.repair_id.id,
            "view_mode": "form",
        }

    def action_view_claims(self):
        self.ensure_one()
        return self.env["aftersales.claim"]._action_view_claims(
            [("id", "in", (self.claim_ids | self.settlement_claim_id).ids)],
            {"default_lot_id": self.lot_id.id, "default_dealer_id": self.dealer_id.id},
        )

    def action_view_invoice(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice_type")
        action.update({"res_id": self.invoice_id.id, "view_mode": "form", "views": [(False, "form")]})
        return action

    def action_view_product_complaints(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("aftersales.aftersales_request_action")
        action["domain"] = [("request_type", "=", "complaint"), ("product_id", "=", self.product_id.id)]
        action["context"] = {"default_request_type": "complaint",
                             "default_product_id": self.product_id.id}
        return action

    @api.model
    def _action_view_requests(self, domain, context=None):
        action = self.env["ir.actions.act_window"]._for_xml_id("aftersales.aftersales_request_action")
        action["domain"] = domain
        action["context"] = context or {}
        return action

    # ------------------------------------------------------------ maintenance
    @api.model
    def _cron_create_maintenance_reminders(self, today=None):
        """One outbound reminder per machine and due date (idempotent): a machine is due every
        maintenance interval after its registration; the latest due date not after today is
        reminded once, with an activity for the owner. The machines due are found here; their
        reminders are created at once, or, when a company has more than one batch of them
        (``MAINTENANCE_BATCH``), by a background job, one per company and day: started on two
        servers at once, the cron queues one job (the job's key), and a reminder created twice
        at the same moment is refused by ``maintenance_due_uniq``, its batch run again and the
        reminder found there. Returns the reminders created at once."""
        today = today or fields.Date.context_today(self)
        templates = self.env["product.template"].search(
            [("has_maintenance_reminder", "=", True), ("maintenance_interval_months", ">", 0)]
        )
        if not templates:
            return self
        lots = self.env["stock.lot"].search([
            ("product_id.product_tmpl_id", "in", templates.ids),
            ("registration_date", "!=", False),
            ("registration_date", "<", today),
        ])
        due = self._get_maintenance_due(lots, today)
        by_company = defaultdict(list)
        for lot in due:
            by_company[lot.company_id or self.env.company].append(lot.id)
        requests = self.browse()
        for company, lot_ids in by_company.items():
            try:
                start = self.with_company(company)._start_maintenance_reminders(
                    self.env["stock.lot"].browse(lot_ids), today
                )
            except UserError as error:  # the same day's reminders queued by another server
                _logger.info("Maintenance reminders of %s not queued: %s", company.name, error)
                continue
            requests |= self.browse(start.counts.get("request_ids", []))
        return requests

    @api.model
    def _start_maintenance_reminders(self, lots, today):
        """Create the reminders of ``lots`` (machines of the environment's company) due on
        ``today``, now or as a background job; a ``JobStart``."""
        company = self.env.company
        return self.env["aftersales.job"]._run_or_queue(
            self, "_job_create_maintenance_reminders", lots,
            name=_("Maintenance reminders %(date)s, %(company)s",
                   date=format_date(self.env, today), company=company.name),
            batch_size=MAINTENANCE_BATCH,
            params={"today": fields.Date.to_string(today)},
            done_method="_job_create_maintenance_reminders_done",
            key=f"aftersales.request.maintenance:{company.id}:{today}",
        )

    @api.model
    def _job_create_maintenance_reminders(self, lots, today):
        """One batch of maintenance reminders: the machines' due dates worked out again, those
        reminded meanwhile skipped (a batch run again after losing a race to another server
        finds the other's reminder)."""
        due = self._get_maintenance_due(lots, fields.Date.to_date(today))
        requests = self._create_maintenance_reminders(due)
        return {
            "created": len(requests),
            "skipped": len(lots) - len(requests),
            "request_ids": requests.ids,
        }

    @api.model
    def _job_create_maintenance_reminders_done(self, job, counts):
        message = _("Maintenance reminders created: %(count)s.", count=counts.get("created", 0))
        if counts.get("skipped"):
            message += " " + _(
                "Machines skipped, already reminded: %(count)s.", count=counts["skipped"],
            )
        return message

    @api.model
    def _get_maintenance_due(self, lots, today):
        """{machine: due date} of ``lots`` due for maintenance on ``today`` and not reminded of
        that due date yet."""
        due = {}
        for lot in lots:
            due_date = lot._get_last_maintenance_due_date(today)
            if due_date:
                due[lot] = due_date
        if not due:
            return due
        existing = {
            (lot.id, date)
            for lot, date in self.sudo()._read_group(
                [("lot_id", "in", [lot.id for lot in due]),
                 ("maintenance_due_date", "in", list(set(due.values())))],
                ["lot_id", "maintenance_due_date:day"],
            )
        }
        return {lot: date for lot, date in due.items() if (lot.id, date) not in existing}

    @api.model
    def _create_maintenance_reminders(self, due):
        """The reminders of ``due`` ({machine: due date}), each with a call activity for its
        owner, the leader of the company's first team."""
        return self._create_outbound_requests(
            [
                (lot, lambda env, lot=lot, due_date=due_date: {
                    "subject": env._("Maintenance due on %(date)s: %(machine)s",
                                     date=format_date(env, due_date), machine=lot.name),
                    "request_type": "maintenance",
                    "maintenance_due_date": due_date,
                })
                for lot, due_date in due.items()
            ],
            lambda env, request: env._(
                "Remind %(customer)s of the maintenance",
                customer=request.end_user_id.name or request.lot_id.name,
            ),
            lambda request: request.maintenance_due_date,
        )

    @api.model
    def _create_outbound_requests(self, lot_vals, summary, deadline):
        """Outbound calls about machines, each with a call activity for its owner, the leader of
        the machine company's first team: the maintenance reminders and the campaign contacts.

        :param lot_vals: list of (machine, vals(env)): the request's own values, written in
            the language and date format of the owner who reads them (``env``)
        :param summary: summary(env, request) of the call activity, in the caller's language
        :param deadline: deadline(request) of the call activity
        """
        if not lot_vals:
            return self.browse()
        teams = {}
        vals_list = []
        for lot, get_vals in lot_vals:
            company = lot.company_id or self.env.company
            if company not in teams:
                teams[company] = self.env["aftersales.team"].search(
                    [("company_id", "=", company.id)], limit=1
                )
            team = teams[company]
            # written once, in the language and date format of the owner who reads it
            owner_env = self.with_context(lang=team.leader_id.lang or self.env.lang).env
            vals_list.append({
                "channel": "outbound_call",
                "company_id": company.id,
                "team_id": team.id,
                "user_id": team.leader_id.id,
                "lot_id": lot.id,
                "end_user_id": lot.end_user_id.id,
                "dealer_id": lot.dealer_id.id,
                **get_vals(owner_env),
            })
        requests = self.with_context(mail_create_nolog=True, tracking_disable=True).create(vals_list)
        activity_type = self.env.ref("mail.mail_activity_data_call", raise_if_not_found=False)
        model_id = self.env["ir.model"]._get_id(self._name)
        self.env["mail.activity"].create([
            {
                "res_model_id": model_id,
                "res_id": request.id,
                "activity_type_id": activity_type.id if activity_type else False,
                # in the language of the one who calls
                "summary": summary(
                    self.with_context(lang=request.user_id.lang or self.env.lang).env, request
                ),
                "date_deadline": deadline(request),
                "user_id": request.user_id.id,
            }
            for request in requests.filtered("user_id")
        ])
        return requests

    # Service campaigns
    @api.model
    def _create_campaign_contacts(self, rows):
        """One outbound campaign-contact request per campaign machine of ``rows``, naming the
        campaign and the dealer that does the work, due at once."""
        today = fields.Date.context_today(self)

        def get_vals(row):
            def vals(env):
                campaign = row.campaign_id
                dealer = row.dealer_id.commercial_partner_id
                return {
                    "subject": env._(
                        "%(campaign)s: contact %(customer)s about %(machine)s",
                        campaign=campaign.display_name,
                        customer=row.end_user_id.name, machine=row.lot_id.name,
                    ),
                    "description": Markup("<p>%s</p>") % env._(
                        "Campaign %(campaign)s (%(type)s) on machine %(machine)s. Ask the end "
                        "user to have it done by dealer %(dealer)s%(phone)s.",
                        campaign=campaign.display_name,
                        type=dict(campaign._fields["campaign_type"]._description_selection(env))[
                            campaign.campaign_type
                        ],
                        machine=row.lot_id.name,
                        dealer=dealer.name or env._("(no dealer)"),
                        phone=f", {dealer.phone}" if dealer.phone else "",
                    ),
                    "request_type": "campaign",
                    "campaign_id": campaign.id,
                    "dealer_id": dealer.id,
                    "end_user_id": row.end_user_id.id,
                    "service_cause": "routine",
                }
            return vals

        return self._create_outbound_requests(
            [(row.lot_id, get_vals(row)) for row in rows],
            lambda env, request: env._(
                "Tell %(customer)s of campaign %(campaign)s",
                customer=request.end_user_id.name or request.lot_id.name,
                campaign=request.campaign_id.display_name,
            ),
            lambda request: today,
        )
