from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tools import SQL, float_round

from .aftersales_claim import ONCE_APPROVED_STATES
from .product_template import RETURN_REQUIRED_PART_CLASSES, SALEABLE_PART_CLASSES

LINE_TYPES = [
    ("part", "Part"),
    ("labour", "Labour"),
    ("travel", "Travel"),
    ("other", "Other fee"),
]

# Fee types of the service charge standard (product.template.aftersales_fee_type) per line type.
LINE_FEE_TYPES = {
    "labour": ("labour",),
    "travel": ("travel",),
    "other": ("inspection", "other"),
}

# The products a part line may claim: spare parts that are not core IP, from the machine's
# service BOM or flagged serviceable (``_get_unclaimable_parts`` is the same rule, checked).
PART_PRODUCT_DOMAIN = (
    "[('aftersales_fee_type', '=', False), ('type', '!=', 'service'), "
    f"('aftersales_part_class', 'in', {list(SALEABLE_PART_CLASSES)!r}), "
    "'|', ('is_serviceable_part', '=', True), ('id', 'in', service_bom_part_ids)]"
)

# Which warranty covers a claim line (replacement serials and parts warranty).
WARRANTY_COVERS = [
    ("machine", "Machine warranty"),
    ("part", "Parts warranty"),
    ("none", "No warranty"),
]

# What a reviewer may still change on the lines of a submitted claim.
REVIEW_FIELDS = {"is_part_confirmed", "return_required", "sequence"}
# What only the review itself writes (as superuser), never a user directly.
SYSTEM_FIELDS = {"amount_approved", "return_deadline", "is_repeat_part"}


