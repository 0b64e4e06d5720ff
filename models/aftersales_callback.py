import logging

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.translate import LazyTranslate

_logger = logging.getLogger(__name__)

_lt = LazyTranslate(__name__)

CALLBACK_STATES = [
    ("planned", "To Call"),
    ("done", "Answered"),
    ("unreachable", "Unreachable"),
    ("cancelled", "Cancelled"),
]
# Call-backs made, answered or not: the hotline time was spent (life-cycle cost).
CALLED_STATES = ("done", "unreachable")
# One scale for both questions.
SCORE_MIN, SCORE_MAX = 1, 5
# Claims given their call-back in one transaction of the call-back round; a round of no more
# runs at once.
CALLBACK_ROUND_BATCH = 100


class AftersalesCallback(models.Model):
    """An outbound satisfaction call-back to an end user after a settled claim (or a service):
    the hotline agent records a product-quality and a service-quality score on one scale."""

    _name = "aftersales.callback"
    _description = "Satisfaction Call-back"
    _inherit = ["mail.thread", "mail.activity.mixin", "aftersales.state.gate.mixin"]
    _order = "due_date desc, id desc"
    _check_company_auto = True
    _state_gate_message = _lt("Call-back %(record)s is %(state)s and cannot be %(verb)s.")

    # ------------------------------------------------------------------ fields
    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, index="trigram",
        default=lambda self: _("New"),
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        CALLBACK_STATES, default="planned", required=True, copy=False, index=True, tracking=True
    )
    claim_id = fields.Many2one(
        "aftersales.claim",
        string="Claim",
        index="btree_not_null",
        copy=False,
        check_company=True,
        ondelete="cascade",  # only draft and cancelled claims are deleted: never called back
        help="The settled warranty claim this call-back follows up. A claim is called back once.",
    )
    lot_id = fields.Many2one(
        "stock.lot", string="Machine", index=True, check_company=True,
        domain="[('is_machine', '=', True)]",
    )
    product_id = fields.Many2one(
        "product.product", string="Product", index=True, check_company=True,
        compute="_compute_from_machine", store=True, readonly=False, precompute=True,
        domain="[('aftersales_part_class', '=', 'finished')]",
    )
    dealer_id = fields.Many2one(
        "res.partner", string="Dealer", index=True, check_company=True,
        compute="_compute_from_machine", store=True, readonly=False, precompute=True,
        domain="[('is_dealer', '=', True)]",
        help="The dealer that served the end user.",
    )
    end_user_id = fields.Many2one(
        "res.partner", string="End User", required=True, index=True,
        compute="_compute_from_machine", store=True, readonly=False, precompute=True,
        domain="[('is_end_user', '=', True)]", tracking=True,
    )
    phone = fields.Char(related="end_user_id.phone", string="Phone")
    mobile = fields.Char(related="end_user_id.mobile", string="Mobile")
    email = fields.Char(related="end_user_id.email", string="E-mail")
    due_date = fields.Date(
        required=True, index=True, tracking=True, default=fields.Date.context_today
    )
    user_id = fields.Many2one(
        "res.users", string="Agent", index=True, tracking=True,
        domain="[('share', '=', False)]", default=lambda self: self._default_user_id(),
    )
    call_date = fields.Datetime(string="Called on", readonly=True, copy=False)
    product_quality_score = fields.Integer(
        string="Product Quality",
        tracking=True,
        copy=False,
        help="How satisfied the end user is with the machine itself, from 1 (very "
        "dissatisfied) to 5 (very satisfied).",
    )
    service_quality_score = fields.Integer(
        string="Service Quality",
        tracking=True,
        copy=False,
        help="How satisfied the end user is with the service they received, from 1 (very "
        "dissatisfied) to 5 (very satisfied).",
    )
    # The satisfaction index has its one home here, stored: both analysis views sum this column
    # (a group's satisfaction is the sum of its answers' indexes over their count).
    satisfaction_weight = fields.Float(
        string="Weight w",
        compute="_compute_satisfaction",
        store=True,
        digits=(3, 2),
        help="Weight of product quality in the satisfaction: the product category's own weight, "
        "else the company's.",
    )
    satisfaction = fields.Float(
        compute="_compute_satisfaction",
        store=True,
        digits=(3, 2),
        help="Product quality x w + service quality x (1 - w), with the weight w of the "
        "product's category or else of the company.",
    )
    comment = fields.Text(help="What the end user said, in their own words.")
    duration = fields.Float(
        string="Call Duration (hours)",
        digits=(4, 2),
        default=lambda self: self.env.company.callback_duration,
        help="Hotline time spent on the call-back, priced at the labour rate of the service "
        "charge standard as service cost: routine, or service on a failed machine when the "
        "call-back follows a claim.",
    )
    service_cost = fields.Monetary(
        string="Service Cost",
        readonly=True,
        copy=False,
        help="Service cost of the call: its duration x the labour rate of the service charge "
        "standard when the call was made. Routine service cost, or measured failed-machine "
        "service cost when the call-back follows a claim.",
    )

    can_be_done = fields.Boolean(compute="_compute_can_be")
    can_be_unreachable = fields.Boolean(compute="_compute_can_be")
    can_be_cancelled = fields.Boolean(compute="_compute_can_be")
    can_be_reset = fields.Boolean(compute="_compute_can_be")

    _sql_constraints = [
        ("claim_unique", "UNIQUE(claim_id)", "A claim is called back once."),
    ]

    def _default_user_id(self):
        # a call-back created by the system (OdooBot) is for nobody until it is assigned
        return self.env.user if not self.env.user._is_superuser() else False

    # ---------------------------------------------------------------- computes
    @api.depends("lot_id", "claim_id")
    def _compute_from_machine(self):
        for callback in self:
            source = callback.claim_id or callback.lot_id
            if not source:
                continue
            callback.product_id = source.product_id
            callback.dealer_id = (
                callback.claim_id.dealer_id
                or callback.lot_id.end_user_id.aftersales_dealer_id
                or callback.lot_id.dealer_id
            )
            callback.end_user_id = source.end_user_id

    @api.depends(
        "product_quality_score", "service_quality_score", "product_id.categ_id",
        "product_id.categ_id.has_satisfaction_weight", "product_id.categ_id.satisfaction_weight",
        "company_id.satisfaction_weight",
    )
    def _compute_satisfaction(self):
        for callback in self:
            weight = callback._get_satisfaction_weight()
            callback.satisfaction_weight = weight
            if not (callback.product_quality_score and callback.service_quality_score):
                callback.satisfaction = 0.0
                continue
            callback.satisfaction = (
                callback.product_quality_score * weight
                + callback.service_quality_score * (1.0 - weight)
            )

    @api.depends("state")
    def _compute_can_be(self):
        for callback in self:
            planned = callback.state == "planned"
            callback.can_be_done = planned
            callback.can_be_unreachable = planned
            callback.can_be_cancelled = planned
            callback.can_be_reset = callback.state in ("unreachable", "cancelled")

    # ------------------------------------------------------------- constraints
    @api.constrains("product_quality_score", "service_quality_score", "state")
    def _check_scores(self):
        for callback in self:
            for fname in ("product_quality_score", "service_quality_score"):
                score = callback[fname]
                if score and not SCORE_MIN <= score <= SCORE_MAX:
                    raise ValidationError(
                        _(
                            "Call-back %(callback)s: the %(question)s score must lie between "
                            "%(min)s and %(max)s, not %(score)s.",
                            callback=callback.display_name,
                            question=self._fields[fname]._description_string(self.env).lower(),
                            min=SCORE_MIN,
                            max=SCORE_MAX,
                            score=score,
                        )
                    )
            if callback.state == "done" and not (
                callback.product_quality_score and callback.service_quality_score
            ):
                raise ValidationError(
                    _(
                        "Call-back %(callback)s: record both the product-quality and the "
                        "service-quality score (%(min)s to %(max)s) of the end user's answer.",
                        callback=callback.display_name,
                        min=SCORE_MIN,
                        max=SCORE_MAX,
                    )
                )

    @api.constrains("claim_id")
    def _check_claim_once(self):
        self._check_claims_called_once(self.claim_id, self)

    @api.model
    def _check_claims_called_once(self, claims, callbacks=None):
        """Refuse a second call-back for any of ``claims`` (besides ``callbacks``)."""
        if not claims:
            return
        domain = [("claim_id", "in", claims.ids)]
        if callbacks:
            domain.append(("id", "not in", callbacks.ids))
        existing = self.sudo().search(domain, limit=1)
        if existing:
            raise ValidationError(
                _(
                    "Claim %(claim)s already has a satisfaction call-back (%(callback)s): an end "
                    "user is called back once per claim. Record the answer on the existing "
                    "call-back.",
                    claim=existing.claim_id.with_env(self.env).display_name,
                    callback=existing.name,
                )
            )

    @api.constrains("duration")
    def _check_duration(self):
        for callback in self:
            if callback.duration < 0:
                raise ValidationError(
                    _("Call-back %(callback)s: the call duration cannot be negative.",
                      callback=callback.display_name)
                )

    # -------------------------------------------------------------------- CRUD
    @api.model_create_multi
    def create(self, vals_list):
        claim_ids = [vals["claim_id"] for vals in vals_list if vals.get("claim_id")]
        claims = self.env["aftersales.claim"].browse(claim_ids)
        if len(set(claim_ids)) < len(claim_ids):
            claims = claims.browse([cid for cid in claim_ids if claim_ids.count(cid) > 1])
            self._check_claims_called_once(claims, self)  # names the claim when already called
            raise ValidationError(
                _("Claim %(claim)s: an end user is called back once per claim.",
                  claim=claims[:1].display_name)
            )
        # before the insert, so that the user reads this rather than a database error
        self._check_claims_called_once(claims)
        for vals in vals_list:
            if vals.get("name", _("New")) == _("New"):
                sequence = self.env["ir.sequence"].with_company(vals.get("company_id"))
                vals["name"] = sequence.next_by_code("aftersales.callback") or _("New")
        return super().create(vals_list)

    # ----------------------------------------------------------------- actions
    def action_done(self):
        """Record the end user's answer: both scores must be filled in."""
        self._check_can("can_be_done", _("recorded (again)"))
        now = fields.Datetime.now()
        for callback in self:
            callback.write({
                "state": "done",
                "call_date": now,
                "service_cost": callback._get_call_cost(),
            })
        self.activity_feedback(["aftersales.mail_activity_type_satisfaction_callback"])
        return True

    def action_unreachable(self):
        self._check_can("can_be_unreachable", _("marked unreachable"))
        self.write({"state": "unreachable", "call_date": fields.Datetime.now()})
        self.activity_unlink(["aftersales.mail_activity_type_satisfaction_callback"])
        return True

    def action_cancel(self):
        self._check_can("can_be_cancelled", _("cancelled"))
        self.write({"state": "cancelled"})
        self.activity_unlink(["aftersales.mail_activity_type_satisfaction_callback"])
        return True

    def action_reset(self):
        self._check_can("can_be_reset", _("planned again"))
        self.write({"state": "planned", "call_date": False})
        self._schedule_activities()
        return True

    def action_plan_callbacks(self):
        """Plan Call-backs (After-Sales managers, on the call-back list, whatever is selected):
        the call-back round now, for the companies the manager works in (``_start_round``)."""
        if not self.env.user.has_group("aftersales.group_aftersales_manager"):
            raise AccessError(_("Only an After-Sales manager can plan the call-back round."))
        companies = self.env.companies
        starts, lines = [], []
        for company in companies:
            try:
                starts.append(self._start_round(company))
            except UserError as error:  # this company's round is running: say so, go on
                if len(companies) == 1:
                    raise
                lines.append(str(error))
        jobs = self.env["aftersales.job"].concat(*(start.job for start in starts))
        if len(jobs) == 1 and len(companies) == 1:
            return jobs._action_queued()
        lines += [start.summary for start in starts if not start.job]
        lines += [
            _("%(name)s: queued, %(count)s claims.", name=job.name, count=job.unit_count)
            for job in jobs
        ]
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info" if jobs else "success",
                "title": _("Call-back Round"),
                "message": "\n".join(lines),
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # ------------------------------------------------------------ call-back round
    @api.model
    def _cron_plan_callbacks(self):
        """Every day: the call-back round of every company (``_start_round``)."""
        for company in self.env["res.company"].search([]):
            try:
                self._start_round(company)
            except UserError as error:  # the company's round already running (another server)
                _logger.info("Call-back round of %s not queued: %s", company.name, error)

    @api.model
    def _start_round(self, company):
        """The call-back round of ``company``: the settled claims with an end user and no
        call-back yet (settled before call-backs were scheduled, or whose call-back failed)
        are given theirs, at once or, more than one batch (``CALLBACK_ROUND_BATCH``), by a
        background job; one round of a company at a time (the job's key), and a claim given
        its call-back by a concurrent round or settlement is skipped (``claim_unique``).
        Returns a ``JobStart``."""
        self = self.with_company(company)
        claims = self.env["aftersales.claim"].sudo().search(
            self._get_round_claims_domain(company), order="id"
        )
        return self.env["aftersales.job"]._run_or_queue(
            self.browse(), "_job_plan_callbacks", claims.with_env(self.env),
            name=_("Call-back round, %(company)s", company=company.name),
            batch_size=CALLBACK_ROUND_BATCH,
            done_method="_job_plan_callbacks_done",
            key=f"aftersales.callback.round:{company.id}",
        )

    @api.model
    def _get_round_claims_domain(self, company):
        """The claims of ``company`` the call-back round calls back: settled, with an end user,
        without a call-back (the claims ``claim._schedule_satisfaction_callbacks`` serves)."""
        return [
            ("company_id", "=", company.id),
            ("state", "=", "settled"),
            ("end_user_id", "!=", False),
            ("callback_ids", "=", False),
        ]

    @api.model
    def _job_plan_callbacks(self, claims):
        """One batch of the call-back round: the claims' call-backs, with their agents'
        activities; a claim given one meanwhile is skipped."""
        callbacks = claims.exists()._schedule_satisfaction_callbacks()
        return {"planned": len(callbacks), "skipped": len(claims) - len(callbacks)}

    @api.model
    def _job_plan_callbacks_done(self, job, counts):
        message = _("Satisfaction call-backs planned: %(count)s.", count=counts.get("planned", 0))
        if counts.get("skipped"):
            message += " " + _(
                "Claims skipped, called back already or no longer settled: %(count)s.",
                count=counts["skipped"],
            )
        return message

    # -------------------------------------------------------- business methods
    def _get_satisfaction_weight(self):
        self.ensure_one()
        category = self.product_id.categ_id
        company = self.company_id or self.env.company
        return category._get_satisfaction_weight(company) if category else company.satisfaction_weight

    def _get_call_cost(self):
        """Routine service cost of one call: hotline time at the labour rate of the service
        charge standard valid on the call date."""
        self.ensure_one()
        labour = self.env.ref("aftersales.product_fee_labour", raise_if_not_found=False)
        if not labour:
            return 0.0
        company = self.company_id or self.env.company
        rate = company._get_aftersales_fee_prices(labour, self.call_date or fields.Datetime.now())[labour]
        return self.currency_id.round(self.duration * rate)

    @api.model
    def _get_next_agents(self, company, count):
        """Agents of ``count`` new call-backs of ``company``: the outbound agents of its teams
        in turn (round robin, after the agent of the company's latest call-back among them),
        else the company's call-back agent (Settings). Empty records when neither is set.

        Two transactions that assign call-backs at the same moment (two lanes running batches
        of the call-back round or of a settlement, two reviewers on two servers) each read the
        latest call-back committed before they started, so both start the turn at the same
        agent: the agents at the start of the turn get one call-back more than their share,
        once per batch that ran beside another. The turn is not lost or stuck: the next batch
        starts after the agent of the latest call-back, so the surplus falls on whoever comes
        next, not on one agent, and every agent keeps being served in turn (the tolerance:
        one call-back per agent per concurrent batch). Serialising the assignment (a row that
        every batch writes) would make concurrent settlements wait for each other, which is
        what the background jobs run in parallel to avoid."""
        agents = self.env["aftersales.team"]._get_outbound_agents(company)
        if not agents:
            agent = company.callback_user_id
            return [agent if agent.id != SUPERUSER_ID else agent.browse()] * count
        last = self.sudo().search(
            [("company_id", "=", company.id), ("user_id", "in", agents.ids)],
            order="id desc", limit=1,
        ).user_id
        return agents._aftersales_take_turns(last, count)

    def _schedule_activities(self):
        """A call-back activity for the agent of each call-back. What ``activity_schedule``
        creates, but in one batch: the notes differ per call-back, and one activity per call
        would subscribe the agent and notify once per call-back."""
        if not self or self.env.context.get("mail_activity_automation_skip"):
            return self.env["mail.activity"]
        activity_type = self.env.ref("aftersales.mail_activity_type_satisfaction_callback")
        # an unassigned call-back waits in the list for an agent (never OdooBot's activity)
        assigned = self.filtered("user_id")
        model_id = self.env["ir.model"]._get_id(self._name)
        vals_list = []
        # written for each agent in the agent's language: one environment and one summary per
        # language, not per call-back
        lang_of = {agent: agent.lang or self.env.lang for agent in assigned.user_id.sudo()}
        agent_of = {lang: agent for agent, lang in lang_of.items()}  # one agent per language
        env_of = {lang: self.with_context(lang=lang).env for lang in agent_of}
        summary_of = {
            lang: agent._aftersales_activity_summary(
                "aftersales.mail_activity_type_satisfaction_callback"
            )
            for lang, agent in agent_of.items()
        }
        for callback in assigned:
            lang = lang_of[callback.user_id]
            env = env_of[lang]
            vals_list.append({
                "activity_type_id": activity_type.id,
                "summary": summary_of[lang],
                "automated": True,
                "note": env._(
                    "Call %(end_user)s (%(contact)s) about %(machine)s: product quality and "
                    "service quality, 1 to 5.",
                    end_user=callback.end_user_id.display_name,
                    contact=callback.phone or callback.mobile or callback.email
                    or env._("no contact"),
                    machine=callback.lot_id.display_name or callback.product_id.display_name,
                ),
                "date_deadline": callback.due_date,
                "res_model_id": model_id,
                "res_id": callback.id,
                "user_id": callback.user_id.id,
            })
        # the call list is the agents' work queue, filled in batches: no e-mail per call-back
        # (Odoo notifies each activity given to someone else); they read it in their activities
        return self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(
            vals_list
        )
