from collections import defaultdict

from odoo import fields, models


class RepairOrder(models.Model):
    _inherit = "repair.order"

    aftersales_request_id = fields.Many2one(
        "aftersales.request", string="Service Request", readonly=True, copy=False, index="btree_not_null"
    )

    def _aftersales_update_component_history(self, moves):
        """The done parts ``moves`` of these repairs (``stock.move._action_done``) that removed
        or added serial-tracked parts of a machine of the archive update its component history,
        on the day the repair is done: each serial added replaces a serial of the same part
        removed (in the order of the moves), a serial removed without one added is only taken
        off."""
        today = fields.Date.context_today(self)
        replacements = []
        for repair in self.filtered(lambda r: r.lot_id.is_machine):
            lots = {"add": defaultdict(list), "remove": defaultdict(list)}
            for move in moves.filtered(
                lambda m: m.repair_id == repair and m.state == "done" and m.repair_line_type
                and m.product_id.tracking == "serial"
            ).sorted("id"):
                kind = "add" if move.repair_line_type == "add" else "remove"
                lots[kind][move.product_id].extend(move.move_line_ids.lot_id)
            for product in lots["add"].keys() | lots["remove"].keys():
                added, removed = lots["add"][product], lots["remove"][product]
                for index in range(max(len(added), len(removed))):
                    replacements.append({
                        "machine": repair.lot_id,
                        "product": product,
                        "removed": removed[index] if index < len(removed) else False,
                        "installed": added[index] if index < len(added) else False,
                        "date": today,
                        "repair_id": repair.id,
                    })
        return self.env["aftersales.machine.component"]._record_replacements(replacements)
