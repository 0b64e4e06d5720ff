from collections import defaultdict

from odoo import fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    aftersales_claim_id = fields.Many2one(
        "aftersales.claim",
        string="Warranty Claim",
        index="btree_not_null",
        readonly=True,
        help="The warranty claim whose replaced parts the dealer returns with this receipt.",
    )

    # --------------------------------------------------------------------- ORM
    def _sanity_check(self, separate_pickings=True):
        # Refuse core IP parts before any backorder or lot wizard asks the user for more; the
        # move lines check it again when the quantities are finally moved.
        self.move_line_ids._check_aftersales_core_ip_leaving()
        return super()._sanity_check(separate_pickings=separate_pickings)

    def _action_done(self):
        res = super()._action_done()
        self._record_dealer_deliveries()
        self._receive_claim_returned_parts()
        return res

    # -------------------------------------------------------- business methods
    def _record_dealer_deliveries(self):
        """Write the dealer and the delivery date on the machines delivered to a dealer."""
        lots_by_delivery = defaultdict(lambda: self.env["stock.lot"])
        for picking in self:
            dealer = picking.partner_id.commercial_partner_id
            if picking.state != "done" or not dealer.is_dealer:
                continue
            move_lines = picking.move_line_ids.filtered(
                lambda ml: ml.lot_id.is_machine
                and ml.quantity > 0
                and ml.location_dest_id.usage == "customer"
            )
            if move_lines:
                day = fields.Date.context_today(picking, picking.date_done)
                lots_by_delivery[dealer, day, picking] |= move_lines.lot_id
        for (dealer, day, picking), lots in lots_by_delivery.items():
            lots.write(
                {
                    "dealer_id": dealer.id,
                    "dealer_delivery_date": day,
                    "dealer_picking_id": picking.id,
                }
            )
            # a machine made before the archive kept companies gets the delivery's
            lots.filtered(lambda lot: not lot.company_id).company_id = picking.company_id

    def _receive_claim_returned_parts(self):
        """The dealer's return of a claim's replaced parts was received: tell the claims."""
        # warehouse staff receiving the parts need no rights on claims to trigger their credit
        self.aftersales_claim_id.sudo()._on_returned_parts_received()
