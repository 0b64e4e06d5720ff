from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import AftersalesCommon
from .common_queries import QueryCountMixin


@tagged("post_install", "-at_install")
class TestCallList(QueryCountMixin, AftersalesCommon):
    """Outbound call lists (care and promotion calls) and the roles of the department: teams of
    a role get the requests of their types, KPI schemes appraise a team or a position."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.country_1 = cls.env.ref("base.cn")
        cls.country_2 = cls.env.ref("base.us")
        cls.state_1, cls.state_2 = cls.env["res.country.state"].create([
            {"name": "Test Province 1", "code": "TP1", "country_id": cls.country_1.id},
            {"name": "Test Province 2", "code": "TP2", "country_id": cls.country_1.id},
        ])
        cls.other_machine = cls.env["product.product"].create({
            "name": "Test Pump", "type": "consu", "is_storable": True, "tracking": "serial",
            "aftersales_part_class": "finished",
        })
        cls.agent_1, cls.agent_2 = (
            new_test_user(cls.env, login=login, name=login.title(),
                          groups="base.group_user,aftersales.group_aftersales_user")
            for login in ("as_agent_1", "as_agent_2")
        )
        Team = cls.env["aftersales.team"]
        cls.hotline = Team.create({
            "name": "Test Hotline", "sequence": 0, "role": "hotline",
            "leader_id": cls.as_manager.id,
            "outbound_agent_ids": [(6, 0, [cls.agent_1.id, cls.agent_2.id])],
        })
        cls.field_team = Team.create({"name": "Test Field", "sequence": 0, "role": "field_service"})
        cls.complaint_team = Team.create({"name": "Test CQE", "sequence": 0, "role": "complaints"})
        # end user: (state, country, dealer, product, days since its life started)
        specs = [
            ("E1", cls.state_1, cls.country_1, cls.dealer_a, cls.machine, 700),
            ("E2", cls.state_2, cls.country_1, cls.dealer_b, cls.machine, 180),
            ("E3", cls.state_1.browse(), cls.country_2, cls.dealer_a, cls.machine, 425),
            ("E4", cls.state_2, cls.country_1, cls.dealer_b, cls.other_machine, 900),
        ]
        cls.end_users = {}
        for name, state, country, dealer, product, days in specs:
            cls.end_users[name] = cls._make_end_user(name, state, country, dealer, product, days)
        # E3 called in five days ago: contacted recently
        cls.env["aftersales.request"].create({
            "subject": "Noise", "end_user_id": cls.end_users["E3"].id, "team_id": cls.hotline.id,
            "request_date": fields.Datetime.now() - timedelta(days=5),
        })

    @classmethod
    def _make_end_user(cls, name, state, country, dealer, product, days):
        end_user = cls.env["res.partner"].create({
            "name": f"Call {name}", "is_end_user": True, "state_id": state.id,
            "country_id": country.id, "aftersales_dealer_id": dealer.id, "phone": "+86 10 5555",
        })
        cls.env["stock.lot"].create({
            "name": f"SN-CALL-{name}", "product_id": product.id, "dealer_id": dealer.id,
            "dealer_delivery_date": cls.today - timedelta(days=days),
            "end_user_id": end_user.id, "registration_date": cls.today - timedelta(days=days),
        })
        return end_user

    def _new_list(self, **values):
        with Form(self.env["aftersales.call.list"].with_user(self.as_user)) as form:
            form.name = "Test care calls"
            for product in values.pop("products", (self.machine, self.other_machine)):
                form.product_ids.add(product)
            for fname, value in values.items():
                setattr(form, fname, value)
        return form.record

    def _selected(self, call_list):
        return set(call_list._get_candidate_machines().end_user_id.mapped("name"))

    # --------------------------------------------------------------- criteria
    def test_criteria(self):
        call_list = self._new_list()
        self.assertEqual(call_list.team_id, self.hotline, "the hotline's list by default")
        self.assertEqual(call_list.agent_ids, self.agent_1 | self.agent_2)
        self.assertEqual(self._selected(call_list), {"Call E1", "Call E2", "Call E3", "Call E4"})
        def m2m(records):
            return [(6, 0, records.ids)]

        cases = [
            ({"product_ids": m2m(self.other_machine)}, {"Call E4"}),
            ({"age_from_months": 12}, {"Call E1", "Call E3", "Call E4"}),
            ({"age_from_months": 12, "age_to_months": 20}, {"Call E3"}),
            ({"dealer_ids": m2m(self.dealer_a)}, {"Call E1", "Call E3"}),
            ({"country_state_ids": m2m(self.state_1)}, {"Call E1"}),
            ({"country_ids": m2m(self.country_2)}, {"Call E3"}),
            ({"no_contact_days": 30}, {"Call E1", "Call E2", "Call E4"}),
            ({"no_contact_days": 3}, {"Call E1", "Call E2", "Call E3", "Call E4"}),
        ]
        for values, expected in cases:
            with self.subTest(criteria=values):
                criteria = dict.fromkeys(
                    ("age_from_months", "age_to_months", "no_contact_days"), 0
                ) | {"product_ids": m2m(self.machine | self.other_machine), "dealer_ids": m2m(
                    self.dealer_a.browse()), "country_state_ids": [(5,)], "country_ids": [(5,)]}
                call_list.write(criteria | values)
                self.assertEqual(self._selected(call_list), expected)
        with self.assertRaisesMessage(UserError, "above the age to"):
            call_list.write({"age_from_months": 24, "age_to_months": 12})

    def test_criteria_queries_do_not_grow(self):
        """One search per criterion, whatever the number of end users."""
        call_list = self._new_list(age_from_months=1, no_contact_days=30)
        call_list.write({"dealer_ids": [(6, 0, (self.dealer_a | self.dealer_b).ids)],
                         "country_ids": [(6, 0, (self.country_1 | self.country_2).ids)]})
        self.assertEqual(len(call_list._get_candidate_machines()), 3)
        before = self._count_queries(call_list._get_candidate_machines)
        for index in range(6):
            self._make_end_user(f"More {index}", self.state_1, self.country_1, self.dealer_a,
                                self.machine, 400)
        self.assertEqual(len(call_list._get_candidate_machines()), 9)
        self.assertEqual(self._count_queries(call_list._get_candidate_machines), before)

    # ------------------------------------------------------- building, calling
    def test_build_round_robin_and_results(self):
        call_list = self._new_list(age_from_months=12)
        call_list.action_build_list()
        lines = call_list.line_ids.sorted("id")
        self.assertEqual(lines.end_user_id.mapped("name"), ["Call E4", "Call E1", "Call E3"])
        self.assertEqual([line.user_id for line in lines], [self.agent_1, self.agent_2, self.agent_1])
        # built again: only the new end user, the turn goes on with the next agent
        self._make_end_user("E5", self.state_1, self.country_1, self.dealer_b, self.machine, 500)
        call_list.action_build_list()
        new_line = call_list.line_ids - lines
        self.assertEqual(new_line.end_user_id.name, "Call E5")
        self.assertEqual(new_line.user_id, self.agent_2)
        with self.assertRaisesMessage(UserError, "no end user matches"):
            call_list.action_build_list()

        e4, e1, e3 = lines
        with self.assertRaisesMessage(UserError, "not calling"):
            e4.with_user(self.agent_1).action_interested()
        call_list.action_activate()
        e4.with_user(self.agent_1).action_interested()
        e1.with_user(self.agent_2).action_not_interested()
        e3.with_user(self.agent_1).action_unreachable()
        self.assertEqual((e4 | e1 | e3).mapped("state"), ["done"] * 3)
        with self.assertRaisesMessage(UserError, "is done"):
            e1.action_reached()
        with self.assertRaisesMessage(UserError, "only an interested end user"):
            e1.action_create_request()

        # follow-ups: a field-service request routed to the field-service team, a lead for the dealer
        action = e4.with_user(self.agent_1).action_create_request()
        request = e4.request_id
        self.assertEqual(action["res_id"], request.id)
        self.assertEqual(request.request_type, "field_service")
        self.assertEqual(request.team_id, self.field_team)
        self.assertEqual(request.lot_id.name, "SN-CALL-E4")
        e4.with_user(self.agent_1).action_create_lead()
        self.assertEqual(e4.lead_id.request_type, "sales_lead")
        self.assertEqual(e4.lead_id.dealer_id, self.dealer_b)
        self.assertEqual(e4.lead_id.team_id, self.hotline)
        with self.assertRaisesMessage(UserError, "has a sales lead already"):
            e4.action_create_lead()

        # results per list: 3 called, 2 reached, 1 interested, 2 follow-ups
        call_list.invalidate_recordset()
        self.assertEqual(call_list.line_count, 4)
        self.assertEqual(call_list.called_count, 3)
        self.assertAlmostEqual(call_list.reached_rate, 200 / 3, places=1)
        self.assertEqual(call_list.interested_rate, 50.0)
        self.assertEqual(call_list.followup_count, 2)
        # per agent, as the pivot reads it (the Called filter)
        per_agent = {
            agent: (called, reached_rate, followups)
            for agent, called, reached_rate, followups in self.env[
                "aftersales.call.list.line"
            ]._read_group(
                [("list_id", "=", call_list.id), ("outcome", "!=", False)], ["user_id"],
                ["called:sum", "reached_rate:avg", "followups:sum"],
            )
        }
        self.assertEqual(per_agent, {self.agent_1: (2, 50.0, 2), self.agent_2: (1, 100.0, 0)})

    def test_call_again(self):
        call_list = self._new_list(products=self.other_machine)
        call_list.action_build_list()
        call_list.action_activate()
        line = call_list.line_ids
        line.with_user(self.agent_1).action_call_again()
        self.assertEqual(line.state, "to_call")
        self.assertEqual(line.outcome, "call_again")
        self.assertEqual(line.next_call_date, self.today + timedelta(days=3))
        self.assertEqual(line.activity_ids.user_id, line.user_id)
        self.assertEqual(line.activity_ids.date_deadline, line.next_call_date)
        line.with_user(self.agent_1).action_reached()
        self.assertEqual(line.state, "done")
        self.assertFalse(line.activity_ids, "the call made, its reminder is done")
        self.assertFalse(line.next_call_date)

    def test_build_in_background(self):
        self.env["ir.config_parameter"].sudo().set_param("aftersales.job_batch_size", "2")
        call_list = self._new_list()
        action = call_list.action_build_list()
        self.assertEqual(action["tag"], "display_notification")
        call_list.invalidate_recordset()
        self.assertTrue(call_list.is_aftersales_job_running)
        self.assertFalse(call_list.line_ids, "built by the job, not in the request")
        with self.assertRaisesMessage(UserError, "running in the background"):
            call_list.action_build_list()

    # ------------------------------------------------------------------ roles
    def test_routing_by_role(self):
        Request = self.env["aftersales.request"]
        complaint = Request.create({"subject": "Leak", "request_type": "complaint"})
        self.assertEqual(complaint.team_id, self.complaint_team)
        question = Request.create({"subject": "Filter?", "request_type": "question"})
        self.assertEqual(question.team_id, self.hotline)
        chosen = Request.create({"subject": "Visit", "request_type": "field_service",
                                 "team_id": self.hotline.id})
        self.assertEqual(chosen.team_id, self.hotline, "a team chosen is kept")
        form = Form(Request.with_context(default_request_type="complaint"))
        self.assertEqual(form.team_id, self.complaint_team)
        # the shipped groups and positions
        self.assertEqual(
            set(self.env["aftersales.team"].search([("role", "!=", False)]).mapped("role")),
            {"hotline", "complaints", "field_service", "factory_repair", "parts", "training",
             "strategy"},
        )
        self.assertEqual(self.env.ref("aftersales.hr_job_complaint_officer").aftersales_team_id.role,
                         "complaints")
        # an After-Sales user (no HR right) reads the positions on the team's form
        shipped_hotline = self.env.ref("aftersales.aftersales_team_hotline").with_user(self.as_user)
        self.assertIn("Outbound Agent", shipped_hotline.job_ids.mapped("name"))
        shipped_hotline.job_ids.read(["name", "no_of_employee", "aftersales_team_id"])

    def test_kpi_scope_team_and_position(self):
        Employee = self.env["hr.employee"]
        job = self.env.ref("aftersales.hr_job_outbound_agent")
        emp_1, emp_2, emp_3 = Employee.create([
            {"name": "Agent One", "user_id": self.agent_1.id, "job_id": job.id},
            {"name": "Agent Two", "user_id": self.agent_2.id},
            {"name": "Someone", "job_id": job.id},
        ])
        Scheme = self.env["aftersales.kpi.scheme"]
        by_team = Scheme.create({"name": "Hotline KPI", "aftersales_team_id": self.hotline.id})
        self.assertEqual(by_team._get_employees(), emp_1 | emp_2)
        by_job = Scheme.create({"name": "Agents KPI", "job_id": job.id})
        self.assertEqual(by_job._get_employees() & (emp_1 | emp_2 | emp_3), emp_1 | emp_3)
        both = Scheme.create({"name": "Both", "aftersales_team_id": self.hotline.id, "job_id": job.id})
        self.assertEqual(both._get_employees(), emp_1)
        mine = Scheme.with_user(self.agent_2).search([("is_mine", "=", True)])
        self.assertIn(by_team, mine)
        self.assertNotIn(by_job, mine)
        self.assertNotIn(both, mine)

    # ----------------------------------------------------------------- access
    def test_access(self):
        call_list = self._new_list()
        call_list.action_build_list()
        for model in ("aftersales.call.list", "aftersales.call.list.line"):
            with self.subTest(model=model), self.assertRaises(AccessError):
                self.env[model].with_user(self.portal_b).search([])
        company_2 = self.env["res.company"].create({"name": "Call Co 2"})
        other = new_test_user(
            self.env, login="as_other_co", company_id=company_2.id, company_ids=[(6, 0, company_2.ids)],
            groups="base.group_user,aftersales.group_aftersales_user",
        )
        self.assertFalse(self.env["aftersales.call.list"].with_user(other).search([]))
        self.assertFalse(self.env["aftersales.call.list.line"].with_user(other).search([]))
        with self.assertRaises(AccessError):
            call_list.with_user(other).read(["name"])
        with self.assertRaises(AccessError):
            call_list.line_ids[:1].with_user(other).read(["outcome"])
