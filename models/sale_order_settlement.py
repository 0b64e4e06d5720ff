from collections import defaultdict

from odoo import _, models
from odoo.exceptions import ValidationError


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def action_confirm(self):
        self._check_aftersales_gift_credit()
        return super().action_confirm()

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
