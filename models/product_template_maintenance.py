from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ProductTemplate(models.Model):
    _inherit = "product.template"

    has_maintenance_reminder = fields.Boolean(
        string="Maintenance Reminders",
        help="Remind the end users of this finished product of its periodic maintenance.",
    )
    maintenance_interval_months = fields.Integer(
        string="Maintenance Interval (months)",
        help="A machine is due for maintenance every this many months after its registration.",
    )

    @api.constrains("has_maintenance_reminder", "maintenance_interval_months")
    def _check_maintenance_interval(self):
        for template in self:
            if template.has_maintenance_reminder and template.maintenance_interval_months <= 0:
                raise ValidationError(
                    _(
                        "%(product)s: the maintenance interval must be at least 1 month "
                        "(it is %(months)s). Enter the interval or untick Maintenance Reminders.",
                        product=template.display_name,
                        months=template.maintenance_interval_months,
                    )
                )
