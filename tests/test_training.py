from datetime import timedelta

from dateutil.relativedelta import relativedelta
from lxml import html

from odoo import http
from odoo.exceptions import AccessError
from odoo.fields import Command
from odoo.tests import Form, HttpCase, tagged

from .common import BrowserCase
from .common_claim import AftersalesClaimCommon
from .test_campaign_portal import by_class
from .test_portal_readonly import ReadonlyPagesMixin


class TrainingCommon(AftersalesClaimCommon):
    """A published repair course of the test generator with a certification test of two
    questions (10 points each, 75 % to pass: both right), valid 12 months; an unpublished
    process course; a claim of dealer A and one of dealer B on the generator."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the technicians' names (new_test_user names them after their login)
        cls.contact_a.name, cls.contact_b.name = "Alice of A", "Bob of B"
        cls.survey = cls.env["survey.survey"].create({
            "title": "Test generator certification",
            "access_mode": "token",
            "users_login_required": True,
            "scoring_type": "scoring_without_answers",
            "certification": True,
            "scoring_success_min": 75.0,
            "questions_layout": "one_page",
            "question_and_page_ids": [
                Command.create({
                    "title": f"Question {number}",
                    "sequence": number,
                    "question_type": "simple_choice",
                    "suggested_answer_ids": [
                        Command.create({"value": "Right", "is_correct": True, "answer_score": 10}),
                        Command.create({"value": "Wrong"}),
                    ],
                })
                for number in (1, 2)
            ],
        })
        cls.questions = cls.survey.question_ids
        cls.manual = cls.env["ir.attachment"].create({
            "name": "Generator manual.txt", "raw": b"Check the AVR first.", "mimetype": "text/plain",
        })
        cls.course = cls.env["aftersales.training.course"].create({
            "name": "Test generator repair",
            "kind": "product",
            "product_id": cls.machine.id,
            "survey_id": cls.survey.id,
            "validity_months": 12,
            "material_ids": [Command.set(cls.manual.ids)],
            "is_published": True,
        })
        cls.hidden_course = cls.env["aftersales.training.course"].create({
            "name": "Parts ordering (draft)", "kind": "process", "process": "parts",
        })
        cls.claim_a = cls._create_claim()
        cls.claim_b = cls._create_claim(dealer=cls.dealer_b, lot=cls.lot_b)

    @classmethod
    def _take_test(cls, user, right=2):
        """``user`` takes the course's test as the portal does (the answer the course gives
        them), answers ``right`` questions right and the others wrong, and completes it with
        the survey's own completion method."""
        answer = cls.course._get_test_answer(user)
        for index, question in enumerate(cls.questions):
            choice = question.suggested_answer_ids.filtered(lambda a, ok=index < right: a.is_correct == ok)
            answer._save_lines(question, choice.id)
        answer._mark_done()
        return answer


