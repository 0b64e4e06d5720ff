from odoo import api, fields, models
from odoo.tools import SQL


class StockQuant(models.Model):
    _inherit = "stock.quant"

    aftersales_part_class = fields.Selection(
        related="product_id.product_tmpl_id.aftersales_part_class", string="Part Class"
    )
    aftersales_age_days = fields.Integer(
        string="Age (days)",
        compute="_compute_aftersales_age_days",
        help="Days since the stock came in (its incoming date).",
    )
    aftersales_incoming_move_id = fields.Many2one(
        "stock.move",
        string="Received By",
        compute="_compute_aftersales_incoming_move_id",
        help="The last validated move that brought this product (lot, package) into the "
        "location: the transfer that received a claimed part and its source document.",
    )
    aftersales_incoming_picking_id = fields.Many2one(
        "stock.picking", string="Received With", compute="_compute_aftersales_incoming_move_id"
    )
    aftersales_incoming_origin = fields.Char(
        string="Source Document", compute="_compute_aftersales_incoming_move_id"
    )

    @api.depends("in_date")
    def _compute_aftersales_age_days(self):
        now = fields.Datetime.now()
        for quant in self:
            quant.aftersales_age_days = (now - quant.in_date).days if quant.in_date else 0

    def _compute_aftersales_incoming_move_id(self):
        """One query for all quants: the latest done move line into the quant's location for
        its product, lot and package. The claims feature links claimed parts to their claim
        through this move (or overrides this method)."""
        quants = self.filtered("id")
        moves = {}
        if quants:
            self.env["stock.move.line"].flush_model(
                ["location_dest_id", "product_id", "lot_id", "result_package_id", "state", "date", "move_id"]
            )
            self.env.cr.execute(
                SQL(
                    """SELECT DISTINCT ON (q.id) q.id, ml.move_id
                         FROM stock_quant q
                         JOIN stock_move_line ml
                           ON ml.location_dest_id = q.location_id
                          AND ml.product_id = q.product_id
                          AND ml.lot_id IS NOT DISTINCT FROM q.lot_id
                          AND ml.result_package_id IS NOT DISTINCT FROM q.package_id
                          AND ml.state = 'done'
                        WHERE q.id = ANY(%s)
                     ORDER BY q.id, ml.date DESC, ml.id DESC""",
                    quants.ids,
                )
            )
            moves = dict(self.env.cr.fetchall())
        for quant in self:
            move = self.env["stock.move"].browse(moves.get(quant.id))
            quant.aftersales_incoming_move_id = move
            quant.aftersales_incoming_picking_id = move.picking_id
            quant.aftersales_incoming_origin = move.origin or move.picking_id.origin

    def action_view_aftersales_incoming_move(self):
        self.ensure_one()
        move = self.aftersales_incoming_move_id
        if move.picking_id:
            return move.picking_id.get_formview_action()
        return move.get_formview_action() if move else False
