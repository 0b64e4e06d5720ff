from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

IMPROVEMENT_PLAN_STATES = [
    ("draft", "Draft"),
    ("in_progress", "In Progress"),
    ("done", "Done"),
]
COMPLAINT_REQUEST_TYPE = "complaint"


class AftersalesImprovementPlan(models.Model):
    """An improvement action of the service strategy group on products whose life-cycle cost
    calls for it, prompted by complaints (or a campaign), with an owner and the date it takes
    effect; each product shows its cost per machine-year before and after that date."""

    _name = "aftersales.improvement.plan"
    _description = "Improvement Plan"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        IMPROVEMENT_PLAN_STATES, default="draft", required=True, copy=False, index=True,
        tracking=True,
    )
    user_id = fields.Many2one(
        "res.users", string="Owner", required=True, index=True, tracking=True,
        default=lambda self: self.env.user, domain="[('share', '=', False)]",
    )
    date = fields.Date(
        string="Effective Date", required=True, index=True, tracking=True,
        default=fields.Date.context_today,
        help="The day the improvement takes effect: the cost per machine-year of its products "
        "is compared before and after it.",
    )
    description = fields.Html()
    line_ids = fields.One2many(
        "aftersales.improvement.plan.product", "plan_id", string="Product Lines", copy=True
    )
    product_ids = fields.Many2many(
        "product.template", string="Products", compute="_compute_product_ids", store=True
    )
    request_ids = fields.Many2many(
        "aftersales.request", string="Complaints", check_company=True,
        domain=[("request_type", "=", COMPLAINT_REQUEST_TYPE)],
        help="The complaints that prompted the improvement.",
    )
    campaign_ids = fields.Many2many(
        "aftersales.campaign", string="Campaigns", check_company=True,
        help="The service campaigns or recalls that prompted the improvement: the defect they "
        "fix in the field is to be designed out of the products.",
    )

    can_be_started = fields.Boolean(compute="_compute_can_be")
    can_be_done = fields.Boolean(compute="_compute_can_be")
    can_be_reset = fields.Boolean(compute="_compute_can_be")

    @api.depends("line_ids.product_tmpl_id")
    def _compute_product_ids(self):
        for plan in self:
            plan.product_ids = plan.line_ids.product_tmpl_id

    @api.depends("state")
    def _compute_can_be(self):
        for plan in self:
            plan.can_be_started = plan.state == "draft"
            plan.can_be_done = plan.state == "in_progress"
            plan.can_be_reset = plan.state != "draft"

    @api.constrains("request_ids")
    def _check_request_ids(self):
        for plan in self:
            others = plan.request_ids.filtered(
                lambda request: request.request_type != COMPLAINT_REQUEST_TYPE
            )
            if others:
                raise ValidationError(
                    _(
                        "Improvement plan %(plan)s: %(requests)s are not complaints. Link the "
                        "complaints that prompted the improvement.",
                        plan=plan.display_name,
                        requests=", ".join(others.mapped("display_name")),
                    )
                )

    def _check_can(self, flag, verb):
        for plan in self:
            if not plan[flag]:
                state = dict(self._fields["state"]._description_selection(self.env))[plan.state]
                raise UserError(
                    _(
                        "Improvement plan %(plan)s is %(state)s and cannot %(verb)s.",
                        plan=plan.display_name, state=state, verb=verb,
                    )
                )

    def action_start(self):
        self._check_can("can_be_started", _("be started"))
        for plan in self:
            if not plan.line_ids:
                raise UserError(
                    _(
                        "Improvement plan %(plan)s: add the products it improves before "
                        "starting it.",
                        plan=plan.display_name,
                    )
                )
        self.write({"state": "in_progress"})
        return True

    def action_done(self):
        self._check_can("can_be_done", _("be marked done"))
        self.write({"state": "done"})
        return True

    def action_reset(self):
        self._check_can("can_be_reset", _("be reset to draft"))
        self.write({"state": "draft"})
        return True
