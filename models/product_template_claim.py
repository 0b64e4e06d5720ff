from odoo import models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    def _get_service_bom_parts(self):
        """Parts of the active service BOMs of these finished products: a warranty claim for a part
        outside them needs a reviewer's confirmation."""
        return self.service_bom_ids.line_ids.product_id
