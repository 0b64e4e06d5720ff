from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date


class AftersalesMachineComponent(models.Model):
    """The component history of a machine: which serial-tracked module serial it carries (or
    carried), since when, and which one it replaced. Written by the approval of the claims that
    replace a module (``aftersales.claim._update_component_history``); a machine's original
    modules are entered by hand (or by production)."""

    _name = "aftersales.machine.component"
    _description = "Machine Component"
    _order = "machine_id, is_current desc, date_installed desc, id desc"
    _rec_name = "lot_id"
    _check_company_auto = True

    # ------------------------------------------------------------------ fields
    machine_id = fields.Many2one(
        "stock.lot",
        string="Machine",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
        domain="[('is_machine', '=', True)]",
    )
    company_id = fields.Many2one(related="machine_id.company_id", store=True, index=True)
    product_id = fields.Many2one(
        "product.product",
        string="Part",
        required=True,
        index=True,
        check_company=True,
        domain="[('tracking', '=', 'serial'), ('aftersales_part_class', 'not in', [False, 'finished'])]",
    )
    part_class = fields.Selection(related="product_id.aftersales_part_class", string="Part Class")
    lot_id = fields.Many2one(
        "stock.lot",
        string="Serial Number",
        required=True,
        index=True,
        check_company=True,
        domain="[('product_id', '=', product_id)]",
        help="The serial number of the module fitted in the machine.",
    )
    date_installed = fields.Date(
        string="Installed on",
        required=True,
        default=fields.Date.context_today,
        help="For a replacement: the failure date of the claim that replaced the module.",
    )
    date_removed = fields.Date(string="Removed on", readonly=True, copy=False)
    is_current = fields.Boolean(
        string="Current",
        compute="_compute_is_current",
        store=True,
        index=True,
        help="The machine carries this serial today.",
    )
    replaced_component_id = fields.Many2one(
        "aftersales.machine.component",
        string="Replacing",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The component this one replaced.",
    )
    replaced_lot_id = fields.Many2one(
        related="replaced_component_id.lot_id", string="Replacing Serial"
    )
    replaced_by_id = fields.Many2one(
        "aftersales.machine.component",
        string="Replaced by",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    claim_line_id = fields.Many2one(
        "aftersales.claim.line",
        string="Claim Line",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="The claim line that installed this serial as a replacement.",
    )
    claim_id = fields.Many2one(related="claim_line_id.claim_id", string="Claim", store=True)
    repair_id = fields.Many2one(
        "repair.order",
        string="Repair",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="The repair order that installed this serial as a replacement.",
    )
    warranty_end_date = fields.Date(
        string="Part Warranty until",
        compute="_compute_warranty_end_date",
        store=True,
        help="A module fitted as a replacement has its own warranty: the installation date plus "
        "the months of its part class (Settings > After-Sales > Parts Warranty), counted as the "
        "machine's. Empty for the modules the machine was built with, and for classes without a "
        "parts warranty.",
    )

    # ---------------------------------------------------------------- computes
    @api.depends("date_removed")
    def _compute_is_current(self):
        for component in self:
            component.is_current = not component.date_removed

    @api.depends(
        "claim_line_id", "repair_id", "date_installed", "product_id.aftersales_part_class",
        "company_id.aftersales_part_warranty_months_module",
        "company_id.aftersales_part_warranty_months_standard",
        "company_id.aftersales_part_warranty_months_wear",
        "company_id.aftersales_part_warranty_months_core_ip",
    )
    def _compute_warranty_end_date(self):
        for component in self:
            company = component.company_id or self.env.company
            months = company._get_aftersales_part_warranty_months(component.part_class)
            component.warranty_end_date = (
                component.date_installed + relativedelta(months=months)
                if (component.claim_line_id or component.repair_id)
                and component.date_installed
                and months > 0
                else False
            )

    # ------------------------------------------------------------- constraints
    @api.constrains("machine_id", "lot_id", "product_id", "date_removed")
    def _check_component(self):
        # every company's machines: a serial is fitted in one machine, wherever it is
        current = self.sudo().search([
            ("lot_id", "in", self.lot_id.ids), ("is_current", "=", True), ("id", "not in", self.ids),
        ])
        carried = current.grouped("lot_id")
        for component in self:
            if component.lot_id.product_id != component.product_id:
                raise ValidationError(_(
                    "Machine %(machine)s: serial %(serial)s is a serial of %(other)s, not of "
                    "%(part)s. Choose a serial of the part.",
                    machine=component.machine_id.display_name,
                    serial=component.lot_id.name,
                    other=component.lot_id.product_id.display_name,
                    part=component.product_id.display_name,
                ))
            if not component.machine_id.is_machine:
                raise ValidationError(_(
                    "%(lot)s is not a machine of the product archive: components belong to machines.",
                    lot=component.machine_id.display_name,
                ))
            other = carried.get(component.lot_id)
            if component.is_current and other:
                raise ValidationError(_(
                    "Serial %(serial)s of %(part)s is already fitted in machine %(machine)s: a "
                    "serial is in one machine at a time. Record its removal there first.",
                    serial=component.lot_id.name,
                    part=component.product_id.display_name,
                    machine=other[0].machine_id.display_name,
                ))
            if component.date_removed and component.date_removed < component.date_installed:
                raise ValidationError(_(
                    "Machine %(machine)s: serial %(serial)s cannot be removed on %(removed)s, "
                    "before it was installed on %(installed)s.",
                    machine=component.machine_id.display_name,
                    serial=component.lot_id.name,
                    removed=format_date(self.env, component.date_removed),
                    installed=format_date(self.env, component.date_installed),
                ))

    # -------------------------------------------------------- business methods
    @api.model
    def _record_replacements(self, replacements):
        """Write replacements into the machines' component history, the one place claims and
        repairs do it: ``replacements`` is a list of dicts with ``machine``, ``product``,
        ``removed`` and ``installed`` (serials, either may be empty), ``date``, and the
        ``claim_line_id`` or ``repair_id`` that made it. The removed serial's current row is
        closed on the date and the installed serial's row opened, replacing it; in date order,
        with one search and one create for all. Written as superuser: the history follows the
        document that was approved or done, whoever did it."""
        Component = self.sudo()
        replacements = sorted(replacements, key=lambda r: r["date"])
        removed = [r for r in replacements if r["removed"]]
        current = Component.search([
            ("machine_id", "in", [r["machine"].id for r in removed]),
            ("lot_id", "in", [r["removed"].id for r in removed]),
            ("is_current", "=", True),
        ]) if removed else Component
        by_lot = {(component.machine_id, component.lot_id): component for component in current}
        closed = []
        vals_list = []
        for replacement in replacements:
            old = by_lot.get((replacement["machine"], replacement["removed"]), Component)
            if old:
                # a serial is current in one machine at a time: closed before the new one opens
                old.date_removed = replacement["date"]
            if not replacement["installed"]:
                continue
            closed.append(old)
            vals_list.append({
                "machine_id": replacement["machine"].id,
                "product_id": replacement["product"].id,
                "lot_id": replacement["installed"].id,
                "date_installed": replacement["date"],
                "replaced_component_id": old.id,
                "claim_line_id": replacement.get("claim_line_id", False),
                "repair_id": replacement.get("repair_id", False),
            })
        components = Component.create(vals_list)
        for old, component in zip(closed, components):
            if old:
                old.replaced_by_id = component
        return components

    def _covers(self, on_date):
        """Whether the part warranty of this component covers a failure on ``on_date``."""
        self.ensure_one()
        return bool(
            self.warranty_end_date and on_date
            and self.date_installed <= on_date <= self.warranty_end_date
        )
