from datetime import timedelta

from odoo.fields import Command

from .common import AftersalesCommon


class AftersalesClaimCommon(AftersalesCommon):
    """Registered machines under warranty, fee products, spare parts in a service BOM and a
    helper to file claims; the company credits claims on approval, dealers per claim."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        if not cls.company.chart_template:
            # a database installed without any chart: the generic one is what account installs
            cls.env["account.chart.template"].try_loading("generic_coa", cls.company)
        cls.company.write({
            "claim_review_days": 5,
            "claim_credit_trigger": "approval",
            "claim_return_days": 30,
            "claim_repeat_part_days": 90,
        })
        cls._register(cls.lot_a, cls.end_user_a, 100)
        cls._register(cls.lot_b, cls.end_user_b, 100)
        cls.fee_labour = cls.env.ref("aftersales.product_fee_labour")
        cls.fee_km = cls.env.ref("aftersales.product_fee_travel_km")
        cls.fee_diagnosis = cls.env.ref("aftersales.product_fee_diagnosis")
        cls.fee_labour.lst_price = 45.0
        cls.fee_km.lst_price = 0.6
        Product = cls.env["product.product"]
        cls.part.lst_price = 20.0
        cls.module = Product.create({
            "name": "Test Engine Module", "type": "consu", "is_storable": True,
            "aftersales_part_class": "module", "is_serviceable_part": True, "lst_price": 300.0,
        })
        cls.core_ip = Product.create({
            "name": "Test Controller", "type": "consu", "is_storable": True,
            "aftersales_part_class": "core_ip", "lst_price": 0.0, "sale_ok": False,
        })
        cls.off_bom_part = Product.create({
            "name": "Test Fuse", "type": "consu", "aftersales_part_class": "standard",
            "is_serviceable_part": True, "lst_price": 2.5,
        })
        cls.env["aftersales.service.bom"].create({
            "product_tmpl_id": cls.machine.product_tmpl_id.id,
            "line_ids": [Command.create({"product_id": p.id}) for p in cls.part | cls.module | cls.core_ip],
        })
        cls.failure_date = cls.today - timedelta(days=10)

    @classmethod
    def _lines(cls, parts=None, hours=2.0, km=0.0):
        """Claim line commands: ``parts`` is a list of (product, quantity)."""
        if parts is None:
            parts = [(cls.part, 2.0)]
        commands = [
            Command.create({"line_type": "part", "product_id": product.id, "quantity": qty})
            for product, qty in parts
        ]
        if hours:
            commands.append(Command.create(
                {"line_type": "labour", "product_id": cls.fee_labour.id, "quantity": hours}
            ))
        if km:
            commands.append(Command.create(
                {"line_type": "travel", "product_id": cls.fee_km.id, "quantity": km}
            ))
        return commands

    @classmethod
    def _create_claim(cls, dealer=None, lot=None, user=None, **values):
        """A draft claim of dealer A on machine SN-A-1: two filters and two hours of labour
        (claimed 2 x 20 + 2 x 45 = 130)."""
        lot = cls.lot_a if lot is None else lot
        vals = {
            "dealer_id": (dealer or cls.dealer_a).id,
            "lot_id": lot.id,
            "failure_date": cls.failure_date,
            "usage": 150.0,
            "symptom": "Does not start",
            "cause_category": "material",
            "line_ids": cls._lines(),
        }
        vals.update(values)
        Claim = cls.env["aftersales.claim"]
        if user:
            Claim = Claim.with_user(user)
        return Claim.create(vals)
