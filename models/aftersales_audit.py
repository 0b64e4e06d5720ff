from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

AUDIT_TYPES = [
    ("manufacturer", "By the Manufacturer"),
    ("self", "Self-Audit"),
]
# a self-audit is filled in and submitted by the dealer on the portal, then confirmed by the
# manufacturer; an audit by the manufacturer's field staff goes from in progress to done
AUDIT_STATES = [
    ("draft", "Draft"),
    ("in_progress", "In Progress"),
    ("submitted", "Submitted"),
    ("done", "Done"),
]
# the states in which the dealer fills in a self-audit on the portal
SELF_AUDIT_OPEN_STATES = ("draft", "in_progress")


class AftersalesAudit(models.Model):
    """A dealer service audit: the checklist of a template scored item by item, by the
    manufacturer's field staff at the dealer or by the dealer itself (self-audit on the portal),
    with photos and corrective actions the dealer answers on the portal."""

    _name = "aftersales.audit"
    _description = "Dealer Service Audit"
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, copy=False, default=lambda self: _("New"))
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    dealer_id = fields.Many2one(
        "res.partner",
        string="Dealer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain=[("is_dealer", "=", True)],
    )
    template_id = fields.Many2one(
        "aftersales.audit.template",
        string="Template",
        required=True,
        check_company=True,
    )
    audit_type = fields.Selection(
        AUDIT_TYPES, string="Audit Type", required=True, default="manufacturer", tracking=True,
        help="By the manufacturer: the field staff audit the dealer. Self-audit: the dealer fills "
        "in the checklist on the portal and submits it; the manufacturer confirms it.",
    )
    auditor_id = fields.Many2one(
        "res.users",
        string="Auditor",
        default=lambda self: self.env.user,
        tracking=True,
        check_company=True,
        domain=[("share", "=", False)],
        help="The manufacturer's employee who audits the dealer or confirms its self-audit.",
    )
    date = fields.Date(required=True, index=True, default=fields.Date.context_today, tracking=True)
    state = fields.Selection(
        AUDIT_STATES, default="draft", required=True, copy=False, index=True, tracking=True
    )
    line_ids = fields.One2many("aftersales.audit.line", "audit_id", string="Checklist", copy=True)
    action_ids = fields.One2many("aftersales.audit.action", "audit_id", string="Corrective Actions")
    action_count = fields.Integer(compute="_compute_action_count")
    open_action_count = fields.Integer(string="Open Actions", compute="_compute_action_count")
    score_total = fields.Float(string="Points", compute="_compute_score", store=True)
    max_score_total = fields.Float(string="Maximum Points", compute="_compute_score", store=True)
    score = fields.Float(
        string="Score (%)",
        compute="_compute_score",
        store=True,
        aggregator="avg",
        digits=(5, 1),
        tracking=True,
        help="The points scored over the maximum points, each item counted with its weight.",
    )
    note = fields.Html(string="Findings")

    @api.depends("line_ids.score", "line_ids.max_score", "line_ids.weight")
    def _compute_score(self):
        for audit in self:
            points = sum(line.score * line.weight for line in audit.line_ids)
            maximum = sum(line.max_score * line.weight for line in audit.line_ids)
            audit.score_total = points
            audit.max_score_total = maximum
            audit.score = 100.0 * points / maximum if maximum else 0.0

    @api.depends("action_ids.state")
    def _compute_action_count(self):
        counts = {}
        for audit, state, count in self.env["aftersales.audit.action"]._read_group(
            [("audit_id", "in", self.ids)], ["audit_id", "state"], ["__count"]
        ):
            counts.setdefault(audit, {})[state] = count
        for audit in self:
            by_state = counts.get(audit, {})
            audit.action_count = sum(by_state.values())
            audit.open_action_count = by_state.get("open", 0)

    def _compute_access_url(self):
        super()._compute_access_url()
        for audit in self:
            audit.access_url = f"/my/audits/{audit.id}"

    @api.onchange("template_id")
    def _onchange_template_id(self):
        if self.template_id and self.state == "draft":
            self.line_ids = [Command.clear()] + [
                Command.create(vals) for vals in self.template_id._prepare_audit_line_vals()
            ]

    @api.model_create_multi
    def create(self, vals_list):
        templates = self.env["aftersales.audit.template"]
        for vals in vals_list:
            if vals.get("name", _("New")) == _("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code("aftersales.audit") or _("New")
            if vals.get("template_id") and not vals.get("line_ids"):
                template = templates.browse(vals["template_id"])
                vals["line_ids"] = [Command.create(v) for v in template._prepare_audit_line_vals()]
        return super().create(vals_list)

    # ------------------------------------------------------------------ actions
    def _state_label(self):
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    def action_start(self):
        for audit in self.filtered(lambda a: a.state != "draft"):
            raise UserError(_("Audit %(audit)s is %(state)s: only a draft audit can be started.",
                              audit=audit.display_name, state=audit._state_label()))
        self.write({"state": "in_progress"})
        return True

    def action_submit(self):
        """The dealer submits its self-audit (on the portal): the manufacturer confirms it."""
        for audit in self:
            if audit.state not in SELF_AUDIT_OPEN_STATES:
                raise UserError(
                    _("Audit %(audit)s is %(state)s: only a self-audit in draft or in progress can "
                      "be submitted.", audit=audit.display_name, state=audit._state_label())
                )
            if audit.audit_type != "self":
                raise UserError(
                    _("Audit %(audit)s is the manufacturer's: close it with Done, it is not "
                      "submitted.", audit=audit.display_name)
                )
        self.write({"state": "submitted"})
        for audit in self.filtered("auditor_id"):
            audit.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=audit.auditor_id.id,
                summary=_("Confirm the dealer's self-audit"),
            )
        return True

    def action_done(self):
        """Close the audit (a manufacturer's audit) or confirm the dealer's submitted self-audit:
        its score counts in the dealer's trend from now on."""
        for audit in self:
            states = ("submitted",) if audit.audit_type == "self" else ("draft", "in_progress")
            if audit.state not in states:
                raise UserError(
                    _("Audit %(audit)s is %(state)s: an audit by the manufacturer is done from draft "
                      "or in progress, a self-audit is confirmed once the dealer submitted it.",
                      audit=audit.display_name, state=audit._state_label())
                )
        self.write({"state": "done"})
        self.activity_unlink(["mail.mail_activity_data_todo"])
        return True

    def action_reopen(self):
        """Back to in progress: a submitted self-audit returns to the dealer, a done audit can be
        corrected."""
        for audit in self.filtered(lambda a: a.state not in ("submitted", "done")):
            raise UserError(
                _("Audit %(audit)s is %(state)s: only a submitted or done audit can be reopened.",
                  audit=audit.display_name, state=audit._state_label())
            )
        self.write({"state": "in_progress"})
        return True

    def action_view_actions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("aftersales.aftersales_audit_action_action")
        action["domain"] = [("audit_id", "=", self.id)]
        action["context"] = {"default_audit_id": self.id}
        return action

    # ----------------------------------------------------------------- business
    def _fill_from_portal(self, scores, notes):
        """Save the dealer's scores and notes of a self-audit: ``scores`` and ``notes`` are
        {line id: value}; a score outside 0 .. the item's maximum is refused."""
        self.ensure_one()
        if self.audit_type != "self" or self.state not in SELF_AUDIT_OPEN_STATES:
            raise UserError(
                _("Audit %(audit)s is %(state)s: the dealer fills in only its own self-audit, in "
                  "draft or in progress.", audit=self.display_name, state=self._state_label())
            )
        for line in self.line_ids:
            vals = {}
            if line.id in scores:
                vals["score"] = scores[line.id]
            if line.id in notes:
                vals["note"] = notes[line.id]
            if vals:
                line.write(vals)
        if self.state == "draft":
            self.state = "in_progress"
        return True
