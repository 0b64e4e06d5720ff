from datetime import datetime, time, timedelta

import pytz

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .product_template import ZERO_PROFIT_PART_CLASSES

PRICELIST_MODES = [
    ("formula", "Formula: the pricing run writes both price lists"),
    ("two_lists", "Two lists kept by hand: the pricing run only checks them"),
    ("market_level", "Market guide list + settlement discount per dealer level"),
]

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
        default=2.0,
        digits=(4, 2),
        help="The service parts of one finished product, added up at dealer settlement prices, "
        "should cost this many times the finished product's dealer settlement price.",
    )
    aftersales_double_rule_tolerance = fields.Float(
        string="Double-Rule Tolerance (%)", default=5.0, digits=(5, 2)
    )
    aftersales_market_uplift = fields.Float(
        string="Market Uplift (%)",
        default=30.0,
        digits=(5, 2),
        help="Market guide price = dealer settlement price x (1 + uplift).",
    )
    aftersales_price_rounding = fields.Float(
        string="Price Rounding", default=0.01, digits=(12, 4),
        help="Part prices are rounded to a multiple of this amount.",
    )
    aftersales_zero_profit_standard = fields.Boolean(
        string="Standard Parts at Zero Profit", default=True
    )
    aftersales_zero_profit_wear = fields.Boolean(string="Wear Parts at Zero Profit", default=True)
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
        help="Hotline agent who makes the satisfaction call-backs. Empty: the claim's reviewer.",
    )
    callback_duration = fields.Float(
        string="Call-back Duration (hours)",
        default=0.25,
        digits=(4, 2),
        help="Hotline time of one call-back, priced at the labour rate of the service charge "
        "standard in the routine service cost.",
    )

    aftersales_statement_auto_send = fields.Boolean(
        string="Send Statements Automatically",
        help="The monthly run e-mails the statements it draws to the dealers at once.",
    )
    aftersales_invoice_on_delivery = fields.Boolean(
        string="Invoice Dealers on Delivery",
        default=True,
        help="Dealers settled per order get the invoice of a parts order when it is delivered.",
    )
    aftersales_gift_program_id = fields.Many2one(
        "loyalty.program",
        string="Gift Credit eWallet",
        help="The eWallet program holding the dealers' gift credit; created by the first "
        "statement run.",
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
        return res

    def _get_aftersales_zero_profit_classes(self):
        """The part classes this company sells at zero profit: each of
        ``ZERO_PROFIT_PART_CLASSES`` whose setting ``aftersales_zero_profit_<class>`` is ticked."""
        self.ensure_one()
        return {
            part_class for part_class in ZERO_PROFIT_PART_CLASSES
            if self[f"aftersales_zero_profit_{part_class}"]
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
                    latest=fields.Date.to_string(self._aftersales_fee_day(latest)),
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