@tagged("post_install", "-at_install")
class TestTraining(ReadonlyPagesMixin, HttpCase, TrainingCommon):
    """Courses, certifications from passed tests, the claim's flag, the dealer's status, access."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.answer_a = cls._take_test(cls.portal_a)
        cls.certification_a = cls.env["aftersales.certification"].search(
            [("user_input_id", "=", cls.answer_a.id)]
        )

    def _post(self, url, data=None):
        data = dict(data or {}, csrf_token=http.Request.csrf_token(self))
        return self.url_open(url, data=data, allow_redirects=False)

    def test_passing_the_test_certifies(self):
        """Both right (20 of 20 points): Alice of A is certified for the generator until today
        + 12 months; Bob of B, one right (10 of 20 = 50 % < 75 %), is not."""
        self.assertEqual(self.answer_a.state, "done")
        self.assertTrue(self.answer_a.scoring_success)
        self.assertEqual(len(self.certification_a), 1)
        self.assertRecordValues(self.certification_a, [{
            "technician_id": self.contact_a.id, "dealer_id": self.dealer_a.id,
            "course_id": self.course.id, "product_id": self.machine.id, "state": "valid",
            "date": self.today, "valid_until": self.today + relativedelta(months=12),
        }])
        self.assertEqual(self.certification_a.scoring_percentage, 100.0)
        answer_b = self._take_test(self.portal_b, right=1)
        self.assertEqual(answer_b.scoring_percentage, 50.0)
        self.assertFalse(answer_b.scoring_success)
        self.assertFalse(self.env["aftersales.certification"].search([("dealer_id", "=", self.dealer_b.id)]))
        # completing an answer again certifies nobody twice
        self.answer_a._mark_done()
        self.assertEqual(self.env["aftersales.certification"].search_count([("user_input_id", "=", self.answer_a.id)]), 1)
        # a new attempt starts a new answer; one in progress is taken up again
        first = self.course._get_test_answer(self.portal_b)
        self.assertNotEqual(first, answer_b)
        self.assertEqual(self.course._get_test_answer(self.portal_b), first)

    def test_expiry(self):
        """A certification past its end: the cron marks it expired and dealer A's claim is
        flagged again (by the dates, before the cron too)."""
        self.assertFalse(self.claim_a.is_dealer_uncertified)
        self.certification_a.valid_until = self.today - timedelta(days=1)
        self.claim_a.invalidate_recordset(["is_dealer_uncertified"])
        self.assertTrue(self.claim_a.is_dealer_uncertified)
        self.env["aftersales.certification"]._cron_expire()
        self.assertEqual(self.certification_a.state, "expired")
        self.dealer_a.invalidate_recordset()
        self.assertFalse(self.dealer_a.aftersales_certified_product_ids)

    def test_claim_flag_in_batch(self):
        """Dealer B has no certified technician for the generator, dealer A has: B's claims
        flagged, A's not, in a number of queries that does not grow with the claims; a claim of
        a product without a course is not flagged; the search filter finds the same."""
        claims_b = self.claim_b | self._create_claim(dealer=self.dealer_b, lot=self.lot_b)
        claims = self.claim_a | claims_b
        self.assertEqual(claims.mapped("is_dealer_uncertified"), [False, True, True])

        def queries(records):
            records.invalidate_recordset(["is_dealer_uncertified"])
            before = self.env.cr.sql_log_count
            records.mapped("is_dealer_uncertified")
            return self.env.cr.sql_log_count - before

        self.assertEqual(queries(claims), queries(self.claim_a), "one claim or three: the same queries")
        Claim = self.env["aftersales.claim"]
        ours = [("id", "in", claims.ids)]
        self.assertEqual(Claim.search(ours + [("is_dealer_uncertified", "=", True)]), claims_b)
        self.assertEqual(Claim.search(ours + [("is_dealer_uncertified", "=", False)]), self.claim_a)
        self.course.is_published = False
        claims.invalidate_recordset(["is_dealer_uncertified"])
        self.assertFalse(any(claims.mapped("is_dealer_uncertified")), "no course: nothing to be certified for")
        self.assertFalse(Claim.search(ours + [("is_dealer_uncertified", "=", True)]))

    def test_dealer_form_status(self):
        """The dealer form shows A certified for the generator with one technician, B not; a
        certification ending in 30 days is expiring soon; the smart button opens A's."""
        form = Form(self.dealer_a.with_user(self.as_user), view="aftersales.res_partner_view_form")
        self.assertEqual(form.aftersales_certified_product_ids[:], self.machine)
        self.assertFalse(form.aftersales_uncertified_product_ids[:])
        self.assertEqual(form.aftersales_certified_technician_count, 1)
        self.assertEqual(form.aftersales_certification_count, 1)
        self.assertEqual(form.aftersales_expiring_certification_count, 0)
        self.assertEqual(self.dealer_b.aftersales_uncertified_product_ids, self.machine)
        self.certification_a.valid_until = self.today + timedelta(days=30)
        self.dealer_a.invalidate_recordset()
        self.assertEqual(self.dealer_a.aftersales_expiring_certification_count, 1)
        action = self.dealer_a.with_user(self.as_user).action_view_aftersales_certifications()
        self.assertEqual(self.env["aftersales.certification"].search(action["domain"]), self.certification_a)

    def test_dealer_reads_its_own_certifications_only(self):
        """Portal user of B: reads its dealer's certification, not A's; sees published courses
        only; changes nothing."""
        self._take_test(self.portal_b)
        Certification = self.env["aftersales.certification"]
        certification_b = Certification.search([("dealer_id", "=", self.dealer_b.id)])
        self.assertEqual(Certification.with_user(self.portal_b).search([]), certification_b)
        self.assertEqual(Certification.with_user(self.portal_a).search([]), self.certification_a)
        with self.assertRaises(AccessError):
            self.certification_a.with_user(self.portal_b).read(["valid_until"])
        with self.assertRaises(AccessError):
            certification_b.with_user(self.portal_b).write({"valid_until": self.today + relativedelta(years=9)})
        courses = self.env["aftersales.training.course"].with_user(self.portal_b).search([])
        self.assertIn(self.course, courses)
        self.assertNotIn(self.hidden_course, courses)

    def test_portal_pages(self):
        """/my/training of dealer A (read only): the course, its manual, Alice's certification,
        not Bob's; the home counts it and says A is certified for 1 / 1 product lines; "Take
        the test" opens the survey's start page with an answer of the technician; B cannot open
        the unpublished course's test."""
        self._take_test(self.portal_b)
        self.authenticate("portal_a", "portal_a")
        with self.assertNoRetry():
            page = self.url_open("/my/training")
            self.assertEqual(page.status_code, 200)
            tree = html.fromstring(page.text)
            courses = [" ".join(node.xpath("string(.//h5)").split())
                       for node in by_class(tree, "o_aftersales_training_course")]
            self.assertIn("Test generator repair", courses)
            self.assertNotIn("Parts ordering (draft)", courses)
            rows = by_class(tree, "o_aftersales_certification_row")
            self.assertEqual(len(rows), 1)
            self.assertIn("Alice of A", rows[0].text_content())
            self.assertNotIn("Bob of B", page.text)
            manual = self.url_open(f"/my/training/{self.course.id}/material/{self.manual.id}")
            self.assertEqual(manual.content, b"Check the AVR first.")
            home = self.url_open("/my")
            status = by_class(html.fromstring(home.text), "o_aftersales_training_status")
            self.assertEqual(len(status), 1)
            self.assertIn("1 / 1", " ".join(status[0].text_content().split()))
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["aftersales_training_counter"]})
        self.assertEqual(counters["aftersales_training_counter"], 1)
        response = self._post(f"/my/training/{self.course.id}/test")
        answer = self.env["survey.user_input"].search(
            [("survey_id", "=", self.survey.id), ("partner_id", "=", self.contact_a.id), ("state", "=", "new")]
        )
        self.assertEqual(len(answer), 1)
        self.assertTrue(response.headers["Location"].endswith(answer.get_start_url()))
        start = self.url_open(response.headers["Location"])
        self.assertIn("o_survey_start", start.text)
        # the material of another course, and the unpublished course's test: back to /my
        other = self._post(f"/my/training/{self.hidden_course.id}/test")
        self.assertTrue(other.headers["Location"].endswith("/my"))
        self.authenticate("portal_b", "portal_b")
        self.assertNotIn("Alice of A", self.url_open("/my/training").text)


@tagged("post_install", "-at_install")
class TestTrainingPhone(BrowserCase, TrainingCommon):
    """Dealer A's training on a phone (390 x 844)."""

    browser_size = "390x844"
    touch_enabled = True

    def test_training_on_a_phone(self):
        """Alice of A certified for the test generator: the home says 1 / 1 product lines, the
        training page shows the course and her certification, and "Take the test" opens the
        survey's start page."""
        self._take_test(self.portal_a)
        self.start_tour("/my", "aftersales_training_phone_tour", login="portal_a")
