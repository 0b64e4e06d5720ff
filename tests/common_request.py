from datetime import timedelta

from odoo import fields
from odoo.tests import new_test_user

from .common_claim import AftersalesClaimCommon


class AftersalesRequestCommon(AftersalesClaimCommon):
    """A service team, an engineer with a van location stocked with a module, and an expired
    machine of dealer B, on top of the claims fixtures (SN-A-1 and SN-B-1 under warranty)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.engineer = new_test_user(
            cls.env, login="as_engineer", name="Eddie Engineer",
            groups="base.group_user,aftersales.group_aftersales_user",
        )
        cls.team = cls.env["aftersales.team"].create({
            "name": "Test Desk", "sequence": 0, "leader_id": cls.as_manager.id,
            "member_ids": [(6, 0, [cls.as_user.id, cls.engineer.id])],
        })
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )
        cls.van = cls.env["stock.location"].create({
            "name": "Test Van", "usage": "internal", "location_id": cls.warehouse.view_location_id.id,
        })
        cls.engineer.aftersales_van_location_id = cls.van
        cls.env["stock.quant"]._update_available_quantity(cls.module, cls.van, 3.0)
        cls.fee_callout = cls.env.ref("aftersales.product_fee_callout")
        cls.fee_callout.lst_price = 35.0
        cls.lot_old = cls.env["stock.lot"].create({
            "name": "SN-B-OLD", "product_id": cls.machine.id, "dealer_id": cls.dealer_b.id,
            "dealer_delivery_date": cls.today - timedelta(days=600),
        })
        cls._register(cls.lot_old, cls.end_user_b, 500)
        cls.visit_start = fields.Datetime.now() - timedelta(hours=3)

    @classmethod
    def _create_request(cls, user=None, **values):
        vals = {"subject": "Test request", "team_id": cls.team.id}
        vals.update(values)
        Request = cls.env["aftersales.request"]
        if user:
            Request = Request.with_user(user)
        return Request.create(vals)
