from ast import literal_eval

from odoo import api, fields, models

# Roles of the department (handbook, section 2): the seven groups. A request with no team goes
# to the first team of its type's role; the call lists default to the hotline's outbound agents.
TEAM_ROLES = [
    ("hotline", "Service Hotline"),
    ("complaints", "Complaint Management"),
    ("field_service", "Field Service"),
    ("factory_repair", "Return-to-Factory Repair"),
    ("parts", "Spare-Parts Management"),
    ("training", "Service Training"),
    ("strategy", "Service Strategy and Audit"),
]
ROLE_OF_REQUEST_TYPE = {
    "question": "hotline",
    "complaint": "complaints",
    "field_service": "field_service",
    "repair": "factory_repair",
    "maintenance": "hotline",
    "callback": "hotline",
    "campaign": "hotline",
    "sales_lead": "hotline",
}


class AftersalesTeam(models.Model):
    """A service desk team (hotline, complaints, field service...). Its e-mail alias turns
    inbound mail into service requests of the team."""

    _name = "aftersales.team"
    _description = "Service Team"
    _inherit = ["mail.alias.mixin", "mail.thread"]
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    leader_id = fields.Many2one(
        "res.users",
        string="Team Leader",
        domain="[('share', '=', False)]",
        help="Owner of the requests the team receives by e-mail and of the maintenance "
        "reminders.",
    )
    member_ids = fields.Many2many(
        "res.users",
        "aftersales_team_member_rel",
        "team_id",
        "user_id",
        string="Members",
        domain="[('share', '=', False)]",
    )
    # Handbook, section 2: the hotline's outbound agents (呼出坐席) make the satisfaction call-backs.
    outbound_agent_ids = fields.Many2many(
        "res.users",
        "aftersales_team_outbound_agent_rel",
        "team_id",
        "user_id",
        string="Outbound Agents",
        domain="[('share', '=', False)]",
        help="The hotline's outbound agents: the satisfaction call-backs are shared among the "
        "outbound agents of the company's teams in turn.",
    )
    request_count = fields.Integer(compute="_compute_request_count")
    # Roles of the department
    role = fields.Selection(
        TEAM_ROLES, index=True,
        help="The handbook's group this team is: requests without a team go to the first team "
        "of their type's role (complaints to Complaint Management, field service to Field "
        "Service, repairs to Return-to-Factory Repair, the others to the Service Hotline).",
    )
    job_ids = fields.One2many("hr.job", "aftersales_team_id", string="Positions")

    def _compute_request_count(self):
        counts = dict(
            self.env["aftersales.request"]._read_group(
                [("team_id", "in", self.ids), ("state", "not in", ("done", "cancelled"))],
                ["team_id"],
                ["__count"],
            )
        )
        for team in self:
            team.request_count = counts.get(team, 0)

    def _alias_get_creation_values(self):
        values = super()._alias_get_creation_values()
        values["alias_model_id"] = self.env["ir.model"]._get("aftersales.request").id
        if self.id:
            values["alias_defaults"] = defaults = literal_eval(self.alias_defaults or "{}")
            defaults["team_id"] = self.id
            defaults.setdefault("channel", "email")
        return values

    @api.model
    def _get_default_team(self):
        # Roles of the department: a new request of a type goes to the team of its role
        request_type = self.env.context.get("default_request_type")
        if request_type:
            team = self._get_team_for_request_type(request_type, self.env.company)
            if team:
                return team
        return self.search([("company_id", "in", self.env.companies.ids)], limit=1)

    @api.model
    def _get_team_for_request_type(self, request_type, company):
        """The team a request of ``request_type`` of ``company`` goes to when it has none: the
        first team of the type's role; empty when the company has no team of that role."""
        role = ROLE_OF_REQUEST_TYPE.get(request_type)
        if not role:
            return self.browse()
        return self.search([("company_id", "=", company.id), ("role", "=", role)], limit=1)

    @api.model
    def _get_outbound_agents(self, company):
        """The outbound agents of ``company``'s active teams, in a stable order (by id), never
        the superuser."""
        teams = self.sudo().search([("company_id", "=", company.id)])
        return teams.outbound_agent_ids.filtered(
            lambda user: user.active and not user._is_superuser()
        ).sorted("id")

    def action_view_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("aftersales.aftersales_request_action")
        action["domain"] = [("team_id", "=", self.id)]
        action["context"] = {"default_team_id": self.id}
        return action
