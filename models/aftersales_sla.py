from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .aftersales_request import REQUEST_PRIORITIES, REQUEST_TYPES


class AftersalesSla(models.Model):
    """How long the service desk may take to close a request, by type and priority."""

    _name = "aftersales.sla"
    _description = "Service Request SLA"
    _order = "request_type, priority desc, id"

    request_type = fields.Selection(REQUEST_TYPES, string="Request Type", required=True)
    priority = fields.Selection(
        REQUEST_PRIORITIES,
        help="Leave empty for the rule that applies to every priority without its own rule.",
    )
    resolution_hours = fields.Float(
        string="Resolution Time (hours)",
        required=True,
        help="The SLA deadline is the time the request came in plus these hours.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    _sql_constraints = [
        (
            "type_priority_company_uniq",
            "unique(request_type, priority, company_id)",
            "There is already an SLA rule for this request type and priority.",
        ),
    ]

    @api.constrains("resolution_hours")
    def _check_resolution_hours(self):
        for sla in self:
            if sla.resolution_hours <= 0:
                raise ValidationError(
                    _(
                        "SLA rule %(rule)s: the resolution time must be more than 0 hours.",
                        rule=sla.display_name,
                    )
                )

    @api.depends("request_type", "priority")
    def _compute_display_name(self):
        types = dict(self._fields["request_type"]._description_selection(self.env))
        priorities = dict(self._fields["priority"]._description_selection(self.env))
        for sla in self:
            sla.display_name = "%s / %s" % (
                types.get(sla.request_type, ""),
                priorities.get(sla.priority) or _("Any priority"),
            )

    @api.model
    def _get_hours_map(self, companies):
        """{(company id, type, priority or False): hours} for the given companies, in one query."""
        rules = self.sudo().search_read(
            [("company_id", "in", companies.ids)],
            ["company_id", "request_type", "priority", "resolution_hours"],
        )
        return {
            (rule["company_id"][0], rule["request_type"], rule["priority"]): rule["resolution_hours"]
            for rule in rules
        }
