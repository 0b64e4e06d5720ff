from odoo import _, models
from odoo.tools import groupby


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    def _action_done(self):
        # Every validated quantity passes here (transfers, returns, scraps, inventory
        # adjustments), so the IP rule cannot be bypassed by moving stock another way.
        self._check_aftersales_core_ip_leaving()
        return super()._action_done()

    def _prepare_new_lot_vals(self):
        """A machine's serial typed on a receipt or a production belongs to the operation's
        company (Odoo leaves it without one when the product is shared)."""
        vals = super()._prepare_new_lot_vals()
        if not vals.get("company_id") and self.product_id._is_aftersales_machine():
            vals["company_id"] = self.company_id.id
        return vals

    def _check_aftersales_core_ip_leaving(self):
        leaving = self.filtered(
            lambda ml: ml.product_id.aftersales_part_class == "core_ip"
            and ml.quantity > 0
            and ml.location_dest_id._aftersales_is_outside_company(ml.company_id)
        )
        for document, lines in groupby(leaving, key=lambda ml: ml.picking_id or ml.move_id):
            lines = self.browse().union(*lines)
            if document._name == "stock.picking":
                where = _(
                    "Transfer %(transfer)s to %(destination)s",
                    transfer=document.display_name,
                    destination=", ".join(lines.location_dest_id.mapped("display_name")),
                )
            else:
                where = _(
                    "Stock move %(move)s to %(destination)s",
                    move=document.reference or document.display_name,
                    destination=", ".join(lines.location_dest_id.mapped("display_name")),
                )
            lines.product_id._check_aftersales_core_ip(where)
