from odoo import fields, models


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
