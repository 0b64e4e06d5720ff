import re

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import create_index


def catalogue_index_name(lang_code):
    """Name of the dealer portal's catalogue index of a language (see
    ``product.template._aftersales_create_catalogue_indexes``)."""
    if lang_code == "en_US":
        return "product_template_aftersales_catalogue_index"
    return "product_template_aftersales_catalogue_index_" + re.sub(r"[^a-z0-9]", "_", lang_code.lower())


PART_CLASSES = [
    ("finished", "Finished product"),
    ("module", "Module / assembly"),
    ("standard", "Standard part"),
    ("wear", "Wear part"),
    ("core_ip", "Core IP part"),
]
# Groups of part classes: the one home of each; SQL receives them as parameters.
# Spare parts: every class but the finished product (the machine itself).
SPARE_PART_CLASSES = ("module", "standard", "wear", "core_ip")
# Spare parts that may be priced and sold: never a core IP part.
SALEABLE_PART_CLASSES = ("module", "standard", "wear")
# Parts sold at zero profit, a fixed principle of the handbook (shown in Settings, not a setting):
# users can buy standard parts anywhere, and a wear part that wears out is the company's problem.
# Every price list carries them at cost: never marked up, never discounted.
ZERO_PROFIT_PART_CLASSES = ("standard", "wear")
# Parts the market guide price may add the market uplift to, each by its own setting
# (``res.company.aftersales_market_uplift_<class>``): never a zero-profit or core IP part.
MARKET_UPLIFT_PART_CLASSES = ("module",)
# Claimed parts the dealer sends back by default (a claim line's Return Required): modules, and
# core IP parts, which never stay outside the company.
RETURN_REQUIRED_PART_CLASSES = ("module", "core_ip")

AMPLIFICATION_MODES = [
    ("entered", "Entered"),
    ("criteria", "From criteria"),
]
# The criteria scores' range (1 = low, 5 = high).
AMPLIFICATION_SCORE_RANGE = (1, 5)

FEE_TYPES = [
    ("labour", "Labour"),
    ("travel", "Travel"),
    ("inspection", "Inspection"),
    ("other", "Other fee"),
]

# The satisfaction overview of a finished product covers the last 12 months (this month included).
OVERVIEW_MONTHS = 12
OVERVIEW_FIELDS = [
    "overview_answer_count", "overview_satisfaction", "overview_satisfaction_trend",
    "overview_is_too_few_answers", "overview_machine_count", "overview_claim_rate",
    "overview_cost_per_machine", "overview_actual_factor",
]


