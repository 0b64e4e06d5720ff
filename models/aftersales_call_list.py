from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .aftersales_request import REQUEST_TYPES

# Handbook, section 2: besides maintenance reminders and call-backs, the hotline's outbound
# agents call lists of end users chosen by criteria, for customer care or product promotion.
CALL_LIST_STATES = [
    ("draft", "Draft"),
    ("active", "Calling"),
    ("done", "Done"),
]
CALL_LIST_PURPOSES = [
    ("care", "Customer Care"),
    ("promotion", "Product Promotion"),
    ("other", "Other"),
]
CALL_OUTCOMES = [
    ("reached", "Reached"),
    ("interested", "Interested"),
    ("not_interested", "Not Interested"),
    ("call_again", "Call Again"),
    ("unreachable", "Unreachable"),
]
# Outcomes of a call on which the end user answered.
REACHED_OUTCOMES = ("reached", "interested", "not_interested", "call_again")
# Machines put on a list in one transaction; more are put on it by a background job.
BUILD_BATCH = 500


class AftersalesCallList(models.Model):
    """A list of end users the outbound agents call, chosen by criteria, with its script and
    the outcome of every call."""

    _name = "aftersales.call.list"
    _description = "Outbound Call List"
    _inherit = ["mail.thread", "aftersales.job.mixin"]
    _order = "id desc"
    _check_company_auto = True

    # ------------------------------------------------------------------ fields
    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    state = fields.Selection(
        CALL_LIST_STATES, default="draft", required=True, copy=False, index=True, tracking=True
    )
    purpose = fields.Selection(CALL_LIST_PURPOSES, required=True, default="care", tracking=True)
    script = fields.Html(help="What the agents say on every call of the list.")
    team_id = fields.Many2one(
        "aftersales.team", string="Team", check_company=True, tracking=True,
        default=lambda self: self._default_team(),
    )
    agent_ids = fields.Many2many(
        "res.users", "aftersales_call_list_agent_rel", "list_id", "user_id", string="Outbound Agents",
        compute="_compute_agent_ids", store=True, readonly=False,
        domain="[('share', '=', False)]",
        help="The calls of the list are shared among them in turn; the team's outbound agents "
        "by default.",
    )
    followup_request_type = fields.Selection(
        REQUEST_TYPES, string="Follow-up Request Type", required=True, default="field_service",
        help="The type of the service request an interested end user's call creates.",
    )
    # criteria
    product_ids = fields.Many2many(
        "product.product", string="Products", check_company=True,
        domain="[('aftersales_part_class', '=', 'finished')]",
        help="Machines of these products; leave empty for every product.",
    )
    age_from_months = fields.Integer(
        string="Machine Age From (months)",
        help="Machines whose life started at least this many months ago (dealer delivery, "
        "else registration, else production).",
    )
    age_to_months = fields.Integer(
        string="Machine Age To (months)", help="Machines at most this many months old; 0: no limit."
    )
    dealer_ids = fields.Many2many(
        "res.partner", "aftersales_call_list_dealer_rel", "list_id", "partner_id",
        string="Dealers", domain="[('is_dealer', '=', True)]",
    )
    country_state_ids = fields.Many2many(
        "res.country.state", string="Regions", help="Regions (states) of the end users."
    )
    country_ids = fields.Many2many("res.country", string="Countries")
    no_contact_days = fields.Integer(
        string="No Contact for (days)",
        help="Only end users with no service request and no call-back in this many days; "
        "0: whatever their last contact.",
    )
    line_ids = fields.One2many("aftersales.call.list.line", "list_id", string="Calls")
    line_count = fields.Integer(compute="_compute_results", string="Number of Calls")
    called_count = fields.Integer(compute="_compute_results", string="Called")
    reached_count = fields.Integer(compute="_compute_results", string="Reached")
    interested_count = fields.Integer(compute="_compute_results", string="Interested")
    followup_count = fields.Integer(compute="_compute_results", string="Follow-ups")
    reached_rate = fields.Float(
        compute="_compute_results", string="Reached (%)", digits=(5, 1),
        help="End users reached among those called.",
    )
    interested_rate = fields.Float(
        compute="_compute_results", string="Interested (%)", digits=(5, 1),
        help="End users interested among those reached.",
    )

    # ---------------------------------------------------------------- defaults
    @api.model
    def _default_team(self):
        Team = self.env["aftersales.team"]
        return Team._get_team_for_request_type("callback", self.env.company) or Team._get_default_team()

    # ---------------------------------------------------------------- computes
    @api.depends("team_id")
    def _compute_agent_ids(self):
        for call_list in self:
            call_list.agent_ids = call_list.team_id.outbound_agent_ids.filtered("active")

    def _compute_results(self):
        results = {call_list.id: dict.fromkeys(("lines", "called", "reached", "interested",
                                                 "followups"), 0) for call_list in self}
        for call_list, outcome, count, requests, leads in self.env[
            "aftersales.call.list.line"
        ]._read_group(
            [("list_id", "in", self.ids)], ["list_id", "outcome"],
            ["__count", "request_id:count", "lead_id:count"],
        ):
            result = results[call_list.id]
            result["lines"] += count
            result["followups"] += requests + leads
            if outcome:
                result["called"] += count
            if outcome in REACHED_OUTCOMES:
                result["reached"] += count
            if outcome == "interested":
                result["interested"] += count
        for call_list in self:
            result = results[call_list.id]
            call_list.line_count = result["lines"]
            call_list.called_count = result["called"]
            call_list.reached_count = result["reached"]
            call_list.interested_count = result["interested"]
            call_list.followup_count = result["followups"]
            call_list.reached_rate = (
                100.0 * result["reached"] / result["called"] if result["called"] else 0.0
            )
            call_list.interested_rate = (
                100.0 * result["interested"] / result["reached"] if result["reached"] else 0.0
            )

    # ------------------------------------------------------------- constraints
    @api.constrains("age_from_months", "age_to_months", "no_contact_days")
    def _check_criteria(self):
        for call_list in self:
            if min(call_list.age_from_months, call_list.age_to_months, call_list.no_contact_days) < 0:
                raise ValidationError(_(
                    "Call list %(list)s: machine ages and days without contact cannot be "
                    "negative.", list=call_list.display_name,
                ))
            if call_list.age_to_months and call_list.age_from_months > call_list.age_to_months:
                raise ValidationError(_(
                    "Call list %(list)s: the machine age from (%(from)s months) is above the age "
                    "to (%(to)s months). Correct one of them.", list=call_list.display_name,
                    **{"from": call_list.age_from_months, "to": call_list.age_to_months},
                ))

    # ----------------------------------------------------------------- actions
    def action_build_list(self):
        """Put on the list one machine of each end user the criteria select and the list does
        not hold yet, each call given to the next agent in turn; a large list is built by a
        background job."""
        self.ensure_one()
        if self.state == "done":
            raise UserError(_("Call list %(list)s is done: reset it to draft to add calls.",
                              list=self.display_name))
        self._check_no_running_job()
        lots = self._get_candidate_machines()
        if not lots:
            raise UserError(_(
                "Call list %(list)s: no end user matches the criteria who is not on the list "
                "already. Widen the criteria.", list=self.display_name,
            ))
        start = self.env["aftersales.job"]._run_or_queue(
            self, "_job_build_lines", lots,
            name=_("Build call list %(list)s", list=self.display_name),
            batch_size=BUILD_BATCH,
            done_method="_job_build_lines_done",
            key=self._get_aftersales_job_key(),
            sequential=True,
        )
        if start.job:
            return start.job._action_queued()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Call List Built"), "message": start.summary, "type": "success",
                "sticky": False, "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_activate(self):
        for call_list in self:
            if call_list.state != "draft":
                raise UserError(_("Call list %(list)s is not a draft.", list=call_list.display_name))
            if not call_list.line_ids:
                raise UserError(_(
                    "Call list %(list)s has no calls: build the list first.",
                    list=call_list.display_name,
                ))
        self.write({"state": "active"})
        return True

    def action_done(self):
        self.write({"state": "done"})
        return True

    def action_reset_to_draft(self):
        self.write({"state": "draft"})
        return True

    def action_view_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "aftersales.aftersales_call_list_line_action"
        )
        action["domain"] = [("list_id", "=", self.id)]
        action["context"] = {"default_list_id": self.id, "search_default_to_call": 1}
        return action

    # -------------------------------------------------------- business methods
    def _get_candidate_machines(self):
        """One machine of each end user the criteria select, not on the list yet and not
        contacted within the days without contact: one search of the archive, one grouped
        read of the requests and one of the call-backs, whatever the number of end users."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        domain = [
            ("is_machine", "=", True),
            ("end_user_id", "!=", False),
            ("company_id", "in", [self.company_id.id, False]),
        ]
        if self.product_ids:
            domain.append(("product_id", "in", self.product_ids.ids))
        if self.age_from_months:
            domain.append(("life_start_date", "<=", today - relativedelta(months=self.age_from_months)))
        if self.age_to_months:
            domain.append(("life_start_date", ">=", today - relativedelta(months=self.age_to_months)))
        if self.dealer_ids:
            domain.append(("dealer_id", "child_of", self.dealer_ids.ids))
        if self.country_state_ids:
            domain.append(("end_user_id.state_id", "in", self.country_state_ids.ids))
        if self.country_ids:
            domain.append(("end_user_id.country_id", "in", self.country_ids.ids))
        if self.line_ids:
            domain.append(("end_user_id", "not in", self.line_ids.end_user_id.ids))
        lots = self.env["stock.lot"].search(domain, order="life_start_date, id")
        if self.no_contact_days and lots:
            since = fields.Datetime.now() - timedelta(days=self.no_contact_days)
            end_user_ids = lots.end_user_id.ids
            contacted = {
                end_user.id for [end_user] in self.env["aftersales.request"].sudo()._read_group(
                    [("end_user_id", "in", end_user_ids), ("request_date", ">=", since)],
                    ["end_user_id"],
                )
            } | {
                end_user.id for [end_user] in self.env["aftersales.callback"].sudo()._read_group(
                    [("end_user_id", "in", end_user_ids), ("call_date", ">=", since)],
                    ["end_user_id"],
                )
            }
            lots = lots.filtered(lambda lot: lot.end_user_id.id not in contacted)
        # each end user's oldest machine, the oldest first
        seen = set()
        picked = []
        for lot in lots:
            if lot.end_user_id.id not in seen:
                seen.add(lot.end_user_id.id)
                picked.append(lot.id)
        return self.env["stock.lot"].browse(picked)

    def _job_build_lines(self, lots):
        """One batch of calls: the end users of ``lots`` the list does not hold yet, given to
        the agents in turn after the agent of the list's latest call."""
        self.ensure_one()
        Line = self.env["aftersales.call.list.line"]
        known = set(Line.search([("list_id", "=", self.id)]).end_user_id.ids)
        lots = lots.filtered(lambda lot: lot.end_user_id.id not in known)
        agents = self.agent_ids.filtered("active").sorted("id")
        last = Line.search(
            [("list_id", "=", self.id), ("user_id", "in", agents.ids)], order="id desc", limit=1
        ).user_id
        turns = agents._aftersales_take_turns(last, len(lots)) or [self.env["res.users"]] * len(lots)
        Line.create([
            {
                "list_id": self.id,
                "lot_id": lot.id,
                "end_user_id": lot.end_user_id.id,
                "dealer_id": lot.dealer_id.commercial_partner_id.id,
                "user_id": agent.id,
            }
            for lot, agent in zip(lots, turns)
        ])
        return {"created": len(lots)}

    def _job_build_lines_done(self, job, counts):
        return _("Calls added to the list: %(count)s.", count=counts.get("created", 0))
