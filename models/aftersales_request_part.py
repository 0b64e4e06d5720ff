from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class AftersalesRequestPart(models.Model):
    """A part the engineer used on site, taken from the van."""

    _name = "aftersales.request.part"
    _description = "Field Service Part Used"
    _order = "request_id, id"

    request_id = fields.Many2one(
        "aftersales.request", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="request_id.company_id", store=True, index=True)
    product_id = fields.Many2one(
        "product.product",
        string="Part",
        required=True,
        domain="[('is_serviceable_part', '=', True), ('type', '=', 'consu')]",
    )
    quantity = fields.Float(default=1.0, digits="Product Unit of Measure", required=True)
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")

    @api.constrains("quantity")
    def _check_quantity(self):
        for line in self:
            if line.quantity <= 0:
                raise ValidationError(
                    _(
                        "Request %(request)s: the quantity of %(part)s used must be more than 0.",
                        request=line.request_id.display_name,
                        part=line.product_id.display_name,
                    )
                )
