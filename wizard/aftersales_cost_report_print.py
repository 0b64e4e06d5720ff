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

    # ------------------------------------------------- life-cycle cost (issue 23)
    def _get_lifecycle_report_data(self, max_growing=10):
        """The life-cycle cost page, as of today: per product its cost per machine-year in each
        year of life (the curve), and the products whose cost grows fastest."""
        self.ensure_one()
        Year = self.env["aftersales.lifecycle.year.report"]
        base = [("company_id", "=", self.company_id.id)]
        curves = {}
        for product, year, machines, cost in Year._read_group(
            base, ["product_id", "life_year"], ["machine_count:sum", "cost_per_machine_year:avg"]
        ):
            curves.setdefault(product, {})[year] = (machines, cost)
        years = list(range(1, max((max(curve) for curve in curves.values()), default=0) + 1))
        growing = [
            {"product": product, "growth": growth, "years": year, "latest": cost}
            for product, growth, year, cost in Year._read_group(
                base + [("is_latest_year", "=", True), ("growth", "!=", False)],
                ["product_id"], ["growth:max", "life_year:max", "cost_per_machine_year:avg"],
            )
        ]
        growing.sort(key=lambda row: -row["growth"])
        return {
            "years": years,
            "curves": sorted(curves.items(), key=lambda item: item[0].display_name),
            "growing": growing[:max_growing],
        }
    # ------------------------------------------- end of life-cycle cost (issue 23)
