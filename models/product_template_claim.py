from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    service_part_ids = fields.Many2many(
        "product.product",
        "aftersales_service_bom_rel",
        "machine_tmpl_id",
        "part_id",
        string="Service BOM",
        domain=[("aftersales_part_class", "in", ("module", "standard", "wear", "core_ip"))],
        help="The modules and parts used to service this finished product. A warranty claim "
        "for a part outside this list needs a reviewer's confirmation.",
    )

    def _get_service_bom_parts(self):
        """Parts of the service BOM of these finished products (one place to change when the
        service BOM gets its own model)."""
        return self.service_part_ids
