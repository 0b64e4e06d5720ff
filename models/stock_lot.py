from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import escape_psql, format_date

WARRANTY_STATES = [
    ("not_registered", "Not yet registered"),
    ("under_warranty", "Under warranty"),
    ("expired", "Expired"),
]


class StockLot(models.Model):
    """The product archive: one lot per machine made, by serial number."""

    _inherit = "stock.lot"

    # ------------------------------------------------------------------ fields
    is_machine = fields.Boolean(
        compute="_compute_is_machine",
        store=True,
        index=True,
        help="The serial number of a finished product, kept in the product archive.",
    )
    production_date = fields.Date(tracking=True)
    dealer_id = fields.Many2one(
        "res.partner",
        string="Dealer",
        index=True,
        tracking=True,
        domain=[("is_dealer", "=", True)],
        help="The dealer that bought the machine. Filled when a delivery to a dealer is validated.",
    )
    dealer_delivery_date = fields.Date(
        string="Delivered to Dealer",
        tracking=True,
        help="Date the machine was delivered to the dealer.",
    )
    dealer_picking_id = fields.Many2one(
        "stock.picking", string="Dealer Delivery", readonly=True, copy=False
    )
    end_user_id = fields.Many2one(
        "res.partner",
        string="End User",
        index=True,
        tracking=True,
        domain=[("is_end_user", "=", True)],
        help="The end user who owns the machine.",
    )
    end_user_phone = fields.Char(related="end_user_id.phone", string="End User Phone")
    end_user_email = fields.Char(related="end_user_id.email", string="End User E-mail")
    registration_date = fields.Date(
        tracking=True,
        help="Date the end user registered the machine: the warranty starts on this day.",
    )
    warranty_months = fields.Integer(
        related="product_id.product_tmpl_id.warranty_months", string="Warranty (months)"
    )
    warranty_end_date = fields.Date(
        compute="_compute_warranty_end_date",
        store=True,
        index=True,
        help="Last day covered by the warranty: the registration date plus the product's warranty "
        "months, the registration day not counted (PRC Civil Code, articles 201-202); a month "
        "without that day ends on its last day.",
    )
    warranty_state = fields.Selection(
        WARRANTY_STATES,
        compute="_compute_warranty_state",
        store=True,
        index=True,
        tracking=True,
        # the kanban's columns: every state, in the statusbar's (lifecycle) order
        group_expand=True,
        help="Kept current every day by a scheduled action.",
    )
    claim_ids = fields.One2many("aftersales.claim", "lot_id", string="Warranty Claims")
    claim_count = fields.Integer(compute="_compute_claim_count")
    request_count = fields.Integer(compute="_compute_request_count")
    repair_count = fields.Integer(compute="_compute_repair_count")
    # Service campaigns
    campaign_machine_ids = fields.One2many(
        "aftersales.campaign.machine", "lot_id", string="Campaigns"
    )
    open_campaign_count = fields.Integer(
        string="Open Campaigns", compute="_compute_open_campaigns",
        help="Active campaigns in which this machine is not done yet.",
    )
    open_campaign_names = fields.Char(compute="_compute_open_campaigns")

    def _compute_open_campaigns(self):
        # read as superuser: the machine form of a stock user without after-sales rights
        rows = self.sudo()._get_open_campaign_rows().grouped("lot_id") if self.ids else {}
        for lot in self:
            campaigns = rows[lot].campaign_id if lot in rows else self.env["aftersales.campaign"]
            lot.open_campaign_count = len(campaigns)
            lot.open_campaign_names = ", ".join(campaigns.mapped("display_name"))

    def _get_open_campaign_rows(self):
        """The rows of these machines in active campaigns, not done yet (one search)."""
        return self.env["aftersales.campaign.machine"].search([
            ("lot_id", "in", self.ids), ("state", "=", "open"), ("campaign_id.state", "=", "active"),
        ])

    def action_view_campaigns(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "aftersales.aftersales_campaign_machine_action"
        )
        action["domain"] = [("lot_id", "=", self.id)]
        action["context"] = {"create": False, "search_default_open": 1}
        return action

    # end of Service campaigns

    # ---------------------------------------------------------------- computes
    @api.depends("product_id.product_tmpl_id.aftersales_part_class")
    def _compute_is_machine(self):
        for lot in self:
            lot.is_machine = lot.product_id._is_aftersales_machine()

    @api.depends("registration_date", "product_id.product_tmpl_id.warranty_months")
    def _compute_warranty_end_date(self):
        for lot in self:
            lot.warranty_end_date = lot._get_warranty_end_date(lot.registration_date)

    @api.depends("registration_date", "warranty_end_date")
    def _compute_warranty_state(self):
        today = fields.Date.context_today(self)
        for lot in self:
            lot.warranty_state = lot._get_warranty_state(today)

    def _compute_claim_count(self):
        counts = dict(
            self.env["aftersales.claim"]._read_group(
                [("lot_id", "in", self.ids)], ["lot_id"], ["__count"]
            )
        )
        for lot in self:
            lot.claim_count = counts.get(lot, 0)

    def _compute_request_count(self):
        counts = dict(
            self.env["aftersales.request"]._read_group(
                [("lot_id", "in", self.ids)], ["lot_id"], ["__count"]
            )
        )
        for lot in self:
            lot.request_count = counts.get(lot, 0)

    def _compute_repair_count(self):
        counts = dict(
            self.env["repair.order"].sudo()._read_group(
                [("lot_id", "in", self.ids)], ["lot_id"], ["__count"]
            )
        )
        for lot in self:
            lot.repair_count = counts.get(lot, 0)

    # ------------------------------------------------------------- constraints
    @api.constrains("end_user_id", "registration_date", "dealer_delivery_date")
    def _check_registration(self):
        today = fields.Date.context_today(self)
        for lot in self:
            if lot.end_user_id and not lot.end_user_id.is_end_user:
                raise ValidationError(
                    _(
                        "Machine %(machine)s cannot be registered to %(partner)s: this contact is "
                        "not an end user. Open it in After-Sales > Archive > End users (or tick "
                        "'End User' on the contact) first.",
                        machine=lot.display_name,
                        partner=lot.end_user_id.display_name,
                    )
                )
            if bool(lot.end_user_id) != bool(lot.registration_date):
                raise ValidationError(
                    _(
                        "Machine %(machine)s: a registration needs both the end user and the "
                        "registration date.",
                        machine=lot.display_name,
                    )
                )
            if lot.registration_date and lot.registration_date > today:
                raise ValidationError(
                    _(
                        "Machine %(machine)s: the registration date %(date)s lies in the future.",
                        machine=lot.display_name,
                        date=format_date(self.env, lot.registration_date),
                    )
                )
            if (
                lot.registration_date
                and lot.dealer_delivery_date
                and lot.registration_date < lot.dealer_delivery_date
            ):
                raise ValidationError(
                    _(
                        "Machine %(machine)s: the registration date %(registration)s is before the "
                        "machine was delivered to the dealer on %(delivery)s. Enter the date the "
                        "end user actually received it.",
                        machine=lot.display_name,
                        registration=lot.registration_date,
                        delivery=lot.dealer_delivery_date,
                    )
                )

    # --------------------------------------------------------------------- ORM
    @api.model_create_multi
    def create(self, vals_list):
        self._aftersales_set_machine_company(vals_list)
        return super().create(vals_list)

    @api.model
    def _aftersales_set_machine_company(self, vals_list):
        """A machine of the archive belongs to a company, so that the company rule keeps its
        dealer, end user and phone from other companies: the product's company, else the
        company it is created in. Odoo leaves a serial of a product shared between companies
        without one (visible to every company)."""
        products = self.env["product.product"].browse(
            {vals["product_id"] for vals in vals_list if vals.get("product_id")}
        )
        for vals in vals_list:
            if vals.get("company_id") or not vals.get("product_id"):
                continue
            product = products.browse(vals["product_id"])
            if product._is_aftersales_machine():
                vals["company_id"] = (product.company_id or self.env.company).id

    # ----------------------------------------------------------------- actions
    def _action_view_machines(self, domain, context=None):
        action = self.env["ir.actions.act_window"]._for_xml_id("aftersales.stock_lot_action_machines")
        action["domain"] = domain
        action["context"] = dict(context or {}, create=False)
        return action

    def action_open_register(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Register %(machine)s", machine=self.display_name),
            "res_model": "stock.lot.register",
            "view_mode": "form",
            "target": "new",
            "context": {"default_lot_id": self.id},
        }

    def action_view_claims(self):
        self.ensure_one()
        return self.env["aftersales.claim"]._action_view_claims(
            [("lot_id", "=", self.id)],
            {"default_lot_id": self.id, "default_dealer_id": self.dealer_id.id},
        )

    def action_view_requests(self):
        self.ensure_one()
        return self.env["aftersales.request"]._action_view_requests(
            [("lot_id", "=", self.id)],
            {"default_lot_id": self.id, "default_end_user_id": self.end_user_id.id,
             "default_dealer_id": self.dealer_id.id},
        )

    def action_view_repairs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("repair.action_repair_order_tree")
        action["domain"] = [("lot_id", "=", self.id)]
        action["context"] = {"default_product_id": self.product_id.id, "default_lot_id": self.id}
        return action

    # -------------------------------------------------------- business methods
    @api.model
    def _aftersales_find_machine(self, serial, dealer=None, product=None):
        """The machine of the product archive with serial number ``serial`` in the environment's
        companies (or shared by all), and what is wrong with it: ``(machines, problem)``.

        ``problem`` is False when exactly one machine fits; the machine is then returned alone.
        Otherwise it says what to tell the user, with the machines it is about:

        - ``"unknown"``: no machine has this serial number (no machines);
        - ``"other_product"``: only machines of other products than ``product`` have it (those);
        - ``"other_dealer"``: ``dealer`` is neither the selling nor the serving dealer of any of
          them (see ``_aftersales_is_dealer_of``; those machines, whose dealer and end user a
          dealer must not be told);
        - ``"several"``: more than one fits (those).

        Serial numbers are codes read off a rating plate, typed on a phone or spelt on the
        telephone: the spaces around them and their case carry nothing a person can pass on, so
        both are ignored. Odoo allows two serials that differ only in case; where one is typed
        exactly as it is stored, that one is meant. Searched as superuser: dealers cannot read
        other dealers' machines, and the back office must tell an unknown serial from someone
        else's machine. The caller decides which of these it may say, and in which words.
        """
        serial = (serial or "").strip()
        Lot = self.sudo()
        machines = Lot.search(
            [
                ("name", "=ilike", escape_psql(serial)),
                ("is_machine", "=", True),
                ("company_id", "in", [False, *self.env.companies.ids]),
            ]
        ) if serial else Lot
        exact = machines.filtered(lambda lot: lot.name == serial)
        machines = (exact or machines).with_env(self.env)
        if not machines:
            return machines, "unknown"
        if product:
            matching = machines.filtered(lambda lot: lot.product_id == product)
            if not matching:
                return machines, "other_product"
            machines = matching
        if dealer is not None:
            matching = machines.filtered(lambda lot: lot._aftersales_is_dealer_of(dealer))
            if not matching:
                return machines, "other_dealer"
            machines = matching
        if len(machines) > 1:
            return machines, "several"
        return machines, False

    def _aftersales_is_dealer_of(self, dealer):
        """Whether ``dealer`` (or a contact of it) may claim for and serve this machine: it sold
        the machine (the machine was delivered to it) or it serves the machine's end user. Compared
        between commercial partners, so a dealer's contact counts as the dealer."""
        self.ensure_one()
        company = dealer.commercial_partner_id
        lot = self.sudo()
        return bool(company) and company in (
            lot.dealer_id.commercial_partner_id,
            lot.end_user_id.aftersales_dealer_id.commercial_partner_id,
        )

    def _get_warranty_end_date(self, start_date):
        """Last day of warranty for a machine registered on ``start_date``, by the rule of the
        PRC Civil Code for periods (articles 201 and 202): the registration day is not counted,
        and a period of N months ends on the same day N months later, or on that month's last
        day where it has no such day (15 January + 12 months: 15 January next year; 31 January
        + 1 month: 28 or 29 February)."""
        self.ensure_one()
        if not start_date:
            return False
        months = self.product_id.product_tmpl_id.warranty_months
        return start_date + relativedelta(months=months)

    def _get_warranty_state(self, on_date):
        """Warranty state of the machine on ``on_date`` (e.g. a claim's failure date)."""
        self.ensure_one()
        if not self.registration_date:
            return "not_registered"
        if self.warranty_end_date and self.registration_date <= on_date <= self.warranty_end_date:
            return "under_warranty"
        if on_date < self.registration_date:
            return "not_registered"
        return "expired"

    def _get_last_maintenance_due_date(self, today):
        """The last maintenance due date on or before ``today`` (registration + n intervals,
        n >= 1), or False when the first one has not come yet."""
        self.ensure_one()
        template = self.product_id.product_tmpl_id
        months = template.maintenance_interval_months
        if not (template.has_maintenance_reminder and months > 0 and self.registration_date):
            return False
        elapsed = relativedelta(today, self.registration_date)
        periods = (elapsed.years * 12 + elapsed.months) // months
        if not periods:
            return False
        return self.registration_date + relativedelta(months=periods * months)

    @api.model
    def _cron_update_warranty_state(self):
        """Move machines whose warranty ended (or started) since the last run to their new state."""
        today = fields.Date.context_today(self)
        lots = self.search(
            [
                "|",
                "&",
                ("warranty_state", "=", "under_warranty"),
                ("warranty_end_date", "<", today),
                "&",
                ("warranty_state", "=", "expired"),
                ("warranty_end_date", ">=", today),
            ]
        )
        if lots:
            self.env.add_to_compute(self._fields["warranty_state"], lots)
            lots._recompute_recordset(["warranty_state"])
        return lots

    def _register_end_user(self, end_user, registration_date):
        """Register the machines to ``end_user``; the warranty starts on ``registration_date``."""
        vals = {"end_user_id": end_user.id, "registration_date": registration_date}
        self.write(vals)
        if not end_user.aftersales_dealer_id and len(self.dealer_id) == 1:
            end_user.aftersales_dealer_id = self.dealer_id
        return True

    def _register_end_user_details(self, details, registration_date, end_user=None):
        """Register the machine to ``end_user``, or to a new end user made from ``details``
        (name, phone, email, street, city, zip, country_id). Details given for an existing end
        user correct the end-user archive. The one place back office (registration wizard) and
        dealer portal create or update end users when registering a machine."""
        self.ensure_one()
        details = {key: value for key, value in details.items() if value}
        if not end_user:
            if not (details.get("name") or "").strip():
                raise UserError(
                    _("Choose an existing end user or enter the new end user's name.")
                )
            end_user = self.env["res.partner"].create(
                dict(details, is_end_user=True, aftersales_dealer_id=self.dealer_id.id)
            )
        else:
            updates = {
                field: value
                for field, value in details.items()
                if field in ("phone", "email", "street", "city", "zip", "country_id")
                and value != (end_user[field].id if field == "country_id" else end_user[field])
            }
            if updates:
                end_user.write(updates)
        self._register_end_user(end_user, registration_date)
        return end_user

    # ------------------------------------- replacement serials and parts warranty
    aftersales_component_ids = fields.One2many(
        "aftersales.machine.component", "machine_id", string="Components",
        help="The serial-tracked modules this machine carries and carried, current first.",
    )
    aftersales_fitted_ids = fields.One2many(
        "aftersales.machine.component", "lot_id", string="Fitted in",
        help="The machines this part serial is or was fitted in.",
    )
    aftersales_claim_line_removed_ids = fields.One2many(
        "aftersales.claim.line", "removed_lot_id", string="Removed by Claims",
        help="The claim lines that took this part serial off a machine.",
    )
    # ------------------------------------------------- life-cycle cost (issue 23)
    life_start_date = fields.Date(
        string="Life Start",
        compute="_compute_life_start_date",
        store=True,
        index=True,
        help="Start of the machine's life for the life-cycle cost: the dealer delivery date, "
        "else the registration date, else the production date. Year 1 of its life is the 12 "
        "months from this day.",
    )
    lifecycle_cost = fields.Monetary(
        string="Life-Cycle Cost",
        compute="_compute_lifecycle_cost",
        currency_field="lifecycle_currency_id",
        help="Everything the machine's service has cost since its life started: claim parts and "
        "labour, campaign work, field service, factory repairs and call-backs.",
    )
    lifecycle_currency_id = fields.Many2one(
        "res.currency", compute="_compute_lifecycle_cost", string="Life-Cycle Cost Currency"
    )
    lifecycle_cost_html = fields.Html(
        string="Cost per Year of Life", compute="_compute_lifecycle_cost", sanitize=False
    )

    @api.depends("dealer_delivery_date", "registration_date", "production_date")
    def _compute_life_start_date(self):
        for lot in self:
            lot.life_start_date = (
                lot.dealer_delivery_date or lot.registration_date or lot.production_date
            )

    def _get_lifecycle_cost_by_year(self):
        """{machine: {(life year, source): cost}}, one grouped query for the machines. Read as
        superuser: whoever reads the machine reads its figures (the form shows them to
        After-Sales users only), and reading the machine's fields never fails on the report's
        access rights (portal, stock users)."""
        result = {lot: {} for lot in self}
        for lot, year, source, amount in self.env["aftersales.lifecycle.cost.report"].sudo()._read_group(
            [("lot_id", "in", self.ids)], ["lot_id", "life_year", "source"], ["amount:sum"]
        ):
            result[lot.with_env(self.env)][year, source] = amount
        return result

    def _compute_lifecycle_cost(self):
        Report = self.env["aftersales.lifecycle.cost.report"]
        sources = dict(Report._fields["source"]._description_selection(self.env))
        by_lot = self._get_lifecycle_cost_by_year() if self.ids else {}
        for lot in self:
            currency = lot.company_id.currency_id or self.env.company.currency_id
            costs = by_lot.get(lot, {})
            lot.lifecycle_currency_id = currency
            lot.lifecycle_cost = sum(costs.values())
            lot.lifecycle_cost_html = lot._render_lifecycle_cost_table(costs, sources, currency)

    def _render_lifecycle_cost_table(self, costs, sources, currency):
        if not costs:
            return False
        used = [key for key in sources if any(source == key for _year, source in costs)]
        return self.env["ir.qweb"]._render(
            "aftersales.stock_lot_lifecycle_cost_table",
            {
                "years": sorted({year for year, _source in costs}),
                "sources": [(key, sources[key]) for key in used],
                "costs": costs,
                "currency": currency,
            },
        )

    def action_view_lifecycle_cost(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "aftersales.aftersales_lifecycle_cost_report_action"
        )
        action["domain"] = [("lot_id", "=", self.id)]
        action["context"] = {"pivot_row_groupby": ["life_year"], "pivot_column_groupby": ["source"]}
        return action
    # ------------------------------------------- end of life-cycle cost (issue 23)
