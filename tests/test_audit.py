import threading
from unittest.mock import patch

from lxml import html

from odoo import http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import Form, tagged

from ..controllers.portal import readonly_unless_after_write
from .common import AftersalesCommon, BrowserCase
from .test_portal_readonly import ReadonlyPagesMixin


class AuditCommon(AftersalesCommon):
    """A template of three items in two sections (maximum x weight: 5 x 1, 5 x 2, 10 x 1 = 25
    points); dealer A's done audit, its in-progress audit by the manufacturer and its self-audit
    to fill in; dealer B's done audit; an open corrective action of each dealer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template = cls.env["aftersales.audit.template"].create({
            "name": "Test Audit",
            "item_ids": [
                Command.create({"section": "Reception", "name": "Covers used", "sequence": 1,
                                "max_score": 5, "weight": 1}),
                Command.create({"section": "Reception", "name": "Kanban board", "sequence": 2,
                                "max_score": 5, "weight": 2}),
                Command.create({"section": "Fire safety", "name": "Daily fire check", "sequence": 3,
                                "max_score": 10, "weight": 1}),
            ],
        })
        Audit = cls.env["aftersales.audit"]
        cls.audit_a_done, cls.audit_a_open, cls.self_a, cls.audit_b = Audit.create([
            {"dealer_id": cls.dealer_a.id, "template_id": cls.template.id, "auditor_id": cls.as_user.id},
            {"dealer_id": cls.dealer_a.id, "template_id": cls.template.id, "auditor_id": cls.as_user.id},
            {"dealer_id": cls.dealer_a.id, "template_id": cls.template.id, "auditor_id": cls.as_user.id,
             "audit_type": "self"},
            {"dealer_id": cls.dealer_b.id, "template_id": cls.template.id, "auditor_id": cls.as_user.id},
        ])
        (cls.audit_a_done | cls.audit_b).action_done()
        cls.action_a, cls.action_b = cls.env["aftersales.audit.action"].create([
            {"audit_id": cls.audit_a_done.id, "name": "Put up the kanban board", "owner_name": "Alice",
             "line_id": cls.audit_a_done.line_ids[1].id, "user_id": cls.as_user.id},
            {"audit_id": cls.audit_b.id, "name": "Check the extinguishers", "owner_name": "Bob"},
        ])

    @staticmethod
    def _score(audit, *scores):
        for line, score in zip(audit.line_ids, scores):
            line.score = score


@tagged("post_install", "-at_install")
class TestAudit(AuditCommon):
    def test_template_copied_and_scored(self):
        """The checklist is the template's items in order; the score is the weighted points over
        the weighted maximum: (5 x 1 + 2.5 x 2 + 5 x 1) / 25 = 60 %."""
        with Form(self.env["aftersales.audit"].with_user(self.as_user)) as form:
            form.dealer_id = self.dealer_a
            form.template_id = self.template
            self.assertEqual(len(form.line_ids), 3)
            for index, score in enumerate((5, 2.5, 5)):
                with form.line_ids.edit(index) as line:
                    line.score = score
        audit = form.record
        self.assertTrue(audit.name.startswith("AUD/"))
        self.assertEqual(audit.line_ids.mapped("name"), ["Covers used", "Kanban board", "Daily fire check"])
        self.assertEqual(audit.line_ids.mapped("section"), ["Reception", "Reception", "Fire safety"])
        self.assertEqual(audit.line_ids.mapped("weight"), [1, 2, 1])
        self.assertEqual((audit.score_total, audit.max_score_total), (15.0, 25.0))
        self.assertAlmostEqual(audit.score, 60.0)
        # a later change of the template does not change the audit
        self.template.item_ids[0].write({"name": "Covers (四件套) used", "max_score": 4})
        self.assertEqual(audit.line_ids[0].name, "Covers used")
        self.assertEqual(audit.line_ids[0].max_score, 5)
        with self.assertRaises(ValidationError):
            audit.line_ids[2].score = 11

    def test_manufacturer_audit_flow(self):
        audit = self.audit_a_open.with_user(self.as_user)
        with Form(audit) as form:
            self.assertEqual(form.state, "draft")
        audit.action_start()
        self.assertEqual(audit.state, "in_progress")
        with self.assertRaises(UserError):
            audit.action_submit()  # only the dealer's self-audit is submitted
        self._score(audit, 5, 5, 10)
        audit.action_done()
        self.assertEqual((audit.state, audit.score), ("done", 100.0))
        audit.action_reopen()
        self.assertEqual(audit.state, "in_progress")

    def test_self_audit_flow(self):
        audit = self.self_a
        with self.assertRaises(UserError):
            audit.action_done()  # nothing submitted to confirm yet
        audit._fill_from_portal({audit.line_ids[0].id: 4, audit.line_ids[2].id: 6}, {audit.line_ids[0].id: "Covers on two bays"})
        self.assertEqual(audit.state, "in_progress")
        self.assertEqual(audit.line_ids.mapped("score"), [4, 0, 6])
        self.assertAlmostEqual(audit.score, 40.0)  # (4 + 0 + 6) / 25
        audit.action_submit()
        self.assertEqual(audit.state, "submitted")
        self.assertEqual(audit.activity_ids.user_id, self.as_user, "the auditor is asked to confirm")
        with self.assertRaises(UserError):
            audit._fill_from_portal({audit.line_ids[1].id: 5}, {})
        audit.with_user(self.as_user).action_done()
        self.assertEqual(audit.state, "done")
        self.assertFalse(audit.activity_ids)

    def test_corrective_action_answered_and_closed(self):
        action = self.action_a.sudo()
        with self.assertRaises(UserError):
            action._answer("  ", self.contact_a)
        action._answer("Board up with the staff photos", self.contact_a)
        self.assertEqual((action.state, action.answer), ("answered", "Board up with the staff photos"))
        self.assertTrue(action.answer_date)
        self.assertEqual(action.activity_ids.user_id, self.as_user, "the follow-up user checks it")
        with self.assertRaises(UserError):
            action._answer("again", self.contact_a)
        self.assertEqual(self.audit_a_done.open_action_count, 0)
        as_user_action = self.action_a.with_user(self.as_user)
        as_user_action.action_reopen()
        self.assertEqual(as_user_action.state, "open")
        self.assertEqual(self.audit_a_done.open_action_count, 1)
        as_user_action.action_close()
        self.assertEqual(as_user_action.state, "closed")
        with self.assertRaises(UserError):
            as_user_action.action_close()

    def test_dealer_form_figures(self):
        """The dealer's last done audit score and its change since the one before, on its form."""
        self._score(self.audit_a_done.sudo(), 5, 2.5, 5)  # 60 %
        self.audit_a_done.date = "2026-01-10"
        self._score(self.audit_a_open, 5, 5, 5)  # 20 / 25 = 80 %
        self.audit_a_open.date = "2026-04-10"
        self.audit_a_open.action_done()
        with Form(self.dealer_a.with_user(self.as_user), view="base.view_partner_form") as form:
            self.assertEqual(form.aftersales_audit_count, 3)
            self.assertAlmostEqual(form.aftersales_audit_score, 80.0)
            self.assertAlmostEqual(form.aftersales_audit_trend, 20.0)
            self.assertEqual(str(form.aftersales_audit_date), "2026-04-10")
        self.assertEqual(self.dealer_b.aftersales_audit_trend, 0.0, "one audit: no trend")
        self.assertEqual(self.dealer_b.aftersales_audit_score, 0.0)
        action = self.dealer_a.action_view_aftersales_audits()
        self.assertEqual(
            self.env["aftersales.audit"].search(action["domain"]),
            self.audit_a_done | self.audit_a_open | self.self_a,
        )

    def test_dealer_reads_only_its_own(self):
        """Dealer A's portal user reads its done audit and self-audit, not the manufacturer's
        audit in progress, nor dealer B's audit or actions; it writes nothing by the ORM."""
        Audit = self.env["aftersales.audit"].with_user(self.portal_a)
        self.assertEqual(Audit.search([]), self.audit_a_done | self.self_a)
        self.assertEqual(
            self.env["aftersales.audit.line"].with_user(self.portal_a).search([]).audit_id,
            self.audit_a_done | self.self_a,
        )
        self.assertEqual(self.env["aftersales.audit.action"].with_user(self.portal_a).search([]), self.action_a)
        with self.assertRaises(AccessError):
            self.audit_b.with_user(self.portal_a).read(["score"])
        with self.assertRaises(AccessError):
            self.action_b.with_user(self.portal_a).read(["name"])
        with self.assertRaises(AccessError):
            self.action_a.with_user(self.portal_a).write({"state": "closed"})
        with self.assertRaises(AccessError):
            self.self_a.line_ids[0].with_user(self.portal_a).write({"score": 5})


