from odoo import _, fields, models


class StockLocation(models.Model):
    _inherit = "stock.location"

    is_aftersales_claimed_parts = fields.Boolean(
        string="Claimed Parts Room",
        compute="_compute_is_aftersales_claimed_parts",
        search="_search_is_aftersales_claimed_parts",
        help="The claimed-parts location of a warehouse, or one of its sub-locations.",
    )

    def _compute_is_aftersales_claimed_parts(self):
        claimed = self.search([("id", "in", self.ids), ("is_aftersales_claimed_parts", "=", True)])
        for location in self:
            location.is_aftersales_claimed_parts = location in claimed

    def _search_is_aftersales_claimed_parts(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(_("Unsupported search on the claimed-parts flag."))
        rooms = self.env["stock.warehouse"].with_context(active_test=False).search(
            [("claimed_parts_location_id", "!=", False)]
        ).claimed_parts_location_id
        domain = [("id", "child_of", rooms.ids)] if rooms else [(0, "=", 1)]
        return domain if (operator == "=") == value else ["!", *domain]

    def _aftersales_is_outside_company(self, company):
        """Whether stock sent to this location leaves ``company``: customer and dealer locations,
        the locations of another company and the inter-company transit location. Supplier
        locations stay allowed: returning a part to the vendor that made it is how claimed parts
        go back for analysis, and the vendor works under the company's drawings."""
        self.ensure_one()
        if self.usage == "customer":
            return True
        if self.usage == "transit":
            return self.company_id != company
        return bool(self.company_id) and self.company_id != company
