from odoo import api, models
from odoo.tools import SQL


class StockMove(models.Model):
    _inherit = "stock.move"

    # Replacement serials: a repair's parts moves update the machine's component history
    def _action_done(self, cancel_backorder=False):
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        moves.filtered(
            lambda m: m.state == "done" and m.repair_id and m.repair_line_type
            and m.product_id.tracking == "serial"
        ).repair_id._aftersales_update_component_history(moves)
        return moves

    @api.model
    def _get_aftersales_consumption_domain(self, date_from=None, date_to=None):
        """The stock moves that count as spare-parts demand: what the reserve plan and the slow
        and dead movers are computed from.

        Deliveries from a warehouse to customers and dealers (field engineers' van pickings
        included: the part left the stock). Transfers, scraps and moves out of the
        claimed-parts room are no demand. The reserve plan adds its other sources (claims,
        repairs, field service) itself: ``_get_aftersales_demand_sql``.
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
    def _get_aftersales_demand_sql(self, source, products, warehouses, date_from, date_to):
        """The reserve plan's demand from stock moves, one row per move: ``product_id,
        warehouse_id, month, quantity`` (in the part's unit).

        - ``delivery``: parts sold, the moves of ``_get_aftersales_consumption_domain`` except
          the parts field engineers book out of their van, counted with their requests;
        - ``repair``: parts consumed by repair orders, out of a warehouse's stock.

        :param date_from: first moment of the window; ``date_to``: first moment after it
        """
        if source == "delivery":
            vans = self.env["aftersales.request"].sudo()._search([("van_picking_id", "!=", False)])
            domain = self._get_aftersales_consumption_domain(date_from, date_to) + [
                ("picking_id", "not any", [
                    ("id", "in", vans.subselect(SQL.identifier(vans.table, "van_picking_id"))),
                ]),
            ]
        elif source == "repair":
            domain = [
                ("state", "=", "done"),
                ("repair_id", "!=", False),
                ("repair_line_type", "=", "add"),
                ("location_id.usage", "=", "internal"),
                ("location_id.is_aftersales_claimed_parts", "=", False),
                ("date", ">=", date_from),
                ("date", "<", date_to),
            ]
        else:
            raise ValueError(f"unknown stock demand source {source!r}")
        query = self._search(domain + [
            ("product_id", "in", products.ids),
            ("location_id.warehouse_id", "in", warehouses.ids),
        ])
        location = query.join(self._table, "location_id", "stock_location", "id", "aftersales_source")
        return query.select(
            SQL("%s AS product_id", SQL.identifier(self._table, "product_id")),
            SQL("%s AS warehouse_id", SQL.identifier(location, "warehouse_id")),
            SQL("date_trunc('month', %s)::date AS month", SQL.identifier(self._table, "date")),
            SQL("%s AS quantity", SQL.identifier(self._table, "product_qty")),
        )
