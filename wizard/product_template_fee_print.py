from odoo import fields, models


class ProductTemplateFeePrint(models.TransientModel):
    """Print the fee schedule as the version of the service charge standard valid on a day."""

    _name = "product.template.fee.print"
    _description = "Print the Service Charge Standard"

    date = fields.Date(
        string="Valid On",
        required=True,
        default=fields.Date.context_today,
        help="The schedule prints the rates of the version valid on this day, with its dates.",
    )
    product_tmpl_ids = fields.Many2many(
        "product.template",
        string="Fees",
        domain="[('aftersales_fee_type', '!=', False)]",
        help="Leave empty to print every fee.",
    )

    def action_print(self):
        self.ensure_one()
        return self.product_tmpl_ids.action_print_fee_schedule(self.date)
