from datetime import timedelta

from lxml import etree

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common_request import AftersalesRequestCommon


@tagged("post_install", "-at_install")
class TestRequestDesk(AftersalesRequestCommon):
    """Requests: SLA deadlines, lookup of the caller, e-mail alias, complaints, access."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Sla = cls.env["aftersales.sla"]
        Sla.search([("company_id", "=", cls.env.company.id)]).unlink()
        Sla.create([
            {"request_type": "question", "resolution_hours": 24},
            {"request_type": "question", "priority": "3", "resolution_hours": 4},
            {"request_type": "complaint", "resolution_hours": 72},
            {"request_type": "complaint", "priority": "2", "resolution_hours": 48},
        ])

    def test_sla_deadline_by_type_and_priority(self):
        received = self.visit_start.replace(microsecond=0)
        cases = [
            ("question", "0", 24), ("question", "3", 4),
            ("complaint", "0", 72), ("complaint", "1", 72), ("complaint", "2", 48),
        ]
        requests = self.env["aftersales.request"].create([
            {"subject": f"{rtype} {prio}", "request_type": rtype, "priority": prio,
             "request_date": received}
            for rtype, prio, _hours in cases
        ])
        for request, (_rtype, _prio, hours) in zip(requests, cases):
            self.assertEqual(request.sla_deadline, received + timedelta(hours=hours), request.subject)
        # no rule for the type: no deadline; changing the priority moves the deadline
        callback = self._create_request(request_type="callback", request_date=received)
        self.assertFalse(callback.sla_deadline)
        requests[0].priority = "3"
        self.assertEqual(requests[0].sla_deadline, received + timedelta(hours=4))

    def test_overdue_filter(self):
        late, on_time, closed = self.env["aftersales.request"].create([
            {"subject": "late", "request_type": "question",
             "request_date": self.visit_start - timedelta(days=2)},
            {"subject": "on time", "request_type": "question"},
            {"subject": "closed", "request_type": "question",
             "request_date": self.visit_start - timedelta(days=2)},
        ])
        closed.action_done()
        self.assertTrue(late.is_overdue)
        self.assertFalse(on_time.is_overdue or closed.is_overdue)
        overdue = self.env["aftersales.request"].search([("is_overdue", "=", True)])
        self.assertIn(late, overdue)
        self.assertNotIn(on_time | closed, overdue)

    def test_lookup_by_serial(self):
        request = self._create_request(lookup=" sn-a-1 ")
        self.assertEqual(request.lot_id, self.lot_a)
        self.assertEqual(request.product_id, self.machine)
        self.assertEqual(request.end_user_id, self.end_user_a)
        self.assertEqual(request.dealer_id, self.dealer_a)
        # in the form, typing fills the fields at once
        with Form(self.env["aftersales.request"].with_user(self.as_user)) as form:
            form.subject = "Caller"
            form.lookup = "SN-B-1"
            self.assertEqual(form.lot_id, self.lot_b)
            self.assertEqual(form.end_user_id, self.end_user_b)
            self.assertEqual(form.dealer_id, self.dealer_b)

    def test_lookup_by_phone(self):
        # end user A (+1 555 0101) owns one machine: SN-A-1
        found = self.env["aftersales.request"]._lookup_caller("(1) 555-0101")
        self.assertEqual(found, {"end_user_id": self.end_user_a, "dealer_id": self.dealer_a,
                                 "lot_id": self.lot_a})
        self.contact_b.phone = "+44 20 7946 0000"
        found = self.env["aftersales.request"]._lookup_caller("020 7946 0000")
        self.assertEqual(found, {"dealer_id": self.dealer_b})
        self.assertEqual(self.env["aftersales.request"]._lookup_caller("999 999 999"), {})
        with Form(self.env["aftersales.request"]) as form:
            form.subject = "Unknown caller"
            form.lookup = "NO-SUCH-SERIAL"
            self.assertFalse(form.lot_id)

    def test_machine_offered_after_phone_lookup(self):
        """End user A (+1 555 0101) owns SN-A-1 and SN-A-2. The clerk types their number on the
        request form: the end user is found, the machine is left to choose, and the Machine
        field offers exactly their two machines (not SN-B-1 of end user B). An end user who
        owns no machine: the Machine field offers every machine again (SN-A-1, SN-A-2, SN-B-1
        all among them). Before: every machine, whoever called."""
        lot_a2 = self.env["stock.lot"].create({
            "name": "SN-A-2", "product_id": self.machine.id, "dealer_id": self.dealer_a.id,
            "dealer_delivery_date": self.lot_a.dealer_delivery_date,
        })
        self._register(lot_a2, self.end_user_a, 50)
        newcomer = self.env["res.partner"].create(
            {"name": "New End User", "is_end_user": True, "phone": "+1 555 0199"}
        )
        Lot = self.env["stock.lot"]

        def offered(form):
            domain = form._models_info["aftersales.request"]["fields"]["lot_id"]["domain"]
            return Lot.search(safe_eval(domain, form._get_eval_context()))

        with Form(self.env["aftersales.request"].with_user(self.as_user)) as form:
            form.subject = "Caller"
            form.lookup = "(1) 555-0101"
            self.assertEqual(form.end_user_id, self.end_user_a)
            self.assertFalse(form.lot_id)
            self.assertEqual(offered(form), self.lot_a | lot_a2)
            form.lot_id = lot_a2
            form.lookup = "555 0199"
            self.assertEqual(form.end_user_id, newcomer)
            self.assertLessEqual(self.lot_a | lot_a2 | self.lot_b, offered(form))

    def test_dates_without_seconds(self):
        """The SLA deadline and the received time show no seconds in the list, the form and
        the kanban card (before: 05/12/2026 14:23:11); every date-time of the request views
        either hides its seconds or is shown as a date."""
        views = self.env["aftersales.request"].get_views(
            [(False, "list"), (False, "form"), (False, "kanban")]
        )["views"]
        datetimes = {"request_date", "sla_deadline", "visit_start", "visit_stop", "close_date"}
        for view_type, view in views.items():
            arch = etree.fromstring(view["arch"])
            nodes = [
                node for node in arch.iter("field")
                if node.get("name") in datetimes and not node.xpath("ancestor::field")
            ]
            self.assertTrue(nodes or view_type == "kanban", view_type)
            for node in nodes:
                options = safe_eval(node.get("options") or "{}")
                self.assertTrue(
                    options.get("show_seconds") is False
                    or node.get("widget") in ("date", "remaining_days"),
                    f"{view_type}: {node.get('name')} shows seconds",
                )
        kanban = etree.fromstring(views["kanban"]["arch"])
        self.assertTrue(kanban.xpath("//field[@name='sla_deadline']"))

    def test_mail_alias_creates_request(self):
        domain = self.env["mail.alias.domain"].create({"name": "desk.example.com"})
        self.team.write({"alias_name": "desk-test", "alias_domain_id": domain.id,
                         "alias_contact": "everyone"})
        message = (
            "From: End User of B <eu@b.example.com>\r\n"
            "To: desk-test@desk.example.com\r\n"
            "Subject: Machine makes a noise\r\n"
            "Message-ID: <desk-test-1@b.example.com>\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n"
            "Our generator rattles since yesterday.\r\n"
        )
        request_id = self.env["mail.thread"].message_process(None, message)
        request = self.env["aftersales.request"].browse(request_id)
        self.assertEqual(request._name, "aftersales.request")
        self.assertEqual(request.subject, "Machine makes a noise")
        self.assertEqual(request.channel, "email")
        self.assertEqual(request.team_id, self.team)
        self.assertEqual(request.user_id, self.as_manager)
        self.assertEqual(request.end_user_id, self.end_user_b)
        self.assertEqual(request.dealer_id, self.dealer_b)
        self.assertIn("rattles", request.description)

    def test_complaint_needs_root_cause_and_action(self):
        complaint = self._create_request(
            request_type="complaint", lot_id=self.lot_a.id, quality_user_id=self.as_manager.id,
            claim_ids=[(6, 0, self._create_claim().ids)],
        )
        complaint.action_start()
        complaint.root_cause = "Bad batch"
        with self.assertRaisesMessage(UserError, "cannot be closed without Corrective Action"):
            complaint.action_done()
        self.assertEqual(complaint.state, "in_progress")
        self.assertFalse(complaint.close_date)
        complaint.write({"corrective_action": "Inspect the batch",
                         "corrective_action_date": self.today})
        complaint.action_done()
        self.assertEqual(complaint.state, "done")
        self.assertEqual(complaint.claim_ids.request_count, 1)

    def test_repeated_complaints_per_product(self):
        first, second = self.env["aftersales.request"].create([
            {"subject": "leak", "request_type": "complaint", "lot_id": self.lot_a.id},
            {"subject": "leak again", "request_type": "complaint", "lot_id": self.lot_b.id},
        ])
        question = self._create_request(lot_id=self.lot_a.id)
        self.assertEqual((first | second).mapped("product_complaint_count"), [2, 2])
        self.assertEqual(question.product_complaint_count, 0)
        groups = self.env["aftersales.request"]._read_group(
            [("request_type", "=", "complaint")], ["product_id"], ["__count"])
        self.assertIn((self.machine, 2), groups)

    def test_machine_of_another_product_refused(self):
        pump = self.env["product.product"].create({
            "name": "Test Pump", "type": "consu", "is_storable": True, "tracking": "serial",
            "aftersales_part_class": "finished",
        })
        with self.assertRaisesMessage(ValidationError, "SN-A-1 is a Test Generator, not a Test Pump"):
            self._create_request(request_type="repair", lot_id=self.lot_a.id, product_id=pump.id)
        self.assertFalse(self.env["aftersales.request"].search([("lot_id", "=", self.lot_a.id)]))

    def test_access_portal_dealer_and_users(self):
        mine, other = self.env["aftersales.request"].create([
            {"subject": "A", "lot_id": self.lot_a.id},
            {"subject": "B", "lot_id": self.lot_b.id},
        ])
        Request = self.env["aftersales.request"].with_user(self.portal_a)
        self.assertEqual(Request.search([("id", "in", (mine | other).ids)]), mine)
        self.assertEqual(mine.with_user(self.portal_a).read(["subject"])[0]["subject"], "A")
        with self.assertRaises(AccessError):
            other.with_user(self.portal_a).read(["subject"])
        with self.assertRaises(AccessError):
            mine.with_user(self.portal_a).write({"subject": "changed"})
        with self.assertRaises(AccessError):
            Request.create({"subject": "portal"})
        users = self.env["aftersales.request"].with_user(self.as_user)
        self.assertEqual(users.search([("id", "in", (mine | other).ids)]), mine | other)
        with self.assertRaises(AccessError):
            mine.with_user(self.as_user).unlink()
