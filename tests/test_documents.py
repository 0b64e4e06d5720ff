from lxml import html

from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import Form, tagged, new_test_user

from .common import BrowserCase
from .common_claim import AftersalesClaimCommon


class DocumentsCommon(AftersalesClaimCommon):
    """A procedure owned by the manager and carried out by an After-Sales user; a released
    policy for dealers, a released internal record form, a draft target page; knowledge
    articles of the test generator (one about not starting, one about a seized engine) and one
    internal article."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Page = cls.env["document.page"]
        cls.staff = new_test_user(
            cls.env, login="as_staff", name="Stan Staff",
            groups="base.group_user,aftersales.group_aftersales_user",
        )
        cls.procedure = Page.create({
            "name": "Test Claim Procedure", "aftersales_kind": "document", "level": "3",
            "handbook_group": "complaint", "owner_id": cls.as_manager.id, "is_for_dealers": True,
            "staff_ids": [Command.link(cls.staff.id)], "content": "<p>Version one.</p>",
            "step_ids": [Command.create({"name": "Check the serial", "role": "Claim reviewer"})],
        })
        cls.policy, cls.record_form, cls.targets = Page.create([
            {"name": "Test Policy", "aftersales_kind": "document", "level": "1",
             "owner_id": cls.as_manager.id, "is_for_dealers": True, "content": "<p>Mission.</p>"},
            {"name": "Test Record Form", "aftersales_kind": "document", "level": "4",
             "owner_id": cls.as_manager.id, "content": "<p>Internal form.</p>"},
            {"name": "Test Targets", "aftersales_kind": "document", "level": "2",
             "owner_id": cls.as_manager.id, "is_for_dealers": True, "content": "<p>Draft.</p>"},
        ])
        (cls.policy | cls.record_form).action_start_discussion()
        (cls.policy | cls.record_form).action_approve()
        (cls.policy | cls.record_form).action_release()
        cls.kb_start, cls.kb_seized, cls.kb_internal = Page.create([
            {"name": "Test generator does not start", "aftersales_kind": "article",
             "is_for_dealers": True, "product_ids": [Command.link(cls.machine.id)],
             "symptom_keywords": "not start, no start", "content": "<p>Open the test fuel tap.</p>"},
            {"name": "Test generator engine seized", "aftersales_kind": "article",
             "is_for_dealers": True, "product_ids": [Command.link(cls.machine.id)],
             "symptom_keywords": "seized", "content": "<p>Check the oil.</p>"},
            {"name": "Test warranty trick", "aftersales_kind": "article",
             "product_ids": [Command.link(cls.machine.id)], "content": "<p>Hotline only.</p>"},
        ])
        (cls.kb_start | cls.kb_seized | cls.kb_internal).action_approve()
        (cls.kb_start | cls.kb_seized | cls.kb_internal).action_release()


@tagged("post_install", "-at_install")
class TestDocuments(DocumentsCommon):

    def test_discussion_approval_release_and_versions(self):
        """The staff's comment is a point; approval and release are refused while it is open;
        the owner answers it; the manager approves and releases; the next version keeps the
        released one readable and in the history."""
        procedure = self.procedure.with_user(self.as_manager)
        procedure.action_start_discussion()
        self.assertIn(self.staff.partner_id, procedure.message_partner_ids)
        self.procedure.with_user(self.staff).message_post(
            body="The reviewer cannot check the serial on a Sunday.", message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        point = procedure.point_ids
        self.assertEqual(len(point), 1)
        self.assertEqual((point.state, point.author_id, point.version),
                         ("open", self.staff.partner_id, 1))
        self.assertEqual(procedure.open_point_count, 1)
        with self.assertRaisesMessage(UserError, "not answered"):
            procedure.action_approve()
        # the owner's own comment is no point
        procedure.message_post(body="Noted.", message_type="comment", subtype_xmlid="mail.mt_comment")
        self.assertEqual(len(procedure.point_ids), 1)
        # only the owner (or a manager) answers, and only with an answer
        with self.assertRaisesMessage(UserError, "write the answer"):
            point.with_user(self.as_manager).action_answer()
        point.answer = "The duty reviewer checks it on Monday."
        with self.assertRaisesMessage(UserError, "only its owner"):
            point.with_user(self.staff).action_answer()
        point.with_user(self.as_manager).action_answer()
        self.assertEqual(point.state, "answered")
        # an After-Sales user does not approve
        with self.assertRaisesMessage(UserError, "After-Sales manager"):
            self.procedure.with_user(self.staff).action_approve()
        procedure.action_approve()
        procedure.action_release()
        self.assertEqual((procedure.aftersales_state, procedure.is_released, procedure.released_version),
                         ("released", True, 1))
        self.assertEqual(procedure.release_date, self.today)
        self.assertIn("Version one.", procedure.released_content)
        # version 2: the released text stays what readers see until v2 is released (the history
        # read first, as a form does)
        self.assertEqual(len(procedure.history_ids), 1)
        procedure.action_new_version()
        procedure.content = "<p>Version two.</p>"
        self.assertEqual((procedure.aftersales_state, procedure.version), ("draft", 2))
        self.assertTrue(procedure.is_released)
        self.assertIn("Version one.", procedure.released_content)
        with self.assertRaisesMessage(UserError, "only an approved page is released"):
            procedure.action_release()
        procedure.action_start_discussion()
        procedure.action_approve()
        procedure.action_release()
        self.assertIn("Version two.", procedure.released_content)
        self.assertIn("Version two.", procedure.content)
        history = procedure.history_ids.sorted("id")
        self.assertEqual(len(history), 2)
        self.assertIn("Version one.", history[0].content)
        self.assertEqual(history.mapped("name"), ["Version 1", "Version 2"])

    def test_article_form_and_manager_buttons(self):
        """An article written in the form is approved and released without a discussion."""
        with Form(self.env["document.page"].with_context(
                default_aftersales_kind="article", default_type="content", default_is_for_dealers=True),
                view="aftersales.document_page_view_form_aftersales") as form:
            form.name = "Test compressor pressure drops"
            form.symptom_keywords = "pressure"
            form.product_ids.add(self.machine)
            form.content = "<p>Check the hoses.</p>"
        article = form.record.with_user(self.as_manager)
        article.action_approve()
        article.action_release()
        self.assertTrue(article.is_released)
        # a department document is discussed first
        with self.assertRaisesMessage(UserError, "approved after its discussion"):
            self.targets.with_user(self.as_manager).action_approve()

    def test_dealer_reads_released_pages_for_dealers_only(self):
        Page = self.env["document.page"].with_user(self.portal_a)
        pages = self.procedure | self.policy | self.record_form | self.targets
        pages |= self.kb_start | self.kb_seized | self.kb_internal
        visible = Page.search([("id", "in", pages.ids)])
        self.assertEqual(visible, self.policy | self.kb_start | self.kb_seized)
        self.assertEqual(self.policy.with_user(self.portal_a).released_content, self.policy.released_content)
        for hidden in (self.record_form, self.targets, self.procedure, self.kb_internal):
            with self.assertRaises(AccessError):
                hidden.with_user(self.portal_a).read(["name"])
        # the draft of the next version is never readable (its history rows are not)
        with self.assertRaises(AccessError):
            self.policy.with_user(self.portal_a).read(["content"])
        with self.assertRaises(AccessError):
            self.policy.with_user(self.portal_a).write({"name": "Changed"})
        # the hotline reads every page in the back office
        self.assertEqual(self.kb_internal.with_user(self.as_user).name, "Test warranty trick")

    def test_articles_offered_on_claims_and_requests(self):
        """The claim's product gives the articles; its symptom's words choose among them."""
        starting = self._create_claim(symptom="The generator does NOT START when cold")
        other = self._create_claim(symptom="Strange noise")
        claims = (starting | other).with_user(self.as_user)
        self.assertEqual(claims[0].knowledge_article_ids, self.kb_start)
        self.assertEqual(claims[1].knowledge_article_ids, self.kb_start | self.kb_seized | self.kb_internal)
        self.assertEqual(claims[1].knowledge_article_count, 3)
        action = claims[0].action_view_knowledge_articles()
        self.assertEqual((action["res_model"], action["res_id"]), ("document.page", self.kb_start.id))
        request = self.env["aftersales.request"].create({
            "subject": "Engine", "lot_id": self.lot_a.id, "description": "<p>Engine <b>seized</b></p>",
        })
        self.assertEqual(request.knowledge_article_ids, self.kb_seized)
        # an article not released is not offered
        draft = self.env["document.page"].create({
            "name": "Test draft article", "aftersales_kind": "article",
            "product_ids": [Command.link(self.machine.id)], "symptom_keywords": "seized",
        })
        self.assertNotIn(draft, request.knowledge_article_ids)


@tagged("post_install", "-at_install")
class TestDocumentsPortal(BrowserCase, DocumentsCommon):

    def test_portal_pages_and_access(self):
        self.authenticate("portal_a", "portal_a")
        tree = html.fromstring(self.url_open("/my/knowledge").text)
        titles = {a.text_content() for a in tree.xpath("//tr[hasclass('o_aftersales_knowledge_row')]//a")}
        self.assertTrue({"Test generator does not start", "Test generator engine seized"} <= titles)
        self.assertNotIn("Test warranty trick", titles)
        # searched by the product's name: the test generator's two articles for dealers
        tree = html.fromstring(self.url_open("/my/knowledge?search=Test Generator").text)
        titles = [a.text_content() for a in tree.xpath("//tr[hasclass('o_aftersales_knowledge_row')]//a")]
        self.assertEqual(sorted(titles), ["Test generator does not start", "Test generator engine seized"])
        tree = html.fromstring(self.url_open("/my/knowledge?search=test fuel tap").text)
        titles = [a.text_content() for a in tree.xpath("//tr[hasclass('o_aftersales_knowledge_row')]//a")]
        self.assertEqual(titles, ["Test generator does not start"])
        response = self.url_open(f"/my/knowledge/{self.kb_start.id}")
        self.assertIn("Open the test fuel tap.", response.text)
        tree = html.fromstring(self.url_open("/my/documents").text)
        rows = {a.text_content() for a in tree.xpath("//tr[hasclass('o_aftersales_document_row')]//a")}
        self.assertIn("Test Policy", rows)
        self.assertFalse({"Test Record Form", "Test Targets", "Test Claim Procedure"} & rows)
        self.assertIn("Mission.", self.url_open(f"/my/documents/{self.policy.id}").text)
        # internal, draft or unknown pages: back to /my
        for url in (f"/my/knowledge/{self.kb_internal.id}", f"/my/documents/{self.record_form.id}",
                    f"/my/documents/{self.targets.id}", f"/my/documents/{self.kb_start.id}",
                    f"/my/knowledge/{self.policy.id}"):
            response = self.url_open(url)
            self.assertTrue(response.url.endswith("/my"), url)
        # the home page's counters
        counters = self.make_jsonrpc_request("/my/counters", {
            "counters": ["aftersales_knowledge_counter", "aftersales_document_counter"]})
        Page = self.env["document.page"]
        dealer_pages = [("is_released", "=", True), ("is_for_dealers", "=", True)]
        self.assertEqual(counters, {
            "aftersales_knowledge_counter": Page.search_count(dealer_pages + [("aftersales_kind", "=", "article")]),
            "aftersales_document_counter": Page.search_count(dealer_pages + [("aftersales_kind", "=", "document")]),
        })

    def test_knowledge_base_on_a_phone(self):
        self.browser_size = "390x844"
        self.touch_enabled = True
        self.start_tour("/my", "aftersales_knowledge_portal_tour", login="portal_a")
