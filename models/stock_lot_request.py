from dateutil.relativedelta import relativedelta

from odoo import fields, models


class StockLot(models.Model):
    _inherit = "stock.lot"

    request_count = fields.Integer(compute="_compute_request_count")
    repair_count = fields.Integer(compute="_compute_repair_count")

    def _compute_request_count(self):
        counts = dict(
            self.env["aftersales.request"]._read_group(
                [("lot_id", "in", self.ids)], ["lot_id"], ["__count"]
            )
        )
        for lot in self:
            lot.request_count = counts.get(lot, 0)

    def _compute_repair_count(self):
        counts = dict(
            self.env["repair.order"].sudo()._read_group(
                [("lot_id", "in", self.ids)], ["lot_id"], ["__count"]
            )
        )
        for lot in self:
            lot.repair_count = counts.get(lot, 0)

    def _get_last_maintenance_due_date(self, today):
        """The last maintenance due date on or before ``today`` (registration + n intervals,
        n >= 1), or False when the first one has not come yet."""
        self.ensure_one()
        template = self.product_id.product_tmpl_id
        months = template.maintenance_interval_months
        if not (template.has_maintenance_reminder and months > 0 and self.registration_date):
            return False
        elapsed = relativedelta(today, self.registration_date)
        periods = (elapsed.years * 12 + elapsed.months) // months
        if not periods:
            return False
        return self.registration_date + relativedelta(months=periods * months)

    def action_view_requests(self):
        self.ensure_one()
        return self.env["aftersales.request"]._action_view_requests(
            [("lot_id", "=", self.id)],
            {"default_lot_id": self.id, "default_end_user_id": self.end_user_id.id,
             "default_dealer_id": self.dealer_id.id},
        )

    def action_view_repairs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("repair.action_repair_order_tree")
        action["domain"] = [("lot_id", "=", self.id)]
        action["context"] = {"default_product_id": self.product_id.id, "default_lot_id": self.id}
        return action
