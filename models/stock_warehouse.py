from odoo import _, api, fields, models


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    claimed_parts_location_id = fields.Many2one(
        "stock.location",
        string="Claimed Parts Location",
        check_company=True,
        help="The claimed-parts storage room: parts taken off under warranty are received here "
        "and kept until they are disposed of.",
    )

    def _get_locations_values(self, vals, code=False):
        values = super()._get_locations_values(vals, code=code)
        code = (vals.get("code") or code or "").replace(" ", "").upper()
        company_id = vals.get("company_id", self.default_get(["company_id"])["company_id"])
        values["claimed_parts_location_id"] = {
            "name": _("Claimed Parts"),
            "active": True,
            "usage": "internal",
            "barcode": self._valid_barcode(code + "CLAIMED", company_id),
        }
        return values

    @api.model
    def _get_aftersales_main_warehouse(self, company):
        """The company's first warehouse: it receives the claims' returned parts, books the parts
        of engineers whose van lies in no warehouse, and carries the claims' demand in the
        reserve plan (a claim has no warehouse of its own)."""
        return self.sudo().search([("company_id", "=", company.id)], limit=1)

    @api.model
    def _create_claimed_parts_locations(self):
        """Give the warehouses that existed before the add-on their claimed-parts location."""
        self.search([("claimed_parts_location_id", "=", False)])._create_missing_locations({})
