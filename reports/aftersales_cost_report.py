from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.aftersales_claim import COUNTED_STATES, ONCE_APPROVED_STATES


class AftersalesCostReport(models.Model):
    """The cost of customer satisfaction per finished product and month (domain.md section 1).

    Every service cost is counted once, on one side, by the state of the machine it served:

    **Routine service cost** (the model's base): service of working (conforming) machines, all
    at the service charge standard (fee schedule):
      - the fees invoiced for service requests whose cause is *Routine* (maintenance,
        inspections, paid visits), and the fee lines of a warranty claim that settles such a
        visit (a routine visit to a machine under warranty);
      - the hotline time of the call-backs that follow no claim (duration x the labour rate);
      - routine service entered by hand per product and month (``aftersales.service.cost`` of
        type routine).

    **Non-conforming-product service cost, measured**: service on failed machines:
      - the labour, travel, inspection and other fee lines of the product's warranty and
        goodwill claims (filed and not rejected or cancelled, by claim month; parts are not
        service), but those of a claim settling a routine visit;
      - the fees invoiced for service requests whose cause is *Machine failure*;
      - the hotline time of the call-backs that follow a claim;
      - failed-machine service entered by hand (type failure).

    Then, per product and month:
      - non-conforming-product service cost (model) = routine x the product's service cost
        amplification factor, beside the measured one and the factor it implies
        (measured / routine), so that the factor can be checked;
      - service-quality cost = routine + non-conforming (model): the measured cost is shown,
        never added, so nothing is counted twice;
      - customer-satisfaction cost = conforming-product quality cost (entered) + service-quality
        cost, and per machine in the field (machines delivered to a dealer or registered to an
        end user by the end of the month);
      - the actual warranty cost (approved amounts of the product's claims, parts included) is
        shown for reference: it is what the claims cost, not a service cost.

    Every figure is a PostgreSQL aggregate of the view read through ``_read_group``, so a pivot
    costs the same number of queries whatever the number of claims and call-backs.
    """

    _name = "aftersales.cost.report"
    _inherit = ["aftersales.report.nojit.mixin"]
    _description = "Customer-Satisfaction Cost Analysis"
    _auto = False
    _order = "month desc, product_id"
    _depends = {
        "stock.lot": ["is_machine", "product_id", "company_id", "registration_date",
                      "dealer_delivery_date"],
        "aftersales.claim": ["product_id", "company_id", "date", "state", "claim_type",
                             "amount_approved"],
        "aftersales.claim.line": ["machine_product_id", "company_id", "claim_date", "claim_state",
                                  "line_type", "amount_claimed"],
        "aftersales.callback": [
            "state", "call_date", "product_id", "company_id", "service_cost", "satisfaction",
            "claim_id",
        ],
        "aftersales.request": ["product_id", "company_id", "service_cause", "visit_start",
                               "invoice_id", "settlement_claim_id"],
        "account.move.line": ["move_id", "display_type", "product_id", "balance", "parent_state"],
        "aftersales.service.cost": ["product_id", "company_id", "period_date", "cost_type",
                                    "amount"],
        "product.template": ["categ_id", "company_id", "service_cost_factor", "aftersales_fee_type"],
        "res.company": ["currency_id"],
    }

    month = fields.Date(readonly=True)
    product_id = fields.Many2one("product.product", string="Product", readonly=True)
    product_tmpl_id = fields.Many2one("product.template", string="Product Template", readonly=True)
    categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    machine_count = fields.Integer(
        string="Machines in the Field", readonly=True,
        help="Machines delivered to a dealer or registered to an end user by the end of the "
        "month. Over several months: the average fleet.",
    )
    claim_count = fields.Integer(string="Warranty Claims", readonly=True)
    claim_rate = fields.Float(
        string="Claim Rate (%)", readonly=True, digits=(16, 2), aggregator="avg",
        help="Warranty claims per 100 machines in the field in the month. Over several months: "
        "per 100 machine-months.",
    )
    answer_count = fields.Integer(string="Answers", readonly=True)
    satisfaction_total = fields.Float(readonly=True)
    satisfaction = fields.Float(
        readonly=True, digits=(3, 2), aggregator="avg",
        help="Customer satisfaction of the answered call-backs (product quality x w + service "
        "quality x (1 - w)).",
    )
    routine_cost = fields.Monetary(
        string="Routine Service Cost", readonly=True,
        help="Service of working machines at the service charge standard: fees of the routine "
        "service requests (maintenance, inspections, paid visits), hotline time of the call-backs "
        "that follow no claim, and routine service entered by hand. Service on failed machines "
        "is not in it.",
    )
    cost_factor = fields.Float(
        string="Amplification (Model)", readonly=True, digits=(6, 2), aggregator="avg",
        help="The product's service cost amplification factor.",
    )
    nonconforming_cost = fields.Monetary(
        string="Non-Conforming Service Cost (Model)", readonly=True,
        help="Routine service cost x the amplification factor.",
    )
    measured_nonconforming_cost = fields.Monetary(
        string="Non-Conforming Service Cost (Measured)", readonly=True,
        help="Service on failed machines: the fee lines of the warranty and goodwill claims, the "
        "fees of the service requests caused by a failure, the hotline time of the call-backs "
        "after claims and failed-machine service entered by hand. Shown beside the model to "
        "check the amplification factor; not added to any total.",
    )
    actual_factor = fields.Float(
        string="Amplification (Measured)", readonly=True, digits=(6, 2), aggregator="avg",
        help="Measured non-conforming service cost / routine service cost: the factor the "
        "figures imply, to compare with the product's factor.",
    )
    warranty_cost = fields.Monetary(
        string="Actual Warranty Cost", readonly=True,
        help="Approved amounts of the product's warranty and goodwill claims, parts included: "
        "what the claims cost, for reference; not part of the service cost.",
    )
    service_quality_cost = fields.Monetary(
        string="Service-Quality Cost", readonly=True,
        help="Routine + non-conforming-product service cost (model).",
    )
    conforming_cost = fields.Monetary(
        string="Conforming-Product Quality Cost", readonly=True,
        help="Entered per product and month (After-Sales > Analysis > Service Cost Entries).",
    )
    satisfaction_cost = fields.Monetary(
        string="Customer-Satisfaction Cost", readonly=True,
        help="Conforming-product quality cost + service-quality cost.",
    )
    cost_per_machine = fields.Monetary(
        string="Satisfaction Cost per Machine", readonly=True, aggregator="avg",
        help="Customer-satisfaction cost per machine in the field.",
    )

    is_recent = fields.Boolean(
        string="Last 12 Months with Data", readonly=True,
        help="The month lies in the 12 months up to the company's latest month with a claim, an "
        "answered call-back or a service cost (from its first such month on).",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
CREATE OR REPLACE VIEW %(view)s AS (
    WITH fleet AS (
        -- a machine without a company counts in its product's company, else the first one
        SELECT lot.product_id,
               COALESCE(lot.company_id, pt.company_id,
                        (SELECT MIN(id) FROM res_company)) AS company_id,
               date_trunc('month', COALESCE(lot.registration_date, lot.dealer_delivery_date))::date AS month,
               COUNT(*) AS machines
          FROM stock_lot lot
          JOIN product_product pp ON pp.id = lot.product_id
          JOIN product_template pt ON pt.id = pp.product_tmpl_id
         WHERE lot.is_machine AND COALESCE(lot.registration_date, lot.dealer_delivery_date) IS NOT NULL
         GROUP BY 1, 2, 3
    ), claims AS (
        SELECT c.product_id, c.company_id, date_trunc('month', c.date)::date AS month,
               COUNT(*) FILTER (WHERE c.claim_type = 'warranty') AS claims,
               COALESCE(SUM(c.amount_approved) FILTER (WHERE c.state IN %(paid)s), 0) AS warranty_cost
          FROM aftersales_claim c
         WHERE c.state IN %(counted)s AND c.product_id IS NOT NULL
         GROUP BY 1, 2, 3
    ), claim_fees AS (
        -- fee lines of claims: service on a failed machine, unless the claim settles a routine
        -- visit (maintenance or inspection of a machine under warranty)
        SELECT l.machine_product_id AS product_id, l.company_id,
               date_trunc('month', l.claim_date)::date AS month,
               COALESCE(SUM(l.amount_claimed) FILTER (WHERE routine_visit.claim_id IS NOT NULL), 0)
                   AS routine,
               COALESCE(SUM(l.amount_claimed) FILTER (WHERE routine_visit.claim_id IS NULL), 0)
                   AS failure
          FROM aftersales_claim_line l
          LEFT JOIN (SELECT DISTINCT r.settlement_claim_id AS claim_id
                       FROM aftersales_request r
                      WHERE r.settlement_claim_id IS NOT NULL AND r.service_cause = 'routine'
                    ) routine_visit ON routine_visit.claim_id = l.claim_id
         WHERE l.line_type != 'part' AND l.claim_state IN %(counted)s
           AND l.machine_product_id IS NOT NULL
         GROUP BY 1, 2, 3
    ), request_fees AS (
        -- fees invoiced for a visit (labour, call-out...: products of the fee schedule), by the
        -- visit's cause; a visit settled by a claim is in claim_fees
        SELECT r.product_id, r.company_id, date_trunc('month', r.visit_start)::date AS month,
               COALESCE(SUM(-aml.balance) FILTER (WHERE r.service_cause = 'routine'), 0) AS routine,
               COALESCE(SUM(-aml.balance) FILTER (WHERE r.service_cause = 'failure'), 0) AS failure
          FROM aftersales_request r
          JOIN account_move_line aml ON aml.move_id = r.invoice_id AND aml.display_type = 'product'
               AND aml.parent_state != 'cancel'
          JOIN product_product fee ON fee.id = aml.product_id
          JOIN product_template fee_tmpl ON fee_tmpl.id = fee.product_tmpl_id
         WHERE fee_tmpl.aftersales_fee_type IS NOT NULL AND r.product_id IS NOT NULL
           AND r.visit_start IS NOT NULL
         GROUP BY 1, 2, 3
    ), calls AS (
        -- a call-back after a claim serves a failed machine; any other one a working machine
        SELECT cb.product_id, cb.company_id, date_trunc('month', cb.call_date)::date AS month,
               COALESCE(SUM(cb.service_cost) FILTER (WHERE cb.claim_id IS NULL), 0) AS routine,
               COALESCE(SUM(cb.service_cost) FILTER (WHERE cb.claim_id IS NOT NULL), 0) AS failure,
               COUNT(*) FILTER (WHERE cb.state = 'done') AS answers,
               -- the index each answered call-back stores
               COALESCE(SUM(cb.satisfaction) FILTER (WHERE cb.state = 'done'), 0)
                   AS satisfaction_total
          FROM aftersales_callback cb
         WHERE cb.state IN ('done', 'unreachable') AND cb.call_date IS NOT NULL
           AND cb.product_id IS NOT NULL
         GROUP BY 1, 2, 3
    ), entries AS (
        SELECT e.product_id, e.company_id, e.period_date AS month,
               COALESCE(SUM(e.amount) FILTER (WHERE e.cost_type = 'conforming'), 0) AS conforming,
               COALESCE(SUM(e.amount) FILTER (WHERE e.cost_type = 'routine'), 0) AS routine,
               COALESCE(SUM(e.amount) FILTER (WHERE e.cost_type = 'failure'), 0) AS failure
          FROM aftersales_service_cost e
         GROUP BY 1, 2, 3
    ), facts AS (
        SELECT product_id, company_id, month, machines, 0 AS claims, 0 AS warranty_cost,
               0 AS routine, 0 AS failure, 0 AS answers, 0 AS satisfaction_total, 0 AS conforming
          FROM fleet
        UNION ALL
        SELECT product_id, company_id, month, 0, claims, warranty_cost, 0, 0, 0, 0, 0 FROM claims
        UNION ALL
        SELECT product_id, company_id, month, 0, 0, 0, routine, failure, 0, 0, 0 FROM claim_fees
        UNION ALL
        SELECT product_id, company_id, month, 0, 0, 0, routine, failure, 0, 0, 0 FROM request_fees
        UNION ALL
        SELECT product_id, company_id, month, 0, 0, 0, routine, failure, answers,
               satisfaction_total, 0
          FROM calls
        UNION ALL
        SELECT product_id, company_id, month, 0, 0, 0, routine, failure, 0, 0, conforming
          FROM entries
    ), bounds AS (
        SELECT product_id, company_id, MIN(month) AS first_month,
               GREATEST(MAX(month), date_trunc('month', CURRENT_DATE)::date) AS last_month
          FROM facts
         GROUP BY product_id, company_id
    ), grid AS (
        -- every month from the product's first fact on: the fleet is there even in a quiet
        -- month (a constant series keeps the planner's estimates, and so its plan, small)
        SELECT b.product_id, b.company_id, (b.first_month + make_interval(months => k))::date AS month,
               0, 0, 0, 0, 0, 0, 0, 0
          FROM bounds b
          JOIN generate_series(0, 1199) k ON b.first_month + make_interval(months => k) <= b.last_month
    ), monthly AS (
        SELECT product_id, company_id, month,
               SUM(machines) AS new_machines, SUM(claims) AS claims,
               SUM(warranty_cost) AS warranty_cost, SUM(routine) AS routine,
               SUM(failure) AS failure,
               SUM(answers) AS answers, SUM(satisfaction_total) AS satisfaction_total,
               SUM(conforming) AS conforming
          FROM (SELECT * FROM facts UNION ALL SELECT * FROM grid) AS all_facts
         GROUP BY product_id, company_id, month
    ), f AS (
        SELECT monthly.*,
               SUM(new_machines) OVER (
                   PARTITION BY product_id, company_id ORDER BY month) AS machines
          FROM monthly
    ), data_months AS (
        -- the company's months with a figure (a claim, an answer, a cost): the analysis opens
        -- on the 12 months up to the latest of them, from the first one on
        SELECT company_id, MIN(month) AS first_month, MAX(month) AS last_month
          FROM monthly
         WHERE claims <> 0 OR warranty_cost <> 0 OR routine <> 0 OR failure <> 0
            OR answers <> 0 OR conforming <> 0
         GROUP BY company_id
    )
    SELECT row_number() OVER (ORDER BY f.month, f.product_id, f.company_id) AS id,
           f.month,
           f.product_id,
           pt.id AS product_tmpl_id,
           pt.categ_id,
           f.company_id,
           company.currency_id,
           f.machines::integer AS machine_count,
           f.claims::integer AS claim_count,
           (100.0 * f.claims / NULLIF(f.machines, 0))::float AS claim_rate,
           f.answers::integer AS answer_count,
           f.satisfaction_total::float AS satisfaction_total,
           (f.satisfaction_total / NULLIF(f.answers, 0))::float AS satisfaction,
           f.routine AS routine_cost,
           pt.service_cost_factor AS cost_factor,
           f.routine * pt.service_cost_factor AS nonconforming_cost,
           f.failure AS measured_nonconforming_cost,
           (f.failure / NULLIF(f.routine, 0))::float AS actual_factor,
           f.warranty_cost,
           f.routine * (1 + pt.service_cost_factor) AS service_quality_cost,
           f.conforming AS conforming_cost,
           f.conforming + f.routine * (1 + pt.service_cost_factor) AS satisfaction_cost,
           (f.conforming + f.routine * (1 + pt.service_cost_factor)) / NULLIF(f.machines, 0)
               AS cost_per_machine,
           COALESCE(f.month BETWEEN GREATEST(dm.first_month, (dm.last_month - interval '11 months')::date)
                                AND dm.last_month, FALSE) AS is_recent
      FROM f
      JOIN product_product pp ON pp.id = f.product_id
      JOIN product_template pt ON pt.id = pp.product_tmpl_id
      JOIN res_company company ON company.id = f.company_id
      LEFT JOIN data_months dm ON dm.company_id = f.company_id
)
                """,
                view=SQL.identifier(self._table),
                # claims whose approved amount is warranty cost paid or to be paid
                paid=ONCE_APPROVED_STATES,
                # claims that count as service done: filed and not turned down
                counted=COUNTED_STATES,
            )
        )

    def _read_group_select(self, aggregate_spec, query):
        # Ratios of a group are ratios of its totals; the fleet is a stock, so over several
        # months it is averaged (a month's fleet is the sum over the group's products).
        select = super()._read_group_select

        def total(fname):
            return select(f"{fname}:sum", query)

        months = select("month:count_distinct", query)
        fleet = SQL("(%s::float / NULLIF(%s, 0))", total("machine_count"), months)
        if aggregate_spec == "machine_count:sum":
            return SQL("ROUND(%s)::integer", fleet)
        if aggregate_spec == "claim_rate:avg":
            return SQL("100.0 * %s / NULLIF(%s, 0)", total("claim_count"), total("machine_count"))
        if aggregate_spec == "satisfaction:avg":
            return SQL("%s / NULLIF(%s, 0)", total("satisfaction_total"), total("answer_count"))
        if aggregate_spec == "cost_factor:avg":
            return SQL(
                "COALESCE(%s / NULLIF(%s, 0), %s)",
                total("nonconforming_cost"), total("routine_cost"), select("cost_factor:avg", query),
            )
        if aggregate_spec == "actual_factor:avg":
            return SQL(
                "%s / NULLIF(%s, 0)", total("measured_nonconforming_cost"), total("routine_cost")
            )
        if aggregate_spec == "cost_per_machine:avg":
            return SQL("%s / NULLIF(%s, 0)", total("satisfaction_cost"), fleet)
        return select(aggregate_spec, query)
