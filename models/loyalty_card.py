from odoo import _, api, models
from odoo.exceptions import ValidationError


class LoyaltyCard(models.Model):
    _inherit = "loyalty.card"

    @api.constrains("points")
    def _check_aftersales_gift_balance(self):
        """Dealers never spend more gift credit than they have."""
        programs = self.env["res.company"].sudo().search([]).aftersales_gift_program_id
        for card in self:
            if card.program_id in programs and card.currency_id.compare_amounts(card.points, 0.0) < 0:
                raise ValidationError(_(
                    "Dealer %(dealer)s has %(balance)s of gift credit left and cannot spend more "
                    "than that. Lower the gift credit used on the order.",
                    dealer=card.partner_id.display_name,
                    balance=card.currency_id.format(card.points + 0.0),
                ))
