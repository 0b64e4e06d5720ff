from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.aftersales_claim import COUNTED_STATES


class AftersalesFailureRateReport(models.Model):
    """Failure rate per product and month: warranty claims over the machines in warranty."""

    _name = "aftersales.failure.rate.report"
    _description = "Failure Rate Analysis"
    _auto = False
    _order = "month desc, product_id"

    month = fields.Date(readonly=True)
    product_id = fields.Many2one("product.product", string="Product", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True, help="The machines' company.")
    machine_count = fields.Integer(
        string="Machines in Warranty",
        readonly=True,
        help="Machines whose warranty covered at least one day of the month.",
    )
    claim_count = fields.Integer(
        string="Warranty Claims",
        readonly=True,
        help="Warranty claims filed for a failure in the month (drafts, rejected and cancelled "
        "claims left out).",
    )
    failure_rate = fields.Float(
        string="Failure Rate (%)",
        readonly=True,
        digits=(16, 2),
        aggregator="avg",
        help="Warranty claims per 100 machines in warranty in the month. Over several months: "
        "claims per 100 machine-months in warranty.",
    )

    is_recent = fields.Boolean(
        string="Last 12 Months with Data", readonly=True,
        help="The month lies in the 12 months up to the company's latest month with a warranty "
        "claim (from its first such month on).",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
CREATE OR REPLACE VIEW %s AS (
    WITH months AS (
        SELECT generate_series(
                   date_trunc('month', MIN(registration_date)),
                   date_trunc('month', CURRENT_DATE),
                   interval '1 month'
               )::date AS month
          FROM stock_lot
         WHERE is_machine AND registration_date IS NOT NULL
    ), facts AS (
        SELECT m.month, lot.product_id, lot.company_id, COUNT(*) AS machine_count, 0 AS claim_count
          FROM months m
          JOIN stock_lot lot
            ON lot.is_machine
           AND lot.registration_date < m.month + interval '1 month'
           AND lot.warranty_end_date >= m.month
         GROUP BY m.month, lot.product_id, lot.company_id
        UNION ALL
        SELECT date_trunc('month', c.failure_date)::date, lot.product_id, lot.company_id, 0, COUNT(*)
          FROM aftersales_claim c
          JOIN stock_lot lot ON lot.id = c.lot_id
         WHERE c.claim_type = 'warranty'
           AND c.failure_date IS NOT NULL
           AND c.state IN %s
         GROUP BY 1, 2, 3
    ), monthly AS (
        SELECT month, product_id, company_id,
               SUM(machine_count) AS machine_count, SUM(claim_count) AS claim_count
          FROM facts
         GROUP BY month, product_id, company_id
    ), data_months AS (
        -- the company's months with a claim: the analysis opens on the 12 months up to the
        -- latest of them, from the first one on
        SELECT company_id, MIN(month) AS first_month, MAX(month) AS last_month
          FROM monthly
         WHERE claim_count > 0
         GROUP BY company_id
    )
    SELECT row_number() OVER (ORDER BY m.month, m.product_id, m.company_id) AS id,
           m.month,
           m.product_id,
           m.company_id,
           m.machine_count::integer AS machine_count,
           m.claim_count::integer AS claim_count,
           100.0 * m.claim_count / NULLIF(m.machine_count, 0) AS failure_rate,
           COALESCE(m.month BETWEEN GREATEST(dm.first_month, (dm.last_month - interval '11 months')::date)
                                AND dm.last_month, FALSE) AS is_recent
      FROM monthly m
      LEFT JOIN data_months dm ON dm.company_id IS NOT DISTINCT FROM m.company_id
)
                """,
                SQL.identifier(self._table),
                COUNTED_STATES,
            )
        )

    def _read_group_select(self, aggregate_spec, query):
        # the rate of a group is its claims over its machines, not the mean of monthly rates
        if aggregate_spec == "failure_rate:avg":
            select_sum = super()._read_group_select
            return SQL(
                "100.0 * %s / NULLIF(%s, 0)",
                select_sum("claim_count:sum", query),
                select_sum("machine_count:sum", query),
            )
        return super()._read_group_select(aggregate_spec, query)
