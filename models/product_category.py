from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ProductCategory(models.Model):
    _inherit = "product.category"

    has_satisfaction_weight = fields.Boolean(
        string="Own Satisfaction Weight",
        help="Weigh product quality in the customer satisfaction of this category's products "
        "with the weight below instead of the company's.",
    )
    satisfaction_weight = fields.Float(
        string="Product-Quality Weight (w)",
        default=0.8,
        digits=(3, 2),
        help="Customer satisfaction = product-quality satisfaction x w + service-quality "
        "satisfaction x (1 - w), for the products of this category (not of its subcategories).",
    )

    @api.constrains("satisfaction_weight", "has_satisfaction_weight")
    def _check_satisfaction_weight(self):
        for category in self:
            if category.has_satisfaction_weight and not 0.0 <= category.satisfaction_weight <= 1.0:
                raise ValidationError(
                    _(
                        "Product category %(category)s: the product-quality weight w must lie "
                        "between 0 and 1 (%(weight)s given).",
                        category=category.display_name,
                        weight=category.satisfaction_weight,
                    )
                )

    def _get_satisfaction_weight(self, company):
        """The weight w of this category's products in ``company``."""
        self.ensure_one()
        return self.satisfaction_weight if self.has_satisfaction_weight else company.satisfaction_weight
