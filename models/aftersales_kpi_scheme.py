from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare
from odoo.tools.translate import LazyTranslate

from .aftersales_kpi_period import KPI_MANAGER_GROUP

_lt = LazyTranslate(__name__)

# Domain, section 5: the indicators are discussed with the employees and accepted by them before
# they appraise anyone. A revised scheme is a new version; the old one is kept, read-only.
SCHEME_STATES = [
    ("draft", "Draft"),
    ("discussion", "In Discussion"),
    ("approved", "Approved"),
    ("revised", "Revised"),
]

# What the employees agreed to: frozen once the scheme leaves draft (a change is a new version).
AGREED_FIELDS = {
    "item_ids", "base_coefficient", "department_id", "employee_ids", "company_id", "no_data_rule",
    "aftersales_team_id", "job_id",
}

# How an item with nothing to measure in the period is scored (one home: the sheet line's score).
NO_DATA_RULES = [
    ("left_out", "Left out, its weight shared by the measured items"),
    ("on_target", "Scored 1, as if on target"),
]


class AftersalesKpiScheme(models.Model):
    _name = "aftersales.kpi.scheme"
    _description = "KPI Scheme"
    _inherit = ["mail.thread", "aftersales.state.gate.mixin"]
    _order = "name, version desc, id"
    _check_company_auto = True
    # its employees read it and comment on it in the chatter while it is discussed
    _mail_post_access = "read"
    _state_gate_message = _lt("KPI scheme %(record)s is %(state)s and cannot be %(verb)s.")

    # ------------------------------------------------------------------ fields
    name = fields.Char(required=True, translate=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    state = fields.Selection(
        SCHEME_STATES, default="draft", required=True, copy=False, index=True, tracking=True
    )
    department_id = fields.Many2one(
        "hr.department", check_company=True, tracking=True,
        help="Appraise the employees of this department (and its sub-departments), unless "
        "employees are listed.",
    )
    employee_ids = fields.Many2many(
        "hr.employee", string="Employees", check_company=True,
        help="The employees appraised; leave empty to appraise the whole department.",
    )
    # Roles of the department: a scheme appraises a service team or a position
    aftersales_team_id = fields.Many2one(
        "aftersales.team", string="Service Team", check_company=True, tracking=True,
        help="Appraise the team's leader, members and outbound agents (with the department "
        "and position, those in all of them), unless employees are listed.",
    )
    job_id = fields.Many2one(
        "hr.job", string="Job Position", check_company=True, tracking=True,
        help="Appraise the employees in this position (with the department and team, those in "
        "all of them), unless employees are listed.",
    )
    item_ids = fields.One2many("aftersales.kpi.item", "scheme_id", string="Items", copy=True)
    total_weight = fields.Float(compute="_compute_total_weight", digits=(5, 2))
    base_coefficient = fields.Float(
        digits=(3, 2), default=0.6, required=True, tracking=True,
        help="Share of last year's average monthly wage paid as base wage; the rest (the "
        "performance coefficient) is the standard performance wage, paid x the KPI value. "
        "Suggested range in Settings (handbook: 0.5 - 0.8).",
    )
    no_data_rule = fields.Selection(
        NO_DATA_RULES, string="Item without Data", required=True, default="left_out",
        tracking=True,
        help="An item with nothing to measure in the period (no claim decided, no value "
        "entered). Left out: it scores nothing and the weights of the measured items are scaled "
        "up to 100 % (weights 25 / 15 / 60 with the 15 unmeasured: 25 counts 29.41 %, 60 counts "
        "70.59 %). Scored 1: it counts as on target with its weight. A sheet with no item "
        "measured at all is scored 1 (on target) either way.",
    )
    performance_coefficient = fields.Float(compute="_compute_performance_coefficient", digits=(3, 2))
    base_coefficient_warning = fields.Char(compute="_compute_base_coefficient_warning")
    period_ids = fields.One2many("aftersales.kpi.period", "scheme_id", string="Periods")
    period_count = fields.Integer(compute="_compute_period_count")

    agreement_ids = fields.One2many(
        "aftersales.kpi.scheme.agreement", "scheme_id", string="Agreements", copy=False
    )
    is_mine = fields.Boolean(
        compute="_compute_is_mine", search="_search_is_mine", string="Appraises Me",
        help="The scheme appraises your employee: you are listed, or the scheme lists nobody "
        "and you work in its department.",
    )
    agreed_count = fields.Integer(compute="_compute_agreement_counts")
    agreement_count = fields.Integer(compute="_compute_agreement_counts")

    version = fields.Integer(default=1, required=True, readonly=True, copy=False)
    origin_id = fields.Many2one(
        "aftersales.kpi.scheme", string="First Version", readonly=True, copy=False, index=True,
        help="The first version of this scheme (empty on the first version itself).",
    )
    previous_version_id = fields.Many2one(
        "aftersales.kpi.scheme", string="Previous Version", readonly=True, copy=False
    )
    next_version_id = fields.Many2one(
        "aftersales.kpi.scheme", string="Revised by", readonly=True, copy=False
    )
    version_count = fields.Integer(compute="_compute_version_count")
    revision_required = fields.Boolean(
        readonly=True, copy=False, tracking=True,
        help="A confirmed period met the revision rule: the scheme appraises no other period "
        "until it is revised.",
    )
    revision_period_id = fields.Many2one(
        "aftersales.kpi.period", string="Revision Asked by", readonly=True, copy=False
    )

    can_be_discussed = fields.Boolean(compute="_compute_can_be")
    can_be_agreed = fields.Boolean(compute="_compute_can_be")
    can_be_approved = fields.Boolean(compute="_compute_can_be")
    can_be_reset = fields.Boolean(compute="_compute_can_be")
    can_be_revised = fields.Boolean(compute="_compute_can_be")

    # ---------------------------------------------------------------- computes
    @api.depends("version")
    def _compute_display_name(self):
        super()._compute_display_name()
        for scheme in self.filtered(lambda s: s.version > 1):
            scheme.display_name = _("%(name)s (v%(version)s)", name=scheme.name,
                                     version=scheme.version)

    @api.depends("item_ids.weight")
    def _compute_total_weight(self):
        for scheme in self:
            scheme.total_weight = sum(scheme.item_ids.mapped("weight"))

    @api.depends("base_coefficient")
    def _compute_performance_coefficient(self):
        for scheme in self:
            scheme.performance_coefficient = 1.0 - scheme.base_coefficient

    @api.depends("base_coefficient", "company_id.aftersales_kpi_base_min",
                 "company_id.aftersales_kpi_base_max")
    def _compute_base_coefficient_warning(self):
        for scheme in self:
            company = scheme.company_id or self.env.company
            low, high = company.aftersales_kpi_base_min, company.aftersales_kpi_base_max
            outside = (float_compare(scheme.base_coefficient, low, precision_digits=4) < 0
                       or float_compare(scheme.base_coefficient, high, precision_digits=4) > 0)
            scheme.base_coefficient_warning = outside and _(
                "The base coefficient %(value)s lies outside the suggested range %(low)s - "
                "%(high)s (Settings). Where the market is unknown, start inside it and discuss "
                "it with the employees.",
                value=scheme.base_coefficient, low=low, high=high,
            )

    def _compute_period_count(self):
        counts = dict(self.env["aftersales.kpi.period"]._read_group(
            [("scheme_id", "in", self.ids)], ["scheme_id"], ["__count"]
        ))
        for scheme in self:
            scheme.period_count = counts.get(scheme, 0)

    @api.depends_context("uid")
    def _compute_is_mine(self):
        mine = self.search([("id", "in", self.ids), ("is_mine", "=", True)])
        for scheme in self:
            scheme.is_mine = scheme in mine

    def _search_is_mine(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Search on Appraises Me with = True or = False only."))
        # the user's own employees, read past hr.employee's access (plain users read only the
        # public employee records)
        employees = self.env["hr.employee"].sudo().search([("user_id", "=", self.env.uid)])
        # Roles of the department: the scope is the department, the team and the position
        # together, each left empty or matching one of the user's employees
        teams = self.env["aftersales.team"].sudo().search([
            "|", "|", ("leader_id", "=", self.env.uid), ("member_ids", "in", self.env.uid),
            ("outbound_agent_ids", "in", self.env.uid),
        ])
        domain = ["|", ("employee_ids", "in", employees.ids), "&", "&", "&", "&",
                  ("employee_ids", "=", False),
                  "|", "|", ("department_id", "!=", False), ("aftersales_team_id", "!=", False),
                  ("job_id", "!=", False),
                  "|", ("department_id", "=", False),
                  ("department_id", "parent_of", employees.department_id.ids or [0]),
                  "|", ("aftersales_team_id", "=", False),
                  ("aftersales_team_id", "in", teams.ids),
                  "|", ("job_id", "=", False), ("job_id", "in", employees.job_id.ids)]
        positive = (operator == "=") == value
        return domain if positive else ["!"] + domain

    @api.depends("agreement_ids.state")
    def _compute_agreement_counts(self):
        for scheme in self:
            scheme.agreement_count = len(scheme.agreement_ids)
            scheme.agreed_count = len(scheme.agreement_ids.filtered(lambda a: a.state == "agreed"))

    def _compute_version_count(self):
        origins = self.mapped(lambda s: s.origin_id or s)
        counts = dict(self.with_context(active_test=False)._read_group(
            [("origin_id", "in", origins.ids)], ["origin_id"], ["__count"]
        ))
        for scheme in self:
            scheme.version_count = 1 + counts.get(scheme.origin_id or scheme, 0)

    @api.depends("state", "agreement_ids.state", "agreement_ids.user_id", "revision_required")
    @api.depends_context("uid")
    def _compute_can_be(self):
        is_manager = self.env.user.has_group(KPI_MANAGER_GROUP)
        for scheme in self:
            state = scheme.state
            scheme.can_be_discussed = is_manager and state == "draft"
            scheme.can_be_agreed = state == "discussion" and bool(
                scheme._get_own_agreement().filtered(lambda a: a.state == "pending")
            )
            scheme.can_be_approved = is_manager and state == "discussion"
            scheme.can_be_reset = is_manager and state == "discussion"
            scheme.can_be_revised = is_manager and state == "approved"

    # ------------------------------------------------------------- constraints
    @api.constrains("base_coefficient")
    def _check_base_coefficient(self):
        for scheme in self:
            scheme._check_base_coefficient_value(scheme.base_coefficient, scheme.display_name)

    @api.model
    def _check_base_coefficient_value(self, value, record_name):
        """Base + performance coefficient = 1, neither negative. The suggested range of the
        settings only warns (_compute_base_coefficient_warning)."""
        if not 0.0 <= round(value, 4) <= 1.0:
            raise ValidationError(_(
                "%(record)s: the base coefficient must lie between 0 and 1 (it is %(value)s), "
                "so that the performance coefficient (1 - base) is not negative.",
                record=record_name, value=value,
            ))

    @api.constrains("item_ids")
    def _check_weights(self):
        for scheme in self.filtered("item_ids"):
            if float_compare(scheme.total_weight, 100.0, precision_digits=2):
                raise ValidationError(_(
                    "KPI scheme %(scheme)s: the item weights add up to %(total)s %%, not 100 %%. "
                    "Correct the weights.",
                    scheme=scheme.display_name, total=round(scheme.total_weight, 2),
                ))

    # -------------------------------------------------------------------- CRUD
    def write(self, vals):
        if AGREED_FIELDS & set(vals):
            self._check_terms_editable()
        return super().write(vals)

    # ----------------------------------------------------------------- actions
    def action_start_discussion(self):
        """Show the scheme to its employees: one agreement line each, and a message to those
        who have a user."""
        self._check_can("can_be_discussed", _("opened for discussion"))
        for scheme in self:
            scheme._check_ready()
        self.write({"state": "discussion"})
        self._add_missing_agreements()
        for scheme in self:
            users = scheme.agreement_ids.user_id
            scheme.message_post(
                body=_("The KPI scheme is open for discussion: read its items, weights and "
                       "coefficients, then agree with it or comment below."),
                partner_ids=users.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )
        return True

    def action_agree(self):
        """The employee agrees with the scheme, from their own access (comments go to the
        chatter)."""
        self._check_can("can_be_agreed", _("agreed with by you"))
        for scheme in self:
            scheme._get_own_agreement()._set_agreed()
            scheme.message_post(body=_("%(user)s agrees with the scheme.", user=self.env.user.name),
                                subtype_xmlid="mail.mt_note")
        return True

    def action_approve(self):
        """Rule: every employee the scheme appraises has agreed (handbook: indicators the
        employees accepted). An employee who has not is named; who joined the department since
        the discussion started gets their line now."""
        self._check_can("can_be_approved", _("approved"))
        added = self._add_missing_agreements()
        if added:
            # kept (no error, which would undo them): the newcomers can now agree
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "warning",
                    "sticky": True,
                    "title": _("Not approved"),
                    "message": _(
                        "%(employees)s joined since the discussion started and must agree with "
                        "the scheme first.",
                        employees=", ".join(added.sudo().employee_id.mapped("name")),
                    ),
                    "next": {"type": "ir.actions.act_window_close"},
                },
            }
        for scheme in self:
            scheme._check_ready()
            waiting = scheme.agreement_ids.filtered(lambda a: a.state != "agreed")
            if waiting:
                raise UserError(_(
                    "KPI scheme %(scheme)s cannot be approved: %(employees)s have not agreed "
                    "with it yet. Each employee clicks Agree on the scheme (a manager records "
                    "it for an employee without a user).",
                    scheme=scheme.display_name,
                    employees=", ".join(waiting.sudo().employee_id.mapped("name")),
                ))
        self.write({"state": "approved"})
        return True

    def action_reset_to_draft(self):
        """Back to draft to change the terms: the agreements given so far are withdrawn."""
        self._check_can("can_be_reset", _("reset to draft"))
        self.agreement_ids.unlink()
        self.write({"state": "draft"})
        return True

    def action_revise(self):
        """A new version (draft, its own agreement cycle) of an approved scheme; this one is
        kept, read-only, with its periods and a link to the new one."""
        self._check_can("can_be_revised", _("revised"))
        self.ensure_one()
        new = self.copy({
            "version": self.version + 1,
            "origin_id": (self.origin_id or self).id,
            "previous_version_id": self.id,
        })
        self.write({"state": "revised", "next_version_id": new.id})
        reason = self.revision_period_id and self.revision_period_id.sudo().revision_reason
        self.message_post(body=_("Revised by version %(version)s.", version=new.version),
                          subtype_xmlid="mail.mt_note")
        new.message_post(
            body=_("Revision of version %(version)s.", version=self.version)
            + (_(" Reason: %(reason)s", reason=reason) if reason else ""),
            subtype_xmlid="mail.mt_note",
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "aftersales.aftersales_kpi_scheme_action")
        action.update({"res_id": new.id, "view_mode": "form", "views": [(False, "form")]})
        return action

    def action_view_periods(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("aftersales.aftersales_kpi_period_action")
        action["domain"] = [("scheme_id", "=", self.id)]
        action["context"] = {"default_scheme_id": self.id}
        return action

    def action_view_versions(self):
        self.ensure_one()
        origin = self.origin_id or self
        action = self.env["ir.actions.act_window"]._for_xml_id("aftersales.aftersales_kpi_scheme_action")
        action["domain"] = ["|", ("id", "=", origin.id), ("origin_id", "=", origin.id)]
        action["context"] = {"active_test": False, "create": False}
        return action

    # -------------------------------------------------------- business methods
    def _check_terms_editable(self):
        """Refuse a change of what the employees agreed to (items, weights, coefficient, who is
        appraised) once the scheme is out of draft."""
        for scheme in self.filtered(lambda s: s.state != "draft"):
            raise UserError(_(
                "KPI scheme %(scheme)s is %(state)s: its items, weights, coefficient and "
                "employees are what the employees agreed to. Reset it to draft while it is "
                "discussed, or revise it (a new version) once approved.",
                scheme=scheme.display_name, state=scheme._get_state_label(),
            ))

    def _get_own_agreement(self):
        self.ensure_one()
        return self.agreement_ids.filtered(lambda a: a.user_id == self.env.user)

    def _add_missing_agreements(self):
        """One agreement line per employee the scheme appraises; returns the lines added."""
        vals_list = []
        for scheme in self:
            known = scheme.agreement_ids.sudo().employee_id
            vals_list += [
                {"scheme_id": scheme.id, "employee_id": employee.id}
                for employee in scheme._get_employees() - known
            ]
        return self.env["aftersales.kpi.scheme.agreement"].create(vals_list)

    def _get_employees(self):
        """The employees the scheme appraises: those listed, else the department's."""
        self.ensure_one()
        # The list is read as the superuser: reading it leaves out archived employees, which
        # prefetches their fields, the wage basis among them, and hr.employee refuses an
        # appraisal manager who is no HR officer any field its public profile lacks.
        employees = self.sudo().employee_ids.with_env(self.env)
        if employees:
            return employees
        # Roles of the department: the department, the team and the position narrow each other
        if not (self.department_id or self.aftersales_team_id or self.job_id):
            return self.env["hr.employee"]
        domain = [("company_id", "=", self.company_id.id)]
        if self.department_id:
            domain.append(("department_id", "child_of", self.department_id.id))
        if self.aftersales_team_id:
            team = self.aftersales_team_id.sudo()
            users = team.leader_id | team.member_ids | team.outbound_agent_ids
            domain.append(("user_id", "in", users.ids))
        if self.job_id:
            domain.append(("job_id", "=", self.job_id.id))
        return self.env["hr.employee"].search(domain)

    def _check_ready(self):
        """Refuse a scheme that cannot give a defined KPI value."""
        self.ensure_one()
        if not self.item_ids:
            raise UserError(_("KPI scheme %(scheme)s has no items: add them first.",
                              scheme=self.display_name))
        self._check_weights()
        self._check_base_coefficient()
        self.item_ids._check_scoring()
        if not self._get_employees():
            raise UserError(_(
                "KPI scheme %(scheme)s appraises nobody: list its employees or choose a "
                "department, service team or position with employees.", scheme=self.display_name,
            ))

    def _check_can_appraise(self):
        """Only an approved scheme, not waiting for its revision, computes a period."""
        self.ensure_one()
        if self.state == "revised":
            raise UserError(_(
                "KPI scheme %(scheme)s was revised by %(version)s: reset the period to draft and "
                "compute it on the new version once it is approved.",
                scheme=self.display_name, version=self.next_version_id.display_name,
            ))
        if self.state != "approved":
            raise UserError(_(
                "KPI scheme %(scheme)s is %(state)s: only an approved scheme appraises a period. "
                "Open it for discussion, let its employees agree, approve it, then compute.",
                scheme=self.display_name, state=self._get_state_label(),
            ))
        if self.revision_required:
            raise UserError(_(
                "KPI scheme %(scheme)s must be revised before it appraises another period: "
                "period %(period)s met the revision rule. Click Revise on the scheme, have the "
                "new version agreed and approved, and compute the period on it.",
                scheme=self.display_name, period=self.revision_period_id.display_name,
            ))
        self._check_ready()

    def _require_revision(self, period):
        """``period`` was confirmed although it met the revision rule (with its reason)."""
        self.write({"revision_required": True, "revision_period_id": period.id})
        for scheme in self:
            scheme.message_post(
                body=_("Period %(period)s met the revision rule: this scheme appraises no other "
                       "period until it is revised. Reason recorded: %(reason)s",
                       period=period.display_name, reason=period.revision_reason),
                subtype_xmlid="mail.mt_note",
            )
