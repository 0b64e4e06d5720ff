from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException


@tagged("post_install", "-at_install")
class TestSatisfactionRpc(HttpCase):
    """Dealers get none of the satisfaction analysis through RPC; after-sales users get its
    figures, worked out by hand below."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        dealer = cls.env["res.partner"].create(
            {"name": "RPC Dealer", "is_company": True, "is_dealer": True, "dealer_code": "RPC-1"}
        )
        contact = cls.env["res.partner"].create({"name": "RPC Contact", "parent_id": dealer.id})
        new_test_user(cls.env, login="sat_portal", groups="base.group_portal", partner_id=contact.id)
        new_test_user(cls.env, login="sat_user", groups="base.group_user,aftersales.group_aftersales_user")
        # Two machines delivered this month, in a category weighing product quality 0.5, a
        # service cost amplification of 1.5, and two answered call-backs of 0.5 h at 40 an hour.
        category = cls.env["product.category"].create({
            "name": "RPC Machines", "has_satisfaction_weight": True, "satisfaction_weight": 0.5,
        })
        cls.product = cls.env["product.product"].create({
            "name": "RPC Machine", "type": "consu", "is_storable": True, "tracking": "serial",
            "aftersales_part_class": "finished", "categ_id": category.id,
            "service_cost_factor": 1.5,
        })
        # the labour rate: no version of the service charge standard, the fee's price 40
        cls.env.company.aftersales_fee_pricelist_id.item_ids.unlink()
        cls.env.ref("aftersales.product_fee_labour").lst_price = 40.0
        end_user = cls.env["res.partner"].create({"name": "RPC End User", "is_end_user": True, "phone": "+1 555 0199"})
        today = fields.Date.today()  # the month of the call dates (UTC)
        lots = cls.env["stock.lot"].create([
            {"name": f"RPC-SN-{n}", "product_id": cls.product.id, "dealer_id": dealer.id,
             "dealer_delivery_date": today}
            for n in (1, 2)
        ])
        callbacks = cls.env["aftersales.callback"].create([
            {"lot_id": lot.id, "end_user_id": end_user.id, "duration": 0.5,
             "product_quality_score": product_score, "service_quality_score": service_score}
            for lot, (product_score, service_score) in zip(lots, ((5, 2), (3, 4)))
        ])
        callbacks.action_done()
        cls.month = fields.Date.to_string(today.replace(day=1))
        cls.dealer = dealer

    def _call(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def test_rpc_access(self):
        models = ["aftersales.satisfaction.report", "aftersales.cost.report",
                  "aftersales.callback", "aftersales.service.cost"]
        self.authenticate("sat_portal", "sat_portal")
        for model in models:
            with self.assertRaises(JsonRpcException, msg=model) as cm:
                self._call(model, "search_read", [[]], {"fields": ["id"], "limit": 1})
            self.assertEqual(str(cm.exception), "odoo.exceptions.AccessError", model)
        with self.assertRaises(JsonRpcException):
            self._call("aftersales.cost.report", "read_group", [[], ["satisfaction_cost:sum"], []])
        self.authenticate("sat_user", "sat_user")
        for model in models:
            self.assertIsInstance(
                self._call(model, "search_read", [[]], {"fields": ["id"], "limit": 1}), list
            )

    def test_rpc_figures(self):
        """Call-backs: 5 x 0.5 + 2 x 0.5 = 3.5 and 3 x 0.5 + 4 x 0.5 = 3.5. Cost analysis of the
        month: routine 2 x 0.5 h x 40 = 40, model 40 x 1.5 = 60, service quality 100, no
        conforming cost: satisfaction cost 100, for 2 machines 50 a machine."""
        self.authenticate("sat_user", "sat_user")
        product = [("product_id", "=", self.product.id)]
        callbacks = self._call(
            "aftersales.callback", "search_read", [product],
            {"fields": ["satisfaction_weight", "satisfaction", "service_cost"], "order": "id"},
        )
        self.assertEqual(
            [(cb["satisfaction_weight"], cb["satisfaction"], cb["service_cost"]) for cb in callbacks],
            [(0.5, 3.5, 20.0), (0.5, 3.5, 20.0)],
        )
        [row] = self._call(
            "aftersales.satisfaction.report", "search_read", [product],
            {"fields": ["month", "dealer_id", "answer_count", "product_score", "service_score",
                        "weight", "satisfaction", "is_too_few_answers"]},
        )
        self.assertEqual(row["month"], self.month)
        self.assertEqual(row["dealer_id"], [self.dealer.id, "RPC Dealer"])
        self.assertEqual(
            {key: row[key] for key in ("answer_count", "product_score", "service_score", "weight",
                                        "satisfaction", "is_too_few_answers")},
            {"answer_count": 2, "product_score": 4.0, "service_score": 3.0, "weight": 0.5,
             "satisfaction": 3.5, "is_too_few_answers": True},
        )
        [group] = self._call(
            "aftersales.cost.report", "read_group",
            [product + [("month", "=", self.month)],
             ["machine_count:sum", "answer_count:sum", "satisfaction:avg", "routine_cost:sum",
              "nonconforming_cost:sum", "satisfaction_cost:sum", "cost_per_machine:avg"],
             ["product_id"]],
        )
        self.assertEqual(group["product_id"], [self.product.id, "RPC Machine"])
        expected = {
            "machine_count": 2, "answer_count": 2, "satisfaction": 3.5, "routine_cost": 40.0,
            "nonconforming_cost": 60.0, "satisfaction_cost": 100.0, "cost_per_machine": 50.0,
        }
        for key, value in expected.items():
            self.assertAlmostEqual(group[key], value, msg=key)
