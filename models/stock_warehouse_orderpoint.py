from odoo import api, models
from odoo.tools import SQL

from .bulk_sql import bulk_create, bulk_update_rows
from .sequence_batch import sequence_for_code


class StockWarehouseOrderpoint(models.Model):
    _inherit = "stock.warehouse.orderpoint"

    @api.model
    def _aftersales_next_names(self, count):
        """``count`` new rule references. The default name draws one number per rule (one query
        each); a reserve plan creates thousands of rules at once, so draw them in one query when
        the sequence is a plain PostgreSQL sequence, exactly as ``next_by_code`` would."""
        sequence = sequence_for_code(self.env, "stock.orderpoint", self.env.company)
        if not count:
            return []
        if not sequence or sequence.implementation != "standard" or sequence.use_date_range:
            return [self.env["ir.sequence"].next_by_code("stock.orderpoint") for _i in range(count)]
        self.env.cr.execute(
            SQL(
                "SELECT nextval(%s) FROM generate_series(1, %s)",
                "ir_sequence_%03d" % sequence.id,
                count,
            )
        )
        prefix, suffix = sequence._get_prefix_suffix()  # what get_next_char() interpolates each time
        return [f"{prefix}{number:0{sequence.padding}d}{suffix}" for (number,) in self.env.cr.fetchall()]

    @api.model
    def _aftersales_bulk_create_rules(self, vals_list):
        """Create the reordering rules of a reserve plan in one INSERT.

        ``vals_list`` holds product, warehouse, stock location, company, minimum and maximum of
        each rule, made by the plan for one company. The fields Odoo computes on creation are
        computed here as ``create`` would (the test suite compares both ways field by field).
        Falls back on the ORM's ``create`` when an installed module adds a stored computed
        field this method does not know.
        """
        known = {
            "warehouse_id", "location_id", "product_min_qty", "product_max_qty",
            "product_category_id", "product_supplier_id", "vendor_id",
        }
        unknown = [
            name for name, field in self._fields.items()
            if field.store and field.column_type and (field.compute or field.related) and name not in known
        ]
        names = self._aftersales_next_names(len(vals_list))
        if unknown:
            return self.create([dict(vals, name=name) for vals, name in zip(vals_list, names)])
        products = self.env["product.product"].browse(vals["product_id"] for vals in vals_list)
        templates = products.product_tmpl_id
        templates.fetch(["categ_id", "seller_ids"])
        templates.seller_ids.fetch(["sequence", "partner_id"])
        has_supplier = "product_supplier_id" in self._fields
        rows = []
        for vals, name, product in zip(vals_list, names, products):
            row = dict(vals, name=name, product_category_id=product.categ_id.id)
            if has_supplier:
                # purchase_stock's _compute_product_supplier_id
                row["product_supplier_id"] = product.product_tmpl_id.seller_ids.sorted("sequence")[:1].partner_id.id
            if "vendor_id" in self._fields:
                row["vendor_id"] = False  # related to supplier_id, which a new rule does not set
            rows.append(row)
        return bulk_create(self, rows)

    @api.model
    def _aftersales_bulk_update_rules(self, pairs):
        """Bring each rule of ``pairs`` (``[(orderpoint, plan line)]``) to its line's minimum and
        maximum, active and triggered automatically, in one UPDATE."""
        orderpoints = self.browse(orderpoint.id for orderpoint, _line in pairs)
        orderpoints.check_access("write")
        self.flush_model()
        values = {
            "product_min_qty": [line.min_qty for _op, line in pairs],
            "product_max_qty": [line.max_qty for _op, line in pairs],
            "active": [True] * len(pairs),
            "trigger": ["auto"] * len(pairs),
            # an automatic rule cannot be snoozed (Odoo's write refuses it)
            "snoozed_until": [
                None if op.trigger != "auto" else op.snoozed_until or None for op, _line in pairs
            ],
        }
        bulk_update_rows(self.env, self._table, orderpoints.ids, [
            (name, self._fields[name].column_type[0], column) for name, column in values.items()
        ])
        orderpoints.invalidate_recordset(
            ["product_min_qty", "product_max_qty", "active", "trigger", "snoozed_until", "write_uid", "write_date"]
        )
        return orderpoints
