from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

PART_CLASSES = [
    ("finished", "Finished product"),
    ("module", "Module / assembly"),
    ("standard", "Standard part"),
    ("wear", "Wear part"),
    ("core_ip", "Core IP part"),
]

FEE_TYPES = [
    ("labour", "Labour"),
    ("travel", "Travel"),
    ("inspection", "Inspection"),
    ("other", "Other fee"),
]


class ProductTemplate(models.Model):
    _inherit = "product.template"

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
        default=1.0,
        digits=(6, 2),
        help="Service cost amplification factor: non-conforming-product service cost = "
        "routine service cost x this factor. Set it from how critical the product is, how "
        "often it is used, its size and weight.",
    )
    aftersales_fee_type = fields.Selection(
        FEE_TYPES,
        string="Service Fee Type",
        index=True,
        help="Set on the service products of the published service charge standard "
        "(fee schedule).",
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

    @api.onchange("aftersales_part_class")
    def _onchange_aftersales_part_class(self):
        if self.aftersales_part_class == "finished":
            self.is_storable = True
            self.tracking = "serial"
            self.is_serviceable_part = False
        elif self.aftersales_part_class == "core_ip":
            self.is_serviceable_part = False

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

    def action_print_fee_schedule(self):
        fees = self or self.search([("aftersales_fee_type", "!=", False)])
        return self.env.ref("aftersales.action_report_fee_schedule").report_action(fees)
