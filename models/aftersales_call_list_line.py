from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .aftersales_call_list import CALL_OUTCOMES, REACHED_OUTCOMES

LINE_STATES = [
    ("to_call", "Not Called Yet"),
    ("done", "Done"),
]
# Days until the next call when the agent sets none.
CALL_AGAIN_DAYS = 3


class AftersalesCallListLine(models.Model):
    """One end user to call on an outbound call list: its agent, the outcome of the call and the
    follow-up it created (a service request, a sales lead for the dealer)."""

    _name = "aftersales.call.list.line"
    _description = "Outbound Call"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "list_id, state desc, next_call_date, id"
    _check_company_auto = True

    # ------------------------------------------------------------------ fields
    list_id = fields.Many2one(
        "aftersales.call.list", string="Call List", required=True, index=True, ondelete="cascade",
    )
    company_id = fields.Many2one(related="list_id.company_id", store=True, index=True)
    purpose = fields.Selection(related="list_id.purpose", store=True)
    script = fields.Html(related="list_id.script")
    end_user_id = fields.Many2one(
        "res.partner", string="End User", required=True, index=True,
        domain="[('is_end_user', '=', True)]",
    )
    phone = fields.Char(related="end_user_id.phone", string="Phone")
    lot_id = fields.Many2one("stock.lot", string="Machine", index="btree_not_null", check_company=True)
    product_id = fields.Many2one(related="lot_id.product_id", store=True, string="Product")
    dealer_id = fields.Many2one("res.partner", string="Dealer", index="btree_not_null")
    user_id = fields.Many2one(
        "res.users", string="Outbound Agent", index=True, tracking=True, domain="[('share', '=', False)]",
    )
    state = fields.Selection(LINE_STATES, default="to_call", required=True, index=True, tracking=True)
    outcome = fields.Selection(CALL_OUTCOMES, index=True, tracking=True, copy=False)
    call_date = fields.Datetime(string="Called on", readonly=True, copy=False)
    next_call_date = fields.Date(string="Call Again on", tracking=True, copy=False)
    note = fields.Text(help="What the end user said.")
    request_id = fields.Many2one(
        "aftersales.request", string="Follow-up Request", readonly=True, copy=False,
        check_company=True,
    )
    lead_id = fields.Many2one(
        "aftersales.request", string="Sales Lead", readonly=True, copy=False, check_company=True,
        help="The lead passed to the dealer: a service request of type Sales Lead for the "
        "dealer.",
    )
    # measures of the analysis (sums and averages per list, per agent)
    called = fields.Integer(compute="_compute_measures", store=True, aggregator="sum")
    reached = fields.Integer(compute="_compute_measures", store=True, aggregator="sum")
    interested = fields.Integer(compute="_compute_measures", store=True, aggregator="sum")
    followups = fields.Integer(
        string="Follow-ups", compute="_compute_measures", store=True, aggregator="sum"
    )
    reached_rate = fields.Float(
        string="Reached (%)", compute="_compute_measures", store=True, aggregator="avg",
        help="100 for a call that reached the end user, 0 for one that did not; averaged over "
        "the calls made (the Called filter).",
    )
    interested_rate = fields.Float(
        string="Interested (%)", compute="_compute_measures", store=True, aggregator="avg",
        help="100 for an interested end user, 0 for another outcome; averaged over the calls "
        "made (the Called filter).",
    )

    _sql_constraints = [
        ("end_user_uniq", "unique(list_id, end_user_id)", "An end user is called once per list."),
    ]

    # ---------------------------------------------------------------- computes
    @api.depends("outcome", "request_id", "lead_id")
    def _compute_measures(self):
        for line in self:
            reached = line.outcome in REACHED_OUTCOMES
            interested = line.outcome == "interested"
            line.called = int(bool(line.outcome))
            line.reached = int(reached)
            line.interested = int(interested)
            line.followups = int(bool(line.request_id)) + int(bool(line.lead_id))
            # averaged over the calls made: the analysis filters on Called
            line.reached_rate = 100.0 if reached else 0.0
            line.interested_rate = 100.0 if interested else 0.0

    # ----------------------------------------------------------------- actions
    def action_reached(self):
        return self._record_outcome("reached")

    def action_interested(self):
        return self._record_outcome("interested")

    def action_not_interested(self):
        return self._record_outcome("not_interested")

    def action_unreachable(self):
        return self._record_outcome("unreachable")

    def action_call_again(self):
        """The end user asks to be called later: the call stays to do, on its next call date
        (in three days unless set), with a call activity for the agent."""
        self._check_open()
        today = fields.Date.context_today(self)
        for line in self:
            next_date = line.next_call_date if line.next_call_date and line.next_call_date > today \
                else today + timedelta(days=CALL_AGAIN_DAYS)
            line.write({
                "outcome": "call_again", "call_date": fields.Datetime.now(),
                "next_call_date": next_date,
            })
            line.activity_schedule(
                "mail.mail_activity_data_call", date_deadline=next_date,
                summary=_("Call %(end_user)s again (%(list)s)",
                          end_user=line.end_user_id.name, list=line.list_id.name),
                user_id=(line.user_id or self.env.user).id,
            )
        return True

    def action_reset(self):
        self.write({"state": "to_call", "outcome": False, "call_date": False})
        return True

    def action_create_request(self):
        """A service request for an interested end user, of the list's follow-up type, routed as
        requests are (to the team of the type's role)."""
        self._check_interested("request_id", _("a service request"))
        for line in self:
            request = self.env["aftersales.request"].create({
                "subject": _("%(list)s: %(end_user)s is interested",
                             list=line.list_id.name, end_user=line.end_user_id.name),
                "description": Markup("<p>%s</p>") % (line.note or ""),
                "request_type": line.list_id.followup_request_type,
                "channel": "outbound_call",
                "company_id": line.company_id.id,
                "lot_id": line.lot_id.id,
                "end_user_id": line.end_user_id.id,
                "dealer_id": line.dealer_id.id,
            })
            line.request_id = request
        return self._action_open_request(self[:1].request_id)

    def action_create_lead(self):
        """A sales lead for the dealer of an interested end user: a request of type Sales Lead
        naming the dealer (the dealer reads it on the portal)."""
        self._check_interested("lead_id", _("a sales lead"))
        for line in self:
            if not line.dealer_id:
                raise UserError(_(
                    "Call to %(end_user)s: the machine has no dealer to pass the lead to. Set "
                    "the machine's dealer first.", end_user=line.end_user_id.display_name,
                ))
            lead = self.env["aftersales.request"].create({
                "subject": _("Sales lead: %(end_user)s (%(list)s)",
                             end_user=line.end_user_id.name, list=line.list_id.name),
                "description": Markup("<p>%s</p>") % (line.note or ""),
                "request_type": "sales_lead",
                "channel": "outbound_call",
                "service_cause": "routine",
                "company_id": line.company_id.id,
                "lot_id": line.lot_id.id,
                "end_user_id": line.end_user_id.id,
                "dealer_id": line.dealer_id.id,
            })
            line.lead_id = lead
        return self._action_open_request(self[:1].lead_id)

    # -------------------------------------------------------- business methods
    def _check_open(self):
        for line in self:
            if line.state != "to_call":
                raise UserError(_(
                    "The call to %(end_user)s on %(list)s is done: reset it to record another "
                    "outcome.", end_user=line.end_user_id.display_name, list=line.list_id.name,
                ))
            if line.list_id.state != "active":
                raise UserError(_(
                    "Call list %(list)s is not calling: start it first.", list=line.list_id.name,
                ))

    def _record_outcome(self, outcome):
        self._check_open()
        self.write({
            "outcome": outcome, "state": "done", "call_date": fields.Datetime.now(),
            "next_call_date": False,
        })
        self.activity_unlink(["mail.mail_activity_data_call"])
        return True

    def _check_interested(self, fname, what):
        for line in self:
            if line.outcome != "interested":
                raise UserError(_(
                    "The call to %(end_user)s: only an interested end user gets %(what)s.",
                    end_user=line.end_user_id.display_name, what=what,
                ))
            if line[fname]:
                raise UserError(_(
                    "The call to %(end_user)s has %(what)s already: %(record)s.",
                    end_user=line.end_user_id.display_name, what=what,
                    record=line[fname].display_name,
                ))

    def _action_open_request(self, request):
        return {
            "type": "ir.actions.act_window",
            "res_model": "aftersales.request",
            "res_id": request.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
