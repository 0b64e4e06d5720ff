from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    aftersales_van_location_id = fields.Many2one(
        "stock.location",
        string="Van Location",
        domain="[('usage', '=', 'internal')]",
        help="The stock location of the service engineer's van: parts used on site are taken "
        "from it.",
    )
