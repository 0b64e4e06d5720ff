from odoo import _, api, fields, models

PRICELIST_MODES = [
    ("formula", "Formula: the pricing run writes both price lists"),
    ("two_lists", "Two lists kept by hand: the pricing run only checks them"),
    ("market_level", "Market guide list + settlement discount per dealer level"),
]


class ResCompany(models.Model):
    _inherit = "res.company"

    aftersales_pricelist_mode = fields.Selection(
        PRICELIST_MODES, string="Price List Mode", default="formula", required=True
    )
    aftersales_double_rule_ratio = fields.Float(
        string="Double-Rule Ratio",
        default=2.0,
        digits=(4, 2),
        help="The service parts of one finished product, added up at dealer settlement prices, "
        "should cost this many times the finished product's dealer settlement price.",
    )
    aftersales_double_rule_tolerance = fields.Float(
        string="Double-Rule Tolerance (%)", default=5.0, digits=(5, 2)
    )
    aftersales_market_uplift = fields.Float(
        string="Market Uplift (%)",
        default=30.0,
        digits=(5, 2),
        help="Market guide price = dealer settlement price x (1 + uplift).",
    )
    aftersales_price_rounding = fields.Float(
        string="Price Rounding", default=0.01, digits=(12, 4),
        help="Part prices are rounded to a multiple of this amount.",
    )
    aftersales_zero_profit_standard = fields.Boolean(
        string="Standard Parts at Zero Profit", default=True
    )
    aftersales_zero_profit_wear = fields.Boolean(string="Wear Parts at Zero Profit", default=True)
    aftersales_dealer_pricelist_id = fields.Many2one(
        "product.pricelist", string="Dealer Settlement Price List", check_company=True
    )
    aftersales_market_pricelist_id = fields.Many2one(
        "product.pricelist", string="Market Guide Price List", check_company=True
    )

    aftersales_default_lead_days = fields.Integer(
        string="Default Part Lead Time (days)",
        default=30,
        help="Lead time the reserve plan assumes for a spare part without a vendor.",
    )

    def _get_aftersales_zero_profit_classes(self):
        self.ensure_one()
        classes = set()
        if self.aftersales_zero_profit_standard:
            classes.add("standard")
        if self.aftersales_zero_profit_wear:
            classes.add("wear")
        return classes

    def _get_aftersales_pricelists(self):
        """The price lists the add-on prices parts with, in these companies: the dealer
        settlement and market guide lists and the dealer levels' lists."""
        levels = self.env["aftersales.dealer.level"].sudo().with_context(active_test=False).search(
            [("company_id", "in", [False, *self.ids])]
        )
        return (
            self.sudo().aftersales_dealer_pricelist_id
            | self.sudo().aftersales_market_pricelist_id
            | levels.pricelist_id.filtered(lambda pl: pl.company_id in self or not pl.company_id)
        )

    @api.model
    def _aftersales_ensure_pricelists(self):
        """Give every company its dealer settlement and market guide price lists, and every
        internal user Odoo's Pricelists option (run at each install and update of the add-on).

        The option is what keeps price lists alive: the Settings form reads it from the internal
        users' group, and a save that reads it as off (Settings > Save, or Odoo's own save when a
        company gets its second warehouse) archives every price list. Odoo turns it on the same
        way when a second currency is activated."""
        self.env.ref("base.group_user").sudo()._apply_group(
            self.env.ref("product.group_product_pricelist")
        )
        Pricelist = self.env["product.pricelist"].sudo()
        for company in self.sudo().search([]):
            vals = {}
            if not company.aftersales_dealer_pricelist_id:
                vals["aftersales_dealer_pricelist_id"] = Pricelist.create(
                    {"name": _("Dealer settlement price list"), "company_id": company.id,
                     "currency_id": company.currency_id.id, "sequence": 90}
                ).id
            if not company.aftersales_market_pricelist_id:
                vals["aftersales_market_pricelist_id"] = Pricelist.create(
                    {"name": _("Market guide price list"), "company_id": company.id,
                     "currency_id": company.currency_id.id, "sequence": 91}
                ).id
            if vals:
                company.write(vals)

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        self._aftersales_ensure_pricelists()
        return companies

    def write(self, vals):
        res = super().write(vals)
        if {"aftersales_pricelist_mode", "aftersales_dealer_pricelist_id",
                "aftersales_market_pricelist_id"} & set(vals):
            if vals.get("aftersales_pricelist_mode") == "market_level":
                self.env["aftersales.dealer.level"].search([])._sync_pricelist()
            self.env["res.partner"].search([("is_dealer", "=", True)])._aftersales_sync_pricelist()
        return res
