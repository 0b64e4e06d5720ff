from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.fields import Command


class ProductTemplateFeeVersion(models.TransientModel):
    """A new version of the service charge standard: the rates of every fee from a date. The
    version valid then ends the day before; earlier versions stay as they were."""

    _name = "product.template.fee.version"
    _description = "New Version of the Service Charge Standard"

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(
        string="Valid From",
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1) + relativedelta(months=1),
        help="First day of the new rates. The version valid on that day ends the day before.",
    )
    line_ids = fields.One2many(
        "product.template.fee.version.line",
        "wizard_id",
        string="Rates",
        compute="_compute_line_ids",
        store=True,
        readonly=False,
        precompute=True,
    )

    @api.depends("company_id")
    def _compute_line_ids(self):
        fees = self.env["product.template"].search([("aftersales_fee_type", "!=", False)])
        for wizard in self:
            company = wizard.company_id or self.env.company
            fees_here = fees.filtered(lambda fee: not fee.company_id or fee.company_id == company)
            rates = company._get_aftersales_fee_prices(
                fees_here.product_variant_id, fields.Date.context_today(self)
            ) if fees_here else {}
            wizard.line_ids = [Command.clear()] + [
                Command.create({"product_tmpl_id": fee.id, "new_rate": rates[fee.product_variant_id]})
                for fee in fees_here.sorted(lambda p: (p.aftersales_fee_type, p.name))
            ]

    def action_apply(self):
        """Create the version and show the standard's versions."""
        self.ensure_one()
        self.company_id._aftersales_create_fee_version(
            self.date_from, {line.product_tmpl_id: line.new_rate for line in self.line_ids}
        )
        return self.env["product.template"].with_company(self.company_id).action_view_fee_versions()


class ProductTemplateFeeVersionLine(models.TransientModel):
    _name = "product.template.fee.version.line"
    _description = "Rate of a Fee in a New Version of the Service Charge Standard"

    wizard_id = fields.Many2one("product.template.fee.version", required=True, ondelete="cascade")
    product_tmpl_id = fields.Many2one("product.template", string="Fee", required=True, readonly=True)
    fee_type = fields.Selection(related="product_tmpl_id.aftersales_fee_type")
    uom_id = fields.Many2one(related="product_tmpl_id.uom_id", string="Unit")
    currency_id = fields.Many2one(related="wizard_id.currency_id")
    current_rate = fields.Monetary(
        string="Rate Until Then",
        compute="_compute_current_rate",
        help="Rate of the version valid on the day before the new version starts.",
    )
    new_rate = fields.Monetary(string="New Rate")

    @api.depends("wizard_id.date_from", "wizard_id.company_id", "product_tmpl_id")
    def _compute_current_rate(self):
        for wizard, lines in self.grouped("wizard_id").items():
            company = wizard.company_id or self.env.company
            day = (wizard.date_from or fields.Date.context_today(self)) - relativedelta(days=1)
            rates = company._get_aftersales_fee_prices(lines.product_tmpl_id.product_variant_id, day)
            for line in lines:
                line.current_rate = rates.get(line.product_tmpl_id.product_variant_id, 0.0)
