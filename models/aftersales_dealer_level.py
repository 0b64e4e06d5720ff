from collections import defaultdict

from odoo import Command, _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare


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
        "to obtain their settlement price; standard and wear parts are never discounted (at cost).",
    )
    note = fields.Text(translate=True)
    pricelist_id = fields.Many2one(
        "product.pricelist",
        string="Settlement Price List",
        readonly=True,
        copy=False,
        help="In the 'market guide list + level discount' mode: the market guide price list less "
        "this level's settlement discount, standard and wear parts at the market guide price (their "
        "cost). The level's dealers get it as their price list.",
    )
    gift_rate = fields.Float(
        string="Gift Credit (%)",
        digits=(5, 2),
        help="Share of the dealer's paid parts purchases credited every statement run as gift "
        "credit on the dealer's eWallet, to spend on later parts orders.",
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

    def action_view_dealers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("aftersales.res_partner_action_dealers")
        action["domain"] = [("dealer_level_id", "=", self.id)]
        action["context"] = {"default_is_dealer": True, "default_is_company": True,
                             "default_dealer_level_id": self.id}
        return action

    def _sync_pricelist(self):
        """Keep each level's price list = market guide list less the level's discount, with the
        zero-profit parts (standard and wear) at the market guide price undiscounted: the market
        list carries them at cost, so every level buys them at cost.

        Only what differs is written: a list already right is left alone, a rule edited by hand
        is put back in place (same record), extra rules are removed and a missing list or rule
        is created. The rules follow the market list by formula: new market prices need no write.
        """
        targets = {}  # level: (market list, price list vals, zero-profit templates)
        zero_by_company = {}
        for level in self:
            company = level.company_id or self.env.company
            if company.aftersales_pricelist_mode != "market_level":
                continue
            market = company.aftersales_market_pricelist_id
            if not market:
                continue
            if company not in zero_by_company:
                zero_by_company[company] = self.env["product.template"].sudo().search([
                    ("aftersales_part_class", "in", list(company._get_aftersales_zero_profit_classes())),
                    ("is_serviceable_part", "=", True),
                    ("company_id", "in", [False, company.id]),
                ])
            targets[level] = (market, {
                "name": _("Dealer settlement: %(level)s", level=level.name),
                "company_id": market.company_id.id,
                "currency_id": market.currency_id.id,
            }, zero_by_company[company])
        if not targets:
            return
        levels = self.filtered(lambda level: level in targets)
        new_levels = levels.filtered(lambda level: not level.pricelist_id)
        if new_levels:
            pricelists = self.env["product.pricelist"].sudo().create([
                dict(targets[level][1], sequence=92, item_ids=[
                    Command.create(vals) for vals in level._prepare_pricelist_items_vals(*targets[level][::2])
                ])
                for level in new_levels
            ])
            for level, pricelist in zip(new_levels, pricelists):
                level.sudo().pricelist_id = pricelist
        (levels - new_levels)._sync_existing_pricelists(targets)
        levels.dealer_ids._aftersales_sync_pricelist()

    def _sync_existing_pricelists(self, targets):
        """Bring the levels' lists to ``targets`` ({level: (market list, list vals, zero-profit
        templates)}): one read of the lists and their rules, then one write per distinct change,
        whatever the number of levels."""
        if not self:
            return
        Pricelist = self.env["product.pricelist"].sudo()
        Item = self.env["product.pricelist.item"].sudo()
        pricelists = self.pricelist_id.sudo()
        pricelists.fetch(["name", "company_id", "currency_id"])
        item_fields = ["pricelist_id", *self[:1]._prepare_pricelist_item_vals(Pricelist)]
        items_by_list = defaultdict(Item.browse)
        for item in Item.search_fetch([("pricelist_id", "in", pricelists.ids)], item_fields):
            items_by_list[item.pricelist_id] |= item
        list_writes = defaultdict(list)  # frozen vals: [price list id]
        item_writes = defaultdict(list)  # frozen vals: [rule id]
        to_create, to_unlink = [], Item.browse()
        for level in self:
            market, list_vals, zero_templates = targets[level]
            pricelist = level.pricelist_id.sudo()
            if changes := self._get_changes(pricelist, list_vals):
                list_writes[frozenset(changes.items())].append(pricelist.id)
            rules = items_by_list[pricelist].sorted("id")
            # The rules by what they apply to: the whole list (the level's discount) or one
            # zero-profit part (undiscounted).
            by_target = defaultdict(Item.browse)
            for rule in rules:
                by_target[rule.product_tmpl_id.id if rule.applied_on == "1_product" else rule.applied_on] |= rule
            kept = Item.browse()
            for item_vals in level._prepare_pricelist_items_vals(market, zero_templates):
                key = item_vals["product_tmpl_id"] or item_vals["applied_on"]
                candidates = by_target[key]
                # Keep the rule that is already right, else rewrite the oldest one in place.
                keep = (
                    candidates.filtered(lambda rule, v=item_vals: not self._get_changes(rule, v))[:1]
                    or candidates[:1]
                )
                if not keep:
                    to_create.append(dict(item_vals, pricelist_id=pricelist.id))
                elif changes := self._get_changes(keep, item_vals):
                    item_writes[frozenset(changes.items())].append(keep.id)
                kept |= keep
            to_unlink |= rules - kept
        for vals, ids in list_writes.items():
            Pricelist.browse(ids).write(dict(vals))
        to_unlink.unlink()
        for vals, ids in item_writes.items():
            Item.browse(ids).write(dict(vals))
        Item.create(to_create)

    def _prepare_pricelist_items_vals(self, market, zero_templates):
        """The rules of the level's list: one per zero-profit part, at the market guide price
        undiscounted (the market list carries these parts at cost), and the level's rule."""
        self.ensure_one()
        zero_vals = dict(self._prepare_pricelist_item_vals(market), applied_on="1_product", price_discount=0.0)
        return [dict(zero_vals, product_tmpl_id=template.id) for template in zero_templates] + [
            self._prepare_pricelist_item_vals(market)
        ]

    def _prepare_pricelist_item_vals(self, market):
        """The level's rule: the market guide list less the settlement discount, every other
        setting of the rule at Odoo's default."""
        return {
            "applied_on": "3_global",
            "compute_price": "formula",
            "base": "pricelist",
            "base_pricelist_id": market.id,
            "price_discount": self.settlement_discount,
            "price_surcharge": 0.0,
            "price_round": 0.0,
            "price_min_margin": 0.0,
            "price_max_margin": 0.0,
            "min_quantity": 0.0,
            "date_start": False,
            "date_end": False,
            "categ_id": False,
            "product_tmpl_id": False,
            "product_id": False,
        }

    @api.model
    def _get_changes(self, record, vals):
        """The part of ``vals`` that ``record`` does not hold yet (floats compared at their
        field's precision)."""
        changes = {}
        for name, value in vals.items():
            field, current = record._fields[name], record[name]
            if field.type == "many2one":
                differs = current.id != (value or False)
            elif field.type == "float":
                digits = field.get_digits(record.env)
                differs = float_compare(current, value, precision_digits=digits[1] if digits else 6) != 0
            else:
                differs = current != value
            if differs:
                changes[name] = value
        return changes
