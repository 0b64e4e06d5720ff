from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.osv import expression

from .product_template import SALEABLE_PART_CLASSES


class ProductProduct(models.Model):
    _inherit = "product.product"

    @api.model_create_multi
    def create(self, vals_list):
        # the template's rule, applied to the variant's values too (its cache holds them)
        Template = self.env["product.template"]
        return super().create([Template._aftersales_clear_core_ip_price(vals) for vals in vals_list])

    def write(self, vals):
        # the variant writes the template's fields one by one: the class's price is cleared here
        return super().write(self.env["product.template"]._aftersales_clear_core_ip_price(vals))

    @api.model
    def name_search(self, name="", args=None, operator="ilike", limit=100):
        """With ``aftersales_first_product_ids`` in the context (a claim's part line: its
        machine's service BOM parts), those products come first, then the others."""
        first_ids = self.env.context.get("aftersales_first_product_ids")
        if not first_ids:
            return super().name_search(name, args, operator, limit)
        domain = args or []
        first = super().name_search(
            name, expression.AND([domain, [("id", "in", first_ids)]]), operator, limit
        )
        if limit and len(first) >= limit:
            return first
        rest = super().name_search(
            name,
            expression.AND([domain, [("id", "not in", first_ids)]]),
            operator,
            limit and limit - len(first),
        )
        return first + rest

    def _aftersales_catalogue_domain(self, company):
        """The parts a dealer may see in the portal's parts catalogue of ``company``: serviceable,
        sellable parts, never a finished product, a fee or a core IP part. Fixed here: no URL
        parameter widens it. The index ``product_template_aftersales_catalogue_index`` holds
        these parts: its condition must stay implied by this domain."""
        return [
            ("is_serviceable_part", "=", True),
            ("aftersales_part_class", "in", SALEABLE_PART_CLASSES),
            ("sale_ok", "=", True),
            ("company_id", "in", [False, company.id]),
        ]

    def _is_aftersales_machine(self):
        """Whether the product is a machine of the product archive (a finished product, whose
        serials are kept as machines); False for no product."""
        if not self:
            return False
        self.ensure_one()
        return self.product_tmpl_id.aftersales_part_class == "finished"

    def _check_aftersales_core_ip(self, where):
        """The one guard of the IP protection rule: core IP parts are never priced, sold or
        shipped out of the company. Call it with the products a document is about to price, sell
        or send out and ``where``, the document's name as the user knows it ("Delivery
        WH/OUT/00012"); raises when any of them is a core IP part.
        """
        core_ip = self.filtered(lambda p: p.aftersales_part_class == "core_ip")
        if core_ip:
            raise UserError(
                _(
                    "%(document)s: %(parts)s carry the company's intellectual property (core IP "
                    "parts). They are never priced, never sold and never leave the company: "
                    "they may only be received, moved between the company's own locations, used "
                    "in manufacturing or scrapped.",
                    document=where,
                    parts=", ".join(core_ip.mapped("display_name")),
                )
            )

    def _check_aftersales_dealer_sale(self, partner, where):
        """Only serviceable parts are sold to dealers: refuse modules, standard and wear parts
        that are not flagged serviceable when ``partner`` belongs to a dealer."""
        if not partner.commercial_partner_id.is_dealer:
            return
        refused = self.filtered(
            lambda p: p.aftersales_part_class in SALEABLE_PART_CLASSES and not p.is_serviceable_part
        )
        if refused:
            raise UserError(
                _(
                    "%(document)s: %(parts)s cannot be sold to dealer %(dealer)s because they are "
                    "not serviceable parts. Only parts flagged 'Serviceable Part' are sold to "
                    "dealers; tick the flag on the part if it should be.",
                    document=where,
                    parts=", ".join(refused.mapped("display_name")),
                    dealer=partner.commercial_partner_id.display_name,
                )
            )
