from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    satisfaction_weight = fields.Float(
        string="Product-Quality Weight (w)",
        default=0.8,
        digits=(3, 2),
        help="Customer satisfaction = product-quality satisfaction x w + service-quality "
        "satisfaction x (1 - w). A manufacturer weighs product quality much more than service; "
        "0.8 when the industry practice is unknown. A product category may override it.",
    )
    satisfaction_min_answers = fields.Integer(
        string="Minimum Answers",
        default=5,
        help="A satisfaction figure based on fewer call-back answers than this is flagged "
        "'too few answers'.",
    )
    callback_delay_days = fields.Integer(
        string="Call-back Delay (days)",
        default=3,
        help="Days after a claim is settled that the satisfaction call-back to the end user is due.",
    )
    callback_user_id = fields.Many2one(
        "res.users",
        string="Call-back Agent",
        domain="[('share', '=', False)]",
        help="Hotline agent who makes the satisfaction call-backs. Empty: the claim's reviewer.",
    )
    callback_duration = fields.Float(
        string="Call-back Duration (hours)",
        default=0.25,
        digits=(4, 2),
        help="Hotline time of one call-back, priced at the labour rate of the service charge "
        "standard in the routine service cost.",
    )

    @api.constrains("satisfaction_weight", "satisfaction_min_answers", "callback_delay_days",
                    "callback_duration")
    def _check_satisfaction_settings(self):
        for company in self:
            if not 0.0 <= company.satisfaction_weight <= 1.0:
                raise ValidationError(
                    _(
                        "%(company)s: the product-quality weight w must lie between 0 and 1 "
                        "(%(weight)s given); 0.8 is the usual value for a manufacturer.",
                        company=company.display_name,
                        weight=company.satisfaction_weight,
                    )
                )
            if min(company.satisfaction_min_answers, company.callback_delay_days,
                   company.callback_duration) < 0:
                raise ValidationError(
                    _(
                        "%(company)s: the minimum number of answers, the call-back delay and the "
                        "call-back duration cannot be negative.",
                        company=company.display_name,
                    )
                )
