from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .product_template import SALEABLE_PART_CLASSES


class AftersalesCampaignLine(models.Model):
    """A part of a campaign's kit: what the dealer fits on every affected machine."""

    _name = "aftersales.campaign.line"
    _description = "Service Campaign Kit Line"
    _order = "campaign_id, sequence, id"
    _check_company_auto = True

    campaign_id = fields.Many2one(
        "aftersales.campaign", string="Campaign", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="campaign_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    product_id = fields.Many2one(
        "product.product",
        string="Part",
        required=True,
        index=True,
        check_company=True,
        domain=[
            ("aftersales_part_class", "in", SALEABLE_PART_CLASSES),
            ("aftersales_fee_type", "=", False),
            ("type", "!=", "service"),
        ],
    )
    quantity = fields.Float(default=1.0, digits="Product Unit of Measure", required=True)
    uom_id = fields.Many2one(related="product_id.uom_id")
    note = fields.Char()

    @api.constrains("product_id", "quantity")
    def _check_part(self):
        for line in self:
            campaign = line.campaign_id.display_name
            part = line.product_id
            if line.quantity <= 0:
                raise ValidationError(_(
                    "Campaign %(campaign)s: the quantity of %(part)s must be positive.",
                    campaign=campaign, part=part.display_name,
                ))
            if part.aftersales_part_class not in SALEABLE_PART_CLASSES:
                raise ValidationError(_(
                    "Campaign %(campaign)s: %(part)s is not a spare part that can be claimed "
                    "(a module, standard or wear part; core IP parts are never priced).",
                    campaign=campaign, part=part.display_name,
                ))
            # the claim line's own rule: a part of the machine's service BOM, or serviceable
            products = line.campaign_id.product_ids.product_tmpl_id
            if not part.is_serviceable_part and not all(
                part in product._get_service_bom_parts() for product in products
            ):
                raise ValidationError(_(
                    "Campaign %(campaign)s: %(part)s is neither in the service BOM of every "
                    "product of the campaign nor a serviceable part, so a claim could not carry it. "
                    "Tick 'Serviceable Part' on the product, or add it to the service BOM.",
                    campaign=campaign, part=part.display_name,
                ))
