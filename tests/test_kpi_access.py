from xmlrpc.client import Fault

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, TransactionCase, tagged

from .common_kpi import KpiMixin


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
