from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestUi(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.context_today(cls.env.user)
        dealer = cls.env["res.partner"].create(
            {"name": "Tour Dealer", "is_company": True, "is_dealer": True}
        )
        end_user = cls.env["res.partner"].create(
            {"name": "Tour End User", "is_end_user": True, "phone": "+1 555 0100",
             "aftersales_dealer_id": dealer.id}
        )
        product = cls.env["product.product"].create(
            {"name": "Tour Pump", "type": "consu", "is_storable": True, "tracking": "serial",
             "aftersales_part_class": "finished", "warranty_months": 12}
        )
        cls.env["stock.lot"].create(
            {"name": "TOUR-SN-0001", "product_id": product.id, "dealer_id": dealer.id,
             "dealer_delivery_date": today - timedelta(days=30),
             "end_user_id": end_user.id, "registration_date": today - timedelta(days=10)}
        )

    def test_machines_tour(self):
        self.start_tour("/odoo", "aftersales_machines_tour", login="admin")
