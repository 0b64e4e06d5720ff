from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date

COST_TYPES = [
    ("conforming", "Conforming-product quality cost"),
    ("routine", "Routine service cost"),
    ("failure", "Failed-machine service cost"),
]


class AftersalesServiceCost(models.Model):
    """Costs of a finished product for one month that the service data does not hold:
    the quality cost of its conforming products (prevention, appraisal: the quality
    department's figure), routine service of working machines done outside requests and
    call-backs (maintenance visits, hotline handling) at the fee schedule, and service on failed
    machines done outside claims and requests (measured non-conforming-product service cost)."""

    _name = "aftersales.service.cost"
    _description = "Service Cost Entry"
    _inherit = ["mail.thread"]
    _order = "period_date desc, product_id"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    product_id = fields.Many2one(
        "product.product",
        string="Finished Product",
        required=True,
        index=True,
        check_company=True,
        domain="[('aftersales_part_class', '=', 'finished')]",
    )
    period_date = fields.Date(
        string="Month",
        required=True,
        index=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1),
        help="Any day of the month the cost belongs to; stored as the first day of the month.",
    )
    cost_type = fields.Selection(
        COST_TYPES, string="Cost Type", required=True, default="conforming", tracking=True,
        help="Conforming-product quality cost: what keeping the products conforming cost "
        "(prevention and appraisal), entered from the quality department's figures.\n"
        "Routine service cost: maintenance, inspections, paid visits and hotline handling for "
        "working machines, done outside service requests and call-backs, at the service charge "
        "standard.\n"
        "Failed-machine service cost: service on failed machines done outside claims and "
        "service requests; it is measured non-conforming-product service cost, shown beside "
        "the model's routine x amplification factor and never added to routine.",
    )
    amount = fields.Monetary(required=True, tracking=True)
    note = fields.Char()

    @api.constrains("amount", "product_id")
    def _check_entry(self):
        for entry in self:
            if entry.currency_id.compare_amounts(entry.amount, 0) < 0:
                raise ValidationError(
                    _(
                        "%(product)s, %(month)s: a cost cannot be negative (%(amount)s).",
                        product=entry.product_id.display_name,
                        month=format_date(self.env, entry.period_date, date_format="MMMM y"),
                        amount=entry.amount,
                    )
                )
            if entry.product_id.aftersales_part_class != "finished":
                raise ValidationError(
                    _(
                        "%(product)s is not a finished product: service costs are entered per "
                        "finished product.",
                        product=entry.product_id.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._normalize_period(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._normalize_period(vals)
        return super().write(vals)

    @api.model
    def _normalize_period(self, vals):
        if vals.get("period_date"):
            vals["period_date"] = fields.Date.to_date(vals["period_date"]).replace(day=1)

    @api.depends("product_id", "period_date", "cost_type")
    def _compute_display_name(self):
        types = dict(self._fields["cost_type"]._description_selection(self.env))
        for entry in self:
            entry.display_name = "%s, %s: %s" % (
                entry.product_id.display_name or "",
                format_date(self.env, entry.period_date, date_format="MMMM y"),
                types.get(entry.cost_type, ""),
            )
