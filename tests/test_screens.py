from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo.tests import Form, tagged

from .common import AftersalesCommon, BrowserCase
from .test_statement import AftersalesStatementCommon


def _list_columns(list_node):
    """{field name: its attributes} of the columns a list shows (not the hidden ones)."""
    return {
        node.get("name"): dict(node.attrib)
        for node in list_node.iterchildren("field")
        if node.get("column_invisible") not in ("True", "1", "true")
    }


@tagged("post_install", "-at_install")
class TestScreenColumns(AftersalesCommon):
    """Key identifiers are never cut: a set width or wrapping; secondary columns hidden by
    default (optional="hide"), as the views reach the browser (get_view)."""

    def _arch(self, model, xmlid, view_type="list", user=None):
        env = self.env(user=user) if user else self.env
        view = self.env.ref(xmlid)
        return etree.fromstring(env[model].get_view(view.id, view_type)["arch"])

    def test_callback_phone_is_never_cut(self):
        """The number the agent dials: always shown (not optional) and 150 px wide, room for
        "+86 138 0013 8000" (17 characters); dealer and the two scores hidden by default."""
        columns = _list_columns(self._arch("aftersales.callback", "aftersales.aftersales_callback_view_list"))
        self.assertEqual(columns["phone"].get("width"), "150px")
        self.assertNotIn("optional", columns["phone"])
        self.assertEqual(columns["phone"].get("widget"), "phone")
        for secondary in ("dealer_id", "product_quality_score", "service_quality_score", "claim_id"):
            self.assertEqual(columns[secondary].get("optional"), "hide", secondary)

    def test_reserve_plan_names_wrap(self):
        """Part and vendor names wrap rather than end in "..."; the figures a buyer reads
        second (demand total, variability, safety stock, coverage cap) are hidden by default."""
        columns = _list_columns(self._arch(
            "aftersales.reserve.plan.line", "aftersales.aftersales_reserve_plan_line_view_list"
        ))
        for name in ("product_id", "vendor_id", "warehouse_id"):
            self.assertIn("text-wrap", columns[name].get("class", ""), name)
            self.assertNotEqual(columns[name].get("optional"), "hide", name)
        for secondary in ("demand_qty", "demand_std", "safety_qty", "cap_qty"):
            self.assertEqual(columns[secondary].get("optional"), "hide", secondary)
        # the plan's form shows its lines with that list
        plan_form = self._arch("aftersales.reserve.plan", "aftersales.aftersales_reserve_plan_view_form", "form")
        in_plan = _list_columns(plan_form.xpath("//field[@name='line_ids']/list")[0])
        self.assertIn("text-wrap", in_plan["product_id"].get("class", ""))

    def test_machine_kanban_in_lifecycle_order(self):
        """Machines grouped by warranty state as the statusbar reads: Not yet registered,
        Under warranty, Expired; not alphabetical (expired, not_registered, under_warranty).
        SN-A-1 registered 10 days ago (12 months' warranty) is under warranty, SN-B-1 not
        registered; no machine of the test product expired: its column is still there."""
        self._register(self.lot_a, self.end_user_a, 10)
        kanban = self._arch("stock.lot", "aftersales.stock_lot_view_kanban_machine", "kanban")
        self.assertEqual(kanban.get("default_group_by"), "warranty_state")
        result = self.env["stock.lot"].web_read_group(
            [("product_id", "=", self.machine.id), ("is_machine", "=", True)],
            ["warranty_state"], ["warranty_state"],
        )
        self.assertEqual(
            [group["warranty_state"] for group in result["groups"]],
            ["not_registered", "under_warranty", "expired"],
        )
        counts = {group["warranty_state"]: group["warranty_state_count"] for group in result["groups"]}
        self.assertEqual(counts, {"not_registered": 2, "under_warranty": 1, "expired": 0})

    def test_machine_form_hides_stock_figures(self):
        """On a machine: no On Hand / Total Value / Average Cost / Cost, and one repair button
        (the after-sales one); a lot of spare parts keeps them all."""
        form = self._arch("stock.lot", "stock.view_production_lot_form", "form")
        for name in ("product_qty", "total_value", "avg_cost", "standard_price"):
            label = form.xpath(f"//label[@for='{name}']")[0]
            value = form.xpath(f"//field[@name='{name}']/..")[0]
            for node in (label, value):
                self.assertIn("is_machine", node.get("invisible", ""), name)
        stock_repairs = form.xpath("//button[@name='action_lot_open_repairs']")[0]
        self.assertEqual(stock_repairs.get("invisible"), "is_machine")
        ours = form.xpath("//button[@name='action_view_repairs']")[0]
        self.assertEqual(ours.get("invisible"), "not is_machine")

    def test_stock_aging_reads_as_a_dashboard(self):
        """Stock Aging is titled "Stock Aging", not "New", and has no save and discard icons
        (the form cannot be edited as a record; its scope fields still filter it)."""
        form = self._arch(
            "aftersales.stock.aging.overview",
            "aftersales.aftersales_stock_aging_overview_view_form", "form",
        )
        self.assertEqual(form.get("edit"), "0")
        self.assertEqual(form.get("create"), "0")
        self.assertFalse(form.xpath("//field[@name='slow_months'][@readonly]"))
        Overview = self.env["aftersales.stock.aging.overview"]
        self.assertEqual(Overview.new({}).display_name, "Stock Aging")
        # as the web client opens it: a new record whose title comes with its defaults
        spec = {name: {} for name in ("display_name", "name", "slow_months")}
        values = Overview.onchange({}, [], spec)["value"]
        self.assertEqual(values["display_name"], "Stock Aging")


