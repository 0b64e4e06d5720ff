from odoo import fields, models, tools
from odoo.tools import SQL

from .aftersales_lifecycle_cost_report import AftersalesLifecycleCostReport


class AftersalesLifecycleYearReport(models.Model):
    """Life-cycle cost per product and year of life, per machine-year.

    One row per product, company and year of life N, from year 1 to the oldest machine's
    current year:
      - machines (machine-years) = the product's machines that reached year N of their life
        by today (the year under way counts as one machine-year);
      - cost = the life-cycle cost events of the product's machines in their year N
        (``aftersales.lifecycle.cost.report``);
      - cost per machine-year = cost / machines; over several rows: total cost / total
        machine-years;
      - growth = the slope of the cost per machine-year over the years of life (least squares
        over every year, at least 2 years): how much a machine-year costs more each year the
        machines get older. The same on every row of the product.
    """

    _name = "aftersales.lifecycle.year.report"
    _inherit = ["aftersales.report.nojit.mixin"]
    _description = "Life-Cycle Cost per Machine-Year"
    _auto = False
    _order = "growth desc nulls last, product_id, life_year"
    # the events' tables, and the fleet's
    _depends = {**AftersalesLifecycleCostReport._depends,
                "product.template": ["categ_id", "company_id"]}

    product_id = fields.Many2one("product.product", string="Product", readonly=True)
    product_tmpl_id = fields.Many2one("product.template", string="Product Template", readonly=True)
    categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    life_year = fields.Integer(string="Year of Life", readonly=True, aggregator=False)
    machine_count = fields.Integer(
        string="Machine-Years", readonly=True,
        help="Machines that reached this year of their life by today (the year under way "
        "counts as one machine-year).",
    )
    cost = fields.Monetary(string="Life-Cycle Cost", readonly=True)
    cost_per_machine_year = fields.Monetary(
        string="Cost per Machine-Year", readonly=True, aggregator="avg",
        help="Cost of the year of life / machines that reached it. Over several years or "
        "products: total cost / total machine-years.",
    )
    growth = fields.Monetary(
        string="Cost Growth per Year", readonly=True, aggregator="avg",
        help="Slope of the cost per machine-year over the years of life (least squares, at "
        "least 2 years): how much more a machine-year costs each year the machines age.",
    )
    is_latest_year = fields.Boolean(
        string="Oldest Machines' Year", readonly=True,
        help="The latest year of life the product's machines reached: one row per product.",
    )

    def init(self):
        Events = self.env["aftersales.lifecycle.cost.report"]
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
CREATE OR REPLACE VIEW %(view)s AS (
    WITH machines AS (
        -- a machine without a company counts in its product's company, else the first one
        SELECT lot.product_id,
               COALESCE(lot.company_id, pt.company_id,
                        (SELECT MIN(id) FROM res_company)) AS company_id,
               %(years_reached)s AS years_reached
          FROM stock_lot lot
          JOIN product_product pp ON pp.id = lot.product_id
          JOIN product_template pt ON pt.id = pp.product_tmpl_id
         WHERE lot.is_machine AND lot.life_start_date IS NOT NULL
           AND lot.life_start_date <= CURRENT_DATE
    ), fleet AS (
        SELECT m.product_id, m.company_id, y AS life_year, COUNT(*) AS machines
          FROM machines m
          JOIN generate_series(1, 100) y ON y <= m.years_reached
         GROUP BY 1, 2, 3
    ), events AS (%(events)s
    ), costs AS (
        SELECT lot.product_id, e.company_id, %(life_year)s AS life_year, SUM(e.amount) AS cost
          FROM events e
          JOIN stock_lot lot ON lot.id = e.lot_id
         WHERE lot.is_machine AND lot.life_start_date IS NOT NULL AND e.date IS NOT NULL
         GROUP BY 1, 2, 3
    ), f AS (
        SELECT fleet.product_id, fleet.company_id, fleet.life_year, fleet.machines,
               COALESCE(costs.cost, 0) AS cost,
               COALESCE(costs.cost, 0) / fleet.machines AS per_machine_year
          FROM fleet
          LEFT JOIN costs ON costs.product_id = fleet.product_id
               AND costs.company_id = fleet.company_id AND costs.life_year = fleet.life_year
    )
    SELECT ROW_NUMBER() OVER (ORDER BY f.product_id, f.company_id, f.life_year) AS id,
           f.product_id, pp.product_tmpl_id, pt.categ_id, f.company_id, company.currency_id,
           f.life_year, f.machines::integer AS machine_count, f.cost,
           f.per_machine_year AS cost_per_machine_year,
           regr_slope(f.per_machine_year, f.life_year)
               OVER (PARTITION BY f.product_id, f.company_id) AS growth,
           f.life_year = MAX(f.life_year) OVER (PARTITION BY f.product_id, f.company_id)
               AS is_latest_year
      FROM f
      JOIN product_product pp ON pp.id = f.product_id
      JOIN product_template pt ON pt.id = pp.product_tmpl_id
      JOIN res_company company ON company.id = f.company_id
)
                """,
                view=SQL.identifier(self._table),
                years_reached=Events._get_life_year_sql(SQL("CURRENT_DATE"), SQL("lot.life_start_date")),
                events=Events._get_events_sql(),
                life_year=Events._get_life_year_sql(SQL("e.date"), SQL("lot.life_start_date")),
            )
        )

    def _read_group_select(self, aggregate_spec, query):
        # the cost per machine-year of a group is its total cost over its machine-years
        select = super()._read_group_select
        if aggregate_spec == "cost_per_machine_year:avg":
            return SQL(
                "%s / NULLIF(%s, 0)", select("cost:sum", query), select("machine_count:sum", query)
            )
        return select(aggregate_spec, query)
