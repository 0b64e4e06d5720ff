from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_round


class AftersalesKpiSheet(models.Model):
    _name = "aftersales.kpi.sheet"
    _description = "KPI Appraisal Sheet"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_from desc, employee_id, id"
    _check_company_auto = True
    # the appraised employee reads their sheet and comments on it in the chatter
    _mail_post_access = "read"

    # ------------------------------------------------------------------ fields
    period_id = fields.Many2one(
        "aftersales.kpi.period", required=True, ondelete="cascade", index=True, readonly=True
    )
    employee_id = fields.Many2one(
        "hr.employee", required=True, index=True, readonly=True, check_company=True
    )
    name = fields.Char(compute="_compute_name", store=True)
    user_id = fields.Many2one(
        "res.users", related="employee_id.user_id", store=True, index=True, string="User"
    )
    department_id = fields.Many2one(
        "hr.department", related="employee_id.department_id", store=True, string="Department"
    )
    scheme_id = fields.Many2one(related="period_id.scheme_id", store=True)
    company_id = fields.Many2one(related="period_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(related="period_id.date_from", store=True)
    state = fields.Selection(related="period_id.state", store=True)
    line_ids = fields.One2many("aftersales.kpi.sheet.line", "sheet_id", string="Items")
    kpi_score = fields.Float(
        string="Weighted Score", compute="_compute_kpi", store=True, digits=(6, 3),
        help="Sum of the item scores x their weights, before bounding.",
    )
    kpi_value = fields.Float(
        string="KPI Value", compute="_compute_kpi", store=True, digits=(6, 3), aggregator="avg",
        help="The weighted score bounded to the company's KPI value range (Settings; handbook: "
        "0.5 - 5).",
    )
    is_below_one = fields.Boolean(
        string="Below Threshold", compute="_compute_kpi", store=True,
        help="The KPI value is below the revision threshold (Settings; handbook: 1).",
    )
    average_wage = fields.Monetary(
        string="Average Monthly Wage", readonly=True, aggregator="sum",
        help="Last year's average monthly wage of the employee, taken from the employee when "
        "the period is computed.",
    )
    base_coefficient = fields.Float(digits=(3, 2), readonly=True, aggregator="avg")
    performance_coefficient = fields.Float(
        compute="_compute_wages", store=True, digits=(3, 2), aggregator="avg"
    )
    base_wage = fields.Monetary(compute="_compute_wages", store=True)
    standard_performance_wage = fields.Monetary(compute="_compute_wages", store=True)
    actual_performance_wage = fields.Monetary(compute="_compute_wages", store=True)
    actual_wage = fields.Monetary(compute="_compute_wages", store=True, tracking=True)
    employee_agreed = fields.Boolean(string="Agreed by Employee", readonly=True, tracking=True,
                                     copy=False)
    agreed_on = fields.Datetime(readonly=True, copy=False)
    can_be_agreed = fields.Boolean(compute="_compute_can_be_agreed")

    _sql_constraints = [
        ("period_employee_uniq", "unique(period_id, employee_id)",
         "An employee has one appraisal sheet per period."),
    ]

    # ---------------------------------------------------------------- computes
    @api.depends("employee_id.name", "period_id.name")
    def _compute_name(self):
        for sheet in self:
            sheet.name = f"{sheet.period_id.name} - {sheet.employee_id.sudo().name}"

    @api.depends("line_ids.weighted_score")
    def _compute_kpi(self):
        for sheet in self:
            score = sum(sheet.line_ids.mapped("weighted_score"))
            sheet.kpi_score = score
            company = sheet.company_id or self.env.company
            sheet.kpi_value = company._bound_kpi(score)
            sheet.is_below_one = sheet.kpi_value < company.aftersales_kpi_revision_threshold

    @api.depends("average_wage", "base_coefficient", "kpi_value")
    def _compute_wages(self):
        for sheet in self:
            values = self._get_wages(
                sheet.average_wage, sheet.base_coefficient, sheet.kpi_value, sheet.currency_id
            )
            sheet.update(values)

    @api.depends("state", "employee_agreed", "user_id")
    @api.depends_context("uid")
    def _compute_can_be_agreed(self):
        for sheet in self:
            sheet.can_be_agreed = (
                sheet.state == "discussion"
                and not sheet.employee_agreed
                and sheet.user_id == self.env.user
            )

    # ------------------------------------------------------------- constraints
    @api.constrains("average_wage", "base_coefficient")
    def _check_wage(self):
        for sheet in self:
            if sheet.average_wage < 0:
                raise ValidationError(_(
                    "Appraisal sheet %(sheet)s: the average monthly wage cannot be negative. "
                    "Correct it on the employee.", sheet=sheet.name,
                ))
            self.env["aftersales.kpi.scheme"]._check_base_coefficient_value(
                sheet.base_coefficient, sheet.name
            )

    # ----------------------------------------------------------------- actions
    def action_agree(self):
        """The appraised employee agrees with their sheet (comments go to the chatter)."""
        self.check_access("read")
        for sheet in self:
            if not sheet.can_be_agreed:
                raise UserError(_(
                    "Appraisal sheet %(sheet)s: only its employee can agree with it, once, while "
                    "the period is under discussion.", sheet=sheet.name,
                ))
        # employees only read their sheet: agreeing is the one thing they write on it
        self.sudo().write({"employee_agreed": True, "agreed_on": fields.Datetime.now()})
        return True

    # -------------------------------------------------------- business methods
    @api.model
    def _get_wages(self, average_wage, base_coefficient, kpi_value, currency):
        """The wage formulas of the appraisal (domain, section 5), as the sheet prints them:
        each money figure is rounded in ``currency`` and the next one is computed from the
        rounded figures and the coefficients and KPI value as printed, so that the printed
        sheet adds up."""
        average_wage = currency.round(average_wage)
        base_coefficient = self._round_to_field("base_coefficient", base_coefficient)
        performance_coefficient = self._round_to_field("performance_coefficient",
                                                       1.0 - base_coefficient)
        kpi_value = self._round_to_field("kpi_value", kpi_value)
        base_wage = currency.round(average_wage * base_coefficient)
        standard_performance_wage = currency.round(average_wage * performance_coefficient)
        actual_performance_wage = currency.round(standard_performance_wage * kpi_value)
        return {
            "performance_coefficient": performance_coefficient,
            "base_wage": base_wage,
            "standard_performance_wage": standard_performance_wage,
            "actual_performance_wage": actual_performance_wage,
            "actual_wage": currency.round(base_wage + actual_performance_wage),
        }

    @api.model
    def _round_to_field(self, fname, value):
        """``value`` rounded to the digits field ``fname`` stores and prints."""
        digits = self._fields[fname].get_digits(self.env)
        return float_round(value, precision_digits=digits[1]) if digits else value

    def _get_report_base_filename(self):
        self.ensure_one()
        return _("Appraisal Sheet %s", self.name).replace("/", "-")