class ProductTemplate(models.Model):
    _inherit = "product.template"

    # ------------------------------------------------------------------ fields
    aftersales_part_class = fields.Selection(
        PART_CLASSES,
        string="Part Class",
        index=True,
        tracking=True,
        help="After-sales class of the product:\n"
        "- Finished product: a machine sold to dealers, archived by serial number;\n"
        "- Module / assembly: a service module of a finished product;\n"
        "- Standard part and Wear part: sold at zero profit;\n"
        "- Core IP part: carries the company's intellectual property, never priced "
        "and never shipped out of the company.",
    )
    is_serviceable_part = fields.Boolean(
        string="Serviceable Part",
        index=True,
        tracking=True,
        help="The part may be priced and sold to dealers as a spare part.",
    )
    warranty_months = fields.Integer(
        string="Warranty (months)",
        tracking=True,
        help="Warranty length of a finished product, counted from the date the end user "
        "registers the machine.",
    )
    service_cost_factor = fields.Float(
        string="Service Cost Amplification",
        compute="_compute_service_cost_factor",
        store=True,
        readonly=False,
        precompute=True,
        digits=(6, 2),
        help="Service cost amplification factor: non-conforming-product service cost = "
        "routine service cost x this factor. Entered directly (1.00 for a new product), or "
        "worked out from the product's three criteria (see Amplification Set).",
    )
    aftersales_fee_type = fields.Selection(
        FEE_TYPES,
        string="Service Fee Type",
        index=True,
        help="Set on the service products of the published service charge standard "
        "(fee schedule).",
    )

    aftersales_fee_rate = fields.Float(
        string="Current Rate",
        digits="Product Price",
        compute="_compute_aftersales_fee_rate",
        help="Rate of the fee in the version of the service charge standard valid today (its "
        "sales price when no version covers today). New rates: New Version.",
    )

    service_bom_ids = fields.One2many("aftersales.service.bom", "product_tmpl_id", string="Service BOMs")
    service_bom_count = fields.Integer(compute="_compute_service_bom_count")
    used_in_product_ids = fields.Many2many(
        "product.template",
        string="Used In",
        compute="_compute_used_in_product_ids",
        help="Finished products whose active service BOM contains this part.",
    )
    used_in_count = fields.Integer(compute="_compute_used_in_product_ids")

    # The purchase-to-consumption chain of a spare part, shown on its form.
    aftersales_purchase_line_count = fields.Integer(
        string="Purchase Lines", compute="_compute_aftersales_purchase_chain",
        groups="purchase.group_purchase_user",
    )
    aftersales_receipt_count = fields.Integer(
        string="Receipts", compute="_compute_aftersales_stock_chain", groups="stock.group_stock_user"
    )
    aftersales_claimed_qty = fields.Float(
        string="In Claimed Parts Rooms", compute="_compute_aftersales_stock_chain",
        digits="Product Unit of Measure", groups="stock.group_stock_user",
    )
    aftersales_consumed_qty = fields.Float(
        string="Consumed (12 months)", compute="_compute_aftersales_stock_chain",
        digits="Product Unit of Measure", groups="stock.group_stock_user",
    )
    aftersales_exception_count = fields.Integer(
        string="Loop Exceptions", compute="_compute_aftersales_purchase_chain",
        groups="purchase.group_purchase_user",
    )

    has_maintenance_reminder = fields.Boolean(
        string="Maintenance Reminders",
        help="Remind the end users of this finished product of its periodic maintenance.",
    )
    maintenance_interval_months = fields.Integer(
        string="Maintenance Interval (months)",
        help="A machine is due for maintenance every this many months after its registration.",
    )

    # The service cost amplification factor from its criteria (domain.md section 1): how
    # important the product's function is, how often it is used, its size and weight, each
    # scored 1-5 and weighted by the company (res.company._get_amplification_factor).
    service_cost_factor_mode = fields.Selection(
        AMPLIFICATION_MODES,
        string="Amplification Set",
        required=True,
        default="entered",
        help="Entered: type the factor.\n"
        "From criteria: factor = (wI x Importance + wF x Frequency + wS x Size) / "
        "(wI + wF + wS), the scores 1-5 below and the weights w of the company "
        "(Settings > After-Sales > Service Cost Amplification); with weights summing to 1 it is "
        "their weighted sum, from 1 to 5.",
    )
    amplification_importance = fields.Integer(
        string="Importance of Function",
        default=3,
        help="1: a minor function the user can do without for a while; 5: a critical function, "
        "the user's work stops when it fails.",
    )
    amplification_frequency = fields.Integer(
        string="Frequency of Use",
        default=3,
        help="1: used now and then; 5: in constant use.",
    )
    amplification_size = fields.Integer(
        string="Size and Weight",
        default=3,
        help="1: small and light, brought to the dealer for service; 5: large and heavy, "
        "served on site with people and lifting gear.",
    )

    # The satisfaction overview of a finished product over the last 12 months (this month
    # included), read from the cost analysis in one grouped query for all products shown.
    overview_answer_count = fields.Integer(
        string="Answers (12 months)", compute="_compute_satisfaction_overview",
    )
    overview_satisfaction = fields.Float(
        string="Satisfaction (12 months)", digits=(3, 2),
        compute="_compute_satisfaction_overview",
    )
    overview_satisfaction_trend = fields.Float(
        string="Satisfaction Trend", digits=(3, 2), compute="_compute_satisfaction_overview",
        help="Satisfaction of the last 6 months minus that of the 6 months before.",
    )
    overview_is_too_few_answers = fields.Boolean(
        string="Too Few Answers", compute="_compute_satisfaction_overview",
    )
    overview_machine_count = fields.Integer(
        string="Machines in the Field", compute="_compute_satisfaction_overview",
    )
    overview_claim_rate = fields.Float(
        string="Claim Rate (%)", digits=(16, 2), compute="_compute_satisfaction_overview",
        help="Warranty claims per 100 machine-months in the field.",
    )
    overview_cost_per_machine = fields.Float(
        string="Satisfaction Cost per Machine", digits=(16, 2),
        compute="_compute_satisfaction_overview",
    )
    overview_actual_factor = fields.Float(
        string="Amplification (Measured)", digits=(6, 2), compute="_compute_satisfaction_overview",
        help="Service measured on failed machines / routine service cost over the last 12 "
        "months: the factor to compare with the product's.",
    )

    # ---------------------------------------------------------------- computes
    def _compute_aftersales_fee_rate(self):
        fees = self.filtered("aftersales_fee_type")
        rates = self.env.company._get_aftersales_fee_prices(
            fees.product_variant_id, fields.Date.context_today(self)
        ) if fees else {}
        for template in self:
            template.aftersales_fee_rate = rates.get(template.product_variant_id, template.list_price)

    def _compute_service_bom_count(self):
        counts = dict(
            self.env["aftersales.service.bom"]._read_group(
                [("product_tmpl_id", "in", self.ids)], ["product_tmpl_id"], ["__count"]
            )
        )
        for product in self:
            product.service_bom_count = counts.get(product, 0)

    def _compute_used_in_product_ids(self):
        groups = self.env["aftersales.service.bom.line"]._read_group(
            [("product_id.product_tmpl_id", "in", self.ids), ("bom_id.active", "=", True)],
            ["product_id"],
            ["bom_id:array_agg"],
        )
        boms_by_part = {}
        for part, bom_ids in groups:
            boms_by_part.setdefault(part.product_tmpl_id, set()).update(bom_ids)
        Bom = self.env["aftersales.service.bom"]
        for product in self:
            finished = Bom.browse(boms_by_part.get(product, ())).product_tmpl_id
            product.used_in_product_ids = finished
            product.used_in_count = len(finished)

    @api.depends(
        "service_cost_factor_mode", "amplification_importance", "amplification_frequency",
        "amplification_size", "company_id.amplification_weight_importance",
        "company_id.amplification_weight_frequency", "company_id.amplification_weight_size",
    )
    def _compute_service_cost_factor(self):
        # A product shared by the companies takes the weights of the company it is saved in
        # (and res.company recomputes shared products when its weights change).
        for product in self:
            if product.service_cost_factor_mode == "criteria":
                company = product.company_id or self.env.company
                product.service_cost_factor = company._get_amplification_factor(
                    product.amplification_importance,
                    product.amplification_frequency,
                    product.amplification_size,
                )
            elif not product._origin:
                # a new product: 1.00 unless a factor is typed; an entered factor stays as it is
                product.service_cost_factor = product.service_cost_factor or 1.0

    @api.depends_context("company")
    def _compute_aftersales_purchase_chain(self):
        domain = self._aftersales_variant_domain()
        purchase_lines = self._aftersales_count_by_template(
            "purchase.order.line", domain + [("state", "in", ("purchase", "done"))]
        )
        exceptions = self._aftersales_count_by_template("aftersales.purchase.exception.report", domain)
        for template in self:
            template.aftersales_purchase_line_count = purchase_lines.get(template.id, 0)
            template.aftersales_exception_count = exceptions.get(template.id, 0)

    @api.depends_context("company")
    def _compute_aftersales_stock_chain(self):
        domain = self._aftersales_variant_domain()
        receipts = self._aftersales_count_by_template(
            "stock.move", domain + self._aftersales_receipt_domain()
        )
        claimed = self._aftersales_sum_by_template(
            "stock.quant", domain + [("location_id.is_aftersales_claimed_parts", "=", True)], "quantity"
        )
        since = fields.Datetime.now() - relativedelta(months=12)
        consumed = self._aftersales_sum_by_template(
            "stock.move",
            domain + self.env["stock.move"]._get_aftersales_consumption_domain(date_from=since),
            "product_qty",
        )
        for template in self:
            template.aftersales_receipt_count = receipts.get(template.id, 0)
            template.aftersales_claimed_qty = claimed.get(template.id, 0.0)
            template.aftersales_consumed_qty = consumed.get(template.id, 0.0)

    def _compute_satisfaction_overview(self):
        if not self.env.user.has_group("aftersales.group_aftersales_user"):
            # the analysis is the back office's: others see no figure
            for product in self:
                product.update(dict.fromkeys(OVERVIEW_FIELDS, 0))
            return
        today = fields.Date.context_today(self).replace(day=1)
        start = today - relativedelta(months=OVERVIEW_MONTHS - 1)
        middle = today - relativedelta(months=OVERVIEW_MONTHS // 2 - 1)
        Report = self.env["aftersales.cost.report"]
        domain = [("product_tmpl_id", "in", self.ids), ("month", ">=", start)]
        year = {
            tmpl: values
            for tmpl, *values in Report._read_group(
                domain,
                ["product_tmpl_id"],
                ["answer_count:sum", "satisfaction:avg", "machine_count:sum",
                 "claim_rate:avg", "cost_per_machine:avg", "actual_factor:avg"],
            )
        }
        by_half = {}
        for tmpl, month, answers, total in Report._read_group(
            domain, ["product_tmpl_id", "month:month"], ["answer_count:sum", "satisfaction_total:sum"]
        ):
            key = (tmpl, month >= middle)
            sums = by_half.setdefault(key, [0, 0.0])
            sums[0] += answers
            sums[1] += total
        minimum = {company: company.satisfaction_min_answers for company in self.env.companies}
        for product in self:
            answers, satisfaction, machines, rate, per_machine, factor = year.get(
                product, (0, 0.0, 0, 0.0, 0.0, 0.0)
            )
            recent, older = by_half.get((product, True)), by_half.get((product, False))
            trend = 0.0
            if recent and older and recent[0] and older[0]:
                trend = recent[1] / recent[0] - older[1] / older[0]
            company = product.company_id or self.env.company
            product.overview_answer_count = answers or 0
            product.overview_satisfaction = satisfaction or 0.0
            product.overview_satisfaction_trend = trend
            product.overview_is_too_few_answers = (answers or 0) < minimum.get(
                company, company.satisfaction_min_answers
            )
            product.overview_machine_count = machines or 0
            product.overview_claim_rate = rate or 0.0
            product.overview_cost_per_machine = per_machine or 0.0
            product.overview_actual_factor = factor or 0.0

    # ----------------------------------------------- constraints and onchanges
    @api.constrains("warranty_months", "service_cost_factor")
    def _check_aftersales_figures(self):
        for product in self:
            if product.warranty_months < 0:
                raise ValidationError(
                    _(
                        "%(product)s: the warranty length cannot be negative (%(months)s months). "
                        "Enter 0 for no warranty.",
                        product=product.display_name,
                        months=product.warranty_months,
                    )
                )
            if product.service_cost_factor < 0:
                raise ValidationError(
                    _(
                        "%(product)s: the service cost amplification factor cannot be negative.",
                        product=product.display_name,
                    )
                )

    @api.constrains("amplification_importance", "amplification_frequency", "amplification_size")
    def _check_amplification_scores(self):
        low, high = AMPLIFICATION_SCORE_RANGE
        labels = {
            "amplification_importance": _("importance of function"),
            "amplification_frequency": _("frequency of use"),
            "amplification_size": _("size and weight"),
        }
        for product in self:
            for fname, label in labels.items():
                if not low <= product[fname] <= high:
                    raise ValidationError(
                        _(
                            "%(product)s: the %(criterion)s score must lie between %(low)s and "
                            "%(high)s (%(score)s given).",
                            product=product.display_name,
                            criterion=label,
                            low=low,
                            high=high,
                            score=product[fname],
                        )
                    )

    @api.constrains("aftersales_part_class", "is_serviceable_part")
    def _check_core_ip_not_serviceable(self):
        for product in self:
            if product.aftersales_part_class == "core_ip" and product.is_serviceable_part:
                raise ValidationError(
                    _(
                        "%(product)s is a core IP part: it is never priced nor circulated, so it "
                        "cannot be a serviceable part. Untick 'Serviceable Part' or change its "
                        "part class.",
                        product=product.display_name,
                    )
                )

    @api.constrains("aftersales_part_class", "list_price")
    def _check_core_ip_not_priced(self):
        for product in self:
            if product.aftersales_part_class == "core_ip" and product.list_price:
                raise ValidationError(
                    _(
                        "%(product)s is a core IP part: it is never priced, so its sales price "
                        "stays 0 (not %(price)s). Leave the sales price empty or change its part "
                        "class.",
                        product=product.display_name,
                        price=product.list_price,
                    )
                )

    @api.constrains("aftersales_fee_type", "type")
    def _check_fee_is_service(self):
        for product in self:
            if product.aftersales_fee_type and product.type != "service":
                raise ValidationError(
                    _(
                        "%(product)s: only service products can be fees of the service charge "
                        "standard. Set the product type to Service.",
                        product=product.display_name,
                    )
                )

    @api.constrains("has_maintenance_reminder", "maintenance_interval_months")
    def _check_maintenance_interval(self):
        for template in self:
            if template.has_maintenance_reminder and template.maintenance_interval_months <= 0:
                raise ValidationError(
                    _(
                        "%(product)s: the maintenance interval must be at least 1 month "
                        "(it is %(months)s). Enter the interval or untick Maintenance Reminders.",
                        product=template.display_name,
                        months=template.maintenance_interval_months,
                    )
                )

    @api.onchange("aftersales_part_class")
    def _onchange_aftersales_part_class(self):
        if self.aftersales_part_class == "finished":
            self.is_storable = True
            self.tracking = "serial"
            self.is_serviceable_part = False
        elif self.aftersales_part_class == "core_ip":
            self.is_serviceable_part = False
            self.list_price = 0.0

    # --------------------------------------------------------------------- ORM
    def init(self):
        super().init()
        self._aftersales_create_catalogue_indexes(self.env["res.lang"].search([]).mapped("code"))

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([self._aftersales_clear_core_ip_price(vals) for vals in vals_list])

    def write(self, vals):
        return super().write(self._aftersales_clear_core_ip_price(vals))

    @api.model
    def _aftersales_clear_core_ip_price(self, vals):
        """``vals`` where a product made a core IP part (created as one, or its class set)
        loses its sales price, Odoo's default one or any given with the class: core IP parts
        are never priced. A price written later is refused (``_check_core_ip_not_priced``)."""
        if vals.get("aftersales_part_class") == "core_ip":
            return dict(vals, list_price=0.0)
        return vals

    # ----------------------------------------------------------------- actions
    def action_view_service_bom(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("aftersales.aftersales_service_bom_action")
        action["domain"] = [("product_tmpl_id", "=", self.id)]
        action["context"] = {"default_product_tmpl_id": self.id, "active_test": False}
        if self.service_bom_count == 1:
            action.update(views=[(False, "form")], res_id=self.service_bom_ids.id)
        return action

    def action_view_used_in(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("aftersales.product_template_action_finished")
        action["domain"] = [("id", "in", self.used_in_product_ids.ids)]
        return action

    def action_view_aftersales_purchases(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("purchase.action_purchase_history")
        action["domain"] = self._aftersales_variant_domain() + [("state", "in", ("purchase", "done"))]
        action["context"] = {"search_default_groupby_supplier": 1}
        action["display_name"] = _("Purchases of %(part)s", part=self.display_name)
        return action

    def action_view_aftersales_receipts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.stock_move_action")
        action["domain"] = self._aftersales_variant_domain() + self._aftersales_receipt_domain()
        action["context"] = {"create": False}
        action["display_name"] = _("Receipts of %(part)s", part=self.display_name)
        return action

    def action_view_aftersales_claimed_parts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("aftersales.stock_quant_action_claimed_parts")
        action["domain"] = self._aftersales_variant_domain() + [
            ("location_id.is_aftersales_claimed_parts", "=", True)
        ]
        return action

    def action_view_aftersales_consumption(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.stock_move_action")
        since = fields.Datetime.to_string(fields.Datetime.now() - relativedelta(months=12))
        action["domain"] = (
            self._aftersales_variant_domain()
            + self.env["stock.move"]._get_aftersales_consumption_domain(date_from=since)
        )
        action["context"] = {"create": False}
        action["display_name"] = _("Consumption of %(part)s (12 months)", part=self.display_name)
        return action

    def action_view_aftersales_exceptions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "aftersales.aftersales_purchase_exception_report_action"
        )
        action["domain"] = self._aftersales_variant_domain()
        return action

    def action_print_fee_schedule(self, date=None):
        """The fee schedule PDF of these fees (all fees when none is selected) as the version of
        the service charge standard valid on ``date`` (today by default) sets them."""
        fees = self or self.search([("aftersales_fee_type", "!=", False)])
        day = fields.Date.to_string(date or fields.Date.context_today(self))
        return self.env.ref("aftersales.action_report_fee_schedule").report_action(
            fees, data={"fee_date": day}
        )

    def action_open_fee_print(self):
        """Choose the date whose version of the service charge standard is printed."""
        action = self.env["ir.actions.act_window"]._for_xml_id("aftersales.product_template_fee_print_action")
        action["context"] = {"default_product_tmpl_ids": self.ids}
        return action

    def action_open_fee_version(self):
        """Start a new version of the service charge standard (managers)."""
        return self.env["ir.actions.act_window"]._for_xml_id("aftersales.product_template_fee_version_action")

    def action_view_fee_versions(self):
        """The versions of the company's service charge standard: its dated items, history
        included."""
        self.env.company._aftersales_ensure_pricelists()
        pricelist = self.env.company.aftersales_fee_pricelist_id
        action = self.env["ir.actions.act_window"]._for_xml_id("aftersales.product_pricelist_item_fee_action")
        action["domain"] = [("pricelist_id", "=", pricelist.id)]
        return action

    # -------------------------------------------------------- business methods
    @api.model
    def _aftersales_create_catalogue_indexes(self, lang_codes):
        """Create the catalogue index of each language of ``lang_codes`` (and of English) that
        does not have one yet; run at install and update for the active languages, and when a
        language is activated.

        The dealer portal's parts catalogue lists the serviceable, sellable parts a page at a
        time in name order, and counts them for its pager. Over those parts alone, in the name
        as the dealer reads it (in English, or in the dealer's language where the part has a
        translation, as Odoo sorts a translated name): a page is read from the index (no sort
        of the whole catalogue), and the count is an index-only scan. The condition is the
        catalogue's own, so that PostgreSQL can prove that its query is covered (see
        ``product.product._aftersales_catalogue_domain``)."""
        classes = ", ".join(f"'{part_class}'" for part_class in SALEABLE_PART_CLASSES)
        where = f"is_serviceable_part AND sale_ok AND aftersales_part_class IN ({classes})"
        for code in sorted({"en_US", *lang_codes}):
            if not re.fullmatch(r"[A-Za-z0-9_@]+", code):  # Odoo's codes: en_US, sr@latin...
                continue
            create_index(
                self.env.cr,
                catalogue_index_name(code),
                self._table,
                # Odoo's expression of the name in the language, as its ORDER BY writes it
                ["(name->>'en_US')" if code == "en_US" else f"(COALESCE(name->>'{code}', name->>'en_US'))",
                 "id", "company_id"],
                where=where,
            )

    def _get_fee_schedule_data(self, day=None):
        """What the fee schedule PDF prints for these fees on ``day`` (a date or its string,
        today by default): each fee with its rate, and the validity of the version of the
        service charge standard valid that day (the days all printed rates hold: from the
        latest start to the earliest end of their items; open when a rate has no end)."""
        company = self.env.company
        day = fields.Date.to_date(day) if day else fields.Date.context_today(self)
        fees = self.filtered("aftersales_fee_type").sorted(lambda p: (p.aftersales_fee_type, p.name))
        rates = company._get_aftersales_fee_rates(fees.product_variant_id, day) if fees else {}
        lines, starts, ends = [], [], []
        for fee in fees:
            rate, item = rates[fee.product_variant_id]
            lines.append({"fee": fee, "rate": rate})
            if item.date_start:
                starts.append(company._aftersales_fee_day(item.date_start))
            if item.date_end:
                ends.append(company._aftersales_fee_day(item.date_end))
        return {
            "date": day,
            "lines": lines,
            "valid_from": max(starts) if starts else False,
            "valid_until": min(ends) if ends else False,
            "currency": company.currency_id,
        }

    def _get_service_bom_parts(self):
        """Parts of the active service BOMs of these finished products: a warranty claim for a part
        outside them needs a reviewer's confirmation."""
        return self.service_bom_ids.line_ids.product_id

    def _aftersales_variant_domain(self):
        return [("product_id", "in", self.with_context(active_test=False).product_variant_ids.ids)]

    def _aftersales_count_by_template(self, model, domain):
        counts = {}
        for product, count in self.env[model]._read_group(domain, ["product_id"], ["__count"]):
            counts[product.product_tmpl_id.id] = counts.get(product.product_tmpl_id.id, 0) + count
        return counts

    def _aftersales_sum_by_template(self, model, domain, field):
        sums = {}
        for product, total in self.env[model]._read_group(domain, ["product_id"], [f"{field}:sum"]):
            sums[product.product_tmpl_id.id] = sums.get(product.product_tmpl_id.id, 0.0) + total
        return sums

    @api.model
    def _aftersales_receipt_domain(self):
        return [
            ("state", "=", "done"),
            ("location_id.usage", "=", "supplier"),
            ("location_dest_id.usage", "=", "internal"),
        ]

    # ------------------------------------------------- life-cycle cost (issue 23)
    lifecycle_cost_per_machine_year = fields.Monetary(
        string="Life-Cycle Cost per Machine-Year",
        compute="_compute_lifecycle_cost",
        help="The product's life-cycle cost over all the machine-years its machines lived (in "
        "the current company).",
    )
    lifecycle_cost_growth = fields.Monetary(
        string="Life-Cycle Cost Growth per Year",
        compute="_compute_lifecycle_cost",
        help="Slope of the cost per machine-year over the machines' years of life (least "
        "squares, at least 2 years): how much more a machine-year costs each year the machines "
        "age. The fastest-growing products are ranked in After-Sales > Analysis.",
    )

    def _compute_lifecycle_cost(self):
        Report = self.env["aftersales.lifecycle.year.report"].sudo()
        domain = [("product_tmpl_id", "in", self.ids), ("company_id", "=", self.env.company.id)]
        per_year = dict(Report._read_group(domain, ["product_tmpl_id"], ["cost_per_machine_year:avg"]))
        # a template of several variants: its fastest-growing variant
        growth = dict(
            Report._read_group(
                domain + [("is_latest_year", "=", True)], ["product_tmpl_id"], ["growth:max"]
            )
        )
        for template in self:
            template.lifecycle_cost_per_machine_year = per_year.get(template) or 0.0
            template.lifecycle_cost_growth = growth.get(template) or 0.0

    def action_view_lifecycle_cost(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "aftersales.aftersales_lifecycle_year_report_action"
        )
        action["domain"] = [("product_tmpl_id", "=", self.id)]
        return action
    # ------------------------------------------- end of life-cycle cost (issue 23)
