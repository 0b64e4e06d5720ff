from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common_kpi import KpiMixin
from .common_request import AftersalesRequestCommon


@tagged("post_install", "-at_install")
class TestStateGate(KpiMixin, AftersalesRequestCommon):
    """One state gate (aftersales.state.gate.mixin) for claims, statements, requests,
    call-backs and appraisal periods: a refused transition names the record and its state in
    the user's language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_kpi()
        # the language and the add-on's translations, as installing Chinese loads them
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["aftersales"], ["zh_CN"])
        groups = "base.group_user,account.group_account_invoice,aftersales.group_aftersales_manager"
        cls.user_zh = new_test_user(cls.env, login="gate_zh", lang="zh_CN", groups=groups)
        cls.user_en = new_test_user(cls.env, login="gate_en", lang="en_US", groups=groups)

    def _as_zh(self, record):
        # what the web client sends: the user's language in the context
        return record.with_user(self.user_zh).with_context(lang=self.user_zh.lang)

    def _records(self):
        """(record, refused action, state label in English, state label in Chinese) per model."""
        statement = self.env["aftersales.statement"].create({
            "dealer_id": self.dealer_a.id, "date_from": self.today, "date_to": self.today,
        })
        return [
            (self._create_claim(), "action_close", "Draft", "草稿"),
            (statement, "action_confirm", "Draft", "草稿"),
            (self._create_request(), "action_reset", "New", "新建"),
            (self.env["aftersales.callback"].create({"lot_id": self.lot_a.id}), "action_reset",
             "To Call", "待回访"),
            (self._new_period(), "action_start_discussion", "Draft", "草稿"),
        ]

    def test_refusal_names_the_state_in_the_users_language(self):
        for record, action, label_en, label_zh in self._records():
            with self.subTest(model=record._name):
                self.assertEqual(record.with_context(lang="en_US")._get_state_label(), label_en)
                with self.assertRaises(UserError) as refusal:
                    getattr(self._as_zh(record), action)()
                message = str(refusal.exception)
                self.assertIn(label_zh, message)
                self.assertNotIn(label_en, message)
                self.assertIn(record.display_name, message)
                self.assertEqual(record.state, record.default_get(["state"])["state"])

    def test_refusal_in_english(self):
        """Each model keeps its own wording, with the state's English label."""
        expected = {
            "aftersales.claim": "Claim {} is Draft and cannot be closed.",
            "aftersales.statement": "Statement {} is Draft: it cannot be confirmed.",
            "aftersales.request": "Request {} (New) cannot reopen now.",
            "aftersales.callback": "Call-back {} is To Call and cannot be planned again.",
            "aftersales.kpi.period": "Appraisal period {} is Draft and cannot be discussed.",
        }
        for record, action, _label_en, _label_zh in self._records():
            with self.subTest(model=record._name):
                with self.assertRaises(UserError) as refusal:
                    getattr(record.with_user(self.user_en).with_context(lang="en_US"), action)()
                self.assertEqual(
                    str(refusal.exception), expected[record._name].format(record.display_name)
                )