class AftersalesClaimLine(models.Model):
    _name = "aftersales.claim.line"
    _description = "Warranty Claim Line"
    _order = "claim_id, sequence, id"
    _check_company_auto = True

    claim_id = fields.Many2one(
        "aftersales.claim", string="Claim", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="claim_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="claim_id.currency_id")
    line_type = fields.Selection(LINE_TYPES, string="Type", required=True, default="part")
    product_id = fields.Many2one(
        "product.product",
        string="Product",
        required=True,
        index=True,
        check_company=True,
        domain=f"{PART_PRODUCT_DOMAIN} if line_type == 'part' else "
        "[('aftersales_fee_type', 'in', ['labour'] if line_type == 'labour' else "
        "(['travel'] if line_type == 'travel' else ['inspection', 'other']))]",
    )
    service_bom_part_ids = fields.Many2many(
        related="claim_id.service_bom_part_ids", string="Service BOM Parts"
    )
    name = fields.Char(
        string="Description", compute="_compute_name", store=True, readonly=False, precompute=True
    )
    quantity = fields.Float(
        string="Quantity",
        default=1.0,
        digits="Product Unit of Measure",
        help="Parts replaced, hours of labour, kilometres travelled...",
    )
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    price_unit = fields.Float(
        string="Unit Price",
        digits="Product Price",
        compute="_compute_price_unit",
        store=True,
        precompute=True,
        help="Parts: the dealer settlement price at the claim date. Labour, travel and fees: the "
        "rate of the service charge standard's version valid on the claim date.",
    )
    amount_claimed = fields.Monetary(
        string="Claimed", compute="_compute_amount_claimed", store=True, precompute=True
    )
    amount_approved = fields.Monetary(string="Approved", readonly=True, copy=False)
    is_core_ip = fields.Boolean(
        string="Core IP Part",
        compute="_compute_is_core_ip",
        store=True,
        help="A core IP part on a line filed before core IP parts were refused on claims: it "
        "carries no price and is never credited.",
    )
    is_in_service_bom = fields.Boolean(
        string="In Service BOM",
        compute="_compute_is_in_service_bom",
        store=True,
        help="The part belongs to the service BOM of the claimed machine.",
    )
    is_part_confirmed = fields.Boolean(
        string="Part Confirmed",
        copy=False,
        help="A reviewer checked that this part, outside the service BOM, really belongs to "
        "the repair.",
    )
    is_repeat_part = fields.Boolean(
        string="Repeat Part",
        readonly=True,
        copy=False,
        help="The same part was claimed on the same machine within the company's repeat part "
        "window: check it before approving.",
    )
    return_required = fields.Boolean(
        string="Return Required",
        compute="_compute_return_required",
        store=True,
        readonly=False,
        precompute=True,
        help="The dealer must send the replaced part back to the Claimed Parts location. "
        "Set by default for modules.",
    )
    return_deadline = fields.Date(readonly=True, copy=False)

    # Claim facts stored on the line for the analysis by part.
    claim_state = fields.Selection(related="claim_id.state", string="Claim State", store=True)
    dealer_id = fields.Many2one(related="claim_id.dealer_id", store=True, index=True)
    lot_id = fields.Many2one(related="claim_id.lot_id", string="Machine", store=True, index=True)
    machine_product_id = fields.Many2one(
        related="claim_id.product_id", string="Machine Product", store=True, index=True
    )
    claim_date = fields.Date(related="claim_id.date", store=True)
    failure_date = fields.Date(related="claim_id.failure_date", store=True)
    cause_category = fields.Selection(related="claim_id.cause_category", store=True)

    # ---------------------------------------------------------------- computes
    @api.depends("product_id")
    def _compute_name(self):
        for line in self:
            line.name = line.product_id.display_name

    @api.depends(
        "line_type", "product_id.aftersales_part_class", "quantity", "claim_id.date",
        "claim_id.dealer_id", "claim_id.company_id",
    )
    def _compute_price_unit(self):
        parts = self.filtered(
            lambda line: line.product_id
            and line.line_type == "part"
            and line.product_id.aftersales_part_class != "core_ip"
        )
        part_prices = parts._get_part_unit_prices()
        fee_prices = self.filtered(
            lambda line: line.product_id and line.line_type != "part"
        )._get_fee_unit_prices()
        for line in self:
            if not line.product_id:
                line.price_unit = 0.0
            elif line.line_type == "part":
                line.price_unit = part_prices.get(line, 0.0)  # an old core IP line: no price
            else:
                line.price_unit = fee_prices[line]

    @api.depends("quantity", "price_unit")
    def _compute_amount_claimed(self):
        for line in self:
            line.amount_claimed = line.currency_id.round(line.quantity * line.price_unit)

    @api.depends("product_id.aftersales_part_class")
    def _compute_is_core_ip(self):
        for line in self:
            line.is_core_ip = line.product_id.aftersales_part_class == "core_ip"

    @api.depends("line_type", "product_id", "claim_id.product_id.service_bom_ids.line_ids.product_id")
    def _compute_is_in_service_bom(self):
        for line in self:
            machine = line.claim_id.product_id.product_tmpl_id
            line.is_in_service_bom = (
                line.line_type == "part"
                and line.product_id in machine._get_service_bom_parts()
            )

    @api.depends("line_type", "product_id")
    def _compute_return_required(self):
        for line in self:
            line.return_required = line.line_type == "part" and (
                line.product_id.aftersales_part_class in RETURN_REQUIRED_PART_CLASSES
            )

    # ------------------------------------------------------------- constraints
    @api.constrains("quantity", "price_unit", "amount_approved", "is_core_ip")
    def _check_amounts(self):
        for line in self:
            claim = line.claim_id.display_name
            currency = line.currency_id
            if line.quantity <= 0:
                raise ValidationError(
                    _(
                        "Claim %(claim)s, line %(line)s: the quantity (or hours, or km) must be "
                        "positive, not %(quantity)s.",
                        claim=claim,
                        line=line.name,
                        quantity=line.quantity,
                    )
                )
            if line.price_unit < 0:
                raise ValidationError(
                    _("Claim %(claim)s, line %(line)s: the unit price cannot be negative.",
                      claim=claim, line=line.name)
                )
            if currency.compare_amounts(line.amount_approved, 0) < 0:
                raise ValidationError(
                    _("Claim %(claim)s, line %(line)s: the approved amount cannot be negative.",
                      claim=claim, line=line.name)
                )
            if currency.compare_amounts(line.amount_approved, line.amount_claimed) > 0:
                raise ValidationError(
                    _(
                        "Claim %(claim)s, line %(line)s: the approved amount %(approved)s is more "
                        "than the claimed %(claimed)s. Approve at most what the dealer claims.",
                        claim=claim,
                        line=line.name,
                        approved=line.amount_approved,
                        claimed=line.amount_claimed,
                    )
                )
            if line.is_core_ip and (line.price_unit or line.amount_approved):
                raise ValidationError(
                    _(
                        "Claim %(claim)s, line %(line)s: %(part)s is a core IP part. It may be "
                        "claimed, but carries no price and is never credited to the dealer.",
                        claim=claim,
                        line=line.name,
                        part=line.product_id.display_name,
                    )
                )

    @api.constrains("line_type", "product_id")
    def _check_product_type(self):
        for line in self:
            product = line.product_id
            if product.aftersales_part_class == "core_ip":
                raise ValidationError(
                    _(
                        "Claim %(claim)s: %(part)s is a core IP part. Core IP parts are never "
                        "priced nor circulated, so no dealer holds one to claim: claim the module "
                        "that holds it instead, which is returned whole.",
                        claim=line.claim_id.display_name,
                        part=product.display_name,
                    )
                )
            if line.line_type == "part":
                wrong = product.aftersales_fee_type or product.type == "service" or (
                    product.aftersales_part_class == "finished"
                )
                if not wrong and line._get_unclaimable_parts():
                    raise ValidationError(
                        _(
                            "Claim %(claim)s: %(product)s is not a spare part of the service "
                            "BOM of %(machine)s nor a serviceable spare part, so it cannot be "
                            "claimed as a part. Choose the spare part that was replaced; a real "
                            "spare part missing from the list needs its Part Class and the "
                            "'Serviceable Part' flag on the product first.",
                            claim=line.claim_id.display_name,
                            product=product.display_name,
                            machine=line.claim_id.product_id.display_name or _("the machine"),
                        )
                    )
            else:
                wrong = product.aftersales_fee_type not in LINE_FEE_TYPES[line.line_type]
            if wrong:
                raise ValidationError(
                    _(
                        "Claim %(claim)s: %(product)s cannot be claimed as %(type)s. Parts are "
                        "spare parts and modules; labour, travel and other fees are the services "
                        "of the service charge standard (After-Sales > Parts > Service Charge "
                        "Standard).",
                        claim=line.claim_id.display_name,
                        product=product.display_name,
                        type=dict(LINE_TYPES)[line.line_type],
                    )
                )

    # -------------------------------------------------------------------- CRUD
    @api.model_create_multi
    def create(self, vals_list):
        self.check_access("create")
        claims = self.env["aftersales.claim"].browse(
            {vals.get("claim_id") for vals in vals_list if vals.get("claim_id")}
        )
        claims._check_lines_editable()
        return super().create(vals_list)

    def write(self, vals):
        self.check_access("write")  # say nothing about claims the user may not change
        fnames = set(vals)
        if fnames & SYSTEM_FIELDS and not self.env.su:
            raise UserError(
                _(
                    "Approved amounts, return deadlines and repeat-part flags are set by the "
                    "review of the claim (Approve, Partially Approve, Reject), not by hand."
                )
            )
        if fnames - REVIEW_FIELDS - SYSTEM_FIELDS:
            self.claim_id._check_lines_editable()
        elif fnames & REVIEW_FIELDS:
            self.claim_id._check_lines_editable(review=True)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_filed(self):
        self.claim_id._check_lines_editable()

    # -------------------------------------------------------- business methods
    def _get_unclaimable_parts(self):
        """The part lines whose product no part line may claim (``PART_PRODUCT_DOMAIN``): not a
        spare part that may be priced (no part class, a finished product, a core IP part), or
        neither in the machine's service BOM nor flagged serviceable (a desk, a tool)."""
        return self.filtered(
            lambda line: line.line_type == "part"
            and (
                line.product_id.aftersales_part_class not in SALEABLE_PART_CLASSES
                or not (line.product_id.is_serviceable_part or line.is_in_service_bom)
            )
        )

    def _get_part_unit_price(self):
        """Unit price of a replaced part: the dealer settlement price list at the claim date,
        or the product's sales price when the dealer has no price list."""
        self.ensure_one()
        return self._get_part_unit_prices()[self]

    def _get_part_unit_prices(self):
        """{line: unit price} of these part lines: the dealer's price list in the claim's company
        (``res.partner._get_aftersales_pricelist``) at the claim date, or the product's sales
        price when the dealer has no price list. The one place the pricing rules of dealer
        settlement plug into claims.

        The lines sharing a price list, a date and a quantity are priced together (one search
        of the price list's rules for all their parts), as the price list prices a sales order.
        """
        today = fields.Date.context_today(self)
        prices = {}
        groups = defaultdict(list)
        pricelists = {}  # {(dealer, company): the dealer's list in the claim's company}
        for line in self:
            claim = line.claim_id
            company = claim.company_id or self.env.company
            key = (claim.dealer_id, company)
            if key not in pricelists:
                pricelists[key] = claim.dealer_id._get_aftersales_pricelist(company)
            pricelist = pricelists[key]
            if not pricelist:
                prices[line] = line.product_id.lst_price
                continue
            date = claim.date or today
            groups[pricelist, date, line.quantity or 1.0, company].append(line)
        for (pricelist, date, quantity, company), lines in groups.items():
            lines = self.browse().concat(*lines)
            rule_prices = pricelist._compute_price_rule(lines.product_id, quantity, date=date)
            for line in lines:
                price = rule_prices[line.product_id.id][0]
                prices[line] = pricelist.currency_id._convert(
                    price, company.currency_id, company, date
                )
        return prices

    def _get_fee_unit_prices(self):
        """{line: rate} of these labour, travel and other fee lines: the version of the claim
        company's service charge standard valid on the claim date
        (``res.company._get_aftersales_fee_prices``), one reading per company and date."""
        today = fields.Date.context_today(self)
        groups = defaultdict(list)
        for line in self:
            claim = line.claim_id
            groups[claim.company_id or self.env.company, claim.date or today].append(line)
        prices = {}
        for (company, day), lines in groups.items():
            lines = self.browse().concat(*lines)
            rates = company._get_aftersales_fee_prices(lines.product_id, day)
            prices.update({line: rates[line.product_id] for line in lines})
        return prices

    def _flag_repeat_parts(self):
        """Flag the part lines whose part was already claimed on the same machine within the
        company's repeat part window (one search for all lines)."""
        parts = self.filtered(
            lambda l: l.line_type == "part" and l.claim_id.lot_id and l.claim_id.failure_date
        )
        if not parts:
            return
        earlier = self.search(
            [
                ("line_type", "=", "part"),
                ("lot_id", "in", parts.claim_id.lot_id.ids),
                ("product_id", "in", parts.product_id.ids),
                ("claim_id", "not in", parts.claim_id.ids),
                ("claim_state", "not in", ("draft", "cancelled")),
            ]
        )
        dates = earlier.grouped(lambda l: (l.lot_id, l.product_id))
        flagged = self.browse()
        for line in parts:
            claim = line.claim_id
            window = timedelta(days=claim.company_id.claim_repeat_part_days)
            others = dates.get((claim.lot_id, line.product_id), earlier.browse())
            if any(abs(other.failure_date - claim.failure_date) <= window for other in others):
                flagged |= line
        flagged.sudo().is_repeat_part = True
        (parts - flagged).filtered("is_repeat_part").sudo().is_repeat_part = False

    def _prepare_refund_line_command(self):
        """Credit note line for the approved amount of this line."""
        self.ensure_one()
        quantity, price_unit = self.quantity, self.amount_approved / self.quantity
        digits = self.env["decimal.precision"].precision_get("Product Price")
        if self.currency_id.compare_amounts(
            float_round(price_unit, precision_digits=digits) * quantity, self.amount_approved
        ):
            # an approved amount that no unit price gives exactly: credit it as one lump sum
            quantity, price_unit = 1.0, self.amount_approved
        vals = {
            "product_id": self.product_id.id,
            "name": _("%(claim)s: %(line)s", claim=self.claim_id.name, line=self.name),
            "quantity": quantity,
            "product_uom_id": self.product_uom_id.id,
            "price_unit": price_unit,
            # The amount the line credits, in the company currency of the credit note. Odoo
            # computes it again with the taxes when it creates the credit note, and corrects it
            # if it differs (tax included in the price); given, the line is not written twice.
            "amount_currency": self.amount_approved,
            "balance": self.amount_approved,
        }
        if self.company_id.claim_account_id:
            vals["account_id"] = self.company_id.claim_account_id.id
        return Command.create(vals)

    @api.model
    def _get_aftersales_demand_sql(self, company, products, warehouses, date_from, date_to):
        """The reserve plan's demand from claims, one row per claim line: ``product_id,
        warehouse_id, month, quantity``; ``None`` when the claims' warehouse is not planned.

        The parts replaced on the company's claims approved once (whatever came next), by
        claim date, in the company's main warehouse (a claim has none of its own). The claims
        by which a field-service visit was settled are left out: their parts are counted with
        the request. Read as the superuser, the company filtered here: a plan counts every
        claim of its company, whoever computes it.
        """
        warehouse = self.env["stock.warehouse"]._get_aftersales_main_warehouse(company)
        if warehouse not in warehouses:
            return None
        settled_by = self.env["aftersales.request"].sudo()._search([("settlement_claim_id", "!=", False)])
        query = self.sudo()._search([
            ("company_id", "=", company.id),
            ("line_type", "=", "part"),
            ("claim_state", "in", ONCE_APPROVED_STATES),
            ("claim_date", ">=", date_from),
            ("claim_date", "<=", date_to),
            ("product_id", "in", products.ids),
            ("claim_id", "not any", [
                ("id", "in", settled_by.subselect(SQL.identifier(settled_by.table, "settlement_claim_id"))),
            ]),
        ])
        return query.select(
            SQL("%s AS product_id", SQL.identifier(self._table, "product_id")),
            SQL("%s AS warehouse_id", warehouse.id),
            SQL("date_trunc('month', %s)::date AS month", SQL.identifier(self._table, "claim_date")),
            SQL("%s AS quantity", SQL.identifier(self._table, "quantity")),
        )

    # ------------------------------------- replacement serials and parts warranty
    is_serial_part = fields.Boolean(
        string="Serial-Tracked Part",
        compute="_compute_is_serial_part",
        help="A part tracked by serial number: the line records the serial removed from the "
        "machine and the serial installed.",
    )
    removed_lot_id = fields.Many2one(
        "stock.lot",
        string="Removed Serial",
        copy=False,
        index="btree_not_null",
        check_company=True,
        domain="[('product_id', '=', product_id)]",
        help="The serial number of the failed part taken off the machine: the serial the "
        "machine's component history says it carries, and the serial the dealer sends back.",
    )
    installed_lot_id = fields.Many2one(
        "stock.lot",
        string="Installed Serial",
        copy=False,
        index="btree_not_null",
        check_company=True,
        domain="[('product_id', '=', product_id)]",
        help="The serial number of the replacement part fitted in the machine: it enters the "
        "machine's component history when the claim is approved, with its own parts warranty.",
    )
    warranty_cover = fields.Selection(
        WARRANTY_COVERS,
        string="Covered by",
        compute="_compute_warranty_cover",
        help="Which warranty covers the line on the failure date: the machine's, the parts "
        "warranty of the failed part (a replacement part fitted less than its class's months "
        "before), or none.",
    )

    @api.depends("line_type", "product_id.tracking")
    def _compute_is_serial_part(self):
        for line in self:
            line.is_serial_part = line.line_type == "part" and line.product_id.tracking == "serial"

    @api.depends(
        "line_type", "removed_lot_id", "claim_id.is_in_warranty", "claim_id.failure_date",
        "claim_id.lot_id",
    )
    def _compute_warranty_cover(self):
        claims = self.claim_id
        components = claims.line_ids._get_part_warranty_components()
        part_covered = {claim: claim._is_covered_by_part_warranty(components) for claim in claims}
        for line in self:
            if line.claim_id.is_in_warranty:
                line.warranty_cover = "machine"
            elif line.line_type == "part":
                line.warranty_cover = "part" if line in components else "none"
            else:
                line.warranty_cover = "part" if part_covered.get(line.claim_id) else "none"

    @api.constrains("removed_lot_id", "installed_lot_id", "product_id", "line_type", "quantity")
    def _check_replacement_serials(self):
        lines = self.filtered(lambda line: line.removed_lot_id or line.installed_lot_id)
        if not lines:
            return
        Component = self.env["aftersales.machine.component"].sudo()
        current = Component.search([
            ("is_current", "=", True),
            "|",
            ("lot_id", "in", (lines.removed_lot_id | lines.installed_lot_id).ids),
            "&", ("machine_id", "in", lines.lot_id.ids), ("product_id", "in", lines.product_id.ids),
        ])
        by_lot = current.grouped("lot_id")
        by_part = current.grouped(lambda component: (component.machine_id, component.product_id))
        # a dealer is not told which other machine (of another dealer perhaps) carries a serial
        internal = self.env.user._is_internal()

        def machine_name(components):
            if not internal:
                return _("another machine")
            return _("machine %(machine)s", machine=components[0].machine_id.name)
        for line in lines:
            name = _("Claim %(claim)s, line %(line)s", claim=line.claim_id.display_name, line=line.name)
            if not line.is_serial_part:
                raise ValidationError(_(
                    "%(line)s: %(part)s is not a part tracked by serial number: leave the removed "
                    "and installed serials empty.",
                    line=name, part=line.product_id.display_name,
                ))
            for lot in line.removed_lot_id | line.installed_lot_id:
                if lot.product_id != line.product_id:
                    raise ValidationError(_(
                        "%(line)s: serial %(serial)s belongs to %(other)s, not to %(part)s.",
                        line=name, serial=lot.name, other=lot.product_id.display_name,
                        part=line.product_id.display_name,
                    ))
            if line.quantity != 1:
                raise ValidationError(_(
                    "%(line)s: one line per serial number. Enter quantity 1, and one line for "
                    "each part replaced.",
                    line=name,
                ))
            if line.removed_lot_id and line.removed_lot_id == line.installed_lot_id:
                raise ValidationError(_(
                    "%(line)s: the removed and the installed serial are both %(serial)s. Enter "
                    "the serial of the new part as the installed one.",
                    line=name, serial=line.removed_lot_id.name,
                ))
            machine = line.claim_id.lot_id
            carried = by_part.get((machine, line.product_id), Component)
            removed = line.removed_lot_id
            if removed and carried and removed not in carried.lot_id:
                raise ValidationError(_(
                    "%(line)s: machine %(machine)s carries %(part)s serial %(serials)s, not "
                    "%(serial)s. Enter the serial read on the part taken off.",
                    line=name, machine=machine.name, part=line.product_id.display_name,
                    serials=", ".join(carried.lot_id.mapped("name")), serial=removed.name,
                ))
            elsewhere = by_lot.get(removed, Component).filtered(lambda c: c.machine_id != machine)
            if removed and not carried and elsewhere:
                raise ValidationError(_(
                    "%(line)s: serial %(serial)s is fitted in %(other)s, not in %(machine)s.",
                    line=name, serial=removed.name, other=machine_name(elsewhere),
                    machine=machine.name or _("this machine"),
                ))
            installed = by_lot.get(line.installed_lot_id, Component)
            if line.installed_lot_id and installed:
                raise ValidationError(_(
                    "%(line)s: serial %(serial)s is already fitted in %(other)s: enter "
                    "the serial of the new part you installed.",
                    line=name, serial=line.installed_lot_id.name,
                    other=machine_name(installed),
                ))

    def _get_replacement_serial_errors(self):
        """What the submission of these lines' claim says about missing serials."""
        return [
            _(
                "Line %(line)s: %(part)s is tracked by serial number. Enter the serial removed "
                "from the machine and the serial installed.",
                line=line.name, part=line.product_id.display_name,
            )
            for line in self
            if line.is_serial_part and not (line.removed_lot_id and line.installed_lot_id)
        ]

    def _get_part_warranty_components(self):
        """{line: machine component} of the part lines whose failed part (the removed serial)
        is a replacement part of the claim's machine under its own parts warranty on the failure
        date. One search for all lines; read as superuser, as a portal dealer files claims."""
        lines = self.filtered(
            lambda line: line.line_type == "part" and line.removed_lot_id
            and line.claim_id.lot_id and line.claim_id.failure_date
        )
        if not lines:
            return {}
        components = self.env["aftersales.machine.component"].sudo().search([
            ("machine_id", "in", lines.claim_id.lot_id.ids),
            ("lot_id", "in", lines.removed_lot_id.ids),
            ("warranty_end_date", "!=", False),
        ])
        by_lot = components.grouped(lambda component: (component.machine_id, component.lot_id))
        result = {}
        for line in lines:
            day = line.claim_id.failure_date
            for component in by_lot.get((line.claim_id.lot_id, line.removed_lot_id), []):
                if component._covers(day) and (
                    not component.date_removed or component.date_removed >= day
                ):
                    result[line] = component
        return result
