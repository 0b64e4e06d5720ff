from datetime import date

from odoo.fields import Command
from odoo.tests import new_test_user

from .common import AftersalesCommon, use_one_time_zone


def approve_scheme(scheme):
    """Take a draft scheme through its discussion to approval in one go, every agreement
    recorded by the system (tests/test_kpi_scheme.py goes through it as the employees do)."""
    scheme.action_start_discussion()
    scheme.agreement_ids.action_record_agreement()
    scheme.action_approve()
    return scheme


class KpiMixin:
    """A one-item manual scheme (score = value / 4, capped at 5) appraising two employees with
    users (Erin, Frank) and one without (Gina), and an appraisal manager. The scheme is a draft
    until the first period is created (_new_period approves it)."""

    assertRaisesMessage = AftersalesCommon.assertRaisesMessage

    @classmethod
    def _setup_kpi(cls):
        use_one_time_zone(cls.env)
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.kpi_manager = new_test_user(
            cls.env, login="kpi_manager", groups="base.group_user,aftersales.group_aftersales_manager"
        )
        cls.user_erin = new_test_user(
            cls.env, login="kpi_erin", groups="base.group_user,aftersales.group_aftersales_user"
        )
        cls.user_frank = new_test_user(cls.env, login="kpi_frank", groups="base.group_user")
        Employee = cls.env["hr.employee"]
        cls.department = cls.env["hr.department"].create({"name": "Test Back Office"})
        cls.emp_erin, cls.emp_frank, cls.emp_gina = Employee.create([
            {"name": "Erin", "user_id": cls.user_erin.id, "department_id": cls.department.id,
             "aftersales_average_wage": 6000.0},
            {"name": "Frank", "user_id": cls.user_frank.id, "department_id": cls.department.id,
             "aftersales_average_wage": 5000.0},
            {"name": "Gina", "department_id": cls.department.id, "aftersales_average_wage": 4000.0},
        ])
        cls.scheme = cls.env["aftersales.kpi.scheme"].create({
            "name": "Test Scheme",
            "department_id": cls.department.id,
            "base_coefficient": 0.6,
            "item_ids": [Command.create({
                "name": "Reports on time", "kpi_class": "standardisation", "weight": 100.0,
                "measure": "manual", "scoring_rule": "ratio_up", "target": 4.0,
            })],
        })
        cls.item = cls.scheme.item_ids

    @classmethod
    def _new_period(cls, scheme=None, date_from=date(2025, 3, 1)):
        scheme = scheme or cls.scheme
        if scheme.state == "draft":
            approve_scheme(scheme)
        return cls.env["aftersales.kpi.period"].create({
            "scheme_id": scheme.id, "date_from": date_from,
        })

    @staticmethod
    def _sheet(period, employee):
        return period.sheet_ids.filtered(lambda s: s.employee_id == employee)

    @classmethod
    def _set_values(cls, period, values):
        """Enter the manual item's value per employee: {employee: value}."""
        for employee, value in values.items():
            cls._sheet(period, employee).line_ids.filtered(
                lambda line: line.item_id.measure == "manual"
            ).value = value
