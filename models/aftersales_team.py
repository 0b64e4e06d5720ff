from ast import literal_eval

from odoo import api, fields, models


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
        return self.search([("company_id", "in", self.env.companies.ids)], limit=1)

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
