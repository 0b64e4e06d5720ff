from odoo import api, models


class ResLang(models.Model):
    _inherit = "res.lang"

    @api.model_create_multi
    def create(self, vals_list):
        langs = super().create(vals_list)
        if active := langs.filtered("active"):
            self.env["product.template"]._aftersales_create_catalogue_indexes(active.mapped("code"))
        return langs

    def write(self, vals):
        result = super().write(vals)
        if vals.get("active"):
            # a dealer may now read the parts catalogue in this language: its page is read in
            # the name's order from an index of its own
            self.env["product.template"]._aftersales_create_catalogue_indexes(self.mapped("code"))
        return result
