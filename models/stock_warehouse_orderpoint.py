from odoo import api, models
from odoo.tools import SQL


class StockWarehouseOrderpoint(models.Model):
    _inherit = "stock.warehouse.orderpoint"

    @api.model
    def _aftersales_next_names(self, count):
        """``count`` new rule references. The default name draws one number per rule (one query
        each); a reserve plan creates thousands of rules at once, so draw them in one query when
        the sequence is a plain PostgreSQL sequence, exactly as ``next_by_code`` would."""
        sequence = self.env["ir.sequence"].search(
            [("code", "=", "stock.orderpoint"), ("company_id", "in", [self.env.company.id, False])],
            order="company_id",
            limit=1,
        )
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
