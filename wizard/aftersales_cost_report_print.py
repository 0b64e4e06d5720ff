from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.tools import format_date

PRODUCT_MEASURES = [
    "machine_count:sum", "claim_count:sum", "claim_rate:avg", "answer_count:sum",
    "satisfaction:avg", "routine_cost:sum", "cost_factor:avg", "nonconforming_cost:sum",
    "measured_nonconforming_cost:sum", "actual_factor:avg", "service_quality_cost:sum",
    "conforming_cost:sum", "satisfaction_cost:sum", "cost_per_machine:avg",
]


class AftersalesCostReportPrint(models.TransientModel):
    """Choose the month of the printable monthly management report."""

    _name = "aftersales.cost.report.print"
    _description = "Monthly Satisfaction and Cost Report"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    month = fields.Date(
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1)
        - relativedelta(months=1),
        help="Any day of the month to report on.",
    )

    @api.depends("month")
    def _compute_display_name(self):
        for wizard in self:
            wizard.display_name = _(
                "Satisfaction and cost, %(month)s",
                month=format_date(self.env, wizard.month, date_format="MMMM y"),
            )

    def action_print(self):
        self.ensure_one()
        return self.env.ref("aftersales.action_report_aftersales_management").report_action(self, data={})

    def _get_report_data(self):
        """The figures of the month: one grouped query per table, per product and per dealer,
        plus the month before for the satisfaction trend."""
        self.ensure_one()
        month = self.month.replace(day=1)
        previous = month - relativedelta(months=1)
        base = [("company_id", "=", self.company_id.id)]
        Cost = self.env["aftersales.cost.report"]
        products = []
        for product, *values in Cost._read_group(
            base + [("month", "=", month)], ["product_id"], PRODUCT_MEASURES
        ):
            row = dict(zip([spec.split(":")[0] for spec in PRODUCT_MEASURES], values))
            row["product"] = product
            products.append(row)
        products.sort(key=lambda row: row["product"].display_name)
        totals = Cost._read_group(base + [("month", "=", month)], [], PRODUCT_MEASURES)[0]
        total = dict(zip([spec.split(":")[0] for spec in PRODUCT_MEASURES], totals))
        Satisfaction = self.env["aftersales.satisfaction.report"]
        before = dict(
            Satisfaction._read_group(
                base + [("month", "=", previous)], ["dealer_id"], ["satisfaction:avg"]
            )
        )
        dealers = [
            {
                "dealer": dealer,
                "answers": answers,
                "product_score": product_score,
                "service_score": service_score,
                "satisfaction": satisfaction,
                "previous": before.get(dealer),
            }
            for dealer, answers, product_score, service_score, satisfaction in Satisfaction._read_group(
                base + [("month", "=", month)],
                ["dealer_id"],
                ["answer_count:sum", "product_score:avg", "service_score:avg", "satisfaction:avg"],
            )
        ]
        dealers.sort(key=lambda row: row["dealer"].display_name or "")
        return {
            "month": month,
            "products": products,
            "total": total,
            "dealers": dealers,
            "min_answers": self.company_id.satisfaction_min_answers,
            "weight": self.company_id.satisfaction_weight,
        }
