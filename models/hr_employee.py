from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    aftersales_wage_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Wage Currency"
    )
    aftersales_average_wage = fields.Monetary(
        string="Last Year's Average Monthly Wage",
        currency_field="aftersales_wage_currency_id",
        groups="aftersales.group_aftersales_manager",
        help="The basis of the KPI appraisal wages: base wage = this x base coefficient, standard "
        "performance wage = this x performance coefficient.",
    )

    @api.constrains("aftersales_average_wage")
    def _check_aftersales_average_wage(self):
        for employee in self:
            if employee.sudo().aftersales_average_wage < 0:
                raise ValidationError(_(
                    "Employee %(employee)s: the average monthly wage cannot be negative.",
                    employee=employee.name,
                ))
