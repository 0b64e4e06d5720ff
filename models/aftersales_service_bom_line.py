from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .product_template import SPARE_PART_CLASSES


class AftersalesServiceBomLine(models.Model):
    _name = "aftersales.service.bom.line"
    _description = "Service BOM Line"
    _order = "bom_id, sequence, id"
    _check_company_auto = True

    bom_id = fields.Many2one(
        "aftersales.service.bom", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="bom_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    product_id = fields.Many2one(
        "product.product",
        string="Part",
        required=True,
        index=True,
        check_company=True,
        domain=[("aftersales_part_class", "in", SPARE_PART_CLASSES)],
    )
    part_class = fields.Selection(
        related="product_id.product_tmpl_id.aftersales_part_class", store=True
    )
    is_serviceable_part = fields.Boolean(related="product_id.product_tmpl_id.is_serviceable_part")
    quantity = fields.Float(default=1.0, digits="Product Unit of Measure", required=True)
    uom_id = fields.Many2one(related="product_id.uom_id")
    position = fields.Char(help="Where the part sits on the machine, e.g. an exploded-view number.")
    note = fields.Char()

    @api.constrains("product_id", "quantity", "bom_id")
    def _check_part(self):
        for line in self:
            finished = line.bom_id.product_tmpl_id
            if line.product_id.product_tmpl_id == finished:
                raise ValidationError(
                    _(
                        "The service BOM of %(product)s cannot contain %(product)s itself.",
                        product=finished.display_name,
                    )
                )
            if line.part_class == "finished":
                raise ValidationError(
                    _(
                        "Service BOM of %(product)s: %(part)s is a finished product, not a spare "
                        "part. Add its modules instead.",
                        product=finished.display_name,
                        part=line.product_id.display_name,
                    )
                )
            if line.quantity <= 0:
                raise ValidationError(
                    _(
                        "Service BOM of %(product)s: the quantity of %(part)s must be positive.",
                        product=finished.display_name,
                        part=line.product_id.display_name,
                    )
                )
