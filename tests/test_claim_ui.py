from datetime import timedelta

from odoo import fields
from odoo.fields import Command
from odoo.tests import tagged

from .common import BrowserCase


@tagged("post_install", "-at_install")
class TestClaimUi(BrowserCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.context_today(cls.env.user)
        dealer = cls.env["res.partner"].create(
            {"name": "Tour Claim Dealer", "is_company": True, "is_dealer": True}
        )
        end_user = cls.env["res.partner"].create(
            {"name": "Tour Claim End User", "is_end_user": True, "phone": "+1 555 0177",
             "aftersales_dealer_id": dealer.id}
        )
        seal = cls.env["product.product"].create(
            {"name": "Tour Claim Seal", "type": "consu", "aftersales_part_class": "wear",
             "is_serviceable_part": True, "list_price": 18.0}
        )
        product = cls.env["product.product"].create(
            {"name": "Tour Claim Pump", "type": "consu", "is_storable": True,
             "tracking": "serial", "aftersales_part_class": "finished", "warranty_months": 12}
        )
        cls.env["aftersales.service.bom"].create(
            {"product_tmpl_id": product.product_tmpl_id.id,
             "line_ids": [Command.create({"product_id": seal.id})]}
        )
        cls.env["stock.lot"].create(
            {"name": "TOUR-CLAIM-SN", "product_id": product.id, "dealer_id": dealer.id,
             "dealer_delivery_date": today - timedelta(days=60),
             "end_user_id": end_user.id, "registration_date": today - timedelta(days=30)}
        )

    def test_claims_tour(self):
        self.start_tour("/odoo", "aftersales_claims_tour", login="admin")
        claim = self.env["aftersales.claim"].search([("lot_id.name", "=", "TOUR-CLAIM-SN")])
        self.assertEqual(claim.state, "settled")
        self.assertEqual(claim.amount_approved, 18.0)
        self.assertEqual(claim.refund_move_id.amount_untaxed, 18.0)
