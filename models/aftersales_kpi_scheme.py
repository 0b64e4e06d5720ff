from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.float_utils import float_compare

BASE_COEFFICIENT_MIN = 0.5
BASE_COEFFICIENT_MAX = 0.8


class AftersalesKpiScheme(models.Model):
    _name = "aftersales.kpi.scheme"
    _description = "KPI Scheme"
    _inherit = ["mail.thread"]
    _order = "name, id"
    _check_company_auto = True

    # ------------------------------------------------------------------ fields
    name = fields.Char(required=True, translate=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
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
    item_ids = fields.One2many("aftersales.kpi.item", "scheme_id", string="Items", copy=True)
    total_weight = fields.Float(compute="_compute_total_weight", digits=(5, 2))
    base_coefficient = fields.Float(
        digits=(3, 2), default=0.6, required=True, tracking=True,
        help="Share of last year's average monthly wage paid as base wage (0.5 - 0.8); the rest "
        "(the performance coefficient) is the standard performance wage, paid x the KPI value.",
    )
    performance_coefficient = fields.Float(compute="_compute_performance_coefficient", digits=(3, 2))
    period_ids = fields.One2many("aftersales.kpi.period", "scheme_id", string="Periods")
    period_count = fields.Integer(compute="_compute_period_count")

    # ---------------------------------------------------------------- computes
    @api.depends("item_ids.weight")
    def _compute_total_weight(self):
        for scheme in self:
            scheme.total_weight = sum(scheme.item_ids.mapped("weight"))

    @api.depends("base_coefficient")
    def _compute_performance_coefficient(self):
        for scheme in self:
            scheme.performance_coefficient = 1.0 - scheme.base_coefficient

    def _compute_period_count(self):
        counts = dict(self.env["aftersales.kpi.period"]._read_group(
            [("scheme_id", "in", self.ids)], ["scheme_id"], ["__count"]
        ))
        for scheme in self:
            scheme.period_count = counts.get(scheme, 0)

    # ------------------------------------------------------------- constraints
    @api.constrains("base_coefficient")
    def _check_base_coefficient(self):
        for scheme in self:
            scheme._check_base_coefficient_value(scheme.base_coefficient, scheme.display_name)

    @api.model
    def _check_base_coefficient_value(self, value, record_name):
        if not BASE_COEFFICIENT_MIN <= round(value, 4) <= BASE_COEFFICIENT_MAX:
            raise ValidationError(_(
                "%(record)s: the base coefficient must lie between 0.5 and 0.8 (it is %(value)s), "
                "so that the performance coefficient lies between 0.5 and 0.2.",
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

    # ----------------------------------------------------------------- actions
    def action_view_periods(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("aftersales.aftersales_kpi_period_action")
        action["domain"] = [("scheme_id", "=", self.id)]
        action["context"] = {"default_scheme_id": self.id}
        return action

    # -------------------------------------------------------- business methods
    def _get_employees(self):
        """The employees the scheme appraises: those listed, else the department's."""
        self.ensure_one()
        if self.employee_ids:
            return self.employee_ids
        if self.department_id:
            return self.env["hr.employee"].search([
                ("department_id", "child_of", self.department_id.id),
                ("company_id", "=", self.company_id.id),
            ])
        return self.env["hr.employee"]

    def _check_ready(self):
        """Refuse to appraise with a scheme that cannot give a defined KPI value."""
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
                "department with employees.", scheme=self.display_name,
            ))
