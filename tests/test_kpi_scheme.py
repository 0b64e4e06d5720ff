from datetime import date

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, TransactionCase, tagged
from odoo.tools.safe_eval import safe_eval

from .common_kpi import KpiMixin


@tagged("post_install", "-at_install")
class TestKpiSettings(KpiMixin, TransactionCase):
    """Issue 20, item 8: the KPI range, the suggested base coefficient range and the revision
    rule are the company's settings, the handbook's values by default."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_kpi()

    def _save_settings(self, **values):
        with Form(self.env["res.config.settings"]) as form:
            for fname, value in values.items():
                setattr(form, fname, value)
        form.save().execute()

    def test_handbook_defaults(self):
        company = self.env["res.company"].create({"name": "New Co"})
        self.assertEqual(
            [company.aftersales_kpi_min, company.aftersales_kpi_max,
             company.aftersales_kpi_base_min, company.aftersales_kpi_base_max,
             company.aftersales_kpi_revision_share, company.aftersales_kpi_revision_threshold],
            [0.5, 5.0, 0.5, 0.8, 80.0, 1.0],
        )

    def test_kpi_range_and_revision_rule_from_settings(self):
        """Settings: KPI range 0.8 - 3, revision at 50 % below 1.2. Target 4 reports:
        Erin 5 -> score 1.25, KPI 1.25 (not below 1.2); Frank 4.4 -> 1.1, below 1.2 (not below
        the handbook's 1); Gina 2.4 -> 0.6, bounded up to 0.8 (0.6 in the handbook's range
        0.5 - 5 would be 0.6). Gina's wage: 4,000 x 0.6 = 2,400 + 4,000 x 0.4 = 1,600 x 0.8 =
        1,280 -> 3,680. Below 1.2: 2 of 3 = 66.7 % >= 50 %: the period needs revision (with
        the handbook's 80 % below 1 only Gina is below, 33.3 %: it would not)."""
        self._save_settings(aftersales_kpi_min=0.8, aftersales_kpi_max=3.0,
                            aftersales_kpi_revision_share=50.0,
                            aftersales_kpi_revision_threshold=1.2)
        self.assertEqual(self.env.company.aftersales_kpi_max, 3.0)
        period = self._new_period()
        period.action_compute()
        self._set_values(period, {self.emp_erin: 5.0, self.emp_frank: 4.4, self.emp_gina: 2.4})
        erin, frank, gina = (self._sheet(period, e) for e in (self.emp_erin, self.emp_frank,
                                                               self.emp_gina))
        self.assertAlmostEqual(erin.kpi_value, 1.25)
        self.assertFalse(erin.is_below_one)
        self.assertAlmostEqual(frank.kpi_value, 1.1)
        self.assertTrue(frank.is_below_one)
        self.assertAlmostEqual(gina.kpi_score, 0.6)
        self.assertAlmostEqual(gina.kpi_value, 0.8)
        self.assertAlmostEqual(gina.actual_wage, 3680.0)
        self.assertEqual(period.below_one_count, 2)
        self.assertAlmostEqual(period.share_below_one, 66.7)
        self.assertTrue(period.needs_revision)
        # a score of 20 / 4 = 5 is bounded down to the highest value, 3
        self._set_values(period, {self.emp_erin: 20.0})
        self.assertAlmostEqual(erin.kpi_value, 3.0)
        self.assertAlmostEqual(erin.actual_wage, 3600.0 + 2400.0 * 3)

    def test_base_coefficient_warns_outside_suggested_range(self):
        """0.45 is outside the handbook's 0.5 - 0.8: saved, with a warning on the form (it was
        refused); inside the range 0.4 - 0.7 of the settings, no warning."""
        with Form(self.env["aftersales.kpi.scheme"]) as form:
            form.name = "Lean base"
            form.base_coefficient = 0.45
            self.assertIn("0.45 lies outside the suggested range 0.5 - 0.8",
                          form.base_coefficient_warning)
            self.assertAlmostEqual(form.performance_coefficient, 0.55)
        scheme = form.record
        self.assertEqual(scheme.base_coefficient, 0.45)
        self._save_settings(aftersales_kpi_base_min=0.4, aftersales_kpi_base_max=0.7)
        scheme.invalidate_recordset(["base_coefficient_warning"])
        self.assertFalse(scheme.base_coefficient_warning)
        self.assertFalse(self.scheme.base_coefficient_warning)  # 0.6

    def test_bad_settings(self):
        company = self.env.company
        for values, message in (
            ({"aftersales_kpi_min": 5.0, "aftersales_kpi_max": 0.5}, "KPI value range 5.0 - 0.5"),
            ({"aftersales_kpi_base_min": 0.8, "aftersales_kpi_base_max": 1.2},
             "base coefficient range 0.8 - 1.2"),
            ({"aftersales_kpi_revision_share": 0.0}, "revision share must lie above 0"),
            ({"aftersales_kpi_revision_threshold": -1.0}, "revision threshold must be positive"),
        ):
            with self.subTest(values=values), self.assertRaisesMessage(ValidationError, message):
                company.write(values)
        self.assertEqual(company.aftersales_kpi_min, 0.5)


@tagged("post_install", "-at_install")
class TestKpiSchemeAgreement(KpiMixin, TransactionCase):
    """Issue 20, items 9 and 10: a scheme is discussed and agreed by its employees, approved,
    and revised as a new version when a period meets the revision rule."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_kpi()

    def _open_as(self, user, scheme=None):
        """The scheme's form as ``user`` opens it (view, fields, agreement lines)."""
        return Form((scheme or self.scheme).with_user(user))

    def test_my_schemes_menu(self):
        """My KPI Schemes lists the schemes that appraise the user: Erin (an After-Sales user)
        finds the test scheme (she is listed) and a scheme of her whole department there from
        the KPI menu; a scheme of another department is not."""
        menu = self.env.ref("aftersales.aftersales_kpi_scheme_menu_mine")
        self.assertIn(menu.id, self.env["ir.ui.menu"].with_user(self.user_erin)._visible_menu_ids())
        action = self.env["ir.actions.act_window"].with_user(self.user_erin)._for_xml_id(
            "aftersales.aftersales_kpi_scheme_action_mine")
        elsewhere = self.env["hr.department"].create({"name": "Factory Repair"})
        other = self.scheme.copy({"name": "Other Scheme", "employee_ids": [(6, 0, [])],
                                  "department_id": elsewhere.id})
        whole_department = self.scheme.copy({"name": "Department Scheme",
                                             "employee_ids": [(6, 0, [])]})
        domain = safe_eval(action["domain"], {"uid": self.user_erin.id})
        self.assertTrue(self.scheme.with_user(self.user_erin).is_mine)
        found = self.env["aftersales.kpi.scheme"].with_user(self.user_erin).search(domain)
        self.assertIn(self.scheme, found)
        self.assertIn(whole_department, found)
        self.assertNotIn(other, found)

    def _agreement(self, employee, scheme=None):
        return (scheme or self.scheme).agreement_ids.filtered(lambda a: a.employee_id == employee)

    def test_agreement_cycle(self):
        """Erin, Frank (a plain internal user) and Gina (no user) are appraised: the scheme is
        approved once all three agreed, Gina's agreement recorded by the manager."""
        scheme = self.scheme.with_user(self.kpi_manager)
        # a draft scheme appraises nothing
        period = self.env["aftersales.kpi.period"].create(
            {"scheme_id": self.scheme.id, "date_from": date(2025, 3, 1)})
        with self.assertRaisesMessage(UserError, r"Test Scheme is Draft: only an approved scheme"):
            period.action_compute()
        with self.assertRaises(UserError):
            self.scheme.with_user(self.user_erin).action_start_discussion()
        scheme.action_start_discussion()
        self.assertEqual(self.scheme.state, "discussion")
        self.assertEqual(self.scheme.agreement_ids.employee_id,
                         self.emp_erin | self.emp_frank | self.emp_gina)
        self.assertEqual(set(self.scheme.agreement_ids.mapped("state")), {"pending"})
        with self.assertRaisesMessage(UserError, r"only an approved scheme"):
            period.action_compute()
        # the terms are frozen while they are discussed
        with self.assertRaisesMessage(UserError, r"is In Discussion: its items, weights"):
            scheme.base_coefficient = 0.7
        with self.assertRaisesMessage(UserError, r"is In Discussion"):
            self.item.with_user(self.kpi_manager).weight = 50.0

        # Frank, a plain internal user, opens the scheme, comments and agrees
        self.assertFalse(self.user_frank.has_group("aftersales.group_aftersales_user"))
        form = self._open_as(self.user_frank)
        self.assertEqual(form.state, "discussion")
        self.assertTrue(form.can_be_agreed)
        self.assertFalse(form.can_be_approved)
        self.scheme.with_user(self.user_frank).message_post(
            body="Four reports a month is a lot in the holidays.", message_type="comment")
        self.scheme.with_user(self.user_frank).action_agree()
        frank = self._agreement(self.emp_frank)
        self.assertEqual(frank.state, "agreed")
        self.assertEqual(frank.agreed_by_id, self.user_frank)
        self.assertTrue(frank.agreed_on)
        self.assertFalse(self._open_as(self.user_frank).can_be_agreed)
        with self.assertRaisesMessage(UserError, r"cannot be agreed with by you"):
            self.scheme.with_user(self.user_frank).action_agree()
        with self.assertRaises(AccessError):
            frank.with_user(self.user_frank).write({"state": "pending"})

        # approval waits for everybody, and names who has not agreed
        with self.assertRaisesMessage(UserError, r"Erin, Gina have not agreed"):
            scheme.action_approve()
        self.assertEqual(self.scheme.state, "discussion")
        # Gina has no user: the manager records her agreement, nobody else may
        gina = self._agreement(self.emp_gina)
        with self.assertRaises(UserError):
            gina.with_user(self.user_erin).action_record_agreement()
        with self.assertRaisesMessage(UserError, r"Erin, scheme Test Scheme: a manager records"):
            self._agreement(self.emp_erin).with_user(self.kpi_manager).action_record_agreement()
        gina.with_user(self.kpi_manager).action_record_agreement()
        self.assertEqual(gina.agreed_by_id, self.kpi_manager)
        self.scheme.with_user(self.user_erin).action_agree()
        self.assertEqual(self.scheme.agreed_count, 3)
        with self.assertRaises(UserError):
            self.scheme.with_user(self.user_erin).action_approve()
        scheme.action_approve()
        self.assertEqual(self.scheme.state, "approved")
        bodies = " ".join(self.scheme.message_ids.mapped("body"))
        self.assertIn("holidays", bodies)
        # approved: it appraises
        period.action_compute()
        self.assertEqual(len(period.sheet_ids), 3)

    def test_back_to_draft_withdraws_agreements(self):
        self.scheme.action_start_discussion()
        self.scheme.with_user(self.user_erin).action_agree()
        self.scheme.action_reset_to_draft()
        self.assertEqual(self.scheme.state, "draft")
        self.assertFalse(self.scheme.agreement_ids)
        self.scheme.base_coefficient = 0.7  # the terms may change again

    def test_employee_joining_department_must_agree(self):
        """Hana joins the department during the discussion: approving gives her a line (kept,
        with a warning, no error that would undo it) and waits for her."""
        self.scheme.action_start_discussion()
        self.scheme.agreement_ids.action_record_agreement()
        hana = self.env["hr.employee"].create(
            {"name": "Hana", "department_id": self.department.id})
        action = self.scheme.action_approve()
        self.assertIn("Hana joined since the discussion started", action["params"]["message"])
        self.assertEqual(self.scheme.state, "discussion")
        self.assertEqual(self._agreement(hana).state, "pending")
        with self.assertRaisesMessage(UserError, r"Hana have not agreed"):
            self.scheme.action_approve()
        self._agreement(hana).action_record_agreement()
        self.assertIs(self.scheme.action_approve(), True)
        self.assertEqual(self.scheme.state, "approved")

    def test_revision_makes_a_new_version(self):
        """March: all three below 1 (3 / 3 = 100 % >= 80 %), confirmed with its reason: the
        scheme must be revised before April is computed. Revise: version 2, a draft with the
        same items and its own agreement cycle; version 1 is kept, read-only, linked both
        ways, and keeps its March period."""
        march = self._new_period()
        march.action_compute()
        self._set_values(march, {self.emp_erin: 2.0, self.emp_frank: 2.0, self.emp_gina: 2.0})
        self.assertTrue(march.needs_revision)
        with Form(march) as form:
            form.revision_reason = "Holidays: nobody could write four reports."
        march.action_confirm()
        self.assertTrue(self.scheme.revision_required)
        april = self.env["aftersales.kpi.period"].create(
            {"scheme_id": self.scheme.id, "date_from": date(2025, 4, 1)})
        with self.assertRaisesMessage(UserError, r"Test Scheme must be revised before it appraises"):
            april.action_compute()
        # the manager revises, through the button
        self.assertFalse(self.scheme.with_user(self.user_erin).can_be_revised)
        action = self.scheme.with_user(self.kpi_manager).action_revise()
        version_2 = self.env["aftersales.kpi.scheme"].browse(action["res_id"])
        old = self.scheme
        self.assertEqual((old.state, old.next_version_id), ("revised", version_2))
        self.assertEqual(
            (version_2.state, version_2.version, version_2.previous_version_id,
             version_2.origin_id), ("draft", 2, old, old))
        self.assertEqual(version_2.display_name, "Test Scheme (v2)")
        self.assertEqual(version_2.item_ids.mapped("target"), [4.0])
        self.assertNotEqual(version_2.item_ids, old.item_ids)
        self.assertFalse(version_2.agreement_ids)
        self.assertFalse(version_2.revision_required)
        self.assertIn("Holidays", version_2.message_ids[0].body)
        # the old version stays as it was
        with self.assertRaisesMessage(UserError, r"is Revised"):
            old.item_ids.target = 3.0
        with self.assertRaises(UserError):
            old.action_start_discussion()
        with self.assertRaisesMessage(UserError, r"was revised by Test Scheme \(v2\): reset the period"):
            april.action_compute()
        # history: both versions, from either
        self.assertEqual((old.version_count, version_2.version_count), (2, 2))
        versions = version_2.action_view_versions()
        self.assertEqual(self.env["aftersales.kpi.scheme"].search(versions["domain"]),
                         old | version_2)
        # the new version changes the target, is agreed and approved, and appraises April
        version_2.item_ids.target = 3.0
        april.scheme_id = version_2
        self.assertEqual(old.period_ids, march)
        with self.assertRaisesMessage(UserError, r"\(v2\) is Draft"):
            april.action_compute()
        version_2.action_start_discussion()
        self.assertEqual(len(version_2.agreement_ids), 3)
        version_2.with_user(self.user_erin).action_agree()
        version_2.with_user(self.user_frank).action_agree()
        self._agreement(self.emp_gina, version_2).action_record_agreement()
        version_2.action_approve()
        april.action_compute()
        self._set_values(april, {self.emp_erin: 3.0})
        # 3 reports for a target of 3: score 1, no longer below 1
        self.assertAlmostEqual(self._sheet(april, self.emp_erin).kpi_value, 1.0)
        self.assertFalse(self._sheet(april, self.emp_erin).is_below_one)
