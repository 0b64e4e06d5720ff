import math
from collections import defaultdict
from datetime import datetime, time
from statistics import NormalDist

from dateutil.relativedelta import relativedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, float_compare, float_is_zero, float_round

from .own_table_sql import bulk_create

# A month of lead time is counted as 30 days, the convention of purchase lead times.
DAYS_PER_MONTH = 30.0

# The sources of the plan's demand: (key, the plan's switch, the line's quantity). Each part
# consumed is counted by one source only: a field engineer's parts with the request, not with
# the van picking that booked them nor with the claim that settled the visit.
DEMAND_SOURCES = [
    ("delivery", "is_from_deliveries", "delivery_qty"),
    ("claim", "is_from_claims", "claim_qty"),
    ("repair", "is_from_repairs", "repair_qty"),
    ("request", "is_from_requests", "request_qty"),
]

# Parts whose lines one transaction of a background compute makes, and lines whose reordering
# rules one transaction of a background apply writes (Odoo creates 1,000 rules in 1 to 2.5 s,
# benchmarks/bench_stock.py). A plan of no more parts, or lines, runs at once, as before.
RESERVE_PLAN_BATCH = 500
RESERVE_APPLY_BATCH = 1000


class AftersalesReservePlan(models.Model):
    """A spare-parts reserve plan: min/max proposals per serviceable part and warehouse computed
    from the consumption history, reviewed by staff and applied as reordering rules."""

    _name = "aftersales.reserve.plan"
    _description = "Spare-Parts Reserve Plan"
    _inherit = ["mail.thread", "mail.activity.mixin", "aftersales.job.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default=lambda self: _("New")
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    date = fields.Date(
        string="Plan Date",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
        help="The history window is made of the full months before this date's month.",
    )
    months = fields.Integer(
        string="History (months)",
        required=True,
        default=12,
        tracking=True,
        help="Number of full calendar months of consumption the plan is computed from.",
    )
    service_level = fields.Float(
        string="Service Level (%)",
        required=True,
        default=95.0,
        digits=(5, 2),
        tracking=True,
        help="Probability of not running out during a replenishment lead time. It sets the "
        "safety stock: 95% covers 1.645 standard deviations of the lead-time demand.",
    )
    coverage_months = fields.Float(
        string="Maximum Coverage (months)",
        required=True,
        default=lambda self: self.env.company.aftersales_aging_months,
        digits=(4, 1),
        tracking=True,
        help="The maximum quantity is capped at this many months of average demand. By default "
        "the company's stock-aging boundary (Settings): stock covering at most that many months "
        "of demand keeps the target share of it younger than the boundary.",
    )
    aging_target = fields.Float(related="company_id.aftersales_aging_target")
    aging_months = fields.Integer(related="company_id.aftersales_aging_months")
    default_lead_days = fields.Integer(
        string="Default Lead Time (days)",
        required=True,
        default=lambda self: self.env.company.aftersales_default_lead_days,
        help="Lead time used for parts without a vendor.",
    )
    is_from_deliveries = fields.Boolean(
        string="Parts Sold",
        default=True,
        tracking=True,
        help="Deliveries of parts from the warehouses to dealers and customers.",
    )
    is_from_claims = fields.Boolean(
        string="Parts Replaced on Claims",
        default=True,
        tracking=True,
        help="Parts replaced on warranty claims approved in full or in part, by claim date, in "
        "the company's main warehouse. A dealer replaces them from its own stock: where it "
        "restocks them by ordering, the part is also counted as sold.",
    )
    is_from_repairs = fields.Boolean(
        string="Repair Orders",
        default=True,
        tracking=True,
        help="Parts consumed by the factory's repair orders.",
    )
    is_from_requests = fields.Boolean(
        string="Field-Service Requests",
        default=True,
        tracking=True,
        help="Parts field engineers used on the company's closed service requests, by closing "
        "date. Counted here only, not as sold (their van picking) nor as replaced on a claim "
        "(the claim settling the visit).",
    )
    warehouse_ids = fields.Many2many(
        "stock.warehouse",
        string="Warehouses",
        check_company=True,
        default=lambda self: self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.company.id)]
        ),
        help="Warehouses to plan for. Leave empty for all the company's warehouses.",
    )
    date_from = fields.Date(string="History From", compute="_compute_window", store=True)
    date_to = fields.Date(
        string="History To",
        compute="_compute_window",
        store=True,
        help="Last day of the history window: the end of the month before the plan date.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("applied", "Applied"), ("cancel", "Cancelled")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    applied_date = fields.Datetime(readonly=True, copy=False)
    applied_uid = fields.Many2one("res.users", string="Applied By", readonly=True, copy=False)
    line_ids = fields.One2many("aftersales.reserve.plan.line", "plan_id", string="Lines", copy=False)
    line_count = fields.Integer(compute="_compute_line_counts")
    create_count = fields.Integer(string="New Rules", compute="_compute_line_counts")
    update_count = fields.Integer(string="Rules to Update", compute="_compute_line_counts")
    keep_count = fields.Integer(string="Rules Unchanged", compute="_compute_line_counts")
    stop_count = fields.Integer(string="Stop Stocking", compute="_compute_line_counts")
    default_lead_count = fields.Integer(string="Without Vendor", compute="_compute_line_counts")
    note = fields.Html()

    # ------------------------------------------------------------------ computes

    @api.depends("date", "months")
    def _compute_window(self):
        for plan in self:
            if plan.date and plan.months > 0:
                month_start = plan.date.replace(day=1)
                plan.date_from = month_start - relativedelta(months=plan.months)
                plan.date_to = month_start - relativedelta(days=1)
            else:
                plan.date_from = plan.date_to = False

    def _compute_line_counts(self):
        Line = self.env["aftersales.reserve.plan.line"]
        groups = Line._read_group([("plan_id", "in", self.ids)], ["plan_id", "proposal"], ["__count"])
        counts = defaultdict(int)
        for plan, proposal, count in groups:
            counts[plan, proposal] = count
        no_vendor = dict(
            Line._read_group(
                [("plan_id", "in", self.ids), ("lead_source", "=", "default"), ("proposal", "!=", "stop")],
                ["plan_id"],
                ["__count"],
            )
        )
        for plan in self:
            plan.create_count = counts[plan, "create"]
            plan.update_count = counts[plan, "update"]
            plan.keep_count = counts[plan, "keep"]
            plan.stop_count = counts[plan, "stop"]
            plan.line_count = sum(counts[plan, key] for key in ("create", "update", "keep", "stop"))
            plan.default_lead_count = no_vendor.get(plan, 0)

    # ------------------------------------------------------------------ constraints

    @api.constrains("months", "service_level", "coverage_months", "default_lead_days",
                    "is_from_deliveries", "is_from_claims", "is_from_repairs", "is_from_requests")
    def _check_parameters(self):
        for plan in self:
            if not any(plan[switch] for _source, switch, _qty in DEMAND_SOURCES):
                raise ValidationError(
                    _(
                        "Reserve plan %(plan)s: choose at least one source of demand (parts sold, "
                        "claims, repair orders or field-service requests).",
                        plan=plan.display_name,
                    )
                )
            if plan.months < 1:
                raise ValidationError(
                    _(
                        "Reserve plan %(plan)s: the history window must cover at least one month "
                        "(it is %(months)s).",
                        plan=plan.display_name,
                        months=plan.months,
                    )
                )
            if not 0.0 < plan.service_level < 100.0:
                raise ValidationError(
                    _(
                        "Reserve plan %(plan)s: the service level must lie strictly between 0 and "
                        "100 %% (it is %(level)s %%). 95 %% is usual for spare parts.",
                        plan=plan.display_name,
                        level=plan.service_level,
                    )
                )
            if plan.coverage_months <= 0:
                raise ValidationError(
                    _(
                        "Reserve plan %(plan)s: the maximum coverage must be more than zero months.",
                        plan=plan.display_name,
                    )
                )
            if plan.default_lead_days < 0:
                raise ValidationError(
                    _(
                        "Reserve plan %(plan)s: the default lead time cannot be negative.",
                        plan=plan.display_name,
                    )
                )

    # ------------------------------------------------------------------ CRUD

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", _("New")) == _("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code("aftersales.reserve.plan") or _("New")
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_running_job(self):
        self._check_no_running_job()

    @api.ondelete(at_uninstall=False)
    def _unlink_except_applied(self):
        for plan in self.filtered(lambda plan: plan.state == "applied"):
            raise UserError(
                _(
                    "Reserve plan %(plan)s was applied: it is kept for history and cannot be "
                    "deleted.",
                    plan=plan.display_name,
                )
            )

    # ------------------------------------------------------------------ actions

    def action_compute(self):
        """Make the plan's lines, replacing the old ones: at once for a plan of up to
        ``RESERVE_PLAN_BATCH`` parts, else as a background job (``aftersales.job``) whose
        batches make the lines of that many parts each, committed one by one."""
        self._check_no_running_job()
        for plan in self:
            if plan.state != "draft":
                raise UserError(
                    _(
                        "Reserve plan %(plan)s is %(state)s: only draft plans are recomputed. "
                        "Create a new plan instead.",
                        plan=plan.display_name,
                        state=dict(plan._fields["state"]._description_selection(self.env))[plan.state],
                    )
                )
        Job = self.env["aftersales.job"]
        for plan in self:
            plan.line_ids.unlink()
            start = Job._run_or_queue(
                plan, "_job_compute_lines", plan._get_parts(),
                name=_("Compute %(plan)s", plan=plan.name), batch_size=RESERVE_PLAN_BATCH,
                done_method="_job_compute_done", key=plan._get_aftersales_job_key(),
            )
            if start.job and len(self) == 1:
                return start.job._action_queued()
        return True

    def _job_compute_lines(self, products):
        """One batch of the compute: the lines of ``products``. Lines of these parts already
        there are replaced first, so that a batch run again never makes a line twice."""
        self.ensure_one()
        self.env["aftersales.reserve.plan.line"].search(
            [("plan_id", "=", self.id), ("product_id", "in", products.ids)]
        ).unlink()
        lines = self._create_lines(self._prepare_line_vals(products))
        return {"parts": len(products), "lines": len(lines)}

    def _job_compute_done(self, job, counts):
        """What the compute made, once every batch is done."""
        self.ensure_one()
        return _(
            "%(plan)s computed: %(lines)s lines for %(parts)s parts; %(create)s new rules, "
            "%(update)s rules to update, %(keep)s already up to date, %(stop)s stocked parts "
            "without demand.",
            plan=self.display_name, lines=counts.get("lines", 0), parts=counts.get("parts", 0),
            create=self.create_count, update=self.update_count, keep=self.keep_count,
            stop=self.stop_count,
        )

    def _create_lines(self, vals_list):
        """Insert the plan's lines in one statement, making the checks the ORM would make.

        Raw SQL on the add-on's own table: a plan of 5,000 parts in 3 warehouses makes 12,000
        lines, and creating them and linking them to their rules through the ORM cost 4.7 s,
        which took the plan and its apply to 20.4 s against a target of 20 s, 14.1 s of them
        Odoo's own creation of the reordering rules (benchmarks/bench_stock.py, on a quiet
        machine). Made here instead of by the ORM, and tested:

        - access: the right to create lines, and the record rules on the new lines
          (``bulk_create``);
        - company: the lines take the plan's company, their warehouses and stock locations
          must be the company's and their parts the company's or shared
          (``_check_line_companies``);
        - constraints: minimum and maximum (``_check_min_max``) on the new lines;
        - stored computed fields: the company, and the proposal through ``_get_proposal``, the
          field's own computation; the part class is given with the line's values.
        """
        self.ensure_one()
        Line = self.env["aftersales.reserve.plan.line"]
        self._check_line_companies(vals_list)
        digits = Line._get_quantity_digits()
        for vals in vals_list:
            vals["company_id"] = self.company_id.id
            vals["proposal"] = Line._get_proposal(
                vals["demand_qty"], vals.get("min_qty", 0.0), vals.get("max_qty", 0.0),
                vals["has_rule"], vals["current_active"], vals["current_min_qty"],
                vals["current_max_qty"], digits,
            )
        lines = bulk_create(Line, vals_list)
        lines._check_min_max()
        self.invalidate_recordset(["line_ids"])
        return lines

    def _check_line_companies(self, vals_list):
        """What ``check_company`` would check on lines made in bulk: their warehouses and stock
        locations are the plan's company's, their parts the company's or shared."""
        self.ensure_one()
        foreign = [
            record
            for model, fname in (
                ("stock.warehouse", "warehouse_id"),
                ("stock.location", "location_id"),
                ("product.product", "product_id"),
            )
            for record in self.env[model].browse({vals[fname] for vals in vals_list})
            if record.company_id and record.company_id != self.company_id
        ]
        if foreign:
            raise UserError(_(
                "Reserve plan %(plan)s is for %(company)s: %(records)s belong to another company.",
                plan=self.display_name,
                company=self.company_id.display_name,
                records=", ".join(record.display_name for record in foreign[:5]),
            ))

    def action_apply(self):
        """Create or update the reordering rules of the lines with demand. Applying again
        changes nothing: rules already matching their line are left untouched. At once for a
        plan of up to ``RESERVE_APPLY_BATCH`` lines, else as a background job whose batches
        write the rules of that many lines each; the plan is applied after the last one."""
        self._check_no_running_job()
        for plan in self:
            if plan.state == "cancel":
                raise UserError(
                    _("Reserve plan %(plan)s is cancelled and cannot be applied.", plan=plan.display_name)
                )
            if not plan.line_ids:
                raise UserError(
                    _(
                        "Reserve plan %(plan)s has no lines: compute it first.",
                        plan=plan.display_name,
                    )
                )
        Job = self.env["aftersales.job"]
        for plan in self:
            start = Job._run_or_queue(
                plan, "_apply_lines", plan.line_ids,
                name=_("Apply %(plan)s", plan=plan.name), batch_size=RESERVE_APPLY_BATCH,
                done_method="_job_apply_done", key=plan._get_aftersales_job_key(),
            )
            if start.job and len(self) == 1:
                return start.job._action_queued()
        return True

    def _job_apply_done(self, job, counts):
        """After the last batch of the apply (``job`` empty when it ran at once): the plan
        applied, and what was done, summed over the batches. A plan whose background apply
        failed on some lines stays in draft until they are done (Retry Failed on the job)."""
        self.ensure_one()
        summary = _(
            "Applied: %(created)s reordering rules created, %(updated)s updated, "
            "%(unchanged)s already up to date; %(stop)s parts without demand got no rule.",
            **{key: counts.get(key, 0) for key in ("created", "updated", "unchanged", "stop")},
        )
        if job and job.failure_ids:
            return "\n".join([summary, _(
                "Reserve plan %(plan)s stays in draft until the failed lines are done.",
                plan=self.display_name,
            )])
        if self.state == "draft":
            self.write(
                {"state": "applied", "applied_date": fields.Datetime.now(), "applied_uid": self.env.uid}
            )
        if not job:
            # in the background, the job's end posts the summary on the plan
            self.message_post(body=summary)
        return summary

    def action_cancel(self):
        self._check_no_running_job()
        if any(plan.state == "applied" for plan in self):
            raise UserError(_("An applied reserve plan is kept for history and cannot be cancelled."))
        self.write({"state": "cancel"})
        return True

    def action_draft(self):
        self._check_no_running_job()
        self.filtered(lambda plan: plan.state == "cancel").write({"state": "draft"})
        return True

    def action_view_lines(self, proposal=None):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("aftersales.aftersales_reserve_plan_line_action")
        action["domain"] = [("plan_id", "=", self.id)]
        action["context"] = {"search_default_group_proposal": 1}
        if proposal:
            action["domain"].append(("proposal", "=", proposal))
        return action

    def action_view_stop_candidates(self):
        return self.action_view_lines("stop")

    def action_view_orderpoints(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.action_orderpoint")
        action["domain"] = [("id", "in", self.line_ids.orderpoint_id.ids)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------------ business methods

    def _get_warehouses(self):
        self.ensure_one()
        return self.warehouse_ids or self.env["stock.warehouse"].search(
            [("company_id", "=", self.company_id.id)]
        )

    def _get_parts(self):
        """The serviceable, storable parts the company can stock, with the template fields the
        lines read loaded up front."""
        self.ensure_one()
        products = self.env["product.product"].search_fetch(
            [
                ("is_serviceable_part", "=", True),
                ("is_storable", "=", True),
                ("company_id", "in", [False, self.company_id.id]),
            ],
            ["product_tmpl_id"],
        )
        # One query for all templates, not one per 1000 parts as prefetching would.
        products.product_tmpl_id.fetch(["uom_id", "company_id", "aftersales_part_class"])
        return products

    def _get_vendor_lead_times(self, products):
        """``{product_id: (vendor partner id, delay in days)}`` of each part's first vendor,
        chosen as Odoo chooses a vendor (sequence, then larger minimum quantity, then price)."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        sellers = self.env["product.supplierinfo"].search_fetch(
            [
                ("product_tmpl_id", "in", products.product_tmpl_id.ids),
                ("company_id", "in", [False, self.company_id.id]),
                "|", ("date_start", "=", False), ("date_start", "<=", today),
                "|", ("date_end", "=", False), ("date_end", ">=", today),
            ],
            ["product_tmpl_id", "product_id", "partner_id", "delay", "sequence", "min_qty", "price"],
            order="sequence, min_qty desc, price, id",
        )
        by_template = defaultdict(list)
        for seller in sellers:
            by_template[seller.product_tmpl_id.id].append(seller)
        result = {}
        for product in products:
            for seller in by_template.get(product.product_tmpl_id.id, ()):
                if not seller.product_id or seller.product_id == product:
                    result[product.id] = (seller.partner_id.id, seller.delay)
                    break
        return result

    def _get_stock_levels(self, products, warehouses):
        """``{(product_id, warehouse_id): on hand}`` in the warehouses' stock, outside the
        claimed-parts rooms."""
        groups = self.env["stock.quant"]._read_group(
            [
                ("product_id", "in", products.ids),
                ("location_id.usage", "=", "internal"),
                ("location_id.warehouse_id", "in", warehouses.ids),
                ("location_id.is_aftersales_claimed_parts", "=", False),
            ],
            ["product_id", "warehouse_id"],
            ["quantity:sum"],
        )
        return {(product.id, warehouse.id): quantity for product, warehouse, quantity in groups}

    def _get_existing_orderpoints(self, products, warehouses):
        """``{(product_id, location_id): orderpoint}`` on the warehouses' stock locations,
        archived ones included (the rule is unique per product and location)."""
        orderpoints = self.env["stock.warehouse.orderpoint"].with_context(active_test=False).search_fetch(
            [
                ("product_id", "in", products.ids),
                ("location_id", "in", warehouses.lot_stock_id.ids),
                ("company_id", "=", self.company_id.id),
            ],
            ["product_id", "location_id", "product_min_qty", "product_max_qty", "trigger", "active", "snoozed_until"],
        )
        return {(op.product_id.id, op.location_id.id): op for op in orderpoints}

    @api.model
    def _compute_reserve_figures(self, mean, std, lead_days, service_level, coverage_months, rounding):
        """The plan's arithmetic, for one part in one warehouse.

        The maximum coverage caps the stock: ``coverage_months`` of average demand, rounded down
        to the part's unit so that the maximum in whole units never exceeds it, but never less
        than one unit, so that a part in demand stays stocked. Within the cap, the minimum is the
        lead-time demand plus a safety stock cut to what the cap leaves, and the maximum the
        minimum plus a month of demand, cut to the cap. The maximum never exceeds the cap: when
        the lead-time demand alone exceeds it, the minimum and maximum are held at the cap,
        without safety stock, and the line is flagged for review (the stock will run short
        before each replenishment arrives: shorten the lead time or raise the coverage).

        :param mean: average monthly demand, zero months included
        :param std: standard deviation of the monthly demand
        :param lead_days: replenishment lead time in days
        :param rounding: the part's unit rounding (1.0 for parts counted in units)
        :return: dict with safety stock, minimum (reorder point) and maximum, rounded up to the
            unit of measure, the cap in that unit, and which rule bound the figures
        """

        def round_up(quantity):
            return float_round(quantity, precision_rounding=rounding, rounding_method="UP")

        def above(quantity, limit):
            return float_compare(quantity, limit, precision_rounding=rounding) > 0

        z = NormalDist().inv_cdf(service_level / 100.0)
        lead_months = lead_days / DAYS_PER_MONTH
        lead_demand = mean * lead_months
        safety = max(z * std * math.sqrt(lead_months), 0.0)
        # Stock that covers at most the aging boundary's months of demand (the coverage's
        # default) is what keeps the target share of it younger than the boundary.
        raw_cap = mean * coverage_months
        cap = float_round(raw_cap, precision_rounding=rounding, rounding_method="DOWN")
        is_cap_raised = mean > 0 and not above(cap, 0.0)
        if is_cap_raised:
            cap = rounding
        figures = {
            "cap_qty": cap,
            "is_cap_raised": is_cap_raised,
            "is_safety_capped": False,
            "is_capped": False,
            "is_above_cap": False,
        }
        lead_qty = round_up(lead_demand)
        if above(lead_qty, cap):
            figures.update(
                safety_qty=0.0,
                min_qty=cap,
                max_qty=cap,
                is_safety_capped=not float_is_zero(round_up(safety), precision_rounding=rounding),
                is_capped=True,
                is_above_cap=True,
            )
            return figures
        uncapped_min = round_up(lead_demand + safety)
        if above(uncapped_min, cap):
            safety = max(cap - lead_demand, 0.0)
            figures["is_safety_capped"] = True
        minimum = min(round_up(lead_demand + safety), cap)
        # Reorder up to one more month of demand, but never above the cap.
        uncapped_max = round_up(lead_demand + safety + mean)
        figures["is_capped"] = above(uncapped_max, cap)
        figures.update(
            safety_qty=round_up(safety),
            min_qty=minimum,
            max_qty=min(uncapped_max, cap),
        )
        return figures

    def _get_monthly_demand(self, products, warehouses, date_from, date_to):
        """Monthly demand statistics per part and warehouse from the plan's sources, in one SQL
        aggregate over the sources' rows (each source's method says what it counts).

        :param date_from: first moment of the window; ``date_to``: first moment after it
        :return: ``{(product_id, warehouse_id): {source: total, "total": all sources,
            "squares": sum of the squared monthly totals of all sources}}``, quantities in the
            part's unit. Months without demand count as zero: divide by the number of months
            of the window, not by the rows.
        """
        self.ensure_one()
        if not products or not warehouses:
            return {}
        StockMove = self.env["stock.move"]
        selects = {
            "delivery": lambda: StockMove._get_aftersales_demand_sql(
                "delivery", products, warehouses, date_from, date_to),
            "claim": lambda: self.env["aftersales.claim.line"]._get_aftersales_demand_sql(
                self.company_id, products, warehouses, self.date_from, self.date_to),
            "repair": lambda: StockMove._get_aftersales_demand_sql(
                "repair", products, warehouses, date_from, date_to),
            "request": lambda: self.env["aftersales.request.part"]._get_aftersales_demand_sql(
                self.company_id, products, warehouses, date_from, date_to),
        }
        rows = [
            SQL("SELECT product_id, warehouse_id, month, quantity, %s::varchar AS source FROM (%s) AS rows",
                source, sql)
            for source, switch, _qty in DEMAND_SOURCES
            if self[switch] and (sql := selects[source]()) is not None
        ]
        if not rows:
            return {}
        sources = [source for source, _switch, _qty in DEMAND_SOURCES]
        self.env.flush_all()
        self.env.cr.execute(SQL(
            """SELECT product_id, warehouse_id, %s, SUM(total), SUM(total * total)
                 FROM (SELECT product_id, warehouse_id, month, %s, SUM(quantity) AS total
                         FROM (%s) AS demand
                     GROUP BY product_id, warehouse_id, month) AS monthly
             GROUP BY product_id, warehouse_id""",
            SQL(", ").join(SQL("SUM(%s)", SQL.identifier(source)) for source in sources),
            SQL(", ").join(
                SQL("COALESCE(SUM(quantity) FILTER (WHERE source = %s), 0) AS %s", source, SQL.identifier(source))
                for source in sources
            ),
            SQL(" UNION ALL ").join(rows),
        ))
        return {
            (product_id, warehouse_id): dict(zip(sources, figures), total=total, squares=squares)
            for product_id, warehouse_id, *figures, total, squares in self.env.cr.fetchall()
        }

    def _prepare_line_vals(self, products=None):
        """Values of the plan's lines: every part and warehouse with consumption in the window,
        plus the stocked ones without any (candidates to stop stocking). The number of queries
        does not depend on the number of parts.

        :param products: the parts to plan (a batch of a background compute), by default all
            (``_get_parts``). A part's figures read only that part's rows (its demand, vendor,
            stock and rules), so the lines of a batch are those the whole plan would make for
            its parts.
        """
        self.ensure_one()
        warehouses = self._get_warehouses()
        if products is None:
            products = self._get_parts()
        else:
            products.fetch(["product_tmpl_id"])
            products.product_tmpl_id.fetch(["uom_id", "company_id", "aftersales_part_class"])
        if not products or not warehouses:
            return []
        date_from = datetime.combine(self.date_from, time.min)
        date_to = datetime.combine(self.date_to + relativedelta(days=1), time.min)
        demand = self._get_monthly_demand(products, warehouses, date_from, date_to)
        vendors = self._get_vendor_lead_times(products)
        stock = self._get_stock_levels(products, warehouses)
        orderpoints = self._get_existing_orderpoints(products, warehouses)
        products.uom_id.fetch(["rounding", "category_id"])  # few units: one query
        unit_category = self.env.ref("uom.product_uom_categ_unit", raise_if_not_found=False)

        vals_list = []
        for product in products:
            # Parts counted in units are planned in whole units, not in hundredths of a unit.
            rounding = product.uom_id.rounding
            if product.uom_id.category_id == unit_category:
                rounding = max(rounding, 1.0)
            vendor_id, lead_days = vendors.get(product.id, (False, None))
            lead_source = "vendor"
            if vendor_id is False:
                lead_days, lead_source = self.default_lead_days, "default"
            for warehouse in warehouses:
                location = warehouse.lot_stock_id
                by_source = demand.get((product.id, warehouse.id), {})
                total, squares = by_source.get("total", 0.0), by_source.get("squares", 0.0)
                orderpoint = orderpoints.get((product.id, location.id))
                on_hand = stock.get((product.id, warehouse.id), 0.0)
                if total <= 0 and not on_hand and not (orderpoint and orderpoint.active):
                    continue  # neither consumed nor stocked here: nothing to plan
                mean = total / self.months
                variance = max(squares / self.months - mean * mean, 0.0)
                std = math.sqrt(variance)
                vals = {
                    "plan_id": self.id,
                    "product_id": product.id,
                    "part_class": product.product_tmpl_id.aftersales_part_class,
                    "warehouse_id": warehouse.id,
                    "location_id": location.id,
                    "demand_qty": total,
                    **{qty: by_source.get(source, 0.0) for source, _switch, qty in DEMAND_SOURCES},
                    "monthly_demand": mean,
                    "demand_std": std,
                    "vendor_id": vendor_id,
                    "lead_days": lead_days,
                    "lead_source": lead_source,
                    "qty_on_hand": on_hand,
                    "orderpoint_id": orderpoint.id if orderpoint else False,
                    "has_rule": bool(orderpoint),
                    "current_min_qty": orderpoint.product_min_qty if orderpoint else 0.0,
                    "current_max_qty": orderpoint.product_max_qty if orderpoint else 0.0,
                    "current_active": bool(orderpoint and orderpoint.active and orderpoint.trigger == "auto"),
                }
                if total > 0:
                    vals.update(
                        self._compute_reserve_figures(
                            mean, std, lead_days, self.service_level, self.coverage_months, rounding
                        )
                    )
                vals_list.append(vals)
        return vals_list

    def _apply_lines(self, lines=None):
        """Bring the reordering rules of ``lines`` (a batch of a background apply; by default
        all the plan's lines) in line with the plan, writing only what differs. One transaction:
        the rules are looked up (``_get_existing_orderpoints``, archived ones included) in it
        before any is created, so a batch run again, or after a stopped run rolled back, finds
        the rules it created and creates none twice.

        Through Odoo's own API, batched over recordsets: the new rules in one ``create`` (Odoo
        names them from its ``stock.orderpoint`` sequence and computes their other fields), the
        rules to change with one ``write`` per set of identical changes. The lines' results go
        to the add-on's own table in one statement (``_write_line_results``). Applying a plan
        again writes nothing.
        """
        self.ensure_one()
        Orderpoint = self.env["stock.warehouse.orderpoint"].with_company(self.company_id)
        Line = self.env["aftersales.reserve.plan.line"]
        domain = [("plan_id", "=", self.id)]
        if lines is not None:
            domain.append(("id", "in", lines.ids))
        lines = Line.search_fetch(
            domain,
            ["product_id", "warehouse_id", "location_id", "company_id", "min_qty", "max_qty",
             "proposal", "result", "orderpoint_id"],
        )
        to_plan = lines.filtered(lambda line: line.proposal != "stop")
        existing = self._get_existing_orderpoints(to_plan.product_id, to_plan.warehouse_id)
        summary = {"created": 0, "updated": 0, "unchanged": 0, "stop": len(lines) - len(to_plan)}
        to_create, lines_to_link = [], []
        changes = defaultdict(list)  # {values to write: orderpoint ids}
        results = [(line, "no_rule", None) for line in lines - to_plan if not line.result]
        digits = Line._get_quantity_digits()
        for line in to_plan:
            orderpoint = existing.get((line.product_id.id, line.location_id.id))
            if not orderpoint:
                to_create.append(line._prepare_orderpoint_vals())
                lines_to_link.append(line)
            elif vals := line._get_orderpoint_changes(orderpoint, digits):
                changes[tuple(sorted(vals.items()))].append(orderpoint.id)
                results.append((line, "updated", orderpoint.id))
            else:
                summary["unchanged"] += 1
                if not line.result or line.orderpoint_id != orderpoint:
                    results.append((line, "unchanged", orderpoint.id))
        for vals, ids in changes.items():
            Orderpoint.browse(ids).write(dict(vals))
            summary["updated"] += len(ids)
        if to_create:
            created = Orderpoint.create(to_create)
            summary["created"] = len(created)
            results += [
                (line, "created", orderpoint.id) for line, orderpoint in zip(lines_to_link, created)
            ]
        self._write_line_results(results)
        return summary

    def _write_line_results(self, results):
        """Record on the lines the rule each one created or checked, and how (``no_rule``
        lines, without demand, keep the rule they may have had).

        One UPDATE of the add-on's own table for all lines: a plan links thousands of lines to
        as many different rules, one ``write`` each through the ORM (1.1 s of the 4.7 s said in
        ``_create_lines``). The right to write the lines is checked; nothing depends on these
        two fields and no constraint reads them, so the cache is simply invalidated.
        """
        if not results:
            return
        Line = self.env["aftersales.reserve.plan.line"]
        Line.browse(line.id for line, _result, _op in results).check_access("write")
        Line.flush_model(["orderpoint_id", "result"])
        self.env.cr.execute(
            SQL(
                """UPDATE aftersales_reserve_plan_line AS line
                      SET orderpoint_id = COALESCE(todo.orderpoint_id, line.orderpoint_id), result = todo.result,
                          write_uid = %s, write_date = %s
                     FROM unnest(%s::int[], %s::int[], %s::varchar[]) AS todo(id, orderpoint_id, result)
                    WHERE line.id = todo.id""",
                self.env.uid,
                self.env.cr.now(),
                [line.id for line, _result, _op in results],
                [orderpoint_id for _line, _result, orderpoint_id in results],
                [result for _line, result, _op in results],
            )
        )
        Line.browse(line.id for line, _result, _op in results).invalidate_recordset(
            ["orderpoint_id", "result", "write_uid", "write_date"]
        )

    @api.model
    def _cron_draft_reserve_plan(self):
        """Monthly: draft a plan for every company with warehouses, for staff to review. Computed
        as the Compute button does: a plan of more parts than a batch by the background jobs,
        started by the scheduled action's user."""
        plans = self.browse()
        warehouses = self.env["stock.warehouse"].search([])
        for company in warehouses.company_id:
            plan = self.with_company(company).create(
                {
                    "company_id": company.id,
                    "default_lead_days": company.aftersales_default_lead_days,
                    "warehouse_ids": [
                        Command.set(warehouses.filtered(lambda w: w.company_id == company).ids)
                    ],
                }
            )
            plan.action_compute()
            plans |= plan
        return plans
