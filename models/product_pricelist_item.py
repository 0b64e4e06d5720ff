from odoo import _, api, models


class ProductPricelistItem(models.Model):
    _inherit = "product.pricelist.item"

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
