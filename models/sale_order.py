from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .product_template import SPARE_PART_CLASSES


class SaleOrder(models.Model):
    _inherit = "sale.order"

    is_parts_quote = fields.Boolean(
        compute="_compute_parts_quote", store=True, string="Parts Quote",
        help="The quotation sells spare parts.",
    )
    parts_prices_include_tax = fields.Boolean(compute="_compute_parts_quote", store=True)
    parts_amount = fields.Monetary(
        compute="_compute_parts_quote", store=True, string="Parts at List Price",
        help="Spare parts at list price: tax excluded, or tax included when the parts' prices include tax.",
    )
    parts_tax_amount = fields.Monetary(compute="_compute_parts_quote", store=True, string="Tax")
    logistics_amount = fields.Monetary(
        compute="_compute_parts_quote", store=True, string="Logistics",
        help="Delivery lines (shipping method) of the quotation.",
    )
    @api.depends(
        "order_line.product_id", "order_line.price_subtotal", "order_line.price_total",
        "order_line.tax_id", "order_line.is_delivery", "amount_tax",
    )
    def _compute_parts_quote(self):
        for order in self:
            lines = order.order_line.filtered(lambda line: not line.display_type)
            logistics = lines.filtered("is_delivery")
            parts = (lines - logistics).filtered(
                lambda line: line.product_id.aftersales_part_class in SPARE_PART_CLASSES
            )
            order.is_parts_quote = bool(parts)
            taxes = parts.tax_id
            included = bool(taxes) and all(taxes.mapped("price_include"))
            order.parts_prices_include_tax = included
            goods = lines - logistics
            if included:
                order.parts_amount = sum(goods.mapped("price_total"))
                order.logistics_amount = sum(logistics.mapped("price_total"))
            else:
                order.parts_amount = sum(goods.mapped("price_subtotal"))
                order.logistics_amount = sum(logistics.mapped("price_subtotal"))
            order.parts_tax_amount = order.amount_tax

    @api.constrains("partner_id")
    def _check_aftersales_dealer_parts(self):
        # The dealer rule depends on the customer too: changing the customer of an order with
        # non-serviceable parts to a dealer is refused like adding the parts would be.
        self.order_line._check_aftersales_parts()

    @api.constrains("partner_id", "order_line")
    def _check_parts_channel(self):
        self._check_aftersales_parts_channel()

    def _check_aftersales_parts_channel(self):
        """The one home of the channel rule (handbook 4.3): spare parts are quoted to dealers
        only, never to an end user nor to any other customer, and no one may override it.
        Called when a quote is written, sent, confirmed or printed (also from the portal), so a
        quote whose customer is no longer a dealer goes no further either."""
        for order in self.sudo():
            if not order.is_parts_quote:
                continue
            customer = order.partner_id.commercial_partner_id
            if customer.is_dealer:
                continue
            dealers = customer._get_aftersales_serving_dealers()
            if dealers:
                raise ValidationError(_(
                    "%(order)s: spare parts are quoted to dealers only, never directly to "
                    "%(customer)s. Quote the serving dealer %(dealer)s instead.",
                    order=order.name,
                    customer=customer.display_name,
                    dealer=", ".join(dealers.mapped("display_name")),
                ))
            raise ValidationError(_(
                "%(order)s: spare parts are quoted to dealers only, never directly to "
                "%(customer)s, which is not a dealer. Quote the dealer that serves this customer "
                "instead.",
                order=order.name,
                customer=customer.display_name,
            ))

    def action_confirm(self):
        self._check_aftersales_parts_channel()
        self._check_aftersales_gift_credit()
        return super().action_confirm()

    def action_quotation_send(self):
        self._check_aftersales_parts_channel()
        return super().action_quotation_send()

    def _check_aftersales_gift_credit(self):
        """A dealer never spends more gift credit than the balance of its eWallet."""
        programs = self.company_id.sudo().aftersales_gift_program_id
        if not programs:
            return
        spent = defaultdict(float)
        for line in self.order_line:
            if line.coupon_id.program_id in programs:
                spent[line.coupon_id] += line.points_cost
        for card, points in spent.items():
            if card.currency_id.compare_amounts(points, card.points) > 0:
                order = self.filtered(lambda o: card in o.order_line.coupon_id)[:1]
                raise ValidationError(_(
                    "Order %(order)s spends %(spent)s of gift credit but dealer %(dealer)s has "
                    "%(balance)s left. Remove the gift credit line and apply the gift credit again.",
                    order=order.display_name,
                    spent=card.currency_id.format(points),
                    dealer=card.partner_id.display_name,
                    balance=card.currency_id.format(card.points),
                ))
