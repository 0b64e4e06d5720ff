from odoo import fields, models


class ProductPricelist(models.Model):
    _inherit = "product.pricelist"

    def _get_aftersales_prices(self, products):
        """Unit prices of ``products`` (qty 1, today) in this price list, as {product id: price}.

        The same result as ``_get_products_price``, read faster for large price lists: fixed
        variant prices (what pricing runs write) are read in one query; only the remaining products
        go through Odoo's rule engine, which scans every candidate rule for every product.
        """
        self.ensure_one()
        if not products:
            return {}
        now = fields.Datetime.now()
        items = self.env["product.pricelist.item"].search_fetch(
            [
                ("pricelist_id", "=", self.id),
                ("applied_on", "=", "0_product_variant"),
                ("product_id", "in", products.ids),
                ("compute_price", "=", "fixed"),
                ("min_quantity", "<=", 1),
                "|", ("date_start", "=", False), ("date_start", "<=", now),
                "|", ("date_end", "=", False), ("date_end", ">=", now),
            ],
            ["product_id", "fixed_price"],
        )
        prices = {}
        for item in items:  # in the price list's rule order: the first applicable item wins
            prices.setdefault(item.product_id.id, item.fixed_price)
        rest = products.filtered(lambda product: product.id not in prices)
        if rest:
            prices.update(self._get_products_price(rest, 1.0))
        return prices
