from dateutil.relativedelta import relativedelta

from odoo import fields, models

OVERVIEW_MONTHS = 12
OVERVIEW_FIELDS = [
    "overview_answer_count", "overview_satisfaction", "overview_satisfaction_trend",
    "overview_is_too_few_answers", "overview_machine_count", "overview_claim_rate",
    "overview_cost_per_machine", "overview_actual_factor",
]


class ProductTemplate(models.Model):
    """The satisfaction overview of a finished product over the last 12 months (this month
    included), read from the cost analysis in one grouped query for all products shown."""

    _inherit = "product.template"

    overview_answer_count = fields.Integer(
        string="Answers (12 months)", compute="_compute_satisfaction_overview",
    )
    overview_satisfaction = fields.Float(
        string="Satisfaction (12 months)", digits=(3, 2),
        compute="_compute_satisfaction_overview",
    )
    overview_satisfaction_trend = fields.Float(
        string="Satisfaction Trend", digits=(3, 2), compute="_compute_satisfaction_overview",
        help="Satisfaction of the last 6 months minus that of the 6 months before.",
    )
    overview_is_too_few_answers = fields.Boolean(
        string="Too Few Answers", compute="_compute_satisfaction_overview",
    )
    overview_machine_count = fields.Integer(
        string="Machines in the Field", compute="_compute_satisfaction_overview",
    )
    overview_claim_rate = fields.Float(
        string="Claim Rate (%)", digits=(16, 2), compute="_compute_satisfaction_overview",
        help="Warranty claims per 100 machine-months in the field.",
    )
    overview_cost_per_machine = fields.Float(
        string="Satisfaction Cost per Machine", digits=(16, 2),
        compute="_compute_satisfaction_overview",
    )
    overview_actual_factor = fields.Float(
        string="Amplification (Actual)", digits=(6, 2), compute="_compute_satisfaction_overview",
    )

    def _compute_satisfaction_overview(self):
        if not self.env.user.has_group("aftersales.group_aftersales_user"):
            # the analysis is the back office's: others see no figure
            for product in self:
                product.update(dict.fromkeys(OVERVIEW_FIELDS, 0))
            return
        today = fields.Date.context_today(self).replace(day=1)
        start = today - relativedelta(months=OVERVIEW_MONTHS - 1)
        middle = today - relativedelta(months=OVERVIEW_MONTHS // 2 - 1)
        Report = self.env["aftersales.cost.report"]
        domain = [("product_tmpl_id", "in", self.ids), ("month", ">=", start)]
        year = {
            tmpl: values
            for tmpl, *values in Report._read_group(
                domain,
                ["product_tmpl_id"],
                ["answer_count:sum", "satisfaction:avg", "machine_count:sum",
                 "claim_rate:avg", "cost_per_machine:avg", "actual_factor:avg"],
            )
        }
        by_half = {}
        for tmpl, month, answers, total in Report._read_group(
            domain, ["product_tmpl_id", "month:month"], ["answer_count:sum", "satisfaction_total:sum"]
        ):
            key = (tmpl, month >= middle)
            sums = by_half.setdefault(key, [0, 0.0])
            sums[0] += answers
            sums[1] += total
        minimum = {company: company.satisfaction_min_answers for company in self.env.companies}
        for product in self:
            answers, satisfaction, machines, rate, per_machine, factor = year.get(
                product, (0, 0.0, 0, 0.0, 0.0, 0.0)
            )
            recent, older = by_half.get((product, True)), by_half.get((product, False))
            trend = 0.0
            if recent and older and recent[0] and older[0]:
                trend = recent[1] / recent[0] - older[1] / older[0]
            company = product.company_id or self.env.company
            product.overview_answer_count = answers or 0
            product.overview_satisfaction = satisfaction or 0.0
            product.overview_satisfaction_trend = trend
            product.overview_is_too_few_answers = (answers or 0) < minimum.get(
                company, company.satisfaction_min_answers
            )
            product.overview_machine_count = machines or 0
            product.overview_claim_rate = rate or 0.0
            product.overview_cost_per_machine = per_machine or 0.0
            product.overview_actual_factor = factor or 0.0
