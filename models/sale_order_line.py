from odoo import _, api, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    @api.constrains("product_id")
    def _check_aftersales_parts(self):
        for order in self.order_id:
            products = self.filtered(lambda line: line.order_id == order).product_id
            where = _("Sales order %(order)s", order=order.display_name)
            products._check_aftersales_core_ip(where)
            products._check_aftersales_dealer_sale(order.partner_id, where)
        # a line added on its own, not through the order, meets the channel rule too
        self.order_id._check_aftersales_parts_channel()
