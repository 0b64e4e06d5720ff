from odoo import fields, models, tools
from odoo.tools import SQL


class AftersalesSatisfactionReport(models.Model):
    """Customer satisfaction per month, product and dealer, from the answered call-backs: the
    index each call-back stores (``aftersales.callback.satisfaction``, product-quality score x w +
    service-quality score x (1 - w)) summed over the answers.

    Every figure is a PostgreSQL aggregate of the view read through ``_read_group`` (weighted
    averages as sums over answer counts), so a pivot costs the same number of queries whatever
    the number of call-backs."""

    _name = "aftersales.satisfaction.report"
    _inherit = ["aftersales.report.nojit.mixin"]
    _description = "Customer Satisfaction Analysis"
    _auto = False
    _order = "month desc, product_id, dealer_id"
    _depends = {
        "aftersales.callback": [
            "state", "call_date", "product_id", "dealer_id", "company_id",
            "product_quality_score", "service_quality_score", "satisfaction_weight", "satisfaction",
        ],
        "product.template": ["categ_id"],
        "res.company": ["satisfaction_min_answers"],
    }

    month = fields.Date(readonly=True)
    product_id = fields.Many2one("product.product", string="Product", readonly=True)
    product_tmpl_id = fields.Many2one("product.template", string="Product Template", readonly=True)
    categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    dealer_id = fields.Many2one("res.partner", string="Dealer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    answer_count = fields.Integer(string="Answers", readonly=True)
    product_score = fields.Float(
        string="Product Quality", readonly=True, digits=(3, 2), aggregator="avg",
        help="Average product-quality score (1-5) of the answers.",
    )
    service_score = fields.Float(
        string="Service Quality", readonly=True, digits=(3, 2), aggregator="avg",
        help="Average service-quality score (1-5) of the answers.",
    )
    weight = fields.Float(
        string="Weight w", readonly=True, digits=(3, 2), aggregator="avg",
        help="Weight of product quality: the product category's own weight, else the company's.",
    )
    satisfaction = fields.Float(
        readonly=True, digits=(3, 2), aggregator="avg",
        help="Product quality x w + service quality x (1 - w), averaged over the answers.",
    )
    product_score_total = fields.Float(readonly=True, aggregator="sum")
    service_score_total = fields.Float(readonly=True, aggregator="sum")
    weight_total = fields.Float(readonly=True, aggregator="sum")
    satisfaction_total = fields.Float(readonly=True, aggregator="sum")
    is_too_few_answers = fields.Boolean(
        string="Too Few Answers", readonly=True,
        help="Fewer answers than the company's minimum: the figure says little.",
    )

    def init(self):
        # the call-back stores its index and weight: the view sums them, and a group's averages
        # are its sums over its answers (_read_group_select)
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
CREATE OR REPLACE VIEW %s AS (
    SELECT MIN(cb.id) AS id,
           date_trunc('month', cb.call_date)::date AS month,
           cb.product_id,
           pt.id AS product_tmpl_id,
           pt.categ_id,
           cb.dealer_id,
           cb.company_id,
           COUNT(*)::integer AS answer_count,
           AVG(cb.product_quality_score)::float AS product_score,
           AVG(cb.service_quality_score)::float AS service_score,
           AVG(cb.satisfaction_weight)::float AS weight,
           AVG(cb.satisfaction)::float AS satisfaction,
           SUM(cb.product_quality_score)::float AS product_score_total,
           SUM(cb.service_quality_score)::float AS service_score_total,
           SUM(cb.satisfaction_weight)::float AS weight_total,
           SUM(cb.satisfaction)::float AS satisfaction_total,
           COUNT(*) < MAX(company.satisfaction_min_answers) AS is_too_few_answers
      FROM aftersales_callback cb
      JOIN res_company company ON company.id = cb.company_id
      JOIN product_product pp ON pp.id = cb.product_id
      JOIN product_template pt ON pt.id = pp.product_tmpl_id
     WHERE cb.state = 'done' AND cb.call_date IS NOT NULL
     GROUP BY 2, cb.product_id, pt.id, pt.categ_id, cb.dealer_id, cb.company_id
)
                """,
                SQL.identifier(self._table),
            )
        )

    def _read_group_select(self, aggregate_spec, query):
        # a group's average is over its answers, not the mean of its rows' averages
        totals = {
            "product_score:avg": "product_score_total",
            "service_score:avg": "service_score_total",
            "weight:avg": "weight_total",
            "satisfaction:avg": "satisfaction_total",
        }
        if aggregate_spec in totals:
            select_sum = super()._read_group_select
            return SQL(
                "%s / NULLIF(%s, 0)",
                select_sum(f"{totals[aggregate_spec]}:sum", query),
                select_sum("answer_count:sum", query),
            )
        return super()._read_group_select(aggregate_spec, query)
