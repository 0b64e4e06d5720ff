from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

CLAIM_CREDIT_TRIGGERS = [
    ("approval", "On approval"),
    ("receipt", "On receipt of the returned parts"),
]


class ResCompany(models.Model):
    _inherit = "res.company"

    claim_review_days = fields.Integer(
        string="Claim Review Deadline (working days)",
        default=5,
        help="Working days (of the company's working schedule) a reviewer has to decide on a "
        "submitted warranty claim, counted from the day after submission.",
    )
    claim_credit_trigger = fields.Selection(
        CLAIM_CREDIT_TRIGGERS,
        string="Credit Claims",
        default="approval",
        required=True,
        help="When a dealer settled per claim receives its credit note: as soon as the claim is "
        "approved, or only once the parts it must return have been received.",
    )
    claim_return_days = fields.Integer(
        string="Part Return Deadline (days)",
        default=30,
        help="Calendar days a dealer has, after approval, to send back the parts a claim must return.",
    )
    claim_repeat_part_days = fields.Integer(
        string="Repeat Part Window (days)",
        default=90,
        help="A part claimed again on the same machine within this many days of an earlier claim "
        "is flagged for the reviewer.",
    )

    claim_account_id = fields.Many2one(
        "account.account",
        string="Warranty Cost Account",
        check_company=True,
        domain="[('account_type', 'in', ('expense', 'expense_direct_cost', 'income', 'income_other'))]",
        help="Account of the lines of the credit notes that settle warranty claims. Leave empty "
        "to book them on the products' income accounts, like any credit note.",
    )

    @api.constrains("claim_review_days", "claim_return_days", "claim_repeat_part_days")
    def _check_claim_settings(self):
        for company in self:
            if min(company.claim_review_days, company.claim_return_days,
                   company.claim_repeat_part_days) < 0:
                raise ValidationError(
                    _(
                        "%(company)s: the claim review deadline, the part return deadline and the "
                        "repeat part window are numbers of days and cannot be negative.",
                        company=company.display_name,
                    )
                )
