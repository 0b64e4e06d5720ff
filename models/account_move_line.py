from odoo import _, api, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    @api.constrains("product_id", "display_type")
    def _check_aftersales_parts(self):
        lines = self.filtered(
            lambda line: line.display_type == "product"
            and line.move_id.move_type in ("out_invoice", "out_refund")
        )
        # grouped, not filtered per move: a batch of credit notes is checked in linear time
        for move, move_lines in lines.grouped("move_id").items():
            products = move_lines.product_id
            where = _("Customer invoice %(invoice)s", invoice=move.display_name)
            products._check_aftersales_core_ip(where)
            if move.move_type == "out_invoice":
                products._check_aftersales_dealer_sale(move.partner_id, where)
