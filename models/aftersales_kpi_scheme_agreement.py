from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .aftersales_kpi_period import KPI_MANAGER_GROUP

AGREEMENT_STATES = [
    ("pending", "Waiting"),
    ("agreed", "Agreed"),
]


class AftersalesKpiSchemeAgreement(models.Model):
    """One employee's agreement with a KPI scheme (domain, section 5: quantified indicators the
    employees have discussed and accepted): who agreed, when, and who recorded it."""

    _name = "aftersales.kpi.scheme.agreement"
    _description = "KPI Scheme Agreement"
    _order = "scheme_id, id"
    _check_company_auto = True

    scheme_id = fields.Many2one(
        "aftersales.kpi.scheme", required=True, ondelete="cascade", index=True, readonly=True
    )
    employee_id = fields.Many2one(
        "hr.employee", required=True, index=True, readonly=True, check_company=True
    )
    user_id = fields.Many2one(
        "res.users", related="employee_id.user_id", store=True, index=True, string="User"
    )
    company_id = fields.Many2one(related="scheme_id.company_id", store=True, index=True)
    state = fields.Selection(AGREEMENT_STATES, default="pending", required=True, readonly=True)
    agreed_on = fields.Datetime(readonly=True)
    agreed_by_id = fields.Many2one(
        "res.users", string="Recorded by", readonly=True,
        help="The employee's own user, or the manager who recorded the agreement of an "
        "employee without a user.",
    )
    can_be_recorded = fields.Boolean(compute="_compute_can_be_recorded")

    _sql_constraints = [
        ("scheme_employee_uniq", "unique(scheme_id, employee_id)",
         "An employee agrees once with a scheme version."),
    ]

    @api.depends("state", "user_id", "scheme_id.state")
    @api.depends_context("uid")
    def _compute_can_be_recorded(self):
        is_manager = self.env.user.has_group(KPI_MANAGER_GROUP)
        for agreement in self:
            agreement.can_be_recorded = (
                is_manager and not agreement.user_id and agreement.state == "pending"
                and agreement.scheme_id.state == "discussion"
            )

    def action_record_agreement(self):
        """A manager records the agreement an employee without a user gave in person; whoever
        has a user agrees from their own access (Agree on the scheme). Data loaded by the
        system (demo) records it for anyone."""
        for agreement in self:
            if not (agreement.can_be_recorded or self.env.su and agreement.state == "pending"):
                raise UserError(_(
                    "%(employee)s, scheme %(scheme)s: a manager records the agreement only of "
                    "an employee without a user, while the scheme is in discussion; an employee "
                    "with a user clicks Agree on the scheme.",
                    employee=agreement.sudo().employee_id.name,
                    scheme=agreement.scheme_id.display_name,
                ))
        self._set_agreed()
        for agreement in self:
            agreement.scheme_id.message_post(
                body=_("%(user)s recorded the agreement of %(employee)s.",
                       user=self.env.user.name, employee=agreement.sudo().employee_id.name),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def _set_agreed(self):
        # employees only read the agreements: agreeing is the one thing they write
        self.sudo().write({
            "state": "agreed",
            "agreed_on": fields.Datetime.now(),
            "agreed_by_id": self.env.uid,
        })
