from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL


class AftersalesRequestPart(models.Model):
    """A part the engineer used on site, taken from the van."""

    _name = "aftersales.request.part"
    _description = "Field Service Part Used"
    _order = "request_id, id"

    request_id = fields.Many2one(
        "aftersales.request", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="request_id.company_id", store=True, index=True)
    product_id = fields.Many2one(
        "product.product",
        string="Part",
        required=True,
        domain="[('is_serviceable_part', '=', True), ('type', '=', 'consu')]",
    )
    quantity = fields.Float(default=1.0, digits="Product Unit of Measure", required=True)
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")

    @api.constrains("quantity")
    def _check_quantity(self):
        for line in self:
            if line.quantity <= 0:
                raise ValidationError(
                    _(
                        "Request %(request)s: the quantity of %(part)s used must be more than 0.",
                        request=line.request_id.display_name,
                        part=line.product_id.display_name,
                    )
                )

    @api.model
    def _get_aftersales_demand_sql(self, company, products, warehouses, date_from, date_to):
        """The reserve plan's demand from field service, one row per part used: ``product_id,
        warehouse_id, month, quantity``.

        The parts of the company's closed requests, by closing date, in the warehouse their
        van picking was booked in (the company's main warehouse for a request closed without
        one). Read as the superuser, the company filtered here, as for claims.

        :param date_from: first moment of the window; ``date_to``: first moment after it
        """
        main = self.env["stock.warehouse"]._get_aftersales_main_warehouse(company)
        query = self.sudo()._search([
            ("company_id", "=", company.id),
            ("product_id", "in", products.ids),
            ("request_id.state", "=", "done"),
            ("request_id.close_date", ">=", date_from),
            ("request_id.close_date", "<", date_to),
        ])
        request = query.join(self._table, "request_id", "aftersales_request", "id", "aftersales_demand")
        picking = query.left_join(request, "van_picking_id", "stock_picking", "id", "van")
        picking_type = query.left_join(picking, "picking_type_id", "stock_picking_type", "id", "type")
        warehouse = SQL("COALESCE(%s, %s)", SQL.identifier(picking_type, "warehouse_id"), main.id or None)
        query.add_where(SQL("%s IN %s", warehouse, tuple(warehouses.ids)))
        return query.select(
            SQL("%s AS product_id", SQL.identifier(self._table, "product_id")),
            SQL("%s AS warehouse_id", warehouse),
            SQL("date_trunc('month', %s)::date AS month", SQL.identifier(request, "close_date")),
            SQL("%s AS quantity", SQL.identifier(self._table, "quantity")),
        )
