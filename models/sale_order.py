from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .product_template import SPARE_PART_CLASSES
from .res_partner import PER_ORDER_MODE


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
    # dealers settled per order: the order's own payments, before the month's invoice exists
    is_aftersales_per_order = fields.Boolean(
        compute="_compute_is_aftersales_per_order", string="Settled per Order",
    )
    aftersales_payment_ids = fields.One2many(
        "account.payment", "aftersales_sale_order_id", string="Order Payments", readonly=True
    )
    aftersales_amount_paid = fields.Monetary(
        compute="_compute_aftersales_payment", string="Paid",
        help="Payments received for this order (posted payments matched to it).",
    )
    aftersales_amount_due = fields.Monetary(
        compute="_compute_aftersales_payment", string="Outstanding",
        help="The order's total less the payments matched to it.",
    )
    aftersales_payment_state = fields.Selection(
        [("not_paid", "Not Paid"), ("partial", "Partially Paid"), ("paid", "Paid")],
        compute="_compute_aftersales_payment", string="Order Payment",
    )

    @api.depends("partner_invoice_id.commercial_partner_id.claim_settlement_mode")
    def _compute_is_aftersales_per_order(self):
        for order in self:
            dealer = order.partner_invoice_id.commercial_partner_id
            order.is_aftersales_per_order = (
                dealer.is_dealer and dealer.claim_settlement_mode == PER_ORDER_MODE
            )

    @api.depends(
        "amount_total", "aftersales_payment_ids.state", "aftersales_payment_ids.amount",
        "aftersales_payment_ids.currency_id", "aftersales_payment_ids.date",
    )
    def _compute_aftersales_payment(self):
        # dealers read their orders' payment state on the portal without reading payments
        payments = self.env["account.payment"].sudo().search([
            ("aftersales_sale_order_id", "in", self.ids),
            ("state", "in", ("in_process", "paid")),
        ])
        paid = defaultdict(float)
        for payment in payments:
            order = payment.aftersales_sale_order_id
            paid[order.id] += payment.currency_id._convert(
                payment.amount, order.currency_id, order.company_id, payment.date
            )
        for order in self:
            currency = order.currency_id
            order.aftersales_amount_paid = currency.round(paid[order.id])
            order.aftersales_amount_due = currency.round(order.amount_total - paid[order.id])
            if currency.is_zero(order.aftersales_amount_paid):
                order.aftersales_payment_state = "not_paid"
            elif currency.compare_amounts(order.aftersales_amount_due, 0.0) > 0:
                order.aftersales_payment_state = "partial"
            else:
                order.aftersales_payment_state = "paid"

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

    def action_aftersales_register_payment(self):
        """Record the dealer's payment of this order (dealers settled per order): a customer
        payment matched to the order, waiting for the month's invoice."""
        self.ensure_one()
        if not self.is_aftersales_per_order or self.state != "sale":
            raise UserError(_(
                "%(order)s: only confirmed orders of dealers settled per order take a payment "
                "before their invoice. Invoice the order, then register the payment on the "
                "invoice.",
                order=self.name,
            ))
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_account_payments"
        )
        action.update({
            "views": [(False, "form")],
            "view_mode": "form",
            "target": "current",
            "context": {
                "default_payment_type": "inbound",
                "default_partner_type": "customer",
                "default_partner_id": self.partner_invoice_id.commercial_partner_id.id,
                "default_amount": max(self.aftersales_amount_due, 0.0),
                "default_currency_id": self.currency_id.id,
                "default_memo": self.name,
                "default_aftersales_sale_order_id": self.id,
            },
        })
        return action

    def action_view_aftersales_payments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_account_payments"
        )
        action.update({
            "domain": [("aftersales_sale_order_id", "=", self.id)],
            "context": {"create": False},
        })
        return action

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
