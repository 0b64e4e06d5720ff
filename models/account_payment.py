from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class AccountPayment(models.Model):
    _inherit = "account.payment"

    # A dealer settled per order pays each order before the month's invoice exists: the payment
    # waits on the dealer's receivable as an outstanding credit, as Odoo keeps any payment
    # received before its invoice, and is reconciled with the month's invoice.
    aftersales_sale_order_id = fields.Many2one(
        "sale.order",
        string="Sales Order",
        index="btree_not_null",
        copy=False,
        check_company=True,
        domain="[('state', '=', 'sale'), ('partner_invoice_id', 'child_of', partner_id)]",
        help="The dealer's order this payment settles (dealers settled per order). The month's "
        "invoice of the order is reconciled with it.",
    )

    @api.constrains("aftersales_sale_order_id", "partner_id", "payment_type")
    def _check_aftersales_sale_order(self):
        for payment in self.filtered("aftersales_sale_order_id"):
            order = payment.aftersales_sale_order_id
            if (
                payment.payment_type != "inbound"
                or order.partner_invoice_id.commercial_partner_id
                != payment.partner_id.commercial_partner_id
            ):
                raise ValidationError(_(
                    "%(payment)s: a payment matched to order %(order)s must be received from "
                    "the order's customer %(customer)s. Choose that customer or another order.",
                    payment=payment.display_name,
                    order=order.name,
                    customer=order.partner_invoice_id.commercial_partner_id.display_name,
                ))
