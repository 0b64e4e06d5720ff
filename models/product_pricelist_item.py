from odoo import _, api, models
from odoo.tools import create_index


class ProductPricelistItem(models.Model):
    _inherit = "product.pricelist.item"

    def init(self):
        # The dealer and market guide lists hold one fixed price per part: thousands of items
        # in one list. Reading the prices of a page of parts (portal catalogue, quotes, pricing
        # runs) then finds them by list and part instead of scanning the whole list.
        create_index(
            self.env.cr,
            "product_pricelist_item_pricelist_product_index",
            self._table,
            ["pricelist_id", "product_id"],
            where="product_id IS NOT NULL",
        )

    @api.constrains("product_id", "product_tmpl_id", "applied_on")
    def _check_aftersales_core_ip(self):
        # Covers the form, imports and the price list's own editable lists alike.
        for pricelist in self.pricelist_id:
            items = self.filtered(lambda item: item.pricelist_id == pricelist)
            products = items.product_id | items.product_tmpl_id.with_context(
                active_test=False
            ).product_variant_ids
            products._check_aftersales_core_ip(
                _("Price list %(pricelist)s", pricelist=pricelist.display_name)
            )
