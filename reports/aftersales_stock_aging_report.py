from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.tools import SQL

from ..models.product_template import PART_CLASSES, SPARE_PART_CLASSES

AGE_BUCKETS = [
    ("0_3", "0-3 months"),
    ("3_6", "3-6 months"),
    ("6_12", "6-12 months"),
    ("12_plus", "Over 12 months"),
]



class AftersalesStockAgingReport(models.Model):
    """Spare-parts stock by the date it came into its warehouse.

    Stock of a part in a warehouse is the sum of its quants. Quants of parts without lots merge
    and keep the oldest incoming date, which would make steadily replenished stock look old. So
    on-hand stock is allocated first-in-first-out to the latest receipts into the warehouse
    (purchases, returns, transfers from other warehouses, inventory gains), each dated by its
    move; whatever no recorded receipt explains (opening balances, imported stock) keeps the
    incoming date of its quants. Claimed parts waiting for disposal are not reserve stock and
    are left out.
    """

    _name = "aftersales.stock.aging.report"
    _description = "Spare-Parts Stock Aging"
    _auto = False
    _order = "in_date"
    _rec_name = "product_id"
    _depends = {
        "stock.quant": ["product_id", "company_id", "location_id", "quantity", "in_date"],
        "stock.move": ["product_id", "company_id", "location_id", "location_dest_id", "state", "date", "product_qty"],
        "stock.location": ["usage", "warehouse_id", "parent_path"],
        "stock.warehouse": ["claimed_parts_location_id"],
        "product.product": ["product_tmpl_id", "standard_price"],
        "product.template": ["aftersales_part_class", "categ_id"],
        "res.company": ["aftersales_aging_months"],
    }

    product_id = fields.Many2one("product.product", string="Part", readonly=True)
    product_tmpl_id = fields.Many2one("product.template", string="Part Template", readonly=True)
    part_class = fields.Selection(PART_CLASSES, readonly=True)
    categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    warehouse_id = fields.Many2one("stock.warehouse", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    move_id = fields.Many2one(
        "stock.move", string="Received By", readonly=True,
        help="The receipt this stock is allocated to; empty when no recorded receipt explains "
        "it and the incoming date of the quants is used.",
    )
    in_date = fields.Datetime(string="Incoming Date", readonly=True)
    age_days = fields.Integer(string="Age (days)", readonly=True, aggregator="max")
    age_bucket = fields.Selection(AGE_BUCKETS, string="Age", readonly=True)
    quantity = fields.Float(digits="Product Unit of Measure", readonly=True)
    value = fields.Monetary(readonly=True)
    # young: within the company's stock-aging boundary (Settings), 3 months by default
    young_quantity = fields.Float(
        string="Young Quantity", digits="Product Unit of Measure", readonly=True,
        help="Stock younger than the company's stock-aging boundary (Settings).",
    )
    young_value = fields.Monetary(
        string="Young Value", readonly=True,
        help="Value of the stock younger than the company's stock-aging boundary (Settings).",
    )

    @property
    def _table_query(self):
        return SQL(
            """
WITH claimed AS (
    SELECT sub.id
      FROM stock_warehouse w
      JOIN stock_location room ON room.id = w.claimed_parts_location_id
      JOIN stock_location sub ON sub.parent_path LIKE room.parent_path || %s
),
parts AS (
    SELECT pp.id AS product_id
      FROM product_product pp
      JOIN product_template pt ON pt.id = pp.product_tmpl_id
     WHERE pt.aftersales_part_class IN %s
),
quants AS (
    -- warehouse 0 stands for internal locations outside any warehouse: joins on it can hash.
    SELECT q.id, q.product_id, q.company_id, COALESCE(l.warehouse_id, 0) AS warehouse_id,
           q.quantity, q.in_date
      FROM stock_quant q
      JOIN stock_location l ON l.id = q.location_id
      JOIN parts ON parts.product_id = q.product_id
     WHERE l.usage = 'internal'
       AND l.id NOT IN (SELECT id FROM claimed)
),
stock AS (
    SELECT product_id, company_id, warehouse_id, SUM(quantity) AS quantity
      FROM quants
  GROUP BY product_id, company_id, warehouse_id
    HAVING SUM(quantity) > 0
),
receipts AS (
    SELECT m.id, m.product_id, m.company_id, COALESCE(dest.warehouse_id, 0) AS warehouse_id,
           m.date, m.product_qty,
           SUM(m.product_qty) OVER (
               PARTITION BY m.product_id, m.company_id, COALESCE(dest.warehouse_id, 0)
               ORDER BY m.date DESC, m.id DESC
           ) AS newer_and_self
      FROM stock_move m
      JOIN stock_location dest ON dest.id = m.location_dest_id
      JOIN stock_location src ON src.id = m.location_id
      JOIN parts ON parts.product_id = m.product_id
     WHERE m.state = 'done'
       AND m.product_qty > 0
       AND dest.usage = 'internal'
       AND dest.id NOT IN (SELECT id FROM claimed)
       AND (src.usage != 'internal'
            OR src.warehouse_id IS DISTINCT FROM dest.warehouse_id
            OR src.id IN (SELECT id FROM claimed))
),
received AS (
    SELECT s.product_id, s.company_id, s.warehouse_id, r.id AS move_id, r.date AS in_date,
           LEAST(r.product_qty, s.quantity - (r.newer_and_self - r.product_qty)) AS quantity,
           2 * r.id AS id
      FROM stock s
      JOIN receipts r
        ON r.product_id = s.product_id
       AND r.company_id = s.company_id
       AND r.warehouse_id = s.warehouse_id
     WHERE r.newer_and_self - r.product_qty < s.quantity
),
unexplained AS (
    SELECT s.product_id, s.company_id, s.warehouse_id,
           s.quantity - COALESCE(SUM(r.product_qty), 0) AS quantity
      FROM stock s
 LEFT JOIN receipts r
        ON r.product_id = s.product_id
       AND r.company_id = s.company_id
       AND r.warehouse_id = s.warehouse_id
  GROUP BY s.product_id, s.company_id, s.warehouse_id, s.quantity
    HAVING s.quantity - COALESCE(SUM(r.product_qty), 0) > 0
),
older AS (
    -- The oldest stock is what no receipt explains: take it from the oldest quants.
    SELECT u.product_id, u.company_id, u.warehouse_id, NULL::integer AS move_id, q.in_date,
           LEAST(q.quantity, u.quantity - (q.older_and_self - q.quantity)) AS quantity,
           2 * q.id + 1 AS id
      FROM unexplained u
      JOIN (
          SELECT quants.*, SUM(quantity) OVER (
                     PARTITION BY product_id, company_id, warehouse_id ORDER BY in_date, id
                 ) AS older_and_self
            FROM quants
           WHERE quantity > 0
      ) q
        ON q.product_id = u.product_id
       AND q.company_id = u.company_id
       AND q.warehouse_id = u.warehouse_id
     WHERE q.older_and_self - q.quantity < u.quantity
),
layers AS (
    SELECT * FROM received
     UNION ALL
    SELECT * FROM older
)
SELECT layers.id,
       layers.product_id,
       pp.product_tmpl_id,
       pt.aftersales_part_class AS part_class,
       pt.categ_id,
       NULLIF(layers.warehouse_id, 0) AS warehouse_id,
       layers.company_id,
       company.currency_id,
       layers.move_id,
       layers.in_date,
       (CURRENT_DATE - layers.in_date::date) AS age_days,
       CASE
           WHEN layers.in_date > NOW() AT TIME ZONE 'UTC' - INTERVAL '3 months' THEN '0_3'
           WHEN layers.in_date > NOW() AT TIME ZONE 'UTC' - INTERVAL '6 months' THEN '3_6'
           WHEN layers.in_date > NOW() AT TIME ZONE 'UTC' - INTERVAL '12 months' THEN '6_12'
           ELSE '12_plus'
       END AS age_bucket,
       layers.quantity,
       layers.quantity * COALESCE((pp.standard_price ->> layers.company_id::text)::numeric, 0)
           AS value,
       CASE WHEN layers.in_date > NOW() AT TIME ZONE 'UTC' - make_interval(months => company.aftersales_aging_months)
            THEN layers.quantity ELSE 0 END AS young_quantity,
       CASE WHEN layers.in_date > NOW() AT TIME ZONE 'UTC' - make_interval(months => company.aftersales_aging_months)
            THEN layers.quantity * COALESCE((pp.standard_price ->> layers.company_id::text)::numeric, 0)
            ELSE 0 END AS young_value
  FROM layers
  -- the tables, not the parts CTE: the planner then looks parts up by key
  JOIN product_product pp ON pp.id = layers.product_id
  JOIN product_template pt ON pt.id = pp.product_tmpl_id
  JOIN res_company company ON company.id = layers.company_id
-- OFFSET 0 keeps the filters of the analysis (company, warehouse, part) outside: pushed into
-- the CTEs they wreck the row estimates and the planner picks nested loops over the moves.
OFFSET 0
""",
            "%",
            SPARE_PART_CLASSES,
        )

    # ------------------------------------------------------------------ analysis

    @api.model
    def _get_aging_summary(self, company, warehouses=None, part_class=None, slow_months=6,
                           dead_months=12, movers_limit=50):
        """Everything the aging overview and its PDF show, from a handful of aggregates whatever
        the number of parts: totals per age bucket, per warehouse and per part class, the share
        younger than the company's aging boundary against its target, and the slow and dead
        movers."""
        target = company.aftersales_aging_target
        domain = [("company_id", "=", company.id)]
        if warehouses:
            domain.append(("warehouse_id", "in", warehouses.ids))
        if part_class:
            domain.append(("part_class", "=", part_class))
        buckets = [key for key, _label in AGE_BUCKETS]
        bucket_labels = dict(self._fields["age_bucket"]._description_selection(self.env))
        class_labels = dict(self._fields["part_class"]._description_selection(self.env))

        def empty_row():
            return {"quantity": 0.0, "value": 0.0, "young_quantity": 0.0, "young_value": 0.0,
                    **{f"qty_{b}": 0.0 for b in buckets}, **{f"value_{b}": 0.0 for b in buckets}}

        rows = self._read_group(
            domain,
            ["warehouse_id", "part_class", "age_bucket"],
            ["quantity:sum", "value:sum", "young_quantity:sum", "young_value:sum"],
        )
        total = empty_row()
        by_warehouse = defaultdict(empty_row)
        by_class = defaultdict(empty_row)
        for warehouse, part_class, bucket, qty, value, young_qty, young_value in rows:
            for row in (total, by_warehouse[warehouse], by_class[part_class]):
                row["quantity"] += qty
                row["value"] += value
                row["young_quantity"] += young_qty
                row["young_value"] += young_value
                row[f"qty_{bucket}"] += qty
                row[f"value_{bucket}"] += value
        for row in (total, *by_warehouse.values(), *by_class.values()):
            row["share_quantity"] = 100.0 * row["young_quantity"] / row["quantity"] if row["quantity"] else 0.0
            row["share_value"] = 100.0 * row["young_value"] / row["value"] if row["value"] else 0.0
            row["on_target"] = row["share_quantity"] >= target
        return {
            "target": target,
            "aging_months": company.aftersales_aging_months,
            "total_label": _("Total"),
            "buckets": [(key, bucket_labels[key]) for key in buckets],
            "total": total,
            "by_warehouse": sorted(
                ((warehouse.display_name or _("No warehouse"), row) for warehouse, row in by_warehouse.items()),
                key=lambda item: item[0],
            ),
            "by_class": [
                (class_labels.get(key, key), by_class[key])
                for key, _label in PART_CLASSES
                if key in by_class
            ],
            "movers": self._get_slow_movers(domain, warehouses, slow_months, dead_months, movers_limit),
            "slow_months": slow_months,
            "dead_months": dead_months,
        }

    @api.model
    def _get_slow_movers(self, domain, warehouses, slow_months, dead_months, limit):
        """Parts in stock that are not moving: *dead* when nothing was consumed in the last
        ``dead_months``, *slow* when the stock covers more than ``slow_months`` of the average
        consumption over that period. Sorted by stock value, biggest first."""
        stock = self._read_group(
            domain,
            ["product_id", "currency_id"],
            ["quantity:sum", "value:sum", "in_date:min", "age_days:max"],
        )
        if not stock:
            return []
        products = self.env["product.product"].union(*(product for product, *_rest in stock))
        since = fields.Datetime.now() - relativedelta(months=dead_months)
        move_domain = self.env["stock.move"]._get_aftersales_consumption_domain(date_from=since) + [
            ("product_id", "in", products.ids)
        ]
        if warehouses:
            move_domain.append(("location_id.warehouse_id", "in", warehouses.ids))
        consumed = dict(
            self.env["stock.move"]._read_group(move_domain, ["product_id"], ["product_qty:sum"])
        )
        movers = []
        for product, currency, quantity, value, in_date, age_days in stock:
            monthly = consumed.get(product, 0.0) / dead_months
            if monthly <= 0:
                kind, cover = "dead", None
            else:
                cover = quantity / monthly
                if cover <= slow_months:
                    continue
                kind = "slow"
            movers.append({
                "product": product,
                "kind": kind,
                "kind_label": _("Dead") if kind == "dead" else _("Slow"),
                "quantity": quantity,
                "value": value,
                "currency": currency,
                "in_date": in_date,
                "age_days": age_days,
                "monthly": monthly,
                "cover": cover,
            })
        movers.sort(key=lambda mover: (-mover["value"], -mover["quantity"]))
        return movers[:limit]
