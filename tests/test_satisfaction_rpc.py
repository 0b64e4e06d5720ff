from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException


@tagged("post_install", "-at_install")
class TestSatisfactionRpc(HttpCase):
    """Dealers get none of the satisfaction analysis through RPC; after-sales users do."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        dealer = cls.env["res.partner"].create(
            {"name": "RPC Dealer", "is_company": True, "is_dealer": True, "dealer_code": "RPC-1"}
        )
        contact = cls.env["res.partner"].create({"name": "RPC Contact", "parent_id": dealer.id})
        new_test_user(cls.env, login="sat_portal", groups="base.group_portal", partner_id=contact.id)
        new_test_user(cls.env, login="sat_user", groups="base.group_user,aftersales.group_aftersales_user")

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
        groups = self._call(
            "aftersales.cost.report", "read_group",
            [[], ["satisfaction_cost:sum", "cost_per_machine:avg"], ["product_id"]],
        )
        self.assertIsInstance(groups, list)
