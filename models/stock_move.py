from odoo import api, models
from odoo.tools import SQL


class StockMove(models.Model):
    _inherit = "stock.move"

    @api.model
    def _get_aftersales_consumption_domain(self, date_from=None, date_to=None):
        """The stock moves that count as spare-parts demand: what the reserve plan and the slow
        and dead movers are computed from.

        Deliveries from a warehouse to customers and dealers. Later features add their own
        consumption by extending this domain (e.g. ``expression.OR`` with the parts used in
        claims or repairs); transfers, scraps and moves out of the claimed-parts room are no
        demand.
        """
        domain = [
            ("state", "=", "done"),
            ("location_id.usage", "=", "internal"),
            ("location_id.warehouse_id", "!=", False),
            ("location_id.is_aftersales_claimed_parts", "=", False),
            ("location_dest_id.usage", "=", "customer"),
        ]
        if date_from:
            domain.append(("date", ">=", date_from))
        if date_to:
            domain.append(("date", "<", date_to))
        return domain

    @api.model
    def _get_aftersales_monthly_demand(self, products, warehouses, date_from, date_to):
        """Monthly consumption statistics per part and warehouse, in one SQL aggregate.

        :return: ``{(product_id, warehouse_id): (total, sum of squared monthly totals)}`` over
            the calendar months between ``date_from`` and ``date_to``, quantities in the
            product's unit of measure. Months without consumption count as zero: divide by the
            number of months of the window, not by the rows.
        """
        if not products or not warehouses:
            return {}
        domain = self._get_aftersales_consumption_domain(date_from, date_to) + [
            ("product_id", "in", products.ids),
            ("location_id.warehouse_id", "in", warehouses.ids),
        ]
        query = self._search(domain)
        source = query.join(self._table, "location_id", "stock_location", "id", "aftersales_source")
        month = SQL("date_trunc('month', %s)", SQL.identifier(self._table, "date"))
        query.groupby = SQL(
            "%s, %s, %s",
            SQL.identifier(self._table, "product_id"),
            SQL.identifier(source, "warehouse_id"),
            month,
        )
        monthly = query.select(
            SQL("%s AS product_id", SQL.identifier(self._table, "product_id")),
            SQL("%s AS warehouse_id", SQL.identifier(source, "warehouse_id")),
            SQL("SUM(%s) AS quantity", SQL.identifier(self._table, "product_qty")),
        )
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT product_id, warehouse_id, SUM(quantity), SUM(quantity * quantity)
                     FROM (%s) AS monthly
                 GROUP BY product_id, warehouse_id""",
                monthly,
            )
        )
        return {
            (product_id, warehouse_id): (total, squares)
            for product_id, warehouse_id, total, squares in self.env.cr.fetchall()
        }
