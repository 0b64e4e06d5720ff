from odoo import Command, _, api, fields, models
from odoo.exceptions import ValidationError


class AftersalesDealerLevel(models.Model):
    _name = "aftersales.dealer.level"
    _description = "Dealer Level"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        help="Leave empty to share the level between all companies.",
        index=True,
    )
    settlement_discount = fields.Float(
        string="Settlement Discount (%)",
        digits=(5, 2),
        help="Discount granted to dealers of this level on the market guide price list "
        "to obtain their settlement price.",
    )
    note = fields.Text(translate=True)
    pricelist_id = fields.Many2one(
        "product.pricelist",
        string="Settlement Price List",
        readonly=True,
        copy=False,
        help="In the 'market guide list + level discount' mode: the market guide price list less "
        "this level's settlement discount. The level's dealers get it as their price list.",
    )
    dealer_ids = fields.One2many("res.partner", "dealer_level_id", string="Dealers")
    dealer_count = fields.Integer(compute="_compute_dealer_count")

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(name, company_id)",
            "A dealer level with this name already exists in this company.",
        ),
    ]

    @api.depends("dealer_ids")
    def _compute_dealer_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("dealer_level_id", "in", self.ids)], ["dealer_level_id"], ["__count"]
            )
        )
        for level in self:
            level.dealer_count = counts.get(level, 0)

    @api.constrains("settlement_discount")
    def _check_settlement_discount(self):
        for level in self:
            if not 0.0 <= level.settlement_discount < 100.0:
                raise ValidationError(
                    _(
                        "Dealer level %(level)s: the settlement discount must lie between "
                        "0 and 100 %% (it is %(discount)s %%).",
                        level=level.display_name,
                        discount=level.settlement_discount,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        levels = super().create(vals_list)
        levels._sync_pricelist()
        return levels

    def write(self, vals):
        res = super().write(vals)
        if {"settlement_discount", "name", "company_id"} & set(vals):
            self._sync_pricelist()
        return res

    def _sync_pricelist(self):
        """Keep each level's price list = market guide list less the level's discount."""
        Pricelist = self.env["product.pricelist"].sudo()
        for level in self:
            company = level.company_id or self.env.company
            if company.aftersales_pricelist_mode != "market_level":
                continue
            market = company.aftersales_market_pricelist_id
            if not market:
                continue
            item_vals = {
                "applied_on": "3_global",
                "compute_price": "formula",
                "base": "pricelist",
                "base_pricelist_id": market.id,
                "price_discount": level.settlement_discount,
            }
            name = _("Dealer settlement: %(level)s", level=level.name)
            if level.pricelist_id:
                level.pricelist_id.sudo().write(
                    {"name": name, "item_ids": [Command.clear(), Command.create(item_vals)]}
                )
            else:
                level.sudo().pricelist_id = Pricelist.create(
                    {"name": name, "company_id": market.company_id.id,
                     "currency_id": market.currency_id.id, "sequence": 92,
                     "item_ids": [Command.create(item_vals)]}
                )
            level.dealer_ids._aftersales_sync_pricelist()

    def action_view_dealers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("aftersales.res_partner_action_dealers")
        action["domain"] = [("dealer_level_id", "=", self.id)]
        action["context"] = {"default_is_dealer": True, "default_is_company": True,
                             "default_dealer_level_id": self.id}
        return action
