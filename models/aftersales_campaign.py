import re
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tools import SQL, format_date
from odoo.tools.safe_eval import safe_eval
from odoo.tools.translate import LazyTranslate

from .aftersales_claim import CAMPAIGN_CLAIM_TYPE, ONCE_APPROVED_STATES
from .own_table_sql import bulk_create

_lt = LazyTranslate(__name__)

CAMPAIGN_STATES = [
    ("draft", "Draft"),
    ("active", "Active"),
    ("closed", "Closed"),
]
CAMPAIGN_TYPES = [
    ("safety_recall", "Safety Recall"),
    ("mandatory", "Mandatory Service Action"),
    ("optional", "Optional Upgrade"),
]
SELECTION_MODES = [
    ("serial_list", "Serial List"),
    ("serial_range", "Serial Range"),
    ("production_date", "Production Dates"),
    ("filter", "Filter on the Archive"),
]
# End users contacted in one transaction of a background job; no more are contacted at once,
# in the request of the button.
CONTACT_BATCH = 200
# Open machines listed in a dealer's reminder; the others are counted.
MAX_REMINDER_MACHINES = 50


class AftersalesCampaign(models.Model):
    """A service campaign or recall: the manufacturer pays the dealers to do the same work (a kit
    of parts and labour hours) on every machine of a batch with a known defect, failed or not."""

    _name = "aftersales.campaign"
    _description = "Service Campaign"
    _inherit = [
        "mail.thread", "mail.activity.mixin", "aftersales.state.gate.mixin", "aftersales.job.mixin",
    ]
    _order = "date_start desc, id desc"
    _check_company_auto = True
    _state_gate_message = _lt("Campaign %(record)s is %(state)s and cannot be %(verb)s.")

    # ------------------------------------------------------------------ fields
    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, index="trigram",
        default=lambda self: _("New"),
    )
    title = fields.Char(required=True, tracking=True, translate=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        CAMPAIGN_STATES, default="draft", required=True, copy=False, index=True, tracking=True
    )
    campaign_type = fields.Selection(
        CAMPAIGN_TYPES, string="Type", required=True, default="safety_recall", tracking=True,
        help="Safety recall: a defect that endangers people; every machine must be fixed, in or "
        "out of warranty.\nMandatory service action: a defect every machine must have fixed.\n"
        "Optional upgrade: an improvement offered to the end users.",
    )
    product_ids = fields.Many2many(
        "product.product", string="Products", required=True, check_company=True,
        domain="[('aftersales_part_class', '=', 'finished')]",
        help="The finished products whose machines the campaign may affect.",
    )
    selection_mode = fields.Selection(
        SELECTION_MODES, string="Affected Machines by", required=True, default="serial_range",
        help="How the affected machines of the products are chosen: a list of serial numbers, "
        "a range of serial numbers (compared as text, so give numbers of the same length), a "
        "range of production dates, or any filter on the machine archive.",
    )
    serial_list = fields.Text(
        string="Serial Numbers", help="One serial number a line (or separated by commas)."
    )
    serial_from = fields.Char(string="From Serial")
    serial_to = fields.Char(string="To Serial")
    production_date_from = fields.Date(string="Produced from")
    production_date_to = fields.Date(string="Produced to")
    lot_domain = fields.Char(string="Machine Filter", default="[]")
    request_id = fields.Many2one(
        "aftersales.request", string="Complaint", check_company=True, index="btree_not_null",
        domain="[('request_type', '=', 'complaint')]",
        help="The complaint or quality case that revealed the defect, where there is one.",
    )
    reason = fields.Text(help="The defect and why the campaign was opened.")
    line_ids = fields.One2many(
        "aftersales.campaign.line", "campaign_id", string="Kit", copy=True,
        help="The parts the dealer fits on every affected machine.",
    )
    labour_product_id = fields.Many2one(
        "product.product", string="Labour Fee", check_company=True,
        domain="[('aftersales_fee_type', '=', 'labour')]",
        default=lambda self: self.env.ref("aftersales.product_fee_labour", raise_if_not_found=False),
    )
    labour_hours = fields.Float(
        string="Labour Hours", digits=(12, 2), help="Hours of labour paid per machine."
    )
    date_start = fields.Date(
        string="Start", required=True, default=fields.Date.context_today, tracking=True
    )
    date_end = fields.Date(string="End", tracking=True, help="Last day a campaign claim may be dated.")
    amount_estimate_unit = fields.Monetary(
        string="Estimate per Machine", compute="_compute_amount_estimate_unit",
        help="Draft: the kit and labour priced as a claim of today, at list prices (before any "
        "dealer's price list). Active: the estimate divided by the machines affected.",
    )
    amount_estimate = fields.Monetary(
        string="Estimate", readonly=True, copy=False, tracking=True,
        help="The kit and labour of every affected machine priced as a claim of its dealer, "
        "worked out when the campaign is activated.",
    )
    amount_cost = fields.Monetary(
        string="Cost so Far", compute="_compute_counts",
        help="Approved amounts of the campaign's claims.",
    )
    machine_ids = fields.One2many("aftersales.campaign.machine", "campaign_id", string="Machines")
    machine_count = fields.Integer(string="Affected", compute="_compute_counts")
    done_count = fields.Integer(string="Done", compute="_compute_counts")
    open_count = fields.Integer(string="Open", compute="_compute_counts")
    progress = fields.Float(string="Progress (%)", compute="_compute_counts")
    claim_ids = fields.One2many("aftersales.claim", "campaign_id", string="Claims")
    claim_count = fields.Integer(compute="_compute_counts")
    request_ids = fields.One2many("aftersales.request", "campaign_id", string="Contact Requests")
    request_count = fields.Integer(compute="_compute_counts")

    can_be_activated = fields.Boolean(compute="_compute_can_be")
    can_be_closed = fields.Boolean(compute="_compute_can_be")
    can_be_reset = fields.Boolean(compute="_compute_can_be")

    # ---------------------------------------------------------------- computes
    @api.depends("name", "title")
    def _compute_display_name(self):
        for campaign in self:
            campaign.display_name = (
                f"{campaign.name}: {campaign.title}" if campaign.title else campaign.name
            )

    @api.depends(
        "line_ids.product_id", "line_ids.quantity", "labour_hours", "labour_product_id",
        "amount_estimate", "state",
    )
    def _compute_amount_estimate_unit(self):
        counts = dict(self.env["aftersales.campaign.machine"]._read_group(
            [("campaign_id", "in", self.ids)], ["campaign_id"], ["__count"]
        )) if self.ids else {}
        for campaign in self:
            count = counts.get(campaign, 0)
            if campaign.state != "draft" and count:
                campaign.amount_estimate_unit = campaign.amount_estimate / count
            else:
                campaign.amount_estimate_unit = campaign._get_claim_estimate()

    def _compute_counts(self):
        rows = defaultdict(lambda: defaultdict(int))
        for campaign, state, count in self.env["aftersales.campaign.machine"]._read_group(
            [("campaign_id", "in", self.ids)], ["campaign_id", "state"], ["__count"]
        ):
            rows[campaign][state] = count
        Claim = self.env["aftersales.claim"]
        claims = dict(Claim._read_group([("campaign_id", "in", self.ids)], ["campaign_id"], ["__count"]))
        costs = dict(Claim._read_group(
            [("campaign_id", "in", self.ids), ("state", "in", ONCE_APPROVED_STATES)],
            ["campaign_id"], ["amount_approved:sum"],
        ))
        requests = dict(self.env["aftersales.request"]._read_group(
            [("campaign_id", "in", self.ids)], ["campaign_id"], ["__count"]
        ))
        for campaign in self:
            done, open_ = rows[campaign]["done"], rows[campaign]["open"]
            campaign.done_count = done
            campaign.open_count = open_
            campaign.machine_count = done + open_
            campaign.progress = 100.0 * done / (done + open_) if done + open_ else 0.0
            campaign.claim_count = claims.get(campaign, 0)
            campaign.amount_cost = costs.get(campaign, 0.0)
            campaign.request_count = requests.get(campaign, 0)

    @api.depends("state", "claim_ids")
    def _compute_can_be(self):
        for campaign in self:
            campaign.can_be_activated = campaign.state == "draft"
            campaign.can_be_closed = campaign.state == "active"
            # back to draft only before any dealer filed a claim for it
            campaign.can_be_reset = campaign.state in ("active", "closed") and not campaign.claim_ids

    # ------------------------------------------------------------- constraints
    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for campaign in self:
            if campaign.date_end and campaign.date_end < campaign.date_start:
                raise ValidationError(_(
                    "Campaign %(campaign)s ends on %(end)s, before it starts on %(start)s.",
                    campaign=campaign.display_name,
                    end=format_date(self.env, campaign.date_end),
                    start=format_date(self.env, campaign.date_start),
                ))

    @api.constrains("labour_hours")
    def _check_labour_hours(self):
        for campaign in self:
            if campaign.labour_hours < 0:
                raise ValidationError(_(
                    "Campaign %(campaign)s: the labour hours cannot be negative.",
                    campaign=campaign.display_name,
                ))

    # -------------------------------------------------------------------- CRUD
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", _("New")) == _("New"):
                sequence = self.env["ir.sequence"].with_company(vals.get("company_id"))
                vals["name"] = sequence.next_by_code("aftersales.campaign") or _("New")
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_draft(self):
        for campaign in self:
            if campaign.state != "draft":
                raise UserError(_(
                    "Campaign %(campaign)s is %(state)s: close it instead of deleting it.",
                    campaign=campaign.display_name, state=campaign._get_state_label(),
                ))

    # ----------------------------------------------------------------- actions
    def action_activate(self):
        """List the affected machines (with their dealer and end user of today) and open the
        campaign to claims. Refuses a campaign that affects no machine."""
        self.check_access("write")
        self._check_can("can_be_activated", _("activated"))
        for campaign in self:
            campaign._check_activable()
            rows = campaign._create_machine_rows()
            if not rows:
                raise UserError(_(
                    "Campaign %(campaign)s affects no machine: no machine of %(products)s fits "
                    "its selection. Check the products and the serial numbers, dates or filter.",
                    campaign=campaign.display_name,
                    products=", ".join(campaign.product_ids.mapped("display_name")),
                ))
            campaign.write({"state": "active", "amount_estimate": campaign._get_total_estimate()})
            campaign.message_post(
                body=_("Activated: %(count)s machines affected.", count=len(rows)),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_close(self):
        self._check_can("can_be_closed", _("closed"))
        self.write({"state": "closed"})
        return True

    def action_reset_to_draft(self):
        """Back to draft, before any claim: the machines listed are dropped, to be listed again
        at the next activation."""
        self._check_can("can_be_reset", _("reset to draft"))
        self.machine_ids.unlink()
        self.write({"state": "draft", "amount_estimate": 0.0})
        return True

    def action_view_machines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "aftersales.aftersales_campaign_machine_action"
        )
        action["domain"] = [("campaign_id", "=", self.id)]
        action["context"] = {"default_campaign_id": self.id, "create": False}
        return action

    def action_view_dealer_progress(self):
        action = self.action_view_machines()
        action.update({
            "name": _("Progress per Dealer"),
            "view_mode": "pivot,graph,list",
            "views": [(False, "pivot"), (False, "graph"), (False, "list")],
        })
        return action

    def action_view_claims(self):
        self.ensure_one()
        return self.env["aftersales.claim"]._action_view_claims(
            [("campaign_id", "=", self.id)],
            {"default_campaign_id": self.id, "default_claim_type": CAMPAIGN_CLAIM_TYPE},
        )

    def action_view_requests(self):
        self.ensure_one()
        return self.env["aftersales.request"]._action_view_requests(
            [("campaign_id", "=", self.id)], {"default_campaign_id": self.id},
        )

    def action_contact_end_users(self):
        """One outbound campaign-contact request per open machine whose end user was not
        contacted for this campaign yet, routed to the company's outbound team; many are
        created by a background job."""
        self.ensure_one()
        if self.state != "active":
            raise UserError(_(
                "Campaign %(campaign)s is %(state)s: end users are contacted while it is active.",
                campaign=self.display_name, state=self._get_state_label(),
            ))
        rows = self._get_rows_to_contact()
        if not rows:
            raise UserError(_(
                "Campaign %(campaign)s: every end user of an open machine has been contacted "
                "already (or the open machines have no end user).",
                campaign=self.display_name,
            ))
        start = self.env["aftersales.job"]._run_or_queue(
            self, "_job_contact_end_users", rows,
            name=_("Contact end users, %(campaign)s", campaign=self.display_name),
            batch_size=CONTACT_BATCH,
            done_method="_job_contact_end_users_done",
            key=self._get_aftersales_job_key(),
        )
        if start.job:
            return start.job._action_queued()
        return self._notify(_("End Users Contacted"), start.summary)

    def action_remind_dealers(self):
        """Remind every dealer with open machines in these campaigns, one message each."""
        count = self._remind_dealers()
        return self._notify(
            _("Dealers Reminded"), _("%(count)s dealers reminded.", count=count)
        )

    def _notify(self, title, message):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": title, "message": message, "type": "success", "sticky": False,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    # -------------------------------------------------------- business methods
    def _check_activable(self):
        self.ensure_one()
        if not self.line_ids and not self.labour_hours:
            raise UserError(_(
                "Campaign %(campaign)s has no work to pay: add the parts kit or the labour hours.",
                campaign=self.display_name,
            ))
        if self.labour_hours and not self.labour_product_id:
            raise UserError(_(
                "Campaign %(campaign)s: choose the labour fee its labour hours are paid at.",
                campaign=self.display_name,
            ))

    def _get_serial_list(self):
        return [serial for serial in re.split(r"[\s,;]+", self.serial_list or "") if serial]

    def _get_machine_domain(self):
        """The machines of the archive the campaign affects, by its selection mode."""
        self.ensure_one()
        domain = [
            ("is_machine", "=", True),
            ("product_id", "in", self.product_ids.ids),
            ("company_id", "=", self.company_id.id),
        ]
        mode = self.selection_mode
        if mode == "serial_list":
            serials = self._get_serial_list()
            if not serials:
                raise UserError(_(
                    "Campaign %(campaign)s: enter the serial numbers of the affected machines.",
                    campaign=self.display_name,
                ))
            return domain + [("name", "in", serials)]
        if mode == "serial_range":
            if not (self.serial_from and self.serial_to):
                raise UserError(_(
                    "Campaign %(campaign)s: enter the first and the last serial number of the "
                    "range.", campaign=self.display_name,
                ))
            return domain + [("name", ">=", self.serial_from.strip()),
                             ("name", "<=", self.serial_to.strip())]
        if mode == "production_date":
            if not (self.production_date_from and self.production_date_to):
                raise UserError(_(
                    "Campaign %(campaign)s: enter the first and the last production date.",
                    campaign=self.display_name,
                ))
            return domain + [("production_date", ">=", self.production_date_from),
                             ("production_date", "<=", self.production_date_to)]
        try:
            extra = safe_eval(self.lot_domain or "[]")
        except Exception as error:
            raise UserError(_(
                "Campaign %(campaign)s: the machine filter cannot be read (%(error)s).",
                campaign=self.display_name, error=error,
            )) from None
        return domain + list(extra)

    def _create_machine_rows(self):
        """List the affected machines: one row per machine with its product, dealer and end user.

        Two queries whatever the number of machines (benchmarks/bench_campaign.py: the ORM's
        ``create`` of 20,000 rows takes far longer and one INSERT per 100 rows). The machines are
        searched with the user's rights (record rules of stock.lot) in the campaign's company,
        so ``check_company`` holds; a campaign is activated from draft, which has no rows, so
        ``campaign_lot_uniq`` holds (the database checks it anyway); ``done_count`` is the one
        stored computed field, 0 for an open row; ``bulk_create`` checks the create access and
        the record rules."""
        self.ensure_one()
        Machine = self.env["aftersales.campaign.machine"]
        self.env.flush_all()  # the query below reads the tables, not the ORM's cache
        query = self.env["stock.lot"]._search(self._get_machine_domain())
        self.env.cr.execute(query.select(*(
            SQL.identifier(query.table, fname)
            for fname in ("id", "product_id", "dealer_id", "end_user_id")
        )))
        rows = self.env.cr.fetchall()
        if self.selection_mode == "serial_list":
            self._check_serials_found({lot_id for lot_id, *_rest in rows})
        rows = bulk_create(Machine, [
            {
                "campaign_id": self.id,
                "company_id": self.company_id.id,
                "lot_id": lot_id,
                "product_id": product_id,
                "dealer_id": dealer_id,
                "end_user_id": end_user_id,
                "state": "open",
                "done_count": 0,
            }
            for lot_id, product_id, dealer_id, end_user_id in rows
        ])
        self.invalidate_recordset()  # machines and counts, written by SQL
        return rows

    def _check_serials_found(self, lot_ids):
        """Refuse a serial list naming machines that are not machines of the products."""
        found = set(self.env["stock.lot"].browse(lot_ids).mapped("name"))
        missing = [serial for serial in self._get_serial_list() if serial not in found]
        if missing:
            raise UserError(_(
                "Campaign %(campaign)s: %(serials)s are not machines of %(products)s in the "
                "archive. Correct or remove them.",
                campaign=self.display_name, serials=", ".join(missing[:20]),
                products=", ".join(self.product_ids.mapped("display_name")),
            ))

    def _prepare_claim_line_commands(self):
        """The claim lines of the campaign's work: the kit's parts (confirmed by the campaign
        itself) and the labour hours."""
        self.ensure_one()
        commands = [
            Command.create({
                "line_type": "part",
                "product_id": line.product_id.id,
                "quantity": line.quantity,
                "is_part_confirmed": True,
            })
            for line in self.line_ids
        ]
        if self.labour_hours and self.labour_product_id:
            commands.append(Command.create({
                "line_type": "labour",
                "product_id": self.labour_product_id.id,
                "quantity": self.labour_hours,
            }))
        return commands

    def _prepare_claim_vals(self, machine_row, dealer=None):
        """The values of the campaign claim of ``machine_row`` (an aftersales.campaign.machine of
        this campaign) filed by ``dealer`` (by default the machine's): the kit and labour as
        lines, priced as every claim is; the work date is today."""
        self.ensure_one()
        dealer = (dealer or machine_row.dealer_id).commercial_partner_id
        return {
            "company_id": self.company_id.id,
            "claim_type": CAMPAIGN_CLAIM_TYPE,
            "campaign_id": self.id,
            "dealer_id": dealer.id,
            "lot_id": machine_row.lot_id.id,
            "failure_date": fields.Date.context_today(self),
            "symptom": self.title,
            "cause": self.reason or self.title,
            "action_taken": _("Campaign %(campaign)s carried out.", campaign=self.display_name),
            "line_ids": self._prepare_claim_line_commands(),
        }

    def _get_claim_estimate(self, dealer=None):
        """The amount of one campaign claim filed today by ``dealer`` (no dealer: at list
        prices), priced by the claim lines' own pricing."""
        self.ensure_one()
        claim = self.env["aftersales.claim"].new({
            "company_id": self.company_id.id,
            "claim_type": CAMPAIGN_CLAIM_TYPE,
            "dealer_id": dealer.id if dealer else False,
            "date": fields.Date.context_today(self),
            "line_ids": self._prepare_claim_line_commands(),
        })
        return claim.amount_claimed

    def _get_total_estimate(self):
        """Every affected machine's campaign claim priced for its dealer: one pricing per price
        list the dealers buy at (not per machine)."""
        self.ensure_one()
        counts = self.env["aftersales.campaign.machine"]._read_group(
            [("campaign_id", "=", self.id)], ["dealer_id"], ["__count"]
        )
        by_pricelist = defaultdict(int)
        dealers = {}
        for dealer, count in counts:
            dealer = dealer.commercial_partner_id
            pricelist = dealer._get_aftersales_pricelist(self.company_id)
            by_pricelist[pricelist] += count
            dealers.setdefault(pricelist, dealer)
        return sum(
            count * self._get_claim_estimate(dealers[pricelist])
            for pricelist, count in by_pricelist.items()
        )

    def _get_rows_to_contact(self):
        """The open machines with an end user not yet contacted for this campaign."""
        self.ensure_one()
        contacted = self.env["aftersales.request"]._search([
            ("campaign_id", "=", self.id), ("state", "!=", "cancelled"), ("lot_id", "!=", False),
        ])
        return self.env["aftersales.campaign.machine"].search([
            ("campaign_id", "=", self.id),
            ("state", "=", "open"),
            ("end_user_id", "!=", False),
            ("lot_id", "not in", contacted.subselect(SQL.identifier(contacted.table, "lot_id"))),
        ])

    def _job_contact_end_users(self, rows):
        """One batch of contact requests: rows contacted meanwhile are skipped."""
        self.ensure_one()
        rows = rows.exists() & self._get_rows_to_contact()
        requests = self.env["aftersales.request"]._create_campaign_contacts(rows)
        return {"created": len(requests), "request_ids": requests.ids}

    def _job_contact_end_users_done(self, job, counts):
        return _("Campaign contact requests created: %(count)s.", count=counts.get("created", 0))

    def _remind_dealers(self):
        """Post a reminder to every dealer with open machines in these campaigns: one message per
        campaign and dealer, listing its open machines, with the dealer as recipient (e-mailed
        as every chatter message is). Returns the number of messages."""
        view = self.env.ref("aftersales.aftersales_campaign_reminder_message")
        sent = 0
        for campaign in self:
            if campaign.state != "active":
                raise UserError(_(
                    "Campaign %(campaign)s is %(state)s: dealers are reminded while it is active.",
                    campaign=campaign.display_name, state=campaign._get_state_label(),
                ))
            open_rows = self.env["aftersales.campaign.machine"].search(
                [("campaign_id", "=", campaign.id), ("state", "=", "open"),
                 ("dealer_id", "!=", False)],
            )
            for dealer, rows in open_rows.grouped(lambda r: r.dealer_id.commercial_partner_id).items():
                # written in the dealer's language, as the statement's e-mail is
                dealer_campaign = campaign.with_context(lang=dealer.lang or self.env.lang)
                dealer_env = dealer_campaign.env
                dealer_campaign.message_post_with_source(
                    view,
                    render_values={
                        "dealer": dealer,
                        "campaign_type": dict(
                            self._fields["campaign_type"]._description_selection(dealer_env)
                        )[campaign.campaign_type],
                        "rows": rows[:MAX_REMINDER_MACHINES],
                        "more": max(len(rows) - MAX_REMINDER_MACHINES, 0),
                    },
                    subject=dealer_env._(
                        "Campaign %(campaign)s: machines still to do",
                        campaign=dealer_campaign.display_name,
                    ),
                    message_type="comment",
                    subtype_xmlid="mail.mt_comment",
                    partner_ids=dealer.ids,
                )
                sent += 1
        return sent

    @api.model
    def _cron_remind_dealers(self):
        """Weekly: remind the dealers of every active campaign with open machines."""
        campaigns = self.search([("state", "=", "active"), ("machine_ids.state", "=", "open")])
        for company, company_campaigns in campaigns.grouped("company_id").items():
            company_campaigns.with_company(company)._remind_dealers()
        return True
