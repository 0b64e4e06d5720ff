from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError


class AftersalesStatementGenerate(models.TransientModel):
    _name = "aftersales.statement.generate"
    _description = "Draw Dealer Statements"

    def _default_date_from(self):
        today = self.env["aftersales.statement"]._get_user_today()
        return today.replace(day=1) - relativedelta(months=1)

    def _default_date_to(self):
        today = self.env["aftersales.statement"]._get_user_today()
        return today.replace(day=1) - relativedelta(days=1)

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    dealer_ids = fields.Many2many(
        "res.partner", string="Dealers",
        domain="[('is_dealer', '=', True), ('is_company', '=', True)]",
        help="Leave empty to draw the statements of every dealer.",
    )
    date_from = fields.Date(string="From", required=True, default=_default_date_from)
    date_to = fields.Date(string="To", required=True, default=_default_date_to)
    send = fields.Boolean(string="Send to the dealers", help="E-mail the statements at once.")

    @api.onchange("date_from")
    def _onchange_date_from(self):
        if self.date_from:
            self.date_to = self.date_from + relativedelta(months=1, day=1, days=-1)

    def action_generate(self):
        self.ensure_one()
        dealers = self.dealer_ids or self.env["res.partner"].search([
            ("is_dealer", "=", True), ("is_company", "=", True),
            ("company_id", "in", (False, self.company_id.id)),
        ])
        if not dealers:
            raise UserError(_("There is no dealer to draw a statement for."))
        start = self.env["aftersales.statement"].with_company(self.company_id)._start_draw(
            dealers, self.date_from, self.date_to, send=self.send
        )
        if start.job:
            return start.job._action_queued()
        statements = self.env["aftersales.statement"].browse(start.counts["statement_ids"])
        message = start.summary
        if statements:
            next_action = self.env["ir.actions.act_window"]._for_xml_id(
                "aftersales.aftersales_statement_action"
            )
            next_action["domain"] = [("id", "in", statements.ids)]
        else:
            next_action = {"type": "ir.actions.act_window_close"}
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Dealer Statements"),
                "message": message,
                "type": "success" if statements else "warning",
                "sticky": False,
                "next": next_action,
            },
        }
