from odoo import _, api, fields, models
from odoo.exceptions import UserError

LINE_TYPES = [
    ("invoice", "Invoice"),
    ("refund", "Credit Note"),
    ("payment", "Payment"),
    ("other", "Other Entry"),
]


class AftersalesStatementLine(models.Model):
    """One posted journal entry of the period on the dealer's receivable account."""

    _name = "aftersales.statement.line"
    _description = "Dealer Statement Line"
    _order = "statement_id, sequence, id"

    statement_id = fields.Many2one(
        "aftersales.statement", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="statement_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="statement_id.currency_id")
    dealer_id = fields.Many2one(related="statement_id.dealer_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    date = fields.Date(required=True)
    move_id = fields.Many2one("account.move", string="Journal Entry", index="btree_not_null")
    line_type = fields.Selection(LINE_TYPES, string="Type", required=True)
    name = fields.Char(string="Number")
    ref = fields.Char(string="Reference")
    date_maturity = fields.Date(string="Due Date")
    balance = fields.Monetary(string="Amount", help="Debit (owed by the dealer) positive, credit negative.")
    debit = fields.Monetary(compute="_compute_debit_credit")
    credit = fields.Monetary(compute="_compute_debit_credit")
    cumulated_balance = fields.Monetary(string="Balance")
    claim_names = fields.Char(
        string="Claims", compute="_compute_claim_names",
        help="The warranty claims a credit note credits.",
    )

    @api.depends("balance")
    def _compute_debit_credit(self):
        for line in self:
            line.debit = max(line.balance, 0.0)
            line.credit = max(-line.balance, 0.0)

    @api.depends("move_id")
    def _compute_claim_names(self):
        claims = self.env["aftersales.claim"].sudo().search_fetch(
            [("refund_move_id", "in", self.move_id.ids)], ["name", "refund_move_id"]
        )
        names = {}
        for claim in claims:
            names.setdefault(claim.refund_move_id.id, []).append(claim.name)
        for line in self:
            line.claim_names = ", ".join(names.get(line.move_id.id, [])) or False

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._check_statement_open()
        return lines

    def write(self, vals):
        self._check_statement_open()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_frozen(self):
        self._check_statement_open()

    def action_open_move(self):
        """The journal entry of the line, from the statement's Entries tab."""
        self.ensure_one()
        return self.move_id._get_records_action()

    def _check_statement_open(self):
        frozen = self.statement_id.filtered(lambda s: s.state in ("confirmed", "closed"))
        if frozen:
            raise UserError(_(
                "Statement %(statement)s is frozen: its lines cannot change.",
                statement=frozen[0].display_name,
            ))
