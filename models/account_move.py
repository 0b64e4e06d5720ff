from odoo import api, models


class AccountMove(models.Model):
    _inherit = "account.move"

    @api.constrains("partner_id", "move_type")
    def _check_aftersales_parts(self):
        self.filtered(lambda move: move.move_type in ("out_invoice", "out_refund")).line_ids._check_aftersales_parts()
