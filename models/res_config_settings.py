from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .res_company import AMPLIFICATION_WEIGHT_FIELDS


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    aftersales_pricelist_mode = fields.Selection(
        related="company_id.aftersales_pricelist_mode", readonly=False
    )
    aftersales_double_rule_ratio = fields.Float(related="company_id.aftersales_double_rule_ratio")
    aftersales_zero_profit_classes = fields.Char(related="company_id.aftersales_zero_profit_classes")
    aftersales_double_rule_tolerance = fields.Float(
        related="company_id.aftersales_double_rule_tolerance", readonly=False
    )
    aftersales_market_uplift = fields.Float(related="company_id.aftersales_market_uplift", readonly=False)
    aftersales_price_rounding = fields.Float(related="company_id.aftersales_price_rounding", readonly=False)
    aftersales_market_uplift_module = fields.Boolean(
        related="company_id.aftersales_market_uplift_module", readonly=False
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

    aftersales_aging_target = fields.Float(related="company_id.aftersales_aging_target", readonly=False)
    aftersales_aging_months = fields.Integer(related="company_id.aftersales_aging_months", readonly=False)

    claim_review_days = fields.Integer(related="company_id.claim_review_days", readonly=False)
    claim_credit_trigger = fields.Selection(
        related="company_id.claim_credit_trigger", readonly=False
    )
    claim_return_days = fields.Integer(related="company_id.claim_return_days", readonly=False)
    claim_repeat_part_days = fields.Integer(
        related="company_id.claim_repeat_part_days", readonly=False
    )
    claim_account_id = fields.Many2one(related="company_id.claim_account_id", readonly=False)
    claim_reviewer_id = fields.Many2one(related="company_id.claim_reviewer_id", readonly=False)

    satisfaction_weight = fields.Float(related="company_id.satisfaction_weight", readonly=False)
    satisfaction_min_answers = fields.Integer(
        related="company_id.satisfaction_min_answers", readonly=False
    )
    callback_delay_days = fields.Integer(related="company_id.callback_delay_days", readonly=False)
    callback_user_id = fields.Many2one(related="company_id.callback_user_id", readonly=False)
    callback_duration = fields.Float(related="company_id.callback_duration", readonly=False)

    amplification_weight_importance = fields.Float(
        related="company_id.amplification_weight_importance", readonly=False
    )
    amplification_weight_frequency = fields.Float(
        related="company_id.amplification_weight_frequency", readonly=False
    )
    amplification_weight_size = fields.Float(
        related="company_id.amplification_weight_size", readonly=False
    )

    aftersales_statement_auto_send = fields.Boolean(
        related="company_id.aftersales_statement_auto_send", readonly=False
    )
    aftersales_gift_program_id = fields.Many2one(
        related="company_id.aftersales_gift_program_id", readonly=False
    )

    @api.constrains(*AMPLIFICATION_WEIGHT_FIELDS)
    def _check_amplification_weights(self):
        # checked here, once all three are saved, so that weights may move from one criterion
        # to another in one save
        for settings in self:
            if not sum(settings[fname] for fname in AMPLIFICATION_WEIGHT_FIELDS):
                raise ValidationError(
                    _(
                        "%(company)s: give at least one amplification criterion a weight above "
                        "0, e.g. 0.4, 0.3 and 0.3.",
                        company=settings.company_id.display_name,
                    )
                )

    aftersales_kpi_min = fields.Float(related="company_id.aftersales_kpi_min", readonly=False)
    aftersales_kpi_max = fields.Float(related="company_id.aftersales_kpi_max", readonly=False)
    aftersales_kpi_base_min = fields.Float(
        related="company_id.aftersales_kpi_base_min", readonly=False
    )
    aftersales_kpi_base_max = fields.Float(
        related="company_id.aftersales_kpi_base_max", readonly=False
    )
    aftersales_kpi_revision_share = fields.Float(
        related="company_id.aftersales_kpi_revision_share", readonly=False
    )
    aftersales_kpi_revision_threshold = fields.Float(
        related="company_id.aftersales_kpi_revision_threshold", readonly=False
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

    # Replacement serials and parts warranty ----------------------------------
    aftersales_part_warranty_months_module = fields.Integer(
        related="company_id.aftersales_part_warranty_months_module", readonly=False
    )
    aftersales_part_warranty_months_standard = fields.Integer(
        related="company_id.aftersales_part_warranty_months_standard", readonly=False
    )
    aftersales_part_warranty_months_wear = fields.Integer(
        related="company_id.aftersales_part_warranty_months_wear", readonly=False
    )
    aftersales_part_warranty_months_core_ip = fields.Integer(
        related="company_id.aftersales_part_warranty_months_core_ip", readonly=False
    )
