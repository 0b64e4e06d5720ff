from odoo import fields, models


class ProductPricelist(models.Model):
    _inherit = "product.pricelist"

    def _get_aftersales_prices_by_list(self, products):
        """{price list id: {product id: unit price}} of ``products`` (qty 1, today) in each list of
        ``self``: the same result as ``_get_products_price``, read faster for large price lists.
        The fixed variant prices (what pricing runs write) of every list are read in one query;
        only the remaining products go through Odoo's rule engine, which scans every candidate
        rule for every product."""
        prices = {pricelist.id: {} for pricelist in self}
        if not self or not products:
            return prices
        now = fields.Datetime.now()
        items = self.env["product.pricelist.item"].search_fetch(
            [
                ("pricelist_id", "in", self.ids),
                ("applied_on", "=", "0_product_variant"),
                ("product_id", "in", products.ids),
                ("compute_price", "=", "fixed"),
                ("min_quantity", "<=", 1),
                "|", ("date_start", "=", False), ("date_start", "<=", now),
                "|", ("date_end", "=", False), ("date_end", ">=", now),
            ],
            ["pricelist_id", "product_id", "fixed_price"],
        )
        for item in items:  # in the rule order: the first applicable item of a list wins
            prices[item.pricelist_id.id].setdefault(item.product_id.id, item.fixed_price)
        for pricelist in self:
            rest = products.filtered(lambda product: product.id not in prices[pricelist.id])
            if rest:
                prices[pricelist.id].update(pricelist._get_products_price(rest, 1.0))
        return prices

    def _get_aftersales_prices(self, products):
        """Unit prices of ``products`` (qty 1, today) in this price list, as {product id: price}
        (see ``_get_aftersales_prices_by_list``)."""
        self.ensure_one()
        return self._get_aftersales_prices_by_list(products)[self.id]
