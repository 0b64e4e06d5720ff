from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError

from .aftersales_certification import EXPIRING_DAYS

# What a dealer buys at: set by After-Sales managers, while After-Sales users keep the rest of the
# customer archives
DEALER_TERMS_FIELDS = ("dealer_level_id", "property_product_pricelist", "specific_property_product_pricelist")

# settled per order (单单结): each order paid on its own, invoiced with the month's other orders
# once the dealer confirms the month's statement; each claim credited on its own
PER_ORDER_MODE = "per_claim"
CLAIM_SETTLEMENT_MODES = [
    (PER_ORDER_MODE, "Per order"),
    ("monthly", "Monthly statement"),
    ("quarterly", "Quarterly statement"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    is_dealer = fields.Boolean(
        string="Dealer",
        index=True,
        tracking=True,
        help="A channel partner that buys machines and spare parts and serves end users.",
    )
    dealer_code = fields.Char(index=True, tracking=True, copy=False)
    dealer_level_id = fields.Many2one(
        "aftersales.dealer.level",
        string="Dealer Level",
        index=True,
        tracking=True,
        ondelete="restrict",
    )
    is_end_user = fields.Boolean(
        string="End User",
        index=True,
        tracking=True,
        help="Owner of a machine, called back for satisfaction surveys.",
    )
    aftersales_dealer_id = fields.Many2one(
        "res.partner",
        string="Serving Dealer",
        index=True,
        tracking=True,
        domain=[("is_dealer", "=", True)],
        help="The dealer that serves this end user.",
    )
    can_edit_dealer_terms = fields.Boolean(
        string="Can Set Dealer Level and Price List",
        compute="_compute_can_edit_dealer_terms",
        help="Whether the user may set a dealer's level and price list (After-Sales managers).",
    )
    dealer_machine_ids = fields.One2many("stock.lot", "dealer_id", string="Machines Sold")
    owned_machine_ids = fields.One2many("stock.lot", "end_user_id", string="Machines Owned")
    dealer_machine_count = fields.Integer(compute="_compute_aftersales_counts")
    owned_machine_count = fields.Integer(compute="_compute_aftersales_counts")
    served_end_user_count = fields.Integer(compute="_compute_aftersales_counts")

    claim_settlement_mode = fields.Selection(
        CLAIM_SETTLEMENT_MODES,
        string="Settlement",
        default=PER_ORDER_MODE,
        required=True,
        tracking=True,
        help="Per order: each order's payment is matched to the order as it comes and every "
        "approved warranty claim is credited at once; the dealer confirms the month's "
        "statement, then the month's delivered orders become one invoice, reconciled with "
        "those payments and credit notes. Monthly or quarterly statement: the period's "
        "delivered parts become one invoice and its approved claims one credit note, created "
        "by the statement run.",
    )
    claim_ids = fields.One2many("aftersales.claim", "dealer_id", string="Warranty Claims")
    claim_count = fields.Integer(compute="_compute_claim_count")

    aftersales_statement_ids = fields.One2many(
        "aftersales.statement", "dealer_id", string="Statements"
    )
    aftersales_statement_count = fields.Integer(compute="_compute_aftersales_statement_count")
    aftersales_gift_balance = fields.Monetary(
        string="Gift Credit", compute="_compute_aftersales_gift_balance",
        currency_field="aftersales_gift_currency_id",
    )
    aftersales_gift_currency_id = fields.Many2one(
        "res.currency", compute="_compute_aftersales_gift_balance"
    )

    def _compute_aftersales_counts(self):
        Lot = self.env["stock.lot"]
        ids = self.ids
        sold = dict(Lot._read_group([("dealer_id", "in", ids)], ["dealer_id"], ["__count"]))
        owned = dict(Lot._read_group([("end_user_id", "in", ids)], ["end_user_id"], ["__count"]))
        served = dict(
            self._read_group(
                [("aftersales_dealer_id", "in", ids), ("is_end_user", "=", True)],
                ["aftersales_dealer_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.dealer_machine_count = sold.get(partner, 0)
            partner.owned_machine_count = owned.get(partner, 0)
            partner.served_end_user_count = served.get(partner, 0)

    def _compute_claim_count(self):
        counts = dict(
            self.env["aftersales.claim"]._read_group(
                [("dealer_id", "in", self.ids)], ["dealer_id"], ["__count"]
            )
        )
        for partner in self:
            partner.claim_count = counts.get(partner, 0)

    def _compute_aftersales_statement_count(self):
        counts = dict(
            self.env["aftersales.statement"]._read_group(
                [("dealer_id", "in", self.ids)], ["dealer_id"], ["__count"]
            )
        )
        for partner in self:
            partner.aftersales_statement_count = counts.get(partner, 0)

    @api.depends_context("company")
    def _compute_aftersales_gift_balance(self):
        # a figure of the dealer's form: read for any user who reads the dealer (the loyalty
        # program itself is the sales team's)
        program = self.env.company.sudo().aftersales_gift_program_id
        points = {}
        if program and self.ids:
            points = dict(
                self.env["loyalty.card"].sudo()._read_group(
                    [("program_id", "=", program.id), ("partner_id", "in", self.ids)],
                    ["partner_id"], ["points:sum"],
                )
            )
        for partner in self:
            partner.aftersales_gift_balance = points.get(partner, 0.0)
            partner.aftersales_gift_currency_id = program.currency_id or self.env.company.currency_id

    @api.depends_context("uid")
    def _compute_can_edit_dealer_terms(self):
        self.can_edit_dealer_terms = self._aftersales_user_sets_dealer_terms()

    @api.constrains("is_dealer", "is_end_user", "phone", "mobile", "email", "aftersales_dealer_id")
    def _check_aftersales_roles(self):
        for partner in self:
            if partner.is_dealer and partner.is_end_user:
                raise ValidationError(
                    _(
                        "%(partner)s cannot be both a dealer and an end user. Keep the end user "
                        "and create the dealer as its own company (or the other way round).",
                        partner=partner.display_name,
                    )
                )
            if partner.is_end_user and not (partner.phone or partner.mobile or partner.email):
                raise ValidationError(
                    _(
                        "End user %(partner)s needs a phone number or an e-mail address: end users "
                        "are called back for satisfaction surveys.",
                        partner=partner.display_name,
                    )
                )
            dealer = partner.aftersales_dealer_id
            if dealer and not dealer.is_dealer:
                raise ValidationError(
                    _(
                        "%(partner)s: the serving dealer %(dealer)s is not a dealer. Mark it as a "
                        "dealer first or choose another one.",
                        partner=partner.display_name,
                        dealer=dealer.display_name,
                    )
                )

    @api.constrains("dealer_code", "company_id")
    def _check_dealer_code_unique(self):
        coded = self.filtered("dealer_code")
        if not coded:
            return
        groups = self._read_group(
            [("dealer_code", "in", coded.mapped("dealer_code"))],
            ["dealer_code", "company_id"],
            ["id:recordset"],
        )
        for code, company, partners in groups:
            if len(partners) > 1:
                raise ValidationError(
                    _(
                        "Dealer code %(code)s is already used by %(partners)s. Each dealer needs "
                        "its own code.",
                        code=code,
                        partners=", ".join(partners.mapped("display_name")),
                    )
                )

    @api.onchange("is_dealer")
    def _onchange_is_dealer(self):
        if self.is_dealer:
            self.is_end_user = False
            self.is_company = True

    @api.onchange("is_end_user")
    def _onchange_is_end_user(self):
        if self.is_end_user:
            self.is_dealer = False

    @api.model_create_multi
    def create(self, vals_list):
        if not self._aftersales_user_sets_dealer_terms():
            for vals in vals_list:
                if vals.get("is_dealer") and vals.get("dealer_level_id"):
                    self._aftersales_raise_dealer_terms(vals.get("name") or _("New"))
        partners = super().create(vals_list)
        partners.filtered("is_dealer")._aftersales_sync_pricelist()
        return partners

    def write(self, vals):
        self._check_aftersales_dealer_terms(vals)
        res = super().write(vals)
        if "is_dealer" in vals or "dealer_level_id" in vals:
            self.filtered("is_dealer")._aftersales_sync_pricelist()
        return res

    def action_view_dealer_machines(self):
        return self.env["stock.lot"]._action_view_machines(
            [("dealer_id", "in", self.ids)], {"default_dealer_id": self[:1].id}
        )

    def action_view_owned_machines(self):
        return self.env["stock.lot"]._action_view_machines(
            [("end_user_id", "in", self.ids)], {"default_end_user_id": self[:1].id}
        )

    def action_view_served_end_users(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "aftersales.res_partner_action_end_users"
        )
        action["domain"] = [("is_end_user", "=", True), ("aftersales_dealer_id", "=", self.id)]
        action["context"] = {"default_is_end_user": True, "default_aftersales_dealer_id": self.id}
        return action

    def action_view_claims(self):
        self.ensure_one()
        return self.env["aftersales.claim"]._action_view_claims(
            [("dealer_id", "=", self.id)], {"default_dealer_id": self.id}
        )

    def action_view_aftersales_statements(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "aftersales.aftersales_statement_action"
        )
        action["domain"] = [("dealer_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    @api.model
    def _aftersales_user_sets_dealer_terms(self):
        return self.env.su or self.env.user.has_group("aftersales.group_aftersales_manager")

    def _check_aftersales_dealer_terms(self, vals):
        """After-Sales users maintain dealers and end users, but a dealer's level and price list
        (what it buys at) are set by After-Sales managers: refuse a change of them on a dealer
        by anyone else. Odoo's own copies of the list to a dealer's contacts change no dealer."""
        changed = set(vals) & set(DEALER_TERMS_FIELDS)
        if not changed or self._aftersales_user_sets_dealer_terms():
            return
        for partner in self:
            if not (partner.is_dealer or vals.get("is_dealer")):
                continue
            for fname in changed:
                new = vals[fname]
                new = new.id if isinstance(new, models.BaseModel) else (new or False)
                if partner[fname].id != new:
                    self._aftersales_raise_dealer_terms(partner.display_name)

    @api.model
    def _aftersales_raise_dealer_terms(self, dealer_name):
        raise AccessError(_(
            "Dealer %(dealer)s: only After-Sales managers set a dealer's level and price list. "
            "Save your other changes without changing the level or the price list, and ask a "
            "manager to set them.",
            dealer=dealer_name,
        ))

    def _get_aftersales_serving_dealers(self):
        """The dealers that serve this customer (its commercial partner), as far as the archives
        know them: the serving dealer of the end-user archive, else the dealers that sold the
        machines it owns (product archive). Read as superuser: the channel rule names them to
        whoever quotes. Empty for a dealer itself and for a customer no archive knows."""
        self.ensure_one()
        customer = self.commercial_partner_id.sudo()
        if customer.is_dealer:
            return customer.browse()
        dealers = customer.aftersales_dealer_id.commercial_partner_id
        if not dealers:
            machines = self.env["stock.lot"].sudo().search([("end_user_id", "=", customer.id)])
            dealers = machines.dealer_id.commercial_partner_id
        return dealers

    def _get_aftersales_pricelist(self, company=None):
        """The price list this dealer buys at in ``company`` (by default the environment's): the
        one answer for every document priced at the dealer's terms (claims, the portal's prices
        and parts quotes, the service desk's invoices), each asking in its own company.

        It is the dealer's (commercial partner's) price list as Odoo resolves it in that company:
        the list set on the dealer there, pinned by ``_aftersales_sync_pricelist`` or by an
        After-Sales manager, else Odoo's fallback. Read for the dealer alone: in a page's
        prefetch set Odoo would also resolve the list of every other partner, each without one
        of its own costing a fallback search. Empty for no partner, and when there is no active
        list at all."""
        if not self:
            return self.env["product.pricelist"]
        self.ensure_one()
        company = company or self.env.company
        dealer = self.commercial_partner_id.with_company(company).with_prefetch()
        # the list set on the dealer alone: Odoo would read every company-dependent column
        dealer.fetch(["specific_property_product_pricelist"])
        return dealer.property_product_pricelist

    def _aftersales_sync_pricelist(self):
        """Pin on each dealer the list it buys at, in its company (or the environment's, for a
        dealer shared between companies): the dealer settlement price list, or its level's list
        in the 'market guide list + level discount' mode. Read back with
        ``_get_aftersales_pricelist``."""
        for dealer in self.sudo():
            company = dealer.company_id or self.env.company
            pricelist = company.aftersales_dealer_pricelist_id
            if company.aftersales_pricelist_mode == "market_level" and dealer.dealer_level_id.pricelist_id:
                pricelist = dealer.dealer_level_id.pricelist_id
            # Pinned on the dealer itself: Odoo's own inverse stores nothing when the list is the
            # company's fallback list, which would leave the dealer's list to whatever list comes
            # first later, and makes every read search for that fallback.
            dealer = dealer.with_company(company)
            if pricelist and dealer.specific_property_product_pricelist != pricelist:
                dealer.specific_property_product_pricelist = pricelist
                dealer._aftersales_sync_pricelist_to_contacts()

    def _aftersales_sync_pricelist_to_contacts(self):
        """Give the dealer's contacts the list stored on the dealer, in the environment's company:
        Odoo copies a partner's price list to its contacts through the computed field, whose
        inverse stores nothing when the list is the company's fallback list."""
        for dealer in self.sudo():
            dealer._commercial_sync_to_children(["specific_property_product_pricelist"])

    # ----------------------------------------------------- dealer training
    # Dealer training and certification: the dealer's training status, from its technicians'
    # certifications (aftersales.certification) and the product lines it sells.
    aftersales_certification_ids = fields.One2many(
        "aftersales.certification", "dealer_id", string="Certifications"
    )
    aftersales_certification_count = fields.Integer(
        compute="_compute_aftersales_training", string="Certification Count"
    )
    aftersales_training_product_ids = fields.Many2many(
        "product.product", compute="_compute_aftersales_training", string="Product Lines Sold",
        help="The product lines of the dealer's machines that have a published certification course.",
    )
    aftersales_certified_product_ids = fields.Many2many(
        "product.product", compute="_compute_aftersales_training", string="Certified Product Lines",
        help="The product lines for which at least one of the dealer's technicians holds a valid "
        "certification.",
    )
    aftersales_uncertified_product_ids = fields.Many2many(
        "product.product", compute="_compute_aftersales_training", string="Uncertified Product Lines",
        help="Product lines the dealer sells for which none of its technicians is certified: "
        "its claims for them are flagged.",
    )
    aftersales_certified_technician_count = fields.Integer(
        compute="_compute_aftersales_training", string="Certified Technicians"
    )
    aftersales_expiring_certification_count = fields.Integer(
        compute="_compute_aftersales_training", string="Expiring Soon",
        help="Valid certifications that end within the next 60 days.",
    )

    def _compute_aftersales_training(self):
        """Batched: four grouped reads and a search for all the partners, none per partner."""
        Certification = self.env["aftersales.certification"].sudo()
        Product = self.env["product.product"]
        dealers = self.filtered(lambda partner: partner.is_dealer and partner.id)  # saved dealers
        if not dealers:
            self.aftersales_certification_count = 0
            self.aftersales_training_product_ids = False
            self.aftersales_certified_product_ids = False
            self.aftersales_uncertified_product_ids = False
            self.aftersales_certified_technician_count = 0
            self.aftersales_expiring_certification_count = 0
            return
        today = fields.Date.context_today(self)
        counts = dict(Certification._read_group(
            [("dealer_id", "in", dealers.ids)], ["dealer_id"], ["__count"]
        ))
        certified, technicians, expiring = {}, {}, {}
        soon = today + relativedelta(days=EXPIRING_DAYS)
        for dealer, product, technician in Certification._read_group(
            Certification._valid_domain(today) + [("dealer_id", "in", dealers.ids)],
            ["dealer_id", "product_id", "technician_id"],
        ):
            if product:
                certified.setdefault(dealer.id, set()).add(product.id)
            technicians.setdefault(dealer.id, set()).add(technician.id)
        for dealer, count in Certification._read_group(
            Certification._valid_domain(today) + [
                ("dealer_id", "in", dealers.ids), ("valid_until", "!=", False), ("valid_until", "<=", soon)
            ], ["dealer_id"], ["__count"],
        ):
            expiring[dealer.id] = count
        # the product lines each dealer sells: the products of its machines with a course
        sold = {}
        lots = self.env["stock.lot"].sudo()._read_group(
            [("dealer_id.commercial_partner_id", "in", dealers.ids), ("is_machine", "=", True)],
            ["dealer_id", "product_id"],
        )
        course_products = self.env["aftersales.training.course"].sudo().search([
            ("is_published", "=", True), ("kind", "=", "product"),
            ("product_id", "in", list({product.id for __, product in lots})),
        ]).product_id
        for dealer, product in lots:
            if product in course_products:
                sold.setdefault(dealer.commercial_partner_id.id, set()).add(product.id)
        for partner in self:
            lines = sold.get(partner.id, set())
            done = certified.get(partner.id, set())
            partner.aftersales_certification_count = counts.get(partner, 0)
            partner.aftersales_training_product_ids = Product.browse(sorted(lines | done))
            partner.aftersales_certified_product_ids = Product.browse(sorted(done))
            partner.aftersales_uncertified_product_ids = Product.browse(sorted(lines - done))
            partner.aftersales_certified_technician_count = len(technicians.get(partner.id, ()))
            partner.aftersales_expiring_certification_count = expiring.get(partner.id, 0)

    def action_view_aftersales_certifications(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("aftersales.aftersales_certification_action")
        action["domain"] = [("dealer_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"search_default_filter_valid": 1}
        return action
    # ------------------------------------------------------ dealer service audits
    # The dealer's overview: its last audit score and trend beside its claims cost and its end
    # users' satisfaction over the last twelve months; a dealer level review reads them (no
    # level changes by itself).
    aftersales_audit_ids = fields.One2many("aftersales.audit", "dealer_id", string="Service Audits")
    aftersales_audit_count = fields.Integer(string="Audits", compute="_compute_aftersales_audit_score")
    aftersales_audit_score = fields.Float(
        string="Last Audit Score (%)",
        compute="_compute_aftersales_audit_score",
        digits=(5, 1),
        help="The score of the dealer's last done service audit.",
    )
    aftersales_audit_trend = fields.Float(
        string="Audit Score Trend",
        compute="_compute_aftersales_audit_score",
        digits=(5, 1),
        help="The last done audit's score less the one before it, in points of %.",
    )
    aftersales_audit_date = fields.Date(
        string="Last Audit", compute="_compute_aftersales_audit_score"
    )
    aftersales_claim_cost_12m = fields.Monetary(
        string="Claims Cost (12 months)",
        compute="_compute_aftersales_dealer_overview",
        currency_field="aftersales_gift_currency_id",
        help="The amounts approved on the dealer's warranty claims dated in the last twelve months.",
    )
    aftersales_satisfaction_12m = fields.Float(
        string="Satisfaction (12 months)",
        compute="_compute_aftersales_dealer_overview",
        digits=(3, 2),
        help="The average satisfaction of the dealer's end users called back in the last twelve "
        "months.",
    )

    def _compute_aftersales_audit_score(self):
        counts = dict(
            self.env["aftersales.audit"]._read_group(
                [("dealer_id", "in", self.ids)], ["dealer_id"], ["__count"]
            )
        )
        last_two = {}
        for audit in self.env["aftersales.audit"].search_fetch(
            [("dealer_id", "in", self.ids), ("state", "=", "done")],
            ["dealer_id", "score", "date"], order="dealer_id, date desc, id desc",
        ):
            scores = last_two.setdefault(audit.dealer_id.id, [])
            if len(scores) < 2:
                scores.append(audit)
        for partner in self:
            audits = last_two.get(partner.id, [])
            partner.aftersales_audit_count = counts.get(partner, 0)
            partner.aftersales_audit_score = audits[0].score if audits else 0.0
            partner.aftersales_audit_date = audits[0].date if audits else False
            partner.aftersales_audit_trend = audits[0].score - audits[1].score if len(audits) == 2 else 0.0

    def _compute_aftersales_dealer_overview(self):
        # figures of the dealer's form, read for any user who reads the dealer
        since = fields.Date.context_today(self) - relativedelta(months=12)
        costs = dict(
            self.env["aftersales.claim"].sudo()._read_group(
                [("dealer_id", "in", self.ids), ("date", ">=", since),
                 ("state", "in", ("approved", "partially_approved", "settled", "closed"))],
                ["dealer_id"], ["amount_approved:sum"],
            )
        )
        satisfaction = dict(
            self.env["aftersales.callback"].sudo()._read_group(
                [("dealer_id", "in", self.ids), ("state", "=", "done"),
                 ("call_date", ">=", fields.Datetime.to_datetime(since))],
                ["dealer_id"], ["satisfaction:avg"],
            )
        )
        for partner in self:
            partner.aftersales_claim_cost_12m = costs.get(partner, 0.0)
            partner.aftersales_satisfaction_12m = satisfaction.get(partner) or 0.0

    def action_view_aftersales_audits(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("aftersales.aftersales_audit_action")
        action["domain"] = [("dealer_id", "=", self.id)]
        action["context"] = {"default_dealer_id": self.id}
        return action
    # ------------------------------------------------- end of dealer service audits