@tagged("post_install", "-at_install")
class TestStatementScreens(AftersalesStatementCommon):
    """Statement lines drawn from the ledger are read-only and one column per fact; Draw
    Statements skips the dealers with nothing to state and says what it did."""

    def test_statement_lines_read_only_one_column_per_fact(self):
        """Staged month of Dealer A: invoice 1,000, credit note 200, payment 300. The Entries
        tab shows Date, Type, Number (150 px), Reference (wrapping), Debit, Credit, Balance:
        no Journal Entry column repeating "Number (Reference)", no Claims column repeating
        the credit note's reference; the accountant opens the entry from the row's icon."""
        self._stage_month()
        statement = self._generate()
        arch = etree.fromstring(
            statement.with_user(self.accountant).get_view(
                self.env.ref("aftersales.aftersales_statement_view_form").id, "form"
            )["arch"]
        )
        field = arch.xpath("//field[@name='line_ids']")[0]
        self.assertIn(field.get("readonly"), ("1", "True"))
        lines = field.xpath("./list")[0]
        self.assertEqual((lines.get("create"), lines.get("delete")), ("0", "0"))
        columns = _list_columns(lines)
        self.assertEqual(
            list(columns),
            ["date", "line_type", "name", "ref", "date_maturity", "debit", "credit", "cumulated_balance"],
        )
        self.assertEqual(columns["name"].get("width"), "150px")
        self.assertIn("text-wrap", columns["ref"].get("class", ""))
        self.assertEqual(columns["date_maturity"].get("optional"), "hide")
        self.assertTrue(lines.xpath("./button[@name='action_open_move']"))
        # no "Add a line", no delete icon
        form = Form(statement.with_user(self.accountant))
        self.assertEqual(len(form.line_ids), 3)
        with self.assertRaisesRegex(AssertionError, "not editable"):
            form.line_ids.new()
        with self.assertRaisesRegex(AssertionError, "not editable"):
            form.line_ids.remove(0)
        # the row's icon opens the invoice
        line = statement.line_ids.filtered(lambda l: l.line_type == "invoice")
        action = line.with_user(self.accountant).action_open_move()
        self.assertEqual((action["res_model"], action["res_id"]), ("account.move", line.move_id.id))
        # an after-sales user without accounting rights sees the columns, not the entry
        as_arch = etree.fromstring(
            statement.with_user(self.as_user).get_view(
                self.env.ref("aftersales.aftersales_statement_view_form").id, "form"
            )["arch"]
        )
        self.assertFalse(as_arch.xpath("//field[@name='line_ids']//field[@name='move_id']"))
        self.assertFalse(as_arch.xpath("//field[@name='line_ids']//button[@name='action_open_move']"))

    def test_draw_statements_says_drawn_updated_skipped(self):
        """Three dealers, the period drawn through the wizard:
        - Dealer A: invoice 1,000 in the period -> drawn (new), closing 1,000;
        - Dealer B: invoice 70, drawn before; 30 more invoiced -> updated, closing 100;
        - Dealer C: no entry ever, no balance -> skipped, no all-zero statement.
        The notification reads "1 drawn, 1 updated, 1 skipped." and opens the two statements."""
        dealer_c = self.env["res.partner"].create({
            "name": "Dealer C", "is_company": True, "is_dealer": True, "dealer_code": "T-C",
            "dealer_level_id": self.level.id,
        })
        self._invoice(self.dealer_a, 1000.0, self.date_from + relativedelta(days=4))
        self._invoice(self.dealer_b, 70.0, self.date_from + relativedelta(days=6))
        stm_b = self._generate(self.dealer_b)
        self.assertEqual(stm_b.closing_balance, 70.0)
        self._invoice(self.dealer_b, 30.0, self.date_from + relativedelta(days=8))

        wizard = Form(self.env["aftersales.statement.generate"].with_user(self.accountant))
        wizard.date_from = self.date_from
        wizard.date_to = self.date_to
        for dealer in (self.dealer_a, self.dealer_b, dealer_c):
            wizard.dealer_ids.add(dealer)
        action = wizard.save().action_generate()

        self.assertEqual(action["tag"], "display_notification")
        self.assertTrue(action["params"]["message"].startswith("1 drawn, 1 updated, 1 skipped."))
        self.assertEqual(action["params"]["type"], "success")
        statements = self.env["aftersales.statement"].search(action["params"]["next"]["domain"])
        self.assertEqual(statements.dealer_id, self.dealer_a | self.dealer_b)
        self.assertIn(stm_b, statements)
        self.assertEqual(
            {s.dealer_id: s.closing_balance for s in statements},
            {self.dealer_a: 1000.0, self.dealer_b: 100.0},
        )
        self.assertFalse(self.env["aftersales.statement"].search([("dealer_id", "=", dealer_c.id)]))

    def test_balance_alone_is_worth_a_statement(self):
        """Dealer A owes 100 from before the period and nothing happens in it: drawn, opening
        100 = closing 100. Dealer B paid everything off before the period (invoice 50, paid
        50): balance 0, no entry in the period -> skipped. Drawing only B: nothing to open,
        "0 drawn, 0 updated, 1 skipped." and the dialog closes."""
        self._invoice(self.dealer_a, 100.0, self.date_from - relativedelta(days=3))
        old = self._invoice(self.dealer_b, 50.0, self.date_from - relativedelta(days=20))
        self._pay(old, 50.0, self.date_from - relativedelta(days=10))
        result = self.env["aftersales.statement"].with_user(self.accountant)._draw(
            self.dealer_a | self.dealer_b, self.date_from, self.date_to
        )
        self.assertEqual(result.drawn.dealer_id, self.dealer_a)
        self.assertEqual((result.drawn.opening_balance, result.drawn.closing_balance), (100.0, 100.0))
        self.assertEqual(result.skipped, self.dealer_b)
        wizard = self.env["aftersales.statement.generate"].with_user(self.accountant).create({
            "date_from": self.date_from, "date_to": self.date_to,
            "dealer_ids": [(6, 0, self.dealer_b.ids)],
        })
        action = wizard.action_generate()
        self.assertTrue(action["params"]["message"].startswith("0 drawn, 0 updated, 1 skipped."))
        self.assertEqual(action["params"]["type"], "warning")
        self.assertEqual(action["params"]["next"], {"type": "ir.actions.act_window_close"})


@tagged("post_install", "-at_install")
class TestScreensTour(BrowserCase):
    def test_machine_form_and_stock_aging_tour(self):
        """A registered machine's form: the after-sales Repairs button only, no stock figures;
        then Stock Aging as a dashboard (titled, no save icons after changing its scope)."""
        machine = self.env["stock.lot"].search([("is_machine", "=", True)], limit=1)
        self.assertTrue(machine)
        self.start_tour(f"/odoo/machines/{machine.id}", "aftersales_screens_tour", login="admin")
