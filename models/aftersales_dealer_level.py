from odoo import _, api, fields, models
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

    def action_view_dealers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("aftersales.res_partner_action_dealers")
        action["domain"] = [("dealer_level_id", "=", self.id)]
        action["context"] = {"default_is_dealer": True, "default_is_company": True,
                             "default_dealer_level_id": self.id}
        return action
