from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    # per claim = per order: each parts order invoiced on delivery, each claim credited alone
    claim_settlement_mode = fields.Selection(
        selection_add=[("quarterly", "Quarterly statement")],
        ondelete={"quarterly": "set default"},
        string="Settlement",
        help="Per claim / per order: every delivered parts order is invoiced on delivery and "
        "every approved warranty claim credited at once. Monthly or quarterly statement: the "
        "period's delivered parts become one invoice and its approved claims one credit note, "
        "created by the statement run.",
    )
    aftersales_statement_ids = fields.One2many(
        "aftersales.statement", "dealer_id", string="Statements"
    )
    aftersales_statement_count = fields.Integer(compute="_compute_aftersales_statement_count")
    aftersales_gift_balance = fields.Monetary(
        string="Gift Credit", compute="_compute_aftersales_gift_balance",
        currency_field="aftersales_gift_currency_id",
    )
    aftersales_gift_currency_id = fields.Many2one(
        "res.currency", compute="_compute_aftersales_gift_balance"
    )

    def _compute_aftersales_statement_count(self):
        counts = dict(
            self.env["aftersales.statement"]._read_group(
                [("dealer_id", "in", self.ids)], ["dealer_id"], ["__count"]
            )
        )
        for partner in self:
            partner.aftersales_statement_count = counts.get(partner, 0)

    @api.depends_context("company")
    def _compute_aftersales_gift_balance(self):
        # a figure of the dealer's form: read for any user who reads the dealer (the loyalty
        # program itself is the sales team's)
        program = self.env.company.sudo().aftersales_gift_program_id
        points = {}
        if program and self.ids:
            points = dict(
                self.env["loyalty.card"].sudo()._read_group(
                    [("program_id", "=", program.id), ("partner_id", "in", self.ids)],
                    ["partner_id"], ["points:sum"],
                )
            )
        for partner in self:
            partner.aftersales_gift_balance = points.get(partner, 0.0)
            partner.aftersales_gift_currency_id = program.currency_id or self.env.company.currency_id

    def action_view_aftersales_statements(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "aftersales.aftersales_statement_action"
        )
        action["domain"] = [("dealer_id", "=", self.id)]
        action["context"] = {"create": False}
        return action
