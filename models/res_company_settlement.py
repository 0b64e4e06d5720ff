from odoo import Command, _, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    aftersales_statement_auto_send = fields.Boolean(
        string="Send Statements Automatically",
        help="The monthly run e-mails the statements it draws to the dealers at once.",
    )
    aftersales_invoice_on_delivery = fields.Boolean(
        string="Invoice Dealers on Delivery",
        default=True,
        help="Dealers settled per order get the invoice of a parts order when it is delivered.",
    )
    aftersales_gift_program_id = fields.Many2one(
        "loyalty.program",
        string="Gift Credit eWallet",
        help="The eWallet program holding the dealers' gift credit; created by the first "
        "statement run.",
    )

    def _get_aftersales_gift_program(self):
        """The company's gift-credit eWallet: dealers' points are money (1 point = 1 unit of
        the company currency), topped up by the statement run and spent on quotations."""
        self.ensure_one()
        program = self.aftersales_gift_program_id
        if program:
            return program
        program = self.env["loyalty.program"].sudo().create({
            "name": _("Dealer Gift Credit"),
            "program_type": "ewallet",
            "company_id": self.id,
            "currency_id": self.currency_id.id,
            "trigger": "auto",
            "applies_on": "future",
            "portal_visible": True,
            "portal_point_name": self.currency_id.symbol,
            "rule_ids": [Command.clear()],
            "reward_ids": [Command.clear(), Command.create({
                "reward_type": "discount",
                "discount_mode": "per_point",
                "discount": 1,
                "discount_applicability": "order",
                "required_points": 1,
                "description": _("Gift credit"),
            })],
        })
        self.aftersales_gift_program_id = program
        return program
