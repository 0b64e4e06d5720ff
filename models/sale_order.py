from odoo import api, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    @api.constrains("partner_id")
    def _check_aftersales_dealer_parts(self):
        # The dealer rule depends on the customer too: changing the customer of an order with
        # non-serviceable parts to a dealer is refused like adding the parts would be.
        self.order_line._check_aftersales_parts()
