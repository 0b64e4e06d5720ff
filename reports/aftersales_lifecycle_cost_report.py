from odoo import api, fields, models, tools
from odoo.tools import SQL

from ..models.aftersales_callback import CALLED_STATES
from ..models.aftersales_claim import (
    CAMPAIGN_CLAIM_TYPE,
    CAUSE_CATEGORIES,
    COUNTED_STATES,
    ONCE_APPROVED_STATES,
)

# Where a life-cycle cost comes from. The request types a visit or a factory repair has.
LIFECYCLE_SOURCES = [
    ("claim_part", "Claim parts"),
    ("claim_labour", "Claim labour and fees"),
    ("campaign", "Campaign work"),
    ("field_service", "Field service"),
    ("factory_repair", "Factory repair"),
    ("callback", "Call-back"),
]
FACTORY_REPAIR_REQUEST_TYPE = "repair"


class AftersalesLifecycleCostReport(models.Model):
    """Life-cycle cost of the machines (产品寿命周期满意度成本): one row per cost event of a
    machine since its life started, with the year of its life it fell in.

    A machine's life starts on its dealer delivery date, else its registration date, else its
    production date (``stock.lot.life_start_date``); life year 1 is its first 12 months. An
    event dated before the life start counts in year 1. Machines without any of these dates are
    not in the field and are left out.

    Every cost is counted once, by the document that bears it:
      - claim lines of the counted claims (filed, not rejected or cancelled), dated by the
        failure (else the claim date): the approved amount once the claim was approved, the
        claimed amount while it is submitted. Part lines are *claim parts*, the others *claim
        labour and fees*; every line of a campaign claim is *campaign work*. A field visit
        settled under warranty is here, as the lines of its claim;
      - field visits and factory repair requests charged by invoice (no settlement claim): the
        invoice's product lines (parts and fees, without tax), dated by the visit;
      - factory repair orders (``repair.order``) of the machine whose request was neither
        invoiced nor settled by a claim: the stock value of the parts the repair consumed;
      - call-backs made (answered or unreachable): their service cost (hotline time).

    Cause: the claim's cause category (a call-back: that of the claim it follows); requests and
    repairs have no cause category and show none.
    """

    _name = "aftersales.lifecycle.cost.report"
    _inherit = ["aftersales.report.nojit.mixin"]
    _description = "Life-Cycle Cost Analysis"
    _auto = False
    _order = "date desc, id desc"
    _depends = {
        "stock.lot": ["is_machine", "product_id", "company_id", "life_start_date"],
        "aftersales.claim": ["claim_type"],
        "aftersales.claim.line": ["claim_id", "lot_id", "company_id", "claim_date", "failure_date",
                                  "claim_state", "line_type", "cause_category", "amount_claimed",
                                  "amount_approved"],
        "aftersales.request": ["lot_id", "company_id", "request_type", "visit_start",
                               "request_date", "invoice_id", "settlement_claim_id"],
        "account.move.line": ["move_id", "display_type", "balance", "parent_state"],
        "repair.order": ["lot_id", "company_id", "aftersales_request_id"],
        "stock.move": ["repair_id", "repair_line_type", "state", "date"],
        "stock.valuation.layer": ["stock_move_id", "value"],
        "aftersales.callback": ["state", "call_date", "lot_id", "company_id", "service_cost",
                                "claim_id"],
        "product.product": ["product_tmpl_id"],
        "product.template": ["categ_id"],
        "res.company": ["currency_id"],
    }

    lot_id = fields.Many2one("stock.lot", string="Machine", readonly=True)
    product_id = fields.Many2one("product.product", string="Product", readonly=True)
    product_tmpl_id = fields.Many2one("product.template", string="Product Template", readonly=True)
    categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    date = fields.Date(readonly=True)
    life_start_date = fields.Date(
        string="Life Start", readonly=True,
        help="Dealer delivery date, else registration date, else production date.",
    )
    life_year = fields.Integer(
        string="Year of Life", readonly=True, aggregator=False,
        help="1 for the first 12 months from the life start, 2 for the next 12 ...",
    )
    source = fields.Selection(LIFECYCLE_SOURCES, readonly=True)
    cause_category = fields.Selection(CAUSE_CATEGORIES, string="Cause", readonly=True)
    amount = fields.Monetary(string="Cost", readonly=True)

    @api.model
    def _get_events_sql(self):
        """The cost events, one home for both life-cycle views: lot, company, date, source,
        cause and amount, with a unique id (the source row's id x 8 + the source's number)."""
        return SQL(
            """
    SELECT l.id * 8 + 1 AS id, l.lot_id, l.company_id,
           COALESCE(l.failure_date, l.claim_date) AS date,
           CASE WHEN c.claim_type = %(campaign)s THEN 'campaign'
                WHEN l.line_type = 'part' THEN 'claim_part'
                ELSE 'claim_labour' END AS source,
           l.cause_category,
           CASE WHEN l.claim_state IN %(approved)s THEN l.amount_approved
                ELSE l.amount_claimed END AS amount
      FROM aftersales_claim_line l
      JOIN aftersales_claim c ON c.id = l.claim_id
     WHERE l.claim_state IN %(counted)s AND l.lot_id IS NOT NULL
    UNION ALL
    -- a visit or repair charged by invoice; one settled under warranty is in its claim
    SELECT r.id * 8 + 2, r.lot_id, r.company_id,
           COALESCE(r.visit_start, r.request_date)::date,
           CASE WHEN r.request_type = %(repair_type)s THEN 'factory_repair'
                ELSE 'field_service' END,
           NULL,
           charged.amount
      FROM aftersales_request r
      -- summed per request in a lateral query, so a filter on the machine reaches the requests
      JOIN LATERAL (
           SELECT SUM(-aml.balance) AS amount
             FROM account_move_line aml
            WHERE aml.move_id = r.invoice_id AND aml.display_type = 'product'
                  AND aml.parent_state != 'cancel'
           ) charged ON charged.amount IS NOT NULL
     WHERE r.lot_id IS NOT NULL AND r.invoice_id IS NOT NULL AND r.settlement_claim_id IS NULL
    UNION ALL
    -- the parts a factory repair consumed, unless its request was charged or claimed
    SELECT ro.id * 8 + 3, ro.lot_id, ro.company_id, used.date, 'factory_repair', NULL,
           used.amount
      FROM repair_order ro
      JOIN LATERAL (
           SELECT MAX(m.date)::date AS date, SUM(-svl.value) AS amount
             FROM stock_move m
             JOIN stock_valuation_layer svl ON svl.stock_move_id = m.id
            WHERE m.repair_id = ro.id AND m.repair_line_type = 'add' AND m.state = 'done'
           ) used ON used.amount IS NOT NULL
      LEFT JOIN aftersales_request r ON r.id = ro.aftersales_request_id
     WHERE ro.lot_id IS NOT NULL AND r.invoice_id IS NULL AND r.settlement_claim_id IS NULL
    UNION ALL
    SELECT cb.id * 8 + 4, cb.lot_id, cb.company_id, cb.call_date::date, 'callback',
           c.cause_category, cb.service_cost
      FROM aftersales_callback cb
      LEFT JOIN aftersales_claim c ON c.id = cb.claim_id
     WHERE cb.state IN %(called)s AND cb.call_date IS NOT NULL AND cb.lot_id IS NOT NULL
           AND cb.service_cost != 0
            """,
            campaign=CAMPAIGN_CLAIM_TYPE,
            # a claim's approved amount is its cost once approved; a submitted one, its claim
            approved=ONCE_APPROVED_STATES,
            counted=COUNTED_STATES,
            repair_type=FACTORY_REPAIR_REQUEST_TYPE,
            called=CALLED_STATES,
        )

    @api.model
    def _get_life_year_sql(self, date_sql, start_sql):
        """Year of life of a date: 1 in the first 12 months from the life start (and before)."""
        return SQL(
            "GREATEST(1, EXTRACT(YEAR FROM age(%s::timestamp, %s::timestamp))::integer + 1)",
            date_sql, start_sql,
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
CREATE OR REPLACE VIEW %(view)s AS (
    WITH events AS (%(events)s)
    SELECT e.id, e.lot_id, lot.product_id, pp.product_tmpl_id, pt.categ_id, e.company_id,
           company.currency_id, e.date, lot.life_start_date,
           %(life_year)s AS life_year,
           e.source, e.cause_category, e.amount
      FROM events e
      JOIN stock_lot lot ON lot.id = e.lot_id
      JOIN product_product pp ON pp.id = lot.product_id
      JOIN product_template pt ON pt.id = pp.product_tmpl_id
      JOIN res_company company ON company.id = e.company_id
     WHERE lot.is_machine AND lot.life_start_date IS NOT NULL AND e.date IS NOT NULL
)
                """,
                view=SQL.identifier(self._table),
                events=self._get_events_sql(),
                life_year=self._get_life_year_sql(SQL("e.date"), SQL("lot.life_start_date")),
            )
        )
