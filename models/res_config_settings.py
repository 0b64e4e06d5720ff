from odoo import _, fields, models
from odoo.exceptions import UserError


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    aftersales_pricelist_mode = fields.Selection(
        related="company_id.aftersales_pricelist_mode", readonly=False
    )
    aftersales_double_rule_ratio = fields.Float(
        related="company_id.aftersales_double_rule_ratio", readonly=False
    )
    aftersales_double_rule_tolerance = fields.Float(
        related="company_id.aftersales_double_rule_tolerance", readonly=False
    )
    aftersales_market_uplift = fields.Float(related="company_id.aftersales_market_uplift", readonly=False)
    aftersales_price_rounding = fields.Float(related="company_id.aftersales_price_rounding", readonly=False)
    aftersales_zero_profit_standard = fields.Boolean(
        related="company_id.aftersales_zero_profit_standard", readonly=False
    )
    aftersales_zero_profit_wear = fields.Boolean(
        related="company_id.aftersales_zero_profit_wear", readonly=False
    )
    aftersales_dealer_pricelist_id = fields.Many2one(
        related="company_id.aftersales_dealer_pricelist_id", readonly=False
    )
    aftersales_market_pricelist_id = fields.Many2one(
        related="company_id.aftersales_market_pricelist_id", readonly=False
    )
    aftersales_default_lead_days = fields.Integer(
        related="company_id.aftersales_default_lead_days", readonly=False
    )

    claim_review_days = fields.Integer(related="company_id.claim_review_days", readonly=False)
    claim_credit_trigger = fields.Selection(
        related="company_id.claim_credit_trigger", readonly=False
    )
    claim_return_days = fields.Integer(related="company_id.claim_return_days", readonly=False)
    claim_repeat_part_days = fields.Integer(
        related="company_id.claim_repeat_part_days", readonly=False
    )
    claim_account_id = fields.Many2one(related="company_id.claim_account_id", readonly=False)

    satisfaction_weight = fields.Float(related="company_id.satisfaction_weight", readonly=False)
    satisfaction_min_answers = fields.Integer(
        related="company_id.satisfaction_min_answers", readonly=False
    )
    callback_delay_days = fields.Integer(related="company_id.callback_delay_days", readonly=False)
    callback_user_id = fields.Many2one(related="company_id.callback_user_id", readonly=False)
    callback_duration = fields.Float(related="company_id.callback_duration", readonly=False)

    aftersales_statement_auto_send = fields.Boolean(
        related="company_id.aftersales_statement_auto_send", readonly=False
    )
    aftersales_gift_program_id = fields.Many2one(
        related="company_id.aftersales_gift_program_id", readonly=False
    )

    def set_values(self):
        self._aftersales_check_pricelist_option()
        return super().set_values()

    def _aftersales_check_pricelist_option(self):
        """Turning Odoo's Pricelists option off archives every price list: refuse it while the
        after-sales price lists are in use, or every part would be priced at 0.00."""
        if self.group_product_pricelist:
            return
        pricelists = self.env["res.company"].sudo().search([])._get_aftersales_pricelists()
        pricelists = pricelists.filtered("active")
        if pricelists:
            raise UserError(_(
                "The Pricelists option cannot be turned off: the after-sales price lists "
                "(%(pricelists)s) price the dealers' spare parts and would be archived. Keep "
                "Pricelists ticked under Settings > Sales > Pricing.",
                pricelists=", ".join(pricelists.mapped("display_name")),
            ))
