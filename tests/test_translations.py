import re

import polib
from lxml import etree

from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path
from odoo.tools.translate import code_translations

from .common import load_translations

LANGS = ("zh_CN", "zh_TW")


@tagged("post_install", "-at_install")
class TestHandbookTranslations(TransactionCase):
    """The Chinese files use the handbook's words (../shared/domain.md, issue 20 item 14).

    The handbook is written in Traditional Chinese, so zh_TW takes its own words (主機, 配件,
    常規, 服務熱線, 調撥...) and zh_CN their Simplified forms. The .po files are loaded as Odoo
    loads them at install or update, then read back through the ORM as the UI shows them.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_translations(cls.env, LANGS)
        cls.env.registry.clear_cache()

    def _label(self, model, field, lang):
        return self.env[model].with_context(lang=lang).fields_get([field])[field]["string"]

    def _selection(self, model, field, lang):
        return dict(self.env[model].with_context(lang=lang).fields_get([field])[field]["selection"])

    def _assert_labels(self, model, field, zh_cn, zh_tw):
        self.assertEqual(self._label(model, field, "zh_CN"), zh_cn, f"{model}.{field} in zh_CN")
        self.assertEqual(self._label(model, field, "zh_TW"), zh_tw, f"{model}.{field} in zh_TW")

    def test_field_labels(self):
        cases = [
            ("product.template", "is_serviceable_part", "可服务配件", "可服務配件"),
            ("aftersales.claim", "refund_move_id", "贷项通知单", "貸記單"),
            ("aftersales.kpi.sheet", "actual_wage", "实际工资", "實際工資"),
            ("aftersales.kpi.scheme", "base_coefficient", "基本工资分配系数", "基本工資分配係數"),
            ("aftersales.request", "quality_user_id", "客户质量工程师（CQE）", "客戶質量工程師（CQE）"),
            ("aftersales.purchase.exception.report", "move_id", "库存移动", "庫存移動"),
            ("aftersales.claim", "lot_id", "主机", "主機"),
        ]
        for model, field, zh_cn, zh_tw in cases:
            with self.subTest(model=model, field=field):
                self._assert_labels(model, field, zh_cn, zh_tw)

    def test_settlement_discount_is_the_modes_settlement_discount(self):
        """The level's discount is named as the price-list mode names it (渠道级别结算折数)."""
        for lang, term in (("zh_CN", "结算折数"), ("zh_TW", "結算折數")):
            label = self._label("aftersales.dealer.level", "settlement_discount", lang)
            mode = self._selection("res.company", "aftersales_pricelist_mode", lang)["market_level"]
            self.assertIn(term, label)
            self.assertIn(term, mode)

    def test_received_quantity_is_not_a_time(self):
        for lang in LANGS:
            label = self._label("aftersales.purchase.exception.report", "qty_received", lang)
            self.assertNotIn("时间", label)
            self.assertNotIn("時間", label)

    def test_selection_values_and_group(self):
        for lang, travel, part in (("zh_CN", "里程", "配件"), ("zh_TW", "里程", "配件")):
            types = self._selection("aftersales.claim.line", "line_type", lang)
            self.assertEqual(types["travel"], travel)
            self.assertEqual(types["part"], part)
        manager = self.env.ref("aftersales.group_aftersales_manager")
        self.assertEqual(manager.with_context(lang="zh_CN").name, "经理")
        self.assertEqual(manager.with_context(lang="zh_TW").name, "經理")

    def test_view_terms(self):
        """The reserve plan's parameters are not a settlement mode."""
        view = self.env.ref("aftersales.aftersales_reserve_plan_view_form")
        self.assertIn("储备参数", view.with_context(lang="zh_CN").arch_db)
        self.assertIn("儲備參數", view.with_context(lang="zh_TW").arch_db)
        self.assertNotIn("结算方式", view.with_context(lang="zh_CN").arch_db)
        # its method tab is how the plan is worked out, not a pricing method
        self.assertIn("计划方法", view.with_context(lang="zh_CN").arch_db)
        self.assertNotIn("定价方法", view.with_context(lang="zh_CN").arch_db)
        # a statement's period is the period reconciled, not an appraisal period
        for xmlid in ("aftersales.aftersales_statement_view_form",
                      "aftersales.portal_my_statements"):
            arch = self.env.ref(xmlid).with_context(lang="zh_CN").arch_db
            self.assertIn("对账期间", arch)
            self.assertNotIn("考核期间", arch)
            self.assertIn("對帳期間", self.env.ref(xmlid).with_context(lang="zh_TW").arch_db)

    def test_code_strings(self):
        cn = code_translations.get_python_translations("aftersales", "zh_CN")
        tw = code_translations.get_python_translations("aftersales", "zh_TW")
        goodwill = "Claim %(claim)s is a goodwill claim: only an After-Sales manager can approve it."
        self.assertIn("售后服务经理", cn[goodwill])
        self.assertIn("售後服務經理", tw[goodwill])
        registered = "Machine %(serial)s is already registered."
        self.assertTrue(tw[registered].startswith("主機"), tw[registered])

    def test_no_words_the_handbook_does_not_use(self):
        """Words replaced by the handbook's own: none left in any msgstr."""
        banned = {
            "zh_CN": ["退款通知", "可售配件", "实发工资", "质量负责人", "售后服务管理员", "差旅", "库龄"],
            "zh_TW": ["機台", "零件", "例行", "專線", "轉移", "終端使用者", "實發", "薪資", "可售",
                      "通路", "品質負責人", "交通", "庫齡"],
        }
        for lang, words in banned.items():
            po = polib.pofile(file_path(f"aftersales/i18n/{lang}.po"))
            for word in words:
                found = [entry.msgid for entry in po if word in entry.msgstr]
                with self.subTest(lang=lang, word=word):
                    self.assertFalse(found, f"{lang}: {word} in {found[:3]}")

    def test_every_screen_reads_in_chinese(self):
        """Every view and report template of the add-on, read in zh_CN and zh_TW as Odoo renders
        it for a Chinese user: no label, help, placeholder, title or text left in English
        (acronyms such as KPI, BOM, SLA or PDF aside). A title on an icon inside a line of text
        is not translatable by Odoo: such titles go on an element of their own."""
        views = self.env["ir.ui.view"].browse(
            self.env["ir.model.data"].search(
                [("module", "=", "aftersales"), ("model", "=", "ir.ui.view")]
            ).mapped("res_id")
        )
        attributes = ("string", "help", "placeholder", "title", "confirm", "aria-label")
        english = re.compile(r"\b[a-z]{3,}\b|\b[A-Z][a-z]{2,}\b")
        chinese = re.compile(r"[\u4e00-\u9fff]")
        for lang in LANGS:
            left = []
            for view in views.with_context(lang=lang):
                if not view.arch_db:
                    continue
                for node in etree.fromstring(view.arch_db.encode()).iter():
                    # xpath <attribute> bodies are expressions; Python/QWeb values are not text
                    if not isinstance(node.tag, str) or node.tag in ("attribute", "field"):
                        continue
                    texts = [node.text, node.tail] + [node.get(name) for name in attributes]
                    for text in filter(None, (t and t.strip() for t in texts)):
                        if english.search(text) and not chinese.search(text):
                            left.append(f"{view.key or view.name}: {text[:60]!r}")
            with self.subTest(lang=lang):
                self.assertFalse(left, f"{lang}: {len(left)} texts left in English: {left[:20]}")
