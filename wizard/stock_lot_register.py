from odoo import api, fields, models


class StockLotRegister(models.TransientModel):
    _name = "stock.lot.register"
    _description = "Register a Machine to an End User"

    lot_id = fields.Many2one("stock.lot", string="Machine", required=True, readonly=True)
    dealer_id = fields.Many2one(related="lot_id.dealer_id")
    end_user_id = fields.Many2one(
        "res.partner",
        string="Existing End User",
        domain=[("is_end_user", "=", True)],
        help="Leave empty to create a new end user from the details below.",
    )
    name = fields.Char(string="End User Name")
    phone = fields.Char()
    email = fields.Char()
    street = fields.Char()
    city = fields.Char()
    zip = fields.Char()
    country_id = fields.Many2one("res.country")
    registration_date = fields.Date(required=True, default=fields.Date.context_today)

    @api.onchange("end_user_id")
    def _onchange_end_user_id(self):
        for field in ("name", "phone", "email", "street", "city", "zip", "country_id"):
            self[field] = self.end_user_id[field]

    def _prepare_end_user_vals(self):
        return {
            "name": self.name,
            "phone": self.phone,
            "email": self.email,
            "street": self.street,
            "city": self.city,
            "zip": self.zip,
            "country_id": self.country_id.id,
        }

    def action_register(self):
        self.ensure_one()
        self.lot_id._register_end_user_details(
            self._prepare_end_user_vals(), self.registration_date, self.end_user_id
        )
        return {"type": "ir.actions.act_window_close"}
