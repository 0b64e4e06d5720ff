from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class AftersalesServiceBom(models.Model):
    """The modular spare-part structure of a finished product, as a service engineer replaces it."""

    _name = "aftersales.service.bom"
    _description = "Service BOM"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "product_tmpl_id, id"
    _check_company_auto = True

    product_tmpl_id = fields.Many2one(
        "product.template",
        string="Finished Product",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain=[("aftersales_part_class", "=", "finished")],
    )
    code = fields.Char(string="Reference", tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    line_ids = fields.One2many("aftersales.service.bom.line", "bom_id", string="Parts", copy=True)
    line_count = fields.Integer(compute="_compute_line_count")
    note = fields.Html()

    @api.depends("line_ids")
    def _compute_line_count(self):
        for bom in self:
            bom.line_count = len(bom.line_ids)

    @api.depends("product_tmpl_id", "code")
    def _compute_display_name(self):
        for bom in self:
            name = bom.product_tmpl_id.display_name or _("New")
            bom.display_name = f"{bom.code}: {name}" if bom.code else name

    @api.constrains("product_tmpl_id")
    def _check_finished_product(self):
        for bom in self:
            if bom.product_tmpl_id.aftersales_part_class != "finished":
                raise ValidationError(
                    _(
                        "%(product)s is not a finished product: only finished products get a "
                        "service BOM. Set its part class to 'Finished product' first.",
                        product=bom.product_tmpl_id.display_name,
                    )
                )

    @api.constrains("product_tmpl_id", "company_id", "active")
    def _check_one_active_bom(self):
        boms = self.filtered("active")
        if not boms:
            return
        groups = self._read_group(
            [("product_tmpl_id", "in", boms.product_tmpl_id.ids), ("active", "=", True)],
            ["product_tmpl_id", "company_id"],
            ["__count"],
        )
        for product, _company, count in groups:
            if count > 1:
                raise ValidationError(
                    _(
                        "%(product)s already has an active service BOM in this company. Archive "
                        "the old one before activating another.",
                        product=product.display_name,
                    )
                )

    def _get_part_quantities(self):
        """{finished product.product: {part product.product: quantity}} for these BOMs."""
        result = {}
        lines = self.env["aftersales.service.bom.line"].search_fetch(
            [("bom_id", "in", self.ids)], ["bom_id", "product_id", "quantity"]
        )
        for line in lines:
            finished = line.bom_id.product_tmpl_id.product_variant_id
            parts = result.setdefault(finished, {})
            parts[line.product_id] = parts.get(line.product_id, 0.0) + line.quantity
        return result

    @api.model
    def _get_parts_total(self, part_quantities, prices):
        """Double-rule sum of one finished product's service parts at ``prices``.

        :param part_quantities: {part product.product: quantity}
        :param prices: {product id: price}
        :return: (total, parts without a price); core IP parts are never priced nor counted.
        """
        total = 0.0
        missing = self.env["product.product"]
        for part, qty in part_quantities.items():
            if part.aftersales_part_class == "core_ip":
                continue
            price = prices.get(part.id, 0.0)
            if price <= 0:
                missing |= part
            else:
                total += qty * price
        return total, missing

    @api.model
    def _get_double_rule_check(self, part_quantities, prices, dealer_price, ratio, tolerance):
        """The double rule on one finished product: its service parts, added up at ``prices``,
        should cost ``ratio`` x its ``dealer_price`` (its price in the same list), within
        ``tolerance`` per cent. The one test of the rule, used by the pricing run (on the prices
        it proposes and on today's) and by the price check (on each list dealers buy at, per
        level in the level-discount mode); the ratio is the handbook's fixed 2
        (``DOUBLE_RULE_RATIO``), the tolerance the company's setting
        (``aftersales_double_rule_tolerance``), which a pricing run copies and may override.

        :param part_quantities: {part product.product: quantity} (see ``_get_part_quantities``)
        :param prices: {product id: price}
        :return: dict with ``parts_total``, ``missing`` (parts without a price), ``ratio``
            (achieved; 0 without a dealer price), ``deviation`` (% from the target ratio) and
            ``is_within_tolerance`` (never without a dealer price)
        """
        total, missing = self._get_parts_total(part_quantities, prices)
        achieved = total / dealer_price if dealer_price > 0 else 0.0
        deviation = (achieved / ratio - 1.0) * 100.0 if ratio else 0.0
        return {
            "parts_total": total,
            "missing": missing,
            "ratio": achieved,
            "deviation": deviation,
            "is_within_tolerance": dealer_price > 0 and abs(deviation) <= tolerance + 1e-9,
        }
