from xmlrpc.client import Fault

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, TransactionCase, tagged

from .common_kpi import KpiMixin

# The period's figures summed or counted over everybody's sheets: in a period of two, the total
# minus one's own is the colleague's. For appraisal managers only (the head count is not).
PERIOD_FIGURES = ["amount_actual_wage", "average_kpi", "below_one_count", "share_below_one",
                  "agreed_count"]
SHEET_WAGES = ["average_wage", "base_wage", "standard_performance_wage",
               "actual_performance_wage", "actual_wage"]


@tagged("post_install", "-at_install")
class TestKpiAccess(KpiMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_kpi()
        cls.period = cls._new_period()
        cls.period.action_compute()
        cls.erin_sheet = cls._sheet(cls.period, cls.emp_erin)
        cls.frank_sheet = cls._sheet(cls.period, cls.emp_frank)

    def test_employees_read_their_own_sheets_only(self):
        for user, own in ((self.user_erin, self.erin_sheet), (self.user_frank, self.frank_sheet)):
            Sheet = self.env["aftersales.kpi.sheet"].with_user(user)
            self.assertEqual(Sheet.search([]), own)
            self.assertEqual(
                self.env["aftersales.kpi.sheet.line"].with_user(user).search([]), own.line_ids
            )
            other = (self.period.sheet_ids - own).with_user(user)
            with self.assertRaises(AccessError):
                other.read(["actual_wage"])
            own.with_user(user).read(["actual_wage", "kpi_value", "line_ids"])
            with self.assertRaises(AccessError):
                own.with_user(user).write({"average_wage": 99999.0})
            with self.assertRaises(AccessError):
                self.period.with_user(user).action_compute()
        # the wage basis on the employee is for appraisal managers only
        with self.assertRaises(AccessError):
            self.emp_erin.with_user(self.user_erin).sudo(False).read(["aftersales_average_wage"])

    def test_employee_opens_own_sheet_form(self):
        """What the sheet form reads, as the employee (employee, period, department, lines)."""
        Sheet = self.env["aftersales.kpi.sheet"].with_user(self.user_erin)
        Sheet.get_views([(False, "form"), (False, "list")])
        many2one = {"fields": {"display_name": {}}}
        [row] = self.erin_sheet.with_user(self.user_erin).web_read({
            "employee_id": many2one, "period_id": many2one, "department_id": many2one,
            "actual_wage": {}, "kpi_value": {}, "can_be_agreed": {}, "state": {},
            "line_ids": {"fields": {"name": {}, "kpi_class": {}, "target": {}, "value": {},
                                    "unit": {}, "no_data": {}, "score": {}, "measure": {}}},
        })
        self.assertEqual(row["employee_id"]["display_name"], "Erin")
        self.assertEqual(len(row["line_ids"]), 1)

    def _employees(self):
        """The plain employee (Frank) and the After-Sales user who is not a manager (Erin)."""
        return ((self.user_frank, self.frank_sheet, self.erin_sheet),
                (self.user_erin, self.erin_sheet, self.frank_sheet))

    def _allow_export(self, user):
        """The user, allowed to export (else Odoo refuses any export)."""
        user.groups_id |= self.env.ref("base.group_allow_export")
        return user

    def test_period_figures_for_managers_only(self):
        """Erin (6,000) and Frank (5,000) are not told the period's total wage (15,000), nor its
        other sums, by any way the web client or an RPC client reads a period."""
        for user, own, other in self._employees():
            with self.subTest(user=user.login):
                period = self.period.with_user(user)
                Period = period.browse()
                for fname in PERIOD_FIGURES:
                    with self.assertRaises(AccessError):
                        period.read([fname])
                    with self.assertRaises(AccessError):
                        Period.search_read([("id", "=", period.id)], [fname])
                    with self.assertRaises(AccessError):
                        period.web_read({fname: {}})
                    with self.assertRaises(AccessError):
                        Period.search([(fname, ">", 0)])
                    with self.assertRaises(AccessError):
                        Period.search([], order=f"{fname} desc")
                    with self.assertRaises(AccessError):
                        Period.read_group([], [f"{fname}:sum"], ["scheme_id"])
                    with self.assertRaises(AccessError):
                        Period.web_read_group([], [f"{fname}:sum"], ["scheme_id"])
                    with self.assertRaises(AccessError):
                        Period._read_group([], ["scheme_id"], [f"{fname}:sum"])
                    with self.assertRaises(AccessError):
                        period.with_user(self._allow_export(user)).export_data([fname])
                    with self.assertRaises(AccessError):
                        period[fname]  # noqa: B018
                    with self.assertRaises(AccessError):
                        own.with_user(user).search([(f"period_id.{fname}", ">", 0)])
                # what they may read leaves the figures out
                [row] = period.read()
                self.assertFalse(set(PERIOD_FIGURES) & set(row))
                [row] = Period.search_read([("id", "=", period.id)])
                self.assertFalse(set(PERIOD_FIGURES) & set(row))
                self.assertFalse(set(PERIOD_FIGURES) & set(Period.fields_get()))
                self.assertEqual(row["employee_count"], 3)
                # nor can they be found through the colleague's sheet
                self.assertFalse(Period.search([("sheet_ids.actual_wage", "=", other.actual_wage)]))
                self.assertEqual(period.sheet_ids, own)
                [row] = period.web_read({"sheet_ids": {"fields": dict.fromkeys(SHEET_WAGES, {})}})
                self.assertEqual([line["id"] for line in row["sheet_ids"]], own.ids)
        # the appraisal managers read them all
        [row] = self.period.with_user(self.kpi_manager).read(PERIOD_FIGURES)
        self.assertAlmostEqual(row["amount_actual_wage"], 15000.0)
        self.assertEqual(
            self.period.with_user(self.kpi_manager).search([("amount_actual_wage", "=", 15000.0)]),
            self.period,
        )

    def test_employee_opens_period_without_figures(self):
        """An employee who follows the link to the period from their sheet or from the discussion
        message opens its form and list without the figures and without an error, and sees their
        own sheet in it."""
        for user, own, __ in self._employees():
            with self.subTest(user=user.login):
                Period = self.env["aftersales.kpi.period"].with_user(user)
                views = Period.get_views([(False, "form"), (False, "list"), (False, "pivot"),
                                          (False, "graph")])
                for view in views["views"].values():
                    for fname in PERIOD_FIGURES:
                        self.assertNotIn(f'name="{fname}"', view["arch"])
                fnames = views["models"]["aftersales.kpi.period"]["fields"]
                self.assertFalse(set(PERIOD_FIGURES) & set(fnames))
                spec = dict.fromkeys(fnames, {})
                spec["sheet_ids"] = {"fields": dict.fromkeys(SHEET_WAGES, {})}
                for fname, field in Period._fields.items():
                    if fname in spec and field.type == "many2one":
                        spec[fname] = {"fields": {"display_name": {}}}
                self.env.invalidate_all()  # a request starts with an empty cache
                [row] = self.period.with_user(user).web_read(spec)
                self.assertEqual([sheet["id"] for sheet in row["sheet_ids"]], own.ids)
                self.assertEqual(row["sheet_ids"][0]["actual_wage"], own.actual_wage)

    def test_sheet_aggregates_are_own(self):
        """The sheets' list sum, pivot and graph (read_group) add up the user's own sheets only."""
        for user, own, __ in self._employees():
            with self.subTest(user=user.login):
                Sheet = self.env["aftersales.kpi.sheet"].with_user(user)
                for fname in SHEET_WAGES:
                    [group] = Sheet.read_group([], [f"{fname}:sum"], [])
                    self.assertAlmostEqual(group[fname], own[fname])
                    groups = Sheet.web_read_group([], [f"{fname}:sum"], ["period_id"])["groups"]
                    self.assertEqual([g[fname] for g in groups], [own[fname]])
                    [(total,)] = Sheet._read_group([], [], [f"{fname}:sum"])
                    self.assertAlmostEqual(total, own[fname])
                lines = self.env["aftersales.kpi.sheet.line"].with_user(user)
                [group] = lines.read_group([], ["weighted_score:sum"], ["employee_id"])
                self.assertEqual(group["employee_id"][0], own.employee_id.id)

    def test_other_sheet_pdf_refused(self):
        Report = self.env["ir.actions.report"]
        for user, own, other in self._employees():
            with self.subTest(user=user.login):
                html = Report.with_user(user)._render_qweb_html(
                    "aftersales.action_report_aftersales_kpi_sheet", own.ids
                )[0].decode()
                self.assertIn(own.employee_id.name, html)
                for sheets in (other, own | other):
                    self.env.invalidate_all()  # a request starts with an empty cache
                    # QWeb wraps the access error of the first field it reads
                    with self.assertRaises(Exception) as caught:
                        Report.with_user(user)._render_qweb_html(
                            "aftersales.action_report_aftersales_kpi_sheet", sheets.ids
                        )
                    error = caught.exception
                    self.assertIsInstance(error.__cause__ or error, AccessError)

    def test_wage_tracking_stays_on_the_sheet(self):
        """A change of Frank's actual wage is tracked in his sheet's chatter, which Erin cannot
        read; nothing of it reaches the period's chatter, which she can: no tracked wage, no
        figure in the reason recorded when the manager confirms it under the revision rule."""
        # as if the period had been computed in an earlier transaction: Odoo tracks no change of
        # a record in the transaction that created it
        self.env.cr.flush()
        env = self.env(context=dict(self.env.context, tracking_disable=False))
        sheets = (self.erin_sheet | self.frank_sheet).with_env(env)
        self.period.sheet_ids.with_env(env).line_ids.value = 2.0  # KPI 0.5 for all three
        period = self.period.with_env(env)
        self.assertTrue(period.needs_revision)
        period.write({"revision_reason": "A month of holidays."})
        period.action_start_discussion()
        period.action_confirm()
        env.flush_all()
        env.cr.flush()  # the tracking values are written at the end of the transaction
        Message = self.env["mail.message"]
        for sheet in sheets:
            tracked = Message.search([("model", "=", sheet._name), ("res_id", "=", sheet.id)])
            self.assertIn("actual_wage", tracked.sudo().tracking_value_ids.field_id.mapped("name"))
        for user, own, other in self._employees():
            with self.subTest(user=user.login):
                Message = self.env["mail.message"].with_user(user)
                self.assertFalse(Message.search([("model", "=", other._name),
                                                 ("res_id", "=", other.id)]))
                mine = Message.search([("model", "=", own._name), ("res_id", "=", own.id)])
                self.assertIn("actual_wage", mine.sudo().tracking_value_ids.field_id.mapped("name"))
                other_messages = Message.sudo().search([("model", "=", other._name),
                                                        ("res_id", "=", other.id)])
                with self.assertRaises(AccessError):
                    other_messages.with_user(user).read(["body"])
                with self.assertRaises(AccessError):
                    self.env["mail.tracking.value"].with_user(user).search([])
                # the period's chatter, which they read, tracks no wage and prints no figure
                in_period = Message.search([("model", "=", self.period._name),
                                            ("res_id", "=", self.period.id)])
                self.assertTrue(in_period)
                for message in in_period.sudo():
                    self.assertFalse(set(message.tracking_value_ids.field_id.mapped("name"))
                                     & set(SHEET_WAGES + PERIOD_FIGURES))
                    for wage in (other.actual_wage, self.period.amount_actual_wage):
                        self.assertNotIn(f"{wage:,.2f}", message.body or "")
                    self.assertNotIn(f"{self.period.share_below_one} %", message.body or "")
                self.assertIn("A month of holidays", "".join(in_period.mapped("body")))

    def test_managers_see_all(self):
        Sheet = self.env["aftersales.kpi.sheet"].with_user(self.kpi_manager)
        self.assertEqual(Sheet.search([("period_id", "=", self.period.id)]), self.period.sheet_ids)
        self.period.with_user(self.kpi_manager).action_compute()
        self.assertEqual(len(self.period.sheet_ids), 3)

    def test_employee_comments_in_chatter(self):
        self.period.action_start_discussion()
        self.erin_sheet.with_user(self.user_erin).message_post(
            body="I wrote 5 reports, not 4.", message_type="comment"
        )
        self.assertIn("5 reports", self.erin_sheet.message_ids[0].body)
        with self.assertRaises(AccessError):
            self.frank_sheet.with_user(self.user_erin).message_post(body="Hello")


@tagged("post_install", "-at_install")
class TestKpiAccessRpc(KpiMixin, HttpCase):
    """The same isolation through the external API."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_kpi()
        cls.period = cls._new_period()
        cls.period.action_compute()

    def _call(self, user, method, args, kwargs=None, model="aftersales.kpi.sheet"):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, user.login, model, method, args, kwargs or {}
        )

    def test_rpc_isolation(self):
        erin_sheet = self._sheet(self.period, self.emp_erin)
        frank_sheet = self._sheet(self.period, self.emp_frank)
        rows = self._call(self.user_erin, "search_read", [[]], {"fields": ["actual_wage"]})
        self.assertEqual([row["id"] for row in rows], erin_sheet.ids)
        lines = self._call(self.user_erin, "search_read", [[]], {"fields": ["value"]},
                           model="aftersales.kpi.sheet.line")
        self.assertEqual({row["id"] for row in lines}, set(erin_sheet.line_ids.ids))
        with self.assertRaises(Fault):
            self._call(self.user_erin, "read", [frank_sheet.ids, ["actual_wage"]])
        with self.assertRaises(Fault):
            self._call(self.user_erin, "write", [erin_sheet.ids, {"average_wage": 1.0}])
        self.period.action_start_discussion()
        self._call(self.user_erin, "action_agree", [erin_sheet.ids])
        self.assertTrue(erin_sheet.employee_agreed)
        with self.assertRaises(Fault):
            self._call(self.user_erin, "action_agree", [frank_sheet.ids])
        self.assertFalse(frank_sheet.employee_agreed)
        rows = self._call(self.kpi_manager, "search_read", [[("period_id", "=", self.period.id)]],
                          {"fields": ["actual_wage"]})
        self.assertEqual(len(rows), 3)

    def test_rpc_period_figures(self):
        """Over XML-RPC, a plain employee and an After-Sales user who is not a manager read no
        figure of the period, and the sheets' sums are their own."""
        for user, wage in ((self.user_frank, 5000.0), (self.user_erin, 6000.0)):
            with self.subTest(user=user.login):
                period = "aftersales.kpi.period"
                user.groups_id |= self.env.ref("base.group_allow_export")
                for method, args, kwargs in (
                    ("read", [self.period.ids, ["amount_actual_wage"]], {}),
                    ("search_read", [[]], {"fields": ["name", "amount_actual_wage"]}),
                    ("read_group", [[], ["amount_actual_wage:sum"], ["scheme_id"]], {}),
                    ("web_read_group", [[], ["amount_actual_wage:sum"], ["scheme_id"]], {}),
                    ("search", [[("amount_actual_wage", ">", 0)]], {}),
                    ("export_data", [self.period.ids, ["amount_actual_wage"]], {}),
                ):
                    with self.assertRaises(Fault, msg=method) as caught:
                        self._call(user, method, args, kwargs, model=period)
                    self.assertIn('access the fields "amount_actual_wage"',
                                  caught.exception.faultString)
                [row] = self._call(user, "search_read", [[("id", "=", self.period.id)]], {},
                                   model=period)
                self.assertFalse(set(PERIOD_FIGURES) & set(row))
                [row] = self._call(user, "read", [self.period.ids], {}, model=period)
                self.assertFalse(set(PERIOD_FIGURES) & set(row))
                self.assertFalse(set(PERIOD_FIGURES) & set(
                    self._call(user, "fields_get", [], {"attributes": ["type"]}, model=period)
                ))
                [group] = self._call(user, "read_group", [[], ["actual_wage:sum"], []])
                self.assertAlmostEqual(group["actual_wage"], wage)
                result = self._call(user, "web_read_group", [[], ["actual_wage:sum"], ["period_id"]])
                self.assertEqual([g["actual_wage"] for g in result["groups"]], [wage])
                lines = self._call(user, "search_read", [[]], {"fields": ["employee_id"]},
                                   model="aftersales.kpi.sheet.line")
                self.assertEqual({row["employee_id"][1] for row in lines}, {user.employee_id.name})
        [row] = self._call(self.kpi_manager, "read", [self.period.ids, ["amount_actual_wage"]],
                           model="aftersales.kpi.period")
        self.assertAlmostEqual(row["amount_actual_wage"], 15000.0)