@tagged("post_install", "-at_install")
class TestAuditPortal(ReadonlyPagesMixin, BrowserCase, AuditCommon):
    def _post(self, url, data):
        return self.url_open(url, data=dict(data, csrf_token=http.Request.csrf_token(self)))

    def test_portal_pages_and_self_audit(self):
        """Dealer A lists its audits with their scores, does not open dealer B's (back to /my),
        and fills in and submits its self-audit; a score above the maximum is refused."""
        self._score(self.audit_a_done.sudo(), 5, 2.5, 5)  # 60 %
        self.authenticate("portal_a", "portal_a")
        # the pages that only read are served readonly and write nothing
        # Odoo builds its routing map for the database of the request's thread
        with patch.object(threading.current_thread(), "dbname", self.env.cr.dbname, create=True):
            routes = {
                rule.rule: rule.endpoint.routing["readonly"]
                for rule in self.env["ir.http"].routing_map().iter_rules() if rule.rule.startswith("/my/audits")
            }
        self.assertEqual(routes["/my/audits"], True)
        self.assertEqual(routes["/my/audits/<int:audit_id>"], readonly_unless_after_write)
        self.assertFalse(routes["/my/audits/<int:audit_id>/save"])
        with self.assertNoRetry():
            self.url_open(f"/my/audits/{self.audit_a_done.id}").raise_for_status()
            listing = self.url_open("/my/audits")
        page = html.fromstring(listing.text)
        names = [a.text_content() for a in page.xpath("//tr[contains(@class, 'o_aftersales_audit_row')]//a")]
        self.assertCountEqual(names, [self.audit_a_done.name, self.self_a.name])
        self.assertIn("60.0 %", page.xpath("//td[contains(@class, 'o_aftersales_audit_score')]")[-1].text_content())
        self.assertIn("Put up the kanban board", page.xpath("//*[contains(@class, 'o_aftersales_audit_open_actions')]")[0].text_content())
        response = self.url_open(f"/my/audits/{self.audit_b.id}")
        self.assertTrue(response.url.endswith("/my"), "another dealer's audit is not found")
        self.assertNotIn(self.audit_b.name, response.text)
        response = self.url_open(f"/my/audits/{self.audit_a_open.id}")
        self.assertTrue(response.url.endswith("/my"), "an audit in progress is the manufacturer's")

        lines = self.self_a.line_ids
        url = f"/my/audits/{self.self_a.id}/save"
        response = self._post(url, {f"score_{lines[0].id}": "6", f"score_{lines[1].id}": "3"})
        self.assertIn("the score must lie between 0 and 5", response.text)
        self.assertEqual(lines.mapped("score"), [0, 0, 0], "nothing saved")
        response = self._post(url, {
            f"score_{lines[0].id}": "4", f"score_{lines[1].id}": "3", f"score_{lines[2].id}": "8",
            f"note_{lines[2].id}": "Signed every day", "submit": "1",
        })
        self.assertIn("success=submitted", response.url)
        self.assertEqual(self.self_a.state, "submitted")
        self.assertEqual(lines.mapped("score"), [4, 3, 8])
        self.assertEqual(lines[2].note, "Signed every day")
        self.assertAlmostEqual(self.self_a.score, 72.0)  # (4 + 6 + 8) / 25
        # submitted: no more changes from the portal
        self._post(url, {f"score_{lines[0].id}": "5"})
        self.assertEqual(lines[0].score, 4)
        # dealer B cannot answer dealer A's action
        self.authenticate("portal_b", "portal_b")
        self._post(f"/my/audits/{self.audit_a_done.id}/actions/{self.action_a.id}/answer", {"answer": "done"})
        self.assertEqual(self.action_a.state, "open")

    def test_phone_tour_answers_corrective_action(self):
        """On a phone, dealer A sees 2 things to do on /my (its open action and its self-audit),
        opens its audits and answers the corrective action."""
        self.browser_size = "390x844"
        self.touch_enabled = True
        self.start_tour("/my", "aftersales_audit_tour", login="portal_a")
        self.assertEqual(self.action_a.state, "answered")
        self.assertEqual(self.action_a.answer, "Board up with the staff photos and names")
