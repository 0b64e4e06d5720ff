from odoo import _, api, fields, models
from odoo.exceptions import UserError


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
            "is_end_user": True,
            "aftersales_dealer_id": self.lot_id.dealer_id.id,
        }

    def action_register(self):
        self.ensure_one()
        end_user = self.end_user_id
        if not end_user:
            if not self.name:
                raise UserError(
                    _("Choose an existing end user or enter the new end user's name.")
                )
            end_user = self.env["res.partner"].create(self._prepare_end_user_vals())
        else:
            # Details corrected during registration update the end-user archive.
            updates = {
                field: self[field]
                for field in ("phone", "email", "street", "city", "zip")
                if self[field] and self[field] != end_user[field]
            }
            if self.country_id and self.country_id != end_user.country_id:
                updates["country_id"] = self.country_id.id
            if updates:
                end_user.write(updates)
        self.lot_id._register_end_user(end_user, self.registration_date)
        return {"type": "ir.actions.act_window_close"}
