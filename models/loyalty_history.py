from odoo import models


class LoyaltyHistory(models.Model):
    _inherit = "loyalty.history"

    def _get_order_portal_url(self):
        if self.order_model == "aftersales.statement":
            return f"/my/statements/{self.order_id}"
        return super()._get_order_portal_url()
