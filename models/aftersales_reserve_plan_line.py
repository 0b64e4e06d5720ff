from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare, float_is_zero, float_round, formatLang

from .aftersales_reserve_plan import DAYS_PER_MONTH

PROPOSALS = [
    ("create", "Create rule"),
    ("update", "Update rule"),
    ("keep", "Rule up to date"),
    ("stop", "Stop stocking?"),
]

RESULTS = [
    ("created", "Rule created"),
    ("updated", "Rule updated"),
    ("unchanged", "Rule unchanged"),
    ("no_rule", "No rule (no demand)"),
]


class AftersalesReservePlanLine(models.Model):
    _name = "aftersales.reserve.plan.line"
    _description = "Spare-Parts Reserve Plan Line"
    _order = "plan_id, warehouse_id, product_id"

    plan_id = fields.Many2one(
        "aftersales.reserve.plan", required=True, index=True, ondelete="cascade"
    )
    # precompute: filled before the INSERT rather than by an UPDATE of every new line
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True, precompute=True)
    state = fields.Selection(related="plan_id.state", string="Plan Status")
    # Lines are only made by their plan, from the plan's company warehouses and parts: no
    # company check per line (it costs more than the plan's arithmetic on thousands of lines).
    product_id = fields.Many2one("product.product", string="Part", required=True, index=True)
    part_class = fields.Selection(
        related="product_id.product_tmpl_id.aftersales_part_class", store=True, precompute=True
    )
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    warehouse_id = fields.Many2one("stock.warehouse", required=True, index=True)
    location_id = fields.Many2one("stock.location", required=True)
    # The read-only figures are stored as computed (already rounded to the part's unit where it
    # matters): a named precision costs a lookup per value, i.e. most of the time of a plan
    # with thousands of lines.
    demand_qty = fields.Float(
        string="Consumed",
        readonly=True,
        help="Demand over the plan's history window from the plan's sources: the sum of the "
        "quantities sold, replaced on claims, used by repair orders and by field service. The "
        "minimum and maximum are computed from it.",
    )
    delivery_qty = fields.Float(
        string="Sold", readonly=True,
        help="Parts delivered to dealers and customers over the history window.",
    )
    claim_qty = fields.Float(
        string="Replaced on Claims", readonly=True,
        help="Parts replaced on approved warranty claims over the history window.",
    )
    repair_qty = fields.Float(
        string="Used in Repairs", readonly=True,
        help="Parts consumed by repair orders over the history window.",
    )
    request_qty = fields.Float(
        string="Used in Field Service", readonly=True,
        help="Parts used on closed field-service requests over the history window.",
    )
    monthly_demand = fields.Float(
        string="Monthly Demand",
        digits=(16, 2),
        readonly=True,
        help="Average consumption per month, months without consumption included.",
    )
    demand_std = fields.Float(
        string="Variability",
        digits=(16, 2),
        readonly=True,
        aggregator=None,  # standard deviations of different parts do not add up
        help="Standard deviation of the monthly consumption.",
    )
    vendor_id = fields.Many2one("res.partner", string="Vendor", readonly=True)
    # lead times of different parts do not add up
    lead_days = fields.Integer(string="Lead Time (days)", readonly=True, aggregator=None)
    lead_source = fields.Selection(
        [("vendor", "Vendor"), ("default", "Company default")],
        string="Lead Time From",
        readonly=True,
    )
    qty_on_hand = fields.Float(
        string="On Hand", readonly=True,
        help="Stock in the warehouse when the plan was computed.",
    )
    safety_qty = fields.Float(string="Safety Stock", readonly=True)
    min_qty = fields.Float(
        string="Min", digits="Product Unit of Measure",
        help="Proposed minimum (reorder point). You may correct it before applying the plan.",
    )
    max_qty = fields.Float(
        string="Max", digits="Product Unit of Measure",
        help="Proposed maximum. You may correct it before applying the plan.",
    )
    cap_qty = fields.Float(
        string="Coverage Cap", readonly=True,
        help="The most the plan's maximum coverage allows: that many months of demand, rounded "
        "down to the part's unit, but at least one unit.",
    )
    is_cap_raised = fields.Boolean(
        string="Cap Raised to One Unit", readonly=True,
        help="The coverage is worth less than one unit of the part: the cap is one unit, so that "
        "a part in demand stays stocked.",
    )
    is_safety_capped = fields.Boolean(
        string="Safety Stock Capped", readonly=True,
        help="The safety stock was cut so that the minimum stays within the coverage cap.",
    )
    is_capped = fields.Boolean(
        string="Maximum Capped", readonly=True,
        help="The maximum was lowered to the coverage cap.",
    )
    is_above_cap = fields.Boolean(
        string="Lead-Time Demand Beyond Cap", readonly=True,
        help="The lead-time demand alone exceeds the coverage cap: the minimum and maximum are "
        "held at the cap, without safety stock, and the part runs short before each "
        "replenishment arrives (shorten the lead time or raise the coverage).",
    )
    # The rule is created by the plan for the plan's company and warehouse.
    orderpoint_id = fields.Many2one("stock.warehouse.orderpoint", string="Reordering Rule", readonly=True)
    has_rule = fields.Boolean(
        string="Had a Rule", readonly=True,
        help="A reordering rule existed for the part in the warehouse when the plan was computed.",
    )
    current_min_qty = fields.Float(string="Current Min", readonly=True)
    current_max_qty = fields.Float(string="Current Max", readonly=True)
    current_active = fields.Boolean(readonly=True)
    proposal = fields.Selection(
        PROPOSALS, compute="_compute_proposal", store=True, index=True, precompute=True
    )
    result = fields.Selection(RESULTS, readonly=True, copy=False)
    note = fields.Char(compute="_compute_note")

    # ------------------------------------------------------------------ computes

    @api.depends(
        "demand_qty", "min_qty", "max_qty", "has_rule", "current_min_qty",
        "current_max_qty", "current_active",
    )
    def _compute_proposal(self):
        digits = self._get_quantity_digits()
        for line in self:
            line.proposal = self._get_proposal(
                line.demand_qty, line.min_qty, line.max_qty, line.has_rule, line.current_active,
                line.current_min_qty, line.current_max_qty, digits,
            )

    @api.model
    def _get_proposal(self, demand_qty, min_qty, max_qty, has_rule, current_active,
                      current_min_qty, current_max_qty, digits):
        """What applying the line does: also used by the plan, which inserts its lines in bulk."""
        if demand_qty <= 0 or float_is_zero(demand_qty, precision_digits=digits):
            return "stop"
        if not has_rule:
            return "create"
        if (
            current_active
            and float_compare(min_qty, current_min_qty, precision_digits=digits) == 0
            and float_compare(max_qty, current_max_qty, precision_digits=digits) == 0
        ):
            return "keep"
        return "update"

    @api.depends(
        "lead_source", "lead_days", "monthly_demand", "cap_qty", "is_cap_raised",
        "is_safety_capped", "is_capped", "is_above_cap", "proposal", "plan_id.months",
        "plan_id.coverage_months",
    )
    def _compute_note(self):
        for line in self:
            notes = []
            if line.proposal == "stop":
                notes.append(
                    _("No consumption in %(months)s months: candidate to stop stocking.", months=line.plan_id.months)
                )
            if line.lead_source == "default":
                notes.append(
                    _("No vendor: company default lead time of %(days)s days used.", days=line.lead_days)
                )
            notes += line._get_cap_notes()
            line.note = " ".join(notes)

    # ------------------------------------------------------------------ constraints

    @api.constrains("min_qty", "max_qty")
    def _check_min_max(self):
        digits = self._get_quantity_digits()
        for line in self:
            if line.min_qty < 0 or line.max_qty < 0:
                raise ValidationError(
                    _("%(part)s in %(warehouse)s: minimum and maximum cannot be negative.",
                      part=line.product_id.display_name, warehouse=line.warehouse_id.display_name)
                )
            if float_compare(line.min_qty, line.max_qty, precision_digits=digits) > 0:
                raise ValidationError(
                    _(
                        "%(part)s in %(warehouse)s: the minimum (%(min)s) cannot exceed the "
                        "maximum (%(max)s).",
                        part=line.product_id.display_name,
                        warehouse=line.warehouse_id.display_name,
                        min=line.min_qty,
                        max=line.max_qty,
                    )
                )

    # ------------------------------------------------------------------ business methods

    def _get_quantity_digits(self):
        # Quantities are compared at the precision they are stored with, not per unit of
        # measure, so that thousands of lines are compared without reading their products.
        return self.env["decimal.precision"].precision_get("Product Unit of Measure")

    def _get_cap_notes(self):
        """Which coverage rule bound the computed figures, one sentence per rule."""
        self.ensure_one()
        if self.proposal == "stop":
            return []
        # Lines computed before the cap was stored have none: their plan capped at the
        # coverage's demand, unrounded.
        cap = self.cap_qty or self.monthly_demand * self.plan_id.coverage_months
        cap_vals = {
            "months": self._format_number(self.plan_id.coverage_months),
            "cap": self._format_number(cap),
        }
        notes = []
        if self.is_cap_raised:
            notes.append(_(
                "%(months)s months of demand is less than one unit: the coverage cap is raised "
                "to %(cap)s so that the part stays stocked.",
                **cap_vals,
            ))
        if self.is_above_cap:
            lead_demand = self.monthly_demand * self.lead_days / DAYS_PER_MONTH
            notes.append(_(
                "Lead-time demand (%(demand)s) exceeds the coverage cap of %(months)s months "
                "(%(cap)s): min and max are held at the cap, without safety stock, so the part "
                "runs short before each replenishment arrives. Shorten the lead time or raise "
                "the coverage.",
                demand=self._format_number(lead_demand),
                **cap_vals,
            ))
            return notes
        if self.is_safety_capped:
            notes.append(_(
                "Safety stock capped: the minimum stays within the coverage cap of %(months)s "
                "months (%(cap)s).",
                **cap_vals,
            ))
        if self.is_capped:
            notes.append(_(
                "Maximum capped at the coverage of %(months)s months (%(cap)s).", **cap_vals
            ))
        return notes

    def _format_number(self, value):
        """``value`` in the user's language, with decimals only where it has some."""
        value = float_round(value, precision_digits=2)
        return formatLang(self.env, value, digits=0 if value.is_integer() else 2)

    def _prepare_orderpoint_vals(self):
        self.ensure_one()
        return {
            "product_id": self.product_id.id,
            "warehouse_id": self.warehouse_id.id,
            "location_id": self.location_id.id,
            "company_id": self.company_id.id,
            "product_min_qty": self.min_qty,
            "product_max_qty": self.max_qty,
            "trigger": "auto",
        }

    def _get_orderpoint_changes(self, orderpoint, digits=None):
        """The values to write on ``orderpoint`` so that it matches the line; empty when it
        already does, which is what makes applying a plan twice a no-op."""
        self.ensure_one()
        digits = digits if digits is not None else self._get_quantity_digits()
        vals = {}
        if float_compare(orderpoint.product_min_qty, self.min_qty, precision_digits=digits):
            vals["product_min_qty"] = self.min_qty
        if float_compare(orderpoint.product_max_qty, self.max_qty, precision_digits=digits):
            vals["product_max_qty"] = self.max_qty
        if not orderpoint.active:
            vals["active"] = True
        if orderpoint.trigger != "auto":
            vals["trigger"] = "auto"
            if orderpoint.snoozed_until:
                vals["snoozed_until"] = False
        return vals
