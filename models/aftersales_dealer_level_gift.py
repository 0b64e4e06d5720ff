from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class AftersalesDealerLevel(models.Model):
    _inherit = "aftersales.dealer.level"

    gift_rate = fields.Float(
        string="Gift Credit (%)",
        digits=(5, 2),
        help="Share of the dealer's paid parts purchases credited every statement run as gift "
        "credit on the dealer's eWallet, to spend on later parts orders.",
    )

    @api.constrains("gift_rate")
    def _check_gift_rate(self):
        for level in self:
            if not 0.0 <= level.gift_rate <= 100.0:
                raise ValidationError(_(
                    "Dealer level %(level)s: the gift credit rate must lie between 0 and 100 %% "
                    "(it is %(rate)s %%).",
                    level=level.display_name,
                    rate=level.gift_rate,
                ))
