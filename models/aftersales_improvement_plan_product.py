from collections import defaultdict

from odoo import api, fields, models

DAYS_PER_YEAR = 365.25


class AftersalesImprovementPlanProduct(models.Model):
    """A product of an improvement plan, with its cost per machine-year before and after the
    plan's effective date D (in the plan's company, up to today):

    - before = life-cycle cost events dated before D / machine-years lived before D, where a
      machine lived (min(D, today) - life start) / 365.25 years before D (none if it started
      later);
    - after = cost events dated from D on / machine-years lived from D to today, a machine's
      (today - max(D, life start)) / 365.25 years.

    Machine-years here are time in the field, not years of life reached: a plan's date cuts
    the machines' lives in two."""

    _name = "aftersales.improvement.plan.product"
    _description = "Improvement Plan Product"
    _order = "plan_id, sequence, id"
    _check_company_auto = True

    plan_id = fields.Many2one(
        "aftersales.improvement.plan", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    product_tmpl_id = fields.Many2one(
        "product.template", string="Product", required=True, check_company=True,
        domain="[('aftersales_part_class', '=', 'finished')]",
    )
    machine_years_before = fields.Float(
        compute="_compute_costs", digits=(12, 1),
        help="Years the product's machines lived before the effective date.",
    )
    cost_before = fields.Monetary(
        string="Cost before", compute="_compute_costs",
        help="Life-cycle cost events dated before the effective date.",
    )
    cost_per_machine_year_before = fields.Monetary(
        string="Cost per Machine-Year before", compute="_compute_costs",
        help="Cost before / machine-years before the effective date.",
    )
    machine_years_after = fields.Float(
        compute="_compute_costs", digits=(12, 1),
        help="Years the product's machines lived from the effective date to today.",
    )
    cost_after = fields.Monetary(
        string="Cost after", compute="_compute_costs",
        help="Life-cycle cost events dated from the effective date on.",
    )
    cost_per_machine_year_after = fields.Monetary(
        string="Cost per Machine-Year after", compute="_compute_costs",
        help="Cost after / machine-years from the effective date to today.",
    )
    change = fields.Float(
        string="Change (%)", compute="_compute_costs", digits=(16, 1),
        help="(after - before) / before, in per cent.",
    )

    _sql_constraints = [
        ("product_uniq", "unique(plan_id, product_tmpl_id)",
         "A product is listed once on an improvement plan."),
    ]

    @api.depends("product_tmpl_id", "plan_id.date", "plan_id.company_id")
    def _compute_costs(self):
        lines = self.filtered(lambda line: line.product_tmpl_id and line.plan_id.date)
        (self - lines).update({
            "machine_years_before": 0.0, "cost_before": 0.0, "cost_per_machine_year_before": 0.0,
            "machine_years_after": 0.0, "cost_after": 0.0, "cost_per_machine_year_after": 0.0,
            "change": 0.0,
        })
        if not lines:
            return
        today = fields.Date.context_today(self)
        templates = lines.product_tmpl_id
        companies = lines.company_id
        # one grouped query per table: the cost events per day and the machines per life start
        costs = defaultdict(list)
        for template, company, day, amount in self.env["aftersales.lifecycle.cost.report"].sudo()._read_group(
            [("product_tmpl_id", "in", templates.ids), ("company_id", "in", companies.ids)],
            ["product_tmpl_id", "company_id", "date:day"], ["amount:sum"],
        ):
            costs[template, company].append((day, amount))
        starts = defaultdict(list)
        for product, company, start, count in self.env["stock.lot"].sudo()._read_group(
            [("is_machine", "=", True), ("product_id.product_tmpl_id", "in", templates.ids),
             ("company_id", "in", companies.ids), ("life_start_date", "!=", False),
             ("life_start_date", "<=", today)],
            ["product_id", "company_id", "life_start_date:day"], ["__count"],
        ):
            starts[product.product_tmpl_id, company].append((start, count))
        for line in lines:
            key = (line.product_tmpl_id, line.company_id)
            cut = min(line.plan_id.date, today)
            cost_before = sum(amount for day, amount in costs[key] if day < line.plan_id.date)
            cost_after = sum(amount for day, amount in costs[key] if day >= line.plan_id.date)
            years_before = sum(
                count * max(0, (cut - start).days) for start, count in starts[key]
            ) / DAYS_PER_YEAR
            years_after = sum(
                count * max(0, (today - max(start, line.plan_id.date)).days)
                for start, count in starts[key]
            ) / DAYS_PER_YEAR
            before = cost_before / years_before if years_before else 0.0
            after = cost_after / years_after if years_after else 0.0
            line.update({
                "machine_years_before": years_before, "cost_before": cost_before,
                "cost_per_machine_year_before": before,
                "machine_years_after": years_after, "cost_after": cost_after,
                "cost_per_machine_year_after": after,
                "change": 100.0 * (after - before) / before if before and years_after else 0.0,
            })
