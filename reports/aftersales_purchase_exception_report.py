from odoo import fields, models
from odoo.tools import SQL

from ..models.product_template import PART_CLASSES, SPARE_PART_CLASSES

EXCEPTION_TYPES = [
    ("late", "Late: not received past the promised date"),
    ("no_po", "Received without a purchase order"),
    ("qty_diff", "Received quantity differs from the order"),
]


class AftersalesPurchaseExceptionReport(models.Model):
    """Where the purchase-to-receipt loop of spare parts is open.

    - *late*: a confirmed purchase line still waiting for goods after its expected arrival;
    - *no_po*: goods received from a vendor location by a move that no purchase line ordered;
    - *qty_diff*: a purchase line whose receipts are all done or cancelled, but whose received
      quantity differs from the ordered one (short delivery without backorder, over-delivery,
      cancelled receipt).
    """

    _name = "aftersales.purchase.exception.report"
    _description = "Spare-Parts Purchase Loop Exceptions"
    _auto = False
    _order = "date"
    _rec_name = "product_id"
    _depends = {
        "purchase.order.line": ["order_id", "product_id", "product_qty", "qty_received", "date_planned",
                                "state", "partner_id", "company_id", "display_type", "product_uom"],
        "stock.move": ["purchase_line_id", "state", "product_id", "product_qty", "quantity", "date",
                       "location_id", "location_dest_id", "picking_id", "company_id", "partner_id"],
        "stock.location": ["usage"],
        "product.template": ["aftersales_part_class"],
    }

    exception_type = fields.Selection(EXCEPTION_TYPES, string="Exception", readonly=True)
    product_id = fields.Many2one("product.product", string="Part", readonly=True)
    product_tmpl_id = fields.Many2one("product.template", string="Part Template", readonly=True)
    part_class = fields.Selection(PART_CLASSES, readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Vendor", readonly=True)
    purchase_id = fields.Many2one("purchase.order", string="Purchase Order", readonly=True)
    purchase_line_id = fields.Many2one("purchase.order.line", readonly=True)
    picking_id = fields.Many2one("stock.picking", string="Receipt", readonly=True)
    move_id = fields.Many2one("stock.move", readonly=True)
    date = fields.Datetime(
        readonly=True, help="Expected arrival of the purchase line, or date of the receipt."
    )
    uom_id = fields.Many2one("uom.uom", string="Unit", readonly=True)
    # Quantities of different parts and units do not add up.
    qty_ordered = fields.Float(
        string="Ordered", digits="Product Unit of Measure", readonly=True, aggregator=None
    )
    qty_received = fields.Float(
        string="Received Qty", digits="Product Unit of Measure", readonly=True, aggregator=None
    )
    qty_difference = fields.Float(
        string="Difference", digits="Product Unit of Measure", readonly=True, aggregator=None,
        help="Received minus ordered.",
    )
    days_late = fields.Integer(readonly=True, aggregator="max")

    @property
    def _table_query(self):
        return SQL(
            """
WITH parts AS (
    SELECT pp.id AS product_id, pt.id AS product_tmpl_id, pt.aftersales_part_class AS part_class
      FROM product_product pp
      JOIN product_template pt ON pt.id = pp.product_tmpl_id
     WHERE pt.aftersales_part_class IN %s
),
lines AS (
    SELECT pol.*,
           EXISTS (SELECT 1 FROM stock_move m
                    WHERE m.purchase_line_id = pol.id AND m.state NOT IN ('done', 'cancel')) AS is_open
      FROM purchase_order_line pol
      JOIN parts ON parts.product_id = pol.product_id
     WHERE pol.state IN ('purchase', 'done')
       AND pol.display_type IS NULL
)
SELECT 3 * l.id AS id, 'late' AS exception_type, l.product_id, parts.product_tmpl_id, parts.part_class,
       l.company_id, l.partner_id, l.order_id AS purchase_id, l.id AS purchase_line_id,
       NULL::integer AS picking_id, NULL::integer AS move_id, l.date_planned AS date,
       l.product_uom AS uom_id, l.product_qty AS qty_ordered, l.qty_received,
       l.qty_received - l.product_qty AS qty_difference,
       (CURRENT_DATE - l.date_planned::date) AS days_late
  FROM lines l
  JOIN parts ON parts.product_id = l.product_id
 WHERE l.is_open
   AND l.qty_received < l.product_qty
   AND l.date_planned < NOW() AT TIME ZONE 'UTC'
UNION ALL
SELECT 3 * l.id + 1, 'qty_diff', l.product_id, parts.product_tmpl_id, parts.part_class,
       l.company_id, l.partner_id, l.order_id, l.id,
       NULL, NULL, l.date_planned,
       l.product_uom, l.product_qty, l.qty_received,
       l.qty_received - l.product_qty,
       NULL
  FROM lines l
  JOIN parts ON parts.product_id = l.product_id
 WHERE NOT l.is_open
   AND ABS(l.qty_received - l.product_qty) > 0.000001
   AND EXISTS (SELECT 1 FROM stock_move m WHERE m.purchase_line_id = l.id)
UNION ALL
SELECT 3 * m.id + 2, 'no_po', m.product_id, parts.product_tmpl_id, parts.part_class,
       m.company_id, COALESCE(p.partner_id, m.partner_id), NULL, NULL,
       m.picking_id, m.id, m.date,
       m.product_uom, NULL, m.quantity,
       NULL,
       NULL
  FROM stock_move m
  JOIN parts ON parts.product_id = m.product_id
  JOIN stock_location src ON src.id = m.location_id
  JOIN stock_location dest ON dest.id = m.location_dest_id
  LEFT JOIN stock_picking p ON p.id = m.picking_id
 WHERE m.state = 'done'
   AND m.purchase_line_id IS NULL
   AND src.usage = 'supplier'
   AND dest.usage = 'internal'
""",
            SPARE_PART_CLASSES,
        )
