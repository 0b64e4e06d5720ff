from odoo import _, api, fields, models
from odoo.exceptions import UserError

ACTION_STATES = [
    ("open", "Open"),
    ("answered", "Answered"),
    ("closed", "Closed"),
]


class AftersalesAuditAction(models.Model):
    """A corrective action of an audit's finding: the dealer's owner does it by the due date and
    answers on the portal (text and photos); the manufacturer closes it or reopens it."""

    _name = "aftersales.audit.action"
    _description = "Dealer Audit Corrective Action"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "state, due_date, id"
    _check_company_auto = True

    audit_id = fields.Many2one(
        "aftersales.audit", required=True, index=True, ondelete="cascade", check_company=True
    )
    company_id = fields.Many2one(related="audit_id.company_id", store=True, index=True)
    dealer_id = fields.Many2one(related="audit_id.dealer_id", store=True, index=True, string="Dealer")
    line_id = fields.Many2one(
        "aftersales.audit.line", string="Checklist Item", domain="[('audit_id', '=', audit_id)]",
        ondelete="set null",
    )
    name = fields.Text(string="Corrective Action", required=True)
    owner_name = fields.Char(string="Dealer's Owner", help="The dealer's employee who does it.")
    user_id = fields.Many2one(
        "res.users", string="Follow-up by", default=lambda self: self.env.user, tracking=True,
        domain=[("share", "=", False)], help="The manufacturer's employee who checks it.",
    )
    due_date = fields.Date(string="Due Date", tracking=True)
    state = fields.Selection(ACTION_STATES, default="open", required=True, index=True, tracking=True)
    answer = fields.Text(string="Dealer's Answer", tracking=True)
    answer_date = fields.Datetime(string="Answered on", readonly=True, copy=False)
    is_overdue = fields.Boolean(compute="_compute_is_overdue", search="_search_is_overdue")

    @api.depends("due_date", "state")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for action in self:
            action.is_overdue = action.state == "open" and bool(action.due_date) and action.due_date < today

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Search overdue corrective actions with = or != a boolean."))
        domain = [("state", "=", "open"), ("due_date", "<", fields.Date.context_today(self))]
        return domain if (operator == "=") == value else ["!", "&"] + domain

    # ------------------------------------------------------------------ actions
    def action_close(self):
        for action in self:
            if action.state == "closed":
                raise UserError(_("Corrective action of %(audit)s is closed already.",
                                  audit=action.audit_id.display_name))
        self.write({"state": "closed"})
        return True

    def action_reopen(self):
        """The answer does not settle the finding: back to the dealer."""
        for action in self:
            if action.state == "open":
                raise UserError(_("Corrective action of %(audit)s is open already.",
                                  audit=action.audit_id.display_name))
        self.write({"state": "open"})
        return True

    # ----------------------------------------------------------------- business
    def _answer(self, answer, author):
        """The dealer's answer from the portal: the action becomes answered and its follow-up
        user gets an activity to check it."""
        self.ensure_one()
        answer = (answer or "").strip()
        if self.state != "open":
            raise UserError(_("This corrective action is not open: it was answered already."))
        if not answer:
            raise UserError(_("Write what was done to correct the finding."))
        self.write({"state": "answered", "answer": answer, "answer_date": fields.Datetime.now()})
        self.message_post(body=answer, author_id=author.id, message_type="comment",
                          subtype_xmlid="mail.mt_comment")
        if self.user_id:
            self.activity_schedule(
                "mail.mail_activity_data_todo", user_id=self.user_id.id,
                summary=_("Check the dealer's corrective action"),
            )
        return True
