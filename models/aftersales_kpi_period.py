from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date
from odoo.tools.translate import LazyTranslate

from .aftersales_job import merge_counts

_lt = LazyTranslate(__name__)

PERIOD_STATES = [
    ("draft", "Draft"),
    ("computed", "Computed"),
    ("discussion", "Under Discussion"),
    ("confirmed", "Confirmed"),
]

# Reads the figures summed over all the sheets of a period (the aftersales.kpi.sheet record rules
# give this group every sheet).
KPI_MANAGER_GROUP = "aftersales.group_aftersales_manager"

# Employees whose sheets one transaction of a background compute makes (300 employees x 12 items
# take 1.7 s, benchmarks/bench_kpi.py); a period of no more employees is computed at once.
KPI_BATCH = 500


def _default_date_from(model):
    return fields.Date.context_today(model).replace(day=1) - relativedelta(months=1)


class AftersalesKpiPeriod(models.Model):
    _name = "aftersales.kpi.period"
    _description = "KPI Appraisal Period"
    _inherit = ["mail.thread", "mail.activity.mixin", "aftersales.state.gate.mixin",
                "aftersales.job.mixin"]
    _order = "date_from desc, id desc"
    _check_company_auto = True
    _state_gate_message = _lt("Appraisal period %(record)s is %(state)s and cannot be %(verb)s.")

    # ------------------------------------------------------------------ fields
    name = fields.Char(compute="_compute_name", store=True, readonly=False, required=True,
                       precompute=True)
    scheme_id = fields.Many2one(
        "aftersales.kpi.scheme", required=True, index=True, tracking=True, check_company=True,
        readonly=False, domain="[('state', '=', 'approved'), ('revision_required', '=', False)]",
        help="An approved scheme (agreed by its employees) that is not waiting for a revision.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(required=True, default=_default_date_from, index=True)
    date_to = fields.Date(
        required=True, compute="_compute_date_to", store=True, readonly=False, precompute=True
    )
    state = fields.Selection(
        PERIOD_STATES, default="draft", required=True, copy=False, index=True, tracking=True
    )
    sheet_ids = fields.One2many("aftersales.kpi.sheet", "period_id", string="Appraisal Sheets")
    employee_count = fields.Integer(
        string="Appraised", compute="_compute_kpi_stats", store=True, aggregator="sum"
    )
    # The figures summed over everybody's sheets are for appraisal managers only: an employee
    # reads their own sheet, and in a period of two the total minus their own is the colleague's.
    below_one_count = fields.Integer(
        string="Below Threshold", compute="_compute_kpi_stats", store=True, aggregator="sum",
        groups=KPI_MANAGER_GROUP,
    )
    share_below_one = fields.Float(
        string="Share below Threshold (%)", compute="_compute_kpi_stats", store=True,
        digits=(5, 1), aggregator="avg", groups=KPI_MANAGER_GROUP,
        help="Share of the appraised employees whose KPI value is below the revision threshold "
        "(Settings; handbook: 1).",
    )
    average_kpi = fields.Float(
        string="Average KPI", compute="_compute_kpi_stats", store=True, digits=(5, 2),
        aggregator="avg", groups=KPI_MANAGER_GROUP,
    )
    agreed_count = fields.Integer(string="Agreed", compute="_compute_kpi_stats", store=True,
                                  groups=KPI_MANAGER_GROUP)
    amount_actual_wage = fields.Monetary(
        string="Total Actual Wage", compute="_compute_kpi_stats", store=True,
        groups=KPI_MANAGER_GROUP,
    )
    needs_revision = fields.Boolean(
        compute="_compute_kpi_stats", store=True,
        help="The revision share of the appraised employees or more (Settings; handbook: 80 %) "
        "score below the revision threshold (handbook: 1): the items or weights are "
        "unreasonable and the scheme must be revised before it appraises another period.",
    )
    revision_reason = fields.Text(
        copy=False, help="Why the scores are low and what the revision of the scheme will change: "
        "required to confirm a period that meets the revision rule.",
    )
    revision_decided_by_id = fields.Many2one("res.users", readonly=True, copy=False,
                                             string="Recorded by")
    revision_decided_on = fields.Datetime(readonly=True, copy=False, string="Recorded on")

    can_be_computed = fields.Boolean(compute="_compute_can_be")
    can_be_discussed = fields.Boolean(compute="_compute_can_be")
    can_be_confirmed = fields.Boolean(compute="_compute_can_be")
    can_be_reset = fields.Boolean(compute="_compute_can_be")

    _sql_constraints = [
        ("scheme_date_uniq", "unique(scheme_id, date_from)",
         "A scheme is appraised once per period start date."),
    ]

    # ---------------------------------------------------------------- computes
    @api.depends("scheme_id", "date_from")
    def _compute_name(self):
        for period in self:
            if period.scheme_id and period.date_from:
                period.name = _(
                    "%(scheme)s, %(month)s",
                    scheme=period.scheme_id.name,
                    month=format_date(self.env, period.date_from, date_format="MMMM y"),
                )
            elif not period.name:
                period.name = _("New")

    @api.depends("date_from")
    def _compute_date_to(self):
        for period in self:
            if period.date_from:
                period.date_to = period.date_from + relativedelta(months=1, days=-1)

    @api.depends("sheet_ids.kpi_value", "sheet_ids.employee_agreed", "sheet_ids.actual_wage")
    def _compute_kpi_stats(self):
        for period in self:
            sheets = period.sheet_ids
            below = len(sheets.filtered("is_below_one"))
            period.employee_count = len(sheets)
            period.below_one_count = below
            period.share_below_one = 100.0 * below / len(sheets) if sheets else 0.0
            period.average_kpi = sum(sheets.mapped("kpi_value")) / len(sheets) if sheets else 0.0
            period.agreed_count = len(sheets.filtered("employee_agreed"))
            period.amount_actual_wage = sum(sheets.mapped("actual_wage"))
            period.needs_revision = period.company_id._is_kpi_revision_needed(below, len(sheets))

    @api.depends("state")
    @api.depends_context("uid")
    def _compute_can_be(self):
        is_manager = self.env.user.has_group(KPI_MANAGER_GROUP)
        for period in self:
            state = period.state
            period.can_be_computed = is_manager and state in ("draft", "computed")
            period.can_be_discussed = is_manager and state == "computed"
            period.can_be_confirmed = is_manager and state in ("computed", "discussion")
            period.can_be_reset = is_manager and state in ("computed", "discussion")

    # ------------------------------------------------------------- constraints
    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for period in self:
            if period.date_to < period.date_from:
                raise ValidationError(_(
                    "Appraisal period %(period)s ends before it starts.", period=period.name
                ))

    # -------------------------------------------------------------------- CRUD
    def write(self, vals):
        if {"scheme_id", "date_from", "date_to", "company_id"}.intersection(vals):
            self._check_no_running_job()
            for period in self:
                if period.state != "draft":
                    raise UserError(_(
                        "Appraisal period %(period)s is %(state)s: reset it to draft to change its "
                        "scheme or dates.", period=period.name, state=period._get_state_label(),
                    ))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_running_job(self):
        self._check_no_running_job()

    @api.ondelete(at_uninstall=False)
    def _unlink_except_confirmed(self):
        for period in self:
            if period.state == "confirmed":
                raise UserError(_(
                    "Appraisal period %(period)s is confirmed and kept for the record.",
                    period=period.name,
                ))

    # ----------------------------------------------------------------- actions
    def action_compute(self):
        """Measure every item for every employee of the scheme and score them (re-computing
        keeps the values entered by hand), and say what was done. At once for a period of up
        to ``KPI_BATCH`` employees, else as a background job (``aftersales.job``) whose batches
        make the sheets of that many employees each; the period is computed after the last."""
        self._check_no_running_job()
        for period in self:
            if period.state not in ("draft", "computed"):
                raise UserError(_(
                    "Appraisal period %(period)s is %(state)s: its results can no longer be "
                    "recomputed.%(hint)s",
                    period=period.name,
                    state=period._get_state_label(),
                    hint="" if period.state == "confirmed"
                    else _(" Reset it to draft first."),
                ))
        Job = self.env["aftersales.job"]
        totals = []
        for period in self:
            start = Job._run_or_queue(
                period, "_compute_sheets", period._prepare_compute(),
                name=_("Compute %(period)s", period=period.name), batch_size=KPI_BATCH,
                done_method="_job_compute_done", key=period._get_aftersales_job_key(),
            )
            if start.job:
                if len(self) == 1:
                    return start.job._action_queued()
                continue
            totals.append(start.counts)
        counts = merge_counts(totals)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": _("Appraisal computed"),
                "message": self._get_compute_summary(counts),
                # reloads the period's form under the notification
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _job_compute_done(self, job, counts):
        """After the last batch (``job`` empty when it ran at once): the period computed. A
        draft period whose background compute failed for some employees stays in draft until
        their sheets are done (Retry Failed on the job)."""
        self.ensure_one()
        summary = self._get_compute_summary(counts)
        if job and job.failure_ids and self.state == "draft":
            return "\n".join([summary, _(
                "Appraisal period %(period)s stays in draft until the failed sheets are done.",
                period=self.name,
            )])
        self.write({"state": "computed"})
        return summary

    @api.model
    def _get_compute_summary(self, counts):
        return _(
            "%(sheets)s appraisal sheets computed; %(kept)s values entered by hand "
            "kept; %(no_data)s items without data, scored as the scheme says.",
            sheets=counts.get("sheets", 0), kept=counts.get("kept", 0),
            no_data=counts.get("no_data", 0),
        )

    def action_start_discussion(self):
        self._check_no_running_job()
        self._check_can("can_be_discussed", _("discussed"))
        self.write({"state": "discussion"})
        for period in self:
            users = period.sheet_ids.user_id
            if users:
                period.message_post(
                    body=_("The appraisal sheets are open for discussion: every employee can "
                           "check their own sheet and agree or comment."),
                    partner_ids=users.partner_id.ids,
                    subtype_xmlid="mail.mt_comment",
                )
        return True

    def action_confirm(self):
        """Confirm the results. A period that meets the revision rule is confirmed with its
        reason recorded, and its scheme then appraises no other period until it is revised."""
        self._check_no_running_job()
        self._check_can("can_be_confirmed", _("confirmed"))
        to_revise = self.filtered("needs_revision")
        for period in to_revise:
            if not (period.revision_reason or "").strip():
                raise UserError(_(
                    "Appraisal period %(period)s: %(share)s %% of the employees score a KPI value "
                    "below %(threshold)s. The items or weights of scheme %(scheme)s are "
                    "unreasonable: write the reason (why the scores are low, what the revision "
                    "will change) on the Revision tab, then confirm. The scheme must then be "
                    "revised before it appraises another period.",
                    period=period.name, share=round(period.share_below_one, 1),
                    threshold=period.company_id.aftersales_kpi_revision_threshold,
                    scheme=period.scheme_id.display_name,
                ))
        self.write({"state": "confirmed"})
        to_revise.write({
            "revision_decided_by_id": self.env.uid,
            "revision_decided_on": fields.Datetime.now(),
        })
        for period in to_revise:
            # no share in the chatter: every employee of the period may read it
            period.message_post(
                body=_("Confirmed under the revision rule: scheme %(scheme)s must be revised "
                       "before it appraises another period. Reason: %(reason)s",
                       scheme=period.scheme_id.display_name, reason=period.revision_reason),
                subtype_xmlid="mail.mt_note",
            )
            period.scheme_id._require_revision(period)
        return True

    def action_reset_to_draft(self):
        self._check_no_running_job()
        self._check_can("can_be_reset", _("reset to draft"))
        self.write({"state": "draft"})
        return True

    def action_view_sheets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("aftersales.aftersales_kpi_sheet_action")
        action["domain"] = [("period_id", "=", self.id)]
        action["context"] = {"search_default_group_by_department": 0}
        return action

    # -------------------------------------------------------- business methods
    def _prepare_compute(self):
        """Before the sheets are made: the scheme checked, the sheets of employees it no longer
        appraises removed. Returns the employees to appraise."""
        self.ensure_one()
        scheme = self.scheme_id
        scheme._check_can_appraise()
        employees = scheme._get_employees()
        self.sheet_ids.filtered(lambda s: s.employee_id not in employees).unlink()
        return employees

    def _compute_sheets(self, employees):
        """(Re)build the sheets of ``employees`` (all the period's, or a batch of a background
        compute): one per employee, one line per item, every measure computed for all these
        employees at once (a few queries per item, none per employee; each measure gives an
        employee's value from their own records only, so a batch gives what the whole period
        would). Run again, a batch rebuilds the same sheets.
        Returns the counts {sheets, kept (values entered by hand kept), no_data (lines)}."""
        self.ensure_one()
        scheme = self.scheme_id
        items = scheme.item_ids
        Sheet = self.env["aftersales.kpi.sheet"]
        sheets_before = self.sheet_ids.filtered(lambda s: s.employee_id in employees)
        # what was entered by hand survives a recompute
        manual = {
            (line.sheet_id.employee_id.id, line.item_id.id): line.value
            for line in sheets_before.line_ids
            if line.measure == "manual" and not line.no_data
        }
        sheets_before.line_ids.unlink()
        existing = {sheet.employee_id.id: sheet for sheet in sheets_before}
        wages = {
            row["id"]: row["aftersales_average_wage"]
            for row in employees.sudo().read(["aftersales_average_wage"])
        }
        new_vals = [
            {
                "period_id": self.id,
                "employee_id": employee.id,
                "average_wage": wages.get(employee.id, 0.0),
                "base_coefficient": scheme.base_coefficient,
            }
            for employee in employees
            if employee.id not in existing
        ]
        for sheet in existing.values():
            vals = {
                "average_wage": wages.get(sheet.employee_id.id, 0.0),
                "base_coefficient": scheme.base_coefficient,
                "employee_agreed": False,
            }
            if any(sheet[fname] != value for fname, value in vals.items()):
                sheet.write(vals)
        sheets = Sheet.browse([s.id for s in existing.values()]) | Sheet.create(new_vals)
        by_employee = {sheet.employee_id.id: sheet for sheet in sheets}
        kept_keys = {(by_employee[employee_id].id, item_id)
                     for employee_id, item_id in manual if employee_id in by_employee}
        # One create for every line of these sheets: Odoo computes their stored related fields
        # and their scores (item._score) as for a line created by hand.
        line_vals = []
        for item in items:
            values = item._measure(employees, self.date_from, self.date_to)
            for employee in employees:
                if item.measure == "manual":
                    value = manual.get((employee.id, item.id))
                else:
                    value = values.get(employee.id)
                line_vals.append({
                    "sheet_id": by_employee[employee.id].id,
                    "item_id": item.id,
                    "weight": item.weight,
                    "value": value or 0.0,
                    "no_data": value is None,
                })
        self.env["aftersales.kpi.sheet.line"].create(line_vals)
        return {
            "sheets": len(sheets),
            "kept": sum(
                1 for vals in line_vals
                if not vals["no_data"] and (vals["sheet_id"], vals["item_id"]) in kept_keys
            ),
            "no_data": sum(1 for vals in line_vals if vals["no_data"]),
        }
