from datetime import datetime, time, timedelta

import pytz

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date

from .product_template import MARKET_UPLIFT_PART_CLASSES, ZERO_PROFIT_PART_CLASSES
from .product_template import SPARE_PART_CLASSES as PART_WARRANTY_CLASSES  # parts warranty

# The double rule of the handbook, a fixed principle (shown in Settings, not a setting): the service
# parts of one finished product, added up, cost twice its dealer settlement price.
DOUBLE_RULE_RATIO = 2.0

PRICELIST_MODES = [
    ("formula", "Formula: the pricing run writes both price lists"),
    ("two_lists", "Two lists kept by hand: the pricing run only checks them"),
    ("market_level", "Market guide list + settlement discount per dealer level"),
]

# The company's weights of a product's amplification criteria (product.template's
# amplification_<criterion> scores): importance of function, frequency of use, size and weight.
AMPLIFICATION_WEIGHT_FIELDS = (
    "amplification_weight_importance",
    "amplification_weight_frequency",
    "amplification_weight_size",
)

CLAIM_CREDIT_TRIGGERS = [
    ("approval", "On approval"),
    ("receipt", "On receipt of the returned parts"),
]


class ResCompany(models.Model):
    _inherit = "res.company"

    aftersales_pricelist_mode = fields.Selection(
        PRICELIST_MODES, string="Price List Mode", default="formula", required=True
    )
    aftersales_double_rule_ratio = fields.Float(
        string="Double-Rule Ratio",
        digits=(4, 2),
        compute="_compute_aftersales_pricing_principles",
        help="A principle of the handbook, not a setting: the service parts of one finished "
        "product, added up at its dealers' prices, cost this many times the finished product's "
        "price to the same dealers.",
    )
    aftersales_zero_profit_classes = fields.Char(
        string="Zero-Profit Part Classes",
        compute="_compute_aftersales_pricing_principles",
        help="A principle of the handbook, not a setting: these parts are priced at cost in every "
        "price list (the market guide list and the dealers' lists), never marked up nor discounted.",
    )
    aftersales_double_rule_tolerance = fields.Float(
        string="Double-Rule Tolerance (%)", default=5.0, digits=(5, 2)
    )
    aftersales_market_uplift = fields.Float(
        string="Market Uplift (%)",
        default=30.0,
        digits=(5, 2),
        help="Market guide price = dealer settlement price x (1 + uplift), for the part classes "
        "the uplift applies to; standard and wear parts stay at cost. Not used in the level-discount "
        "mode, where the market guide list is the list the double rule is solved on.",
    )
    aftersales_market_uplift_module = fields.Boolean(
        string="Uplift on Modules",
        default=True,
        help="Modules and assemblies get the market uplift on their market guide price; untick to "
        "quote them to end users at the dealer settlement price.",
    )
    aftersales_price_rounding = fields.Float(
        string="Price Rounding", default=0.01, digits=(12, 4),
        help="Part prices are rounded to a multiple of this amount.",
    )
    aftersales_dealer_pricelist_id = fields.Many2one(
        "product.pricelist", string="Dealer Settlement Price List", check_company=True
    )
    aftersales_market_pricelist_id = fields.Many2one(
        "product.pricelist", string="Market Guide Price List", check_company=True
    )

    # The service charge standard: its versions are the dated items of this price list.
    aftersales_fee_pricelist_id = fields.Many2one(
        "product.pricelist", string="Service Charge Standard", check_company=True,
        help="Price list of the service charge standard: each version of the fee schedule is a "
        "set of items valid from a date until the day before the next version. Fees without an "
        "item on a day are charged at their sales price.",
    )

    aftersales_default_lead_days = fields.Integer(
        string="Default Part Lead Time (days)",
        default=30,
        help="Lead time the reserve plan assumes for a spare part without a vendor.",
    )

    # Stock aging (handbook 4.4): 80% of the parts' stock younger than 3 months.
    aftersales_aging_target = fields.Float(
        string="Stock-Aging Target (%)", default=80.0, digits=(5, 1),
        help="Share of the spare parts' stock that should be younger than the aging boundary.",
    )
    aftersales_aging_months = fields.Integer(
        string="Stock-Aging Boundary (months)", default=3,
        help="Stock received less than this many months ago is young. The reserve plan caps "
        "its maximum at this many months of demand by default.",
    )

    claim_review_days = fields.Integer(
        string="Claim Review Deadline (working days)",
        default=5,
        help="Working days (of the company's working schedule) a reviewer has to decide on a "
        "submitted warranty claim, counted from the day after submission.",
    )
    claim_credit_trigger = fields.Selection(
        CLAIM_CREDIT_TRIGGERS,
        string="Credit Claims",
        default="approval",
        required=True,
        help="When a dealer settled per claim receives its credit note: as soon as the claim is "
        "approved, or only once the parts it must return have been received.",
    )
    claim_return_days = fields.Integer(
        string="Part Return Deadline (days)",
        default=30,
        help="Calendar days a dealer has, after approval, to send back the parts a claim must return.",
    )
    claim_repeat_part_days = fields.Integer(
        string="Repeat Part Window (days)",
        default=90,
        help="A part claimed again on the same machine within this many days of an earlier claim "
        "is flagged for the reviewer.",
    )

    claim_account_id = fields.Many2one(
        "account.account",
        string="Warranty Cost Account",
        check_company=True,
        domain="[('account_type', 'in', ('expense', 'expense_direct_cost', 'income', 'income_other'))]",
        help="Account of the lines of the credit notes that settle warranty claims. Leave empty "
        "to book them on the products' income accounts, like any credit note.",
    )
    # Who reviews a claim submitted without a reviewer (issue 21): this user, else the company's
    # After-Sales users in turn (aftersales.claim._assign_reviewers).
    claim_reviewer_id = fields.Many2one(
        "res.users",
        string="Default Claim Reviewer",
        domain=lambda self: [
            ("share", "=", False),
            ("groups_id", "in", self.env.ref("aftersales.group_aftersales_user").id),
        ],
        help="Reviews the warranty claims submitted without a reviewer. Empty: the company's "
        "After-Sales users review them in turn (round robin).",
    )

    satisfaction_weight = fields.Float(
        string="Product-Quality Weight (w)",
        default=0.8,
        digits=(3, 2),
        help="Customer satisfaction = product-quality satisfaction x w + service-quality "
        "satisfaction x (1 - w). A manufacturer weighs product quality much more than service; "
        "0.8 when the industry practice is unknown. A product category may override it.",
    )
    satisfaction_min_answers = fields.Integer(
        string="Minimum Answers",
        default=5,
        help="A satisfaction figure based on fewer call-back answers than this is flagged "
        "'too few answers'.",
    )
    callback_delay_days = fields.Integer(
        string="Call-back Delay (days)",
        default=3,
        help="Days after a claim is settled that the satisfaction call-back to the end user is due.",
    )
    callback_user_id = fields.Many2one(
        "res.users",
        string="Call-back Agent",
        domain="[('share', '=', False)]",
        help="Hotline agent who makes the satisfaction call-backs when no service team has "
        "outbound agents (they take the call-backs in turn). Empty: the claim's reviewer.",
    )
    callback_duration = fields.Float(
        string="Call-back Duration (hours)",
        default=0.25,
        digits=(4, 2),
        help="Hotline time of one call-back, priced at the labour rate of the service charge "
        "standard in the service cost (routine, or failed-machine service after a claim).",
    )

    aftersales_statement_auto_send = fields.Boolean(
        string="Send Statements Automatically",
        help="The monthly run e-mails the statements it draws to the dealers at once.",
    )
    aftersales_gift_program_id = fields.Many2one(
        "loyalty.program",
        string="Gift Credit eWallet",
        help="The eWallet program holding the dealers' gift credit; created by the first "
        "statement run.",
    )

    # Service cost amplification from criteria: the weights of the three scored criteria.
    amplification_weight_importance = fields.Float(
        string="Weight of Importance of Function", default=0.4, digits=(3, 2),
        help="Weight of a product's importance-of-function score in its amplification factor.",
    )
    amplification_weight_frequency = fields.Float(
        string="Weight of Frequency of Use", default=0.3, digits=(3, 2),
        help="Weight of a product's frequency-of-use score in its amplification factor.",
    )
    amplification_weight_size = fields.Float(
        string="Weight of Size and Weight", default=0.3, digits=(3, 2),
        help="Weight of a product's size-and-weight score in its amplification factor.",
    )
    # KPI appraisal (domain, section 5): the handbook's values as defaults
    aftersales_kpi_min = fields.Float(
        string="Lowest KPI Value", default=0.5, digits=(4, 2),
        help="An appraisal sheet's KPI value is its weighted score, never below this "
        "(handbook: 0.5).",
    )
    aftersales_kpi_max = fields.Float(
        string="Highest KPI Value", default=5.0, digits=(4, 2),
        help="An appraisal sheet's KPI value never exceeds this (handbook: 5).",
    )
    aftersales_kpi_base_min = fields.Float(
        string="Suggested Base Coefficient From", default=0.5, digits=(3, 2),
        help="A KPI scheme whose base coefficient lies outside the suggested range shows a "
        "warning (handbook, where the market is unknown: 0.5 - 0.8).",
    )
    aftersales_kpi_base_max = fields.Float(
        string="Suggested Base Coefficient To", default=0.8, digits=(3, 2)
    )
    aftersales_kpi_revision_share = fields.Float(
        string="Revision Share (%)", default=80.0, digits=(5, 1),
        help="When this share of the appraised employees or more score a KPI value below the "
        "revision threshold, the scheme's items and weights are unreasonable and it must be "
        "revised before it appraises another period (handbook: 80 %).",
    )
    aftersales_kpi_revision_threshold = fields.Float(
        string="Revision Threshold (KPI)", default=1.0, digits=(4, 2),
        help="A KPI value below this counts towards the revision share (handbook: 1).",
    )

    @api.constrains("claim_review_days", "claim_return_days", "claim_repeat_part_days")
    def _check_claim_settings(self):
        for company in self:
            if min(company.claim_review_days, company.claim_return_days,
                   company.claim_repeat_part_days) < 0:
                raise ValidationError(
                    _(
                        "%(company)s: the claim review deadline, the part return deadline and the "
                        "repeat part window are numbers of days and cannot be negative.",
                        company=company.display_name,
                    )
                )

    @api.constrains("satisfaction_weight", "satisfaction_min_answers", "callback_delay_days",
                    "callback_duration")
    def _check_satisfaction_settings(self):
        for company in self:
            if not 0.0 <= company.satisfaction_weight <= 1.0:
                raise ValidationError(
                    _(
                        "%(company)s: the product-quality weight w must lie between 0 and 1 "
                        "(%(weight)s given); 0.8 is the usual value for a manufacturer.",
                        company=company.display_name,
                        weight=company.satisfaction_weight,
                    )
                )
            if min(company.satisfaction_min_answers, company.callback_delay_days,
                   company.callback_duration) < 0:
                raise ValidationError(
                    _(
                        "%(company)s: the minimum number of answers, the call-back delay and the "
                        "call-back duration cannot be negative.",
                        company=company.display_name,
                    )
                )

    @api.constrains(*AMPLIFICATION_WEIGHT_FIELDS)
    def _check_amplification_weights(self):
        for company in self:
            if min(company[fname] for fname in AMPLIFICATION_WEIGHT_FIELDS) < 0:
                raise ValidationError(
                    _(
                        "%(company)s: the weights of the amplification criteria cannot be "
                        "negative; give each a share, e.g. 0.4, 0.3 and 0.3.",
                        company=company.display_name,
                    )
                )

    @api.constrains("aftersales_aging_target", "aftersales_aging_months")
    def _check_aging_settings(self):
        for company in self:
            if not 0.0 < company.aftersales_aging_target <= 100.0 or company.aftersales_aging_months < 1:
                raise ValidationError(
                    _(
                        "%(company)s: the stock-aging target must lie between 0 and 100 %% and the "
                        "aging boundary be at least one month (the handbook's: 80 %% within 3 "
                        "months).",
                        company=company.display_name,
                    )
                )

    @api.constrains("aftersales_kpi_min", "aftersales_kpi_max", "aftersales_kpi_base_min",
                    "aftersales_kpi_base_max", "aftersales_kpi_revision_share",
                    "aftersales_kpi_revision_threshold")
    def _check_kpi_settings(self):
        for company in self:
            if not 0.0 <= company.aftersales_kpi_min < company.aftersales_kpi_max:
                raise ValidationError(_(
                    "%(company)s: the KPI value range %(low)s - %(high)s is empty or negative. "
                    "Enter a lowest value below the highest (handbook: 0.5 - 5).",
                    company=company.display_name, low=company.aftersales_kpi_min,
                    high=company.aftersales_kpi_max,
                ))
            if not 0.0 <= company.aftersales_kpi_base_min <= company.aftersales_kpi_base_max <= 1.0:
                raise ValidationError(_(
                    "%(company)s: the suggested base coefficient range %(low)s - %(high)s must "
                    "lie between 0 and 1, its start before its end (handbook: 0.5 - 0.8).",
                    company=company.display_name, low=company.aftersales_kpi_base_min,
                    high=company.aftersales_kpi_base_max,
                ))
            if not 0.0 < company.aftersales_kpi_revision_share <= 100.0 or (
                company.aftersales_kpi_revision_threshold <= 0.0
            ):
                raise ValidationError(_(
                    "%(company)s: the revision share must lie above 0 and up to 100 %% and the "
                    "revision threshold must be positive (handbook: 80 %% below 1).",
                    company=company.display_name,
                ))

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        self._aftersales_ensure_pricelists()
        return companies

    def write(self, vals):
        res = super().write(vals)
        if {"aftersales_pricelist_mode", "aftersales_dealer_pricelist_id",
                "aftersales_market_pricelist_id"} & set(vals):
            if vals.get("aftersales_pricelist_mode") == "market_level":
                self.env["aftersales.dealer.level"].search([])._sync_pricelist()
            self.env["res.partner"].search([("is_dealer", "=", True)])._aftersales_sync_pricelist()
        if set(AMPLIFICATION_WEIGHT_FIELDS) & set(vals):
            self._recompute_shared_amplification_factors()
        return res

    def _get_amplification_factor(self, importance, frequency, size):
        """The service cost amplification factor of a product from its criteria scores (1-5):
        the weighted average (wI x importance + wF x frequency + wS x size) / (wI + wF + wS)
        with this company's weights; with weights summing to 1 it is their weighted sum.
        E.g. scores 5, 3, 2 with weights 0.4, 0.3, 0.3: 2.0 + 0.9 + 0.6 = 3.5."""
        self.ensure_one()
        weights = [self[fname] for fname in AMPLIFICATION_WEIGHT_FIELDS]
        if not sum(weights):  # no weight at all (refused in Settings): the criteria count alike
            weights = [1.0] * len(weights)
        scores = (importance, frequency, size)
        return round(sum(w * s for w, s in zip(weights, scores)) / sum(weights), 2)

    def _recompute_shared_amplification_factors(self):
        """Products of one company follow its weights through their compute's dependencies;
        products shared by all companies take the weights of the company that changes them."""
        Template = self.env["product.template"].sudo().with_context(active_test=False)
        field = Template._fields["service_cost_factor"]
        for company in self:
            shared = Template.with_company(company).search(
                [("service_cost_factor_mode", "=", "criteria"), ("company_id", "=", False)]
            )
            self.env.add_to_compute(field, shared)
            shared.flush_recordset(["service_cost_factor"])

    @api.depends_context("lang")
    def _compute_aftersales_pricing_principles(self):
        part_class = self.env["product.template"]._fields["aftersales_part_class"]
        labels = dict(part_class._description_selection(self.env))
        classes = ", ".join(labels[code] for code in ZERO_PROFIT_PART_CLASSES)
        for company in self:
            company.aftersales_double_rule_ratio = DOUBLE_RULE_RATIO
            company.aftersales_zero_profit_classes = classes

    def _bound_kpi(self, score):
        """The KPI value of a weighted score: bounded to the company's range (handbook: 0.5 - 5)."""
        self.ensure_one()
        return min(max(score, self.aftersales_kpi_min), self.aftersales_kpi_max)

    def _is_kpi_revision_needed(self, below_count, total):
        """The revision rule: ``below_count`` of ``total`` employees below the threshold reach
        the revision share (handbook: 80 %)."""
        self.ensure_one()
        return bool(total) and 100.0 * below_count / total >= self.aftersales_kpi_revision_share - 1e-9

    def _get_aftersales_zero_profit_classes(self):
        """The part classes sold at zero profit: ``ZERO_PROFIT_PART_CLASSES``, a fixed principle
        of the handbook, the same for every company."""
        return set(ZERO_PROFIT_PART_CLASSES)

    def _get_aftersales_market_uplift_classes(self):
        """The part classes whose market guide price adds the market uplift: each of
        ``MARKET_UPLIFT_PART_CLASSES`` whose setting ``aftersales_market_uplift_<class>`` is ticked
        (never a zero-profit or core IP part)."""
        self.ensure_one()
        return {
            part_class for part_class in MARKET_UPLIFT_PART_CLASSES
            if self[f"aftersales_market_uplift_{part_class}"]
        }

    def _get_aftersales_pricelists(self):
        """The price lists the add-on prices parts with, in these companies: the dealer
        settlement and market guide lists and the dealer levels' lists."""
        levels = self.env["aftersales.dealer.level"].sudo().with_context(active_test=False).search(
            [("company_id", "in", [False, *self.ids])]
        )
        return (
            self.sudo().aftersales_dealer_pricelist_id
            | self.sudo().aftersales_market_pricelist_id
            | levels.pricelist_id.filtered(lambda pl: pl.company_id in self or not pl.company_id)
        )

    @api.model
    def _aftersales_ensure_pricelists(self):
        """Give every company its dealer settlement and market guide price lists, and every
        internal user Odoo's Pricelists option (run at each install and update of the add-on).

        The option is what keeps price lists alive: the Settings form reads it from the internal
        users' group, and a save that reads it as off (Settings > Save, or Odoo's own save when a
        company gets its second warehouse) archives every price list. Odoo turns it on the same
        way when a second currency is activated."""
        self.env.ref("base.group_user").sudo()._apply_group(
            self.env.ref("product.group_product_pricelist")
        )
        Pricelist = self.env["product.pricelist"].sudo()
        for company in self.sudo().search([]):
            vals = {}
            if not company.aftersales_dealer_pricelist_id:
                vals["aftersales_dealer_pricelist_id"] = Pricelist.create(
                    {"name": _("Dealer settlement price list"), "company_id": company.id,
                     "currency_id": company.currency_id.id, "sequence": 90}
                ).id
            if not company.aftersales_market_pricelist_id:
                vals["aftersales_market_pricelist_id"] = Pricelist.create(
                    {"name": _("Market guide price list"), "company_id": company.id,
                     "currency_id": company.currency_id.id, "sequence": 91}
                ).id
            if not company.aftersales_fee_pricelist_id:
                vals["aftersales_fee_pricelist_id"] = Pricelist.create(
                    {"name": _("Service Charge Standard"), "company_id": company.id,
                     "currency_id": company.currency_id.id, "sequence": 92}
                ).id
            if vals:
                company.write(vals)

    def _get_aftersales_gift_program(self):
        """The company's gift-credit eWallet: dealers' points are money (1 point = 1 unit of
        the company currency), topped up by the statement run and spent on quotations."""
        self.ensure_one()
        program = self.aftersales_gift_program_id
        if program:
            return program
        program = self.env["loyalty.program"].sudo().create({
            "name": _("Dealer Gift Credit"),
            "program_type": "ewallet",
            "company_id": self.id,
            "currency_id": self.currency_id.id,
            "trigger": "auto",
            "applies_on": "future",
            "portal_visible": True,
            "portal_point_name": self.currency_id.symbol,
            "rule_ids": [Command.clear()],
            "reward_ids": [Command.clear(), Command.create({
                "reward_type": "discount",
                "discount_mode": "per_point",
                "discount": 1,
                "discount_applicability": "order",
                "required_points": 1,
                "description": _("Gift credit"),
            })],
        })
        self.aftersales_gift_program_id = program
        return program

    # ------------------------------------------------- service charge standard
    def _aftersales_fee_tz(self):
        self.ensure_one()
        return pytz.timezone(self.resource_calendar_id.tz or "UTC")

    def _aftersales_fee_moment(self, when):
        """The moment (naive UTC datetime) at which the service charge standard is read for
        ``when``: a datetime as it is, a date at the start of that day in the company's time
        zone (its working schedule's), where the versions start and end."""
        self.ensure_one()
        when = when or fields.Date.context_today(self)
        if isinstance(when, str):
            when = fields.Datetime.to_datetime(when) if len(when) > 10 else fields.Date.to_date(when)
        if isinstance(when, datetime):
            return when
        local = self._aftersales_fee_tz().localize(datetime.combine(when, time.min))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    def _aftersales_fee_day(self, moment):
        """The company's calendar day of a moment (naive UTC) of the service charge standard."""
        self.ensure_one()
        if not moment:
            return False
        return pytz.utc.localize(moment).astimezone(self._aftersales_fee_tz()).date()

    def _get_aftersales_fee_rates(self, products, when):
        """{product: (rate, pricelist item or empty)} of these fee products (product.product)
        under the version of the service charge standard valid on ``when`` (a date or a
        datetime): the item of the company's standard valid that day, or the product's sales
        price when no item covers it. The one place fees are priced: claims, requests and
        call-backs at their own date, the fee schedule PDF and the portal at theirs."""
        self.ensure_one()
        pricelist = self.sudo().aftersales_fee_pricelist_id
        products = products.sudo().with_company(self)
        if not pricelist:
            return {product: (product.lst_price, self.env["product.pricelist.item"]) for product in products}
        moment = self._aftersales_fee_moment(when)
        rules = pricelist._compute_price_rule(products, 1.0, date=moment)
        Item = self.env["product.pricelist.item"].sudo()
        return {product: (rules[product.id][0], Item.browse(rules[product.id][1])) for product in products}

    def _get_aftersales_fee_prices(self, products, when):
        """{product: rate} of these fee products on ``when`` (see ``_get_aftersales_fee_rates``)."""
        return {product: rate for product, (rate, _item) in self._get_aftersales_fee_rates(products, when).items()}

    def _aftersales_create_fee_version(self, date_from, prices):
        """A new version of the company's service charge standard from ``date_from`` at
        ``prices`` ({product.template: rate}): the items of these fees still valid on that day
        end the day before, and a new item per fee starts that day. Earlier versions are kept.
        Returns the new items."""
        self.ensure_one()
        if not date_from:
            raise UserError(_("%(company)s: enter the date the new version of the service charge "
                              "standard starts.", company=self.display_name))
        self._aftersales_ensure_pricelists()
        pricelist = self.sudo().aftersales_fee_pricelist_id
        not_fees = [tmpl for tmpl in prices if not tmpl.aftersales_fee_type]
        if not_fees:
            raise UserError(_("%(product)s is not a fee of the service charge standard: set its "
                              "Service Fee Type first.", product=not_fees[0].display_name))
        negative = [tmpl for tmpl, price in prices.items() if price < 0]
        if negative:
            raise UserError(_("%(product)s: a rate of the service charge standard cannot be "
                              "negative.", product=negative[0].display_name))
        start = self._aftersales_fee_moment(date_from)
        Item = self.env["product.pricelist.item"].sudo()
        items = Item.search([("pricelist_id", "=", pricelist.id),
                             ("product_tmpl_id", "in", [tmpl.id for tmpl in prices])])
        latest = max((item.date_start for item in items if item.date_start), default=None)
        if latest and latest >= start:
            raise UserError(
                _(
                    "%(company)s: the service charge standard already has a version from "
                    "%(latest)s. A new version starts after the latest one (history is kept, "
                    "not rewritten): choose a later date.",
                    company=self.display_name,
                    latest=format_date(self.env, self._aftersales_fee_day(latest)),
                )
            )
        items.filtered(lambda item: not item.date_end or item.date_end >= start).write(
            {"date_end": start - timedelta(seconds=1)}
        )
        return Item.create([
            {
                "pricelist_id": pricelist.id,
                "applied_on": "1_product",
                "product_tmpl_id": tmpl.id,
                "compute_price": "fixed",
                "fixed_price": price,
                "date_start": start,
            }
            for tmpl, price in prices.items()
        ])

    # -------------------------------------------------------- parts warranty
    # Replacement serials and parts warranty: a module fitted as a replacement has its own
    # warranty, these months after its installation, by part class (0: no parts warranty).
    aftersales_part_warranty_months_module = fields.Integer(
        string="Parts Warranty: Modules (months)", default=3,
        help="Months of warranty of a module fitted as a replacement, from its installation "
        "date. 0: no parts warranty.",
    )
    aftersales_part_warranty_months_standard = fields.Integer(
        string="Parts Warranty: Standard Parts (months)", default=3,
        help="Months of warranty of a standard part fitted as a replacement, from its "
        "installation date. 0: no parts warranty.",
    )
    aftersales_part_warranty_months_wear = fields.Integer(
        string="Parts Warranty: Wear Parts (months)", default=0,
        help="Months of warranty of a wear part fitted as a replacement, from its installation "
        "date. 0: no parts warranty (a wear part wears out).",
    )
    aftersales_part_warranty_months_core_ip = fields.Integer(
        string="Parts Warranty: Core IP Parts (months)", default=3,
        help="Months of warranty of a core IP part fitted as a replacement, from its "
        "installation date. 0: no parts warranty.",
    )

    @api.constrains(
        "aftersales_part_warranty_months_module", "aftersales_part_warranty_months_standard",
        "aftersales_part_warranty_months_wear", "aftersales_part_warranty_months_core_ip",
    )
    def _check_aftersales_part_warranty(self):
        for company in self:
            if min(company[f"aftersales_part_warranty_months_{part_class}"]
                   for part_class in PART_WARRANTY_CLASSES) < 0:
                raise ValidationError(_(
                    "%(company)s: the parts warranty is a number of months (0 for none) and "
                    "cannot be negative.",
                    company=company.display_name,
                ))

    def _get_aftersales_part_warranty_months(self, part_class):
        """Months of warranty of a part of ``part_class`` fitted as a replacement (0: none)."""
        self.ensure_one()
        if part_class not in PART_WARRANTY_CLASSES:
            return 0
        return self[f"aftersales_part_warranty_months_{part_class}"]
