import base64
from datetime import timedelta
from unittest.mock import patch

from lxml import etree, html

from odoo import Command, http, sql_db
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import SQL, format_date
from odoo.tools.sql import index_exists

from odoo.addons.aftersales.models.product_template import catalogue_index_name

from .common import explain_with_indexes
from .common_claim import AftersalesClaimCommon

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


class PortalCommon(HttpCase, AftersalesClaimCommon):
    """Two dealers' portal users, their machines and claims, a priced parts catalogue."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        cls.dealer_list = company.aftersales_dealer_pricelist_id
        cls.market_list = company.aftersales_market_pricelist_id
        (cls.dealer_a | cls.dealer_b)._aftersales_sync_pricelist()
        cls.part.standard_price = 777.31  # a cost the portal must never show
        cls.module.standard_price = 613.29
        cls.part.default_code = "FLT-01"
        Item = cls.env["product.pricelist.item"]
        Item.create([
            {"pricelist_id": pricelist.id, "applied_on": "0_product_variant",
             "product_id": product.id, "product_tmpl_id": product.product_tmpl_id.id,
             "compute_price": "fixed", "fixed_price": price}
            for pricelist, product, price in (
                (cls.dealer_list, cls.part, 16.25), (cls.dealer_list, cls.module, 240.0),
                (cls.market_list, cls.part, 21.13), (cls.market_list, cls.module, 312.0),
            )
        ])
        # The core IP guard refuses any price on a core IP part; give it two anyway, as a part
        # priced before it became core IP keeps them, to prove the portal never shows them.
        cls.core_ip.aftersales_part_class = "module"
        Item.create([
            {"pricelist_id": pricelist.id, "applied_on": "0_product_variant",
             "product_id": cls.core_ip.id, "compute_price": "fixed", "fixed_price": price}
            for pricelist, price in ((cls.dealer_list, 919.73), (cls.market_list, 871.37))
        ])
        cls.core_ip.aftersales_part_class = "core_ip"
        cls.lot_a2 = cls.env["stock.lot"].create({
            "name": "SN-A-2", "product_id": cls.machine.id, "dealer_id": cls.dealer_a.id,
            "dealer_delivery_date": cls.today - timedelta(days=30),
        })
        cls.lot_old = cls.env["stock.lot"].create({
            "name": "SN-A-OLD", "product_id": cls.machine.id, "dealer_id": cls.dealer_a.id,
            "dealer_delivery_date": cls.today - timedelta(days=900),
        })
        cls._register(cls.lot_old, cls.end_user_a, 800)
        cls.claim_a = cls._create_claim()
        cls.claim_b = cls._create_claim(dealer=cls.dealer_b, lot=cls.lot_b)
        cls.order_b = cls.env["sale.order"].create({
            "partner_id": cls.contact_b.id,
            "order_line": [Command.create({"product_id": cls.part.id, "product_uom_qty": 1})],
        })
        cls.order_b.action_quotation_sent()
        end_user_contact = cls.env["res.partner"].create(
            {"name": "Portal End User", "is_end_user": True, "email": "peu@example.com",
             "aftersales_dealer_id": cls.dealer_a.id}
        )
        cls.portal_end_user = new_test_user(
            cls.env, login="portal_eu", groups="base.group_portal", partner_id=end_user_contact.id
        )

    def _post(self, url, data=None, files=None):
        data = dict(data or {}, csrf_token=http.Request.csrf_token(self))
        return self.url_open(url, data=data, files=files, allow_redirects=True)

    def _get(self, url):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200, response.text[-3000:])
        return response

    def assertRedirectedHome(self, response, secret):
        self.assertTrue(response.url.rstrip("/").endswith("/my"), response.url)
        self.assertNotIn(secret, response.text)

    def _add_records(self, start, count):
        """``count`` more claims, machines (of two products) of dealer A and priced parts (sorted
        after the test parts)."""
        products = self.machine | self.env["product.product"].search([("name", "=", "Bulk Generator")])
        if len(products) < 2:
            products |= self.env["product.product"].create({
                "name": "Bulk Generator", "type": "consu", "is_storable": True, "tracking": "serial",
                "aftersales_part_class": "finished", "warranty_months": 24,
            })
        self.env["stock.lot"].create([
            {"name": f"SN-BULK-{n:03d}", "product_id": products[n % 2].id, "dealer_id": self.dealer_a.id,
             "dealer_delivery_date": self.today - timedelta(days=10)}
            for n in range(start, start + count)
        ])
        self.env["aftersales.claim"].create([
            {"dealer_id": self.dealer_a.id, "lot_id": self.lot_a.id,
             "failure_date": self.failure_date - timedelta(days=n), "line_ids": self._lines()}
            for n in range(start, start + count)
        ])
        parts = self.env["product.product"].create([
            {"name": f"Zz Bulk Part {n:03d}", "type": "consu", "aftersales_part_class": "standard",
             "is_serviceable_part": True}
            for n in range(start, start + count)
        ])
        self.env["product.pricelist.item"].create([
            {"pricelist_id": pricelist.id, "applied_on": "0_product_variant",
             "product_id": part.id, "compute_price": "fixed", "fixed_price": price}
            for part in parts
            for pricelist, price in ((self.dealer_list, 3.0), (self.market_list, 3.9))
        ])


@tagged("post_install", "-at_install")
class TestPortal(PortalCommon):
    """Dealer portal routes: ownership on every record, the catalogue's fixed scope, claims filed
    and answered through the claim's own checks, parts quotes in the standard quotations."""

    # ------------------------------------------------------------- home/counters
    def test_home_entries_and_counters(self):
        self.authenticate("portal_a", "portal_a")
        home = self._get("/my")
        for url in ("/my/machines", "/my/claims", "/my/parts"):
            self.assertIn(f'href="{url}"', home.text)
        counters = self.make_jsonrpc_request(
            "/my/counters",
            {"counters": ["aftersales_machine_counter", "aftersales_claim_counter", "aftersales_part_counter",
                          "aftersales_statement_counter"]},
        )
        # SN-A-1, SN-A-2 and SN-A-OLD; claim_a; the serviceable parts, never the IP controller;
        # no statement yet
        self.assertEqual(counters["aftersales_machine_counter"], 3)
        self.assertEqual(counters["aftersales_claim_counter"], 1)
        self.assertEqual(counters["aftersales_statement_counter"], 0)
        catalogue = self.env["product.product"].search([
            ("is_serviceable_part", "=", True), ("aftersales_part_class", "!=", "core_ip"),
            ("sale_ok", "=", True), ("company_id", "in", [False, self.env.company.id])])
        self.assertIn(self.part, catalogue)
        self.assertNotIn(self.core_ip, catalogue)
        self.assertEqual(counters["aftersales_part_counter"], len(catalogue))
        # Odoo remembers in the session which "..._count" counters are not zero, and draws
        # those entries without their counter afterwards: the after-sales entries keep theirs
        home = self._get("/my")
        for counter in ("aftersales_machine_counter", "aftersales_claim_counter", "aftersales_part_counter",
                        "aftersales_statement_counter"):
            self.assertTrue(f'data-placeholder_count="{counter}"' in home.text, f"/my without {counter}")

    def test_home_entries_have_pictograms(self):
        """Each of the home page's after-sales entries shows its own pictogram, drawn at the 64
        pixels of Odoo's own entries (the page gives the image no size of its own)."""
        self.authenticate("portal_a", "portal_a")
        home = html.fromstring(self._get("/my").text)
        icons = {}
        for url in ("/my/machines", "/my/claims", "/my/parts", "/my/statements"):
            [src] = home.xpath(f"//div[contains(concat(' ', @class, ' '), ' o_portal_index_card ')]/a[@href='{url}']//img/@src")
            icons[url] = src
        self.assertEqual(len(set(icons.values())), 4, icons)
        for url, src in icons.items():
            response = self.url_open(src)
            self.assertEqual(response.status_code, 200, f"{url}: {src}")
            self.assertEqual(response.headers["Content-Type"].split(";")[0], "image/svg+xml", src)
            svg = etree.fromstring(response.content)
            self.assertEqual((svg.get("width"), svg.get("height")), ("64", "64"), src)

    def test_end_user_portal_sees_nothing(self):
        self.authenticate("portal_eu", "portal_eu")
        home = self._get("/my")
        for url in ("/my/machines", "/my/claims", "/my/parts", "/my/statements",
                    "/my/statements/page/2"):
            self.assertNotIn(f'href="{url}"', home.text)
            self.assertRedirectedHome(self.url_open(url), "SN-A-1")
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["aftersales_machine_counter", "aftersales_claim_counter"]}
        )
        self.assertEqual(counters["aftersales_machine_counter"], 0)
        self.assertEqual(counters["aftersales_claim_counter"], 0)
        self.assertRedirectedHome(self.url_open(f"/my/claims/{self.claim_a.id}"), self.claim_a.name)
        self.assertEqual(
            self.make_jsonrpc_request("/my/claims/check_serial", {"serial": "SN-A-1"})["level"], "danger"
        )

    # ------------------------------------------------------- another dealer's data
    def test_other_dealers_records(self):
        self.authenticate("portal_a", "portal_a")
        self.assertRedirectedHome(self.url_open(f"/my/claims/{self.claim_b.id}"), self.claim_b.name)
        self.assertRedirectedHome(
            self.url_open(f"/my/claims/{self.claim_b.id}?report_type=pdf&download=1"), self.claim_b.name
        )
        self.assertRedirectedHome(self.url_open(f"/my/machines/{self.lot_b.id}"), "SN-B-1")
        self.assertRedirectedHome(self.url_open(f"/my/machines/{self.lot_stock.id}"), "SN-STOCK-1")
        self.assertRedirectedHome(self.url_open(f"/my/orders/{self.order_b.id}"), self.order_b.name)
        self.assertRedirectedHome(self.url_open("/my/claims/999999"), "Traceback")
        self.assertNotIn("SN-B-1", self._get("/my/machines?search=SN").text)
        self.assertNotIn(self.claim_b.name, self._get("/my/claims?filterby=all&search=SN").text)
        self.assertNotIn(self.order_b.name, self._get("/my/quotes").text)
        # actions on B's records change nothing
        self.assertRedirectedHome(self._post(f"/my/claims/{self.claim_b.id}/submit"), self.claim_b.name)
        self.assertEqual(self.claim_b.state, "draft")
        self.assertRedirectedHome(
            self._post(f"/my/claims/{self.claim_b.id}/upload", files={"photos": ("x.png", PNG, "image/png")}),
            self.claim_b.name,
        )
        self.assertFalse(self.env["ir.attachment"].search(
            [("res_model", "=", "aftersales.claim"), ("res_id", "=", self.claim_b.id)]))
        lot_b2 = self.env["stock.lot"].create({
            "name": "SN-B-2", "product_id": self.machine.id, "dealer_id": self.dealer_b.id,
            "dealer_delivery_date": self.today - timedelta(days=5),
        })
        self._post(f"/my/machines/{lot_b2.id}/register",
                   {"name": "Intruder", "phone": "1", "registration_date": str(self.today)})
        self.assertFalse(lot_b2.end_user_id)
        # a claim on B's machine is refused before anything is written
        claims = self.env["aftersales.claim"].search_count([])
        response = self._post("/my/claims/new", {"serial": "SN-B-1", "failure_date": str(self.today),
                                                 "submit": "1"})
        self.assertIn("was not delivered to you", response.text)
        self.assertNotIn(self.end_user_b.name, response.text)
        self.assertEqual(self.env["aftersales.claim"].search_count([]), claims)

    # ------------------------------------------------------------------- machines
    def test_register_machine(self):
        self.authenticate("portal_a", "portal_a")
        page = self._get(f"/my/machines/{self.lot_a2.id}")
        self.assertIn("Register to an End User", page.text)
        # no phone nor e-mail: refused, nothing written
        response = self._post(f"/my/machines/{self.lot_a2.id}/register",
                              {"name": "New Farm", "registration_date": str(self.today)})
        self.assertIn("phone number or e-mail", response.text)
        self.assertFalse(self.lot_a2.end_user_id)
        # before the delivery to the dealer: the archive's own check
        response = self._post(f"/my/machines/{self.lot_a2.id}/register", {
            "name": "New Farm", "email": "farm@example.com",
            "registration_date": str(self.today - timedelta(days=60))})
        self.assertIn("before the machine was delivered", response.text)
        self.assertFalse(self.env["res.partner"].search([("email", "=", "farm@example.com")]))
        response = self._post(f"/my/machines/{self.lot_a2.id}/register", {
            "name": "New Farm", "email": "farm@example.com", "city": "Springfield",
            "registration_date": str(self.today)})
        self.assertIn("warranty has started", response.text)
        end_user = self.lot_a2.end_user_id
        self.assertEqual(end_user.name, "New Farm")
        self.assertTrue(end_user.is_end_user)
        self.assertEqual(end_user.aftersales_dealer_id, self.dealer_a)
        self.assertEqual(self.lot_a2.warranty_state, "under_warranty")
        # the same end user again (same e-mail) is updated, not duplicated
        lot_a3 = self.env["stock.lot"].create({
            "name": "SN-A-3", "product_id": self.machine.id, "dealer_id": self.dealer_a.id,
            "dealer_delivery_date": self.today - timedelta(days=3),
        })
        self._post(f"/my/machines/{lot_a3.id}/register", {
            "name": "New Farm", "email": "FARM@example.com", "phone": "+1 555 0199",
            "registration_date": str(self.today)})
        self.assertEqual(lot_a3.end_user_id, end_user)
        self.assertEqual(end_user.phone, "+1 555 0199")
        machines = self._get("/my/machines?search=SN-A-").text
        self.assertIn("SN-A-3", machines)
        self.assertIn("New Farm", machines)

    def test_list_options(self):
        """Every sort, filter and search of the lists answers, unknown ones fall back to defaults."""
        self.authenticate("portal_a", "portal_a")
        for url in (
            "/my/machines?sortby=warranty&filterby=under_warranty&search=SN",
            "/my/machines?sortby=delivery&filterby=expired",
            "/my/machines?sortby=standard_price&filterby=nonsense",
            "/my/claims?sortby=amount&filterby=approved",
            "/my/claims?sortby=name&filterby=draft&search_in=name&search=CLM",
            "/my/claims?sortby=state&search_in=nonsense&search=x",
            "/my/parts?sortby=code&search=FLT",
            "/my/parts/page/99",
        ):
            self._get(url)
        self.assertIn(self.claim_a.name, self._get("/my/claims?sortby=amount").text)
        self.assertIn("Test Filter", self._get("/my/parts?search=FLT-01").text)
        self.assertIn("Test Filter", self._get("/my/parts/page/99").text, "past the end: the last page")

    # --------------------------------------------------------------------- claims
    def test_check_serial(self):
        self.authenticate("portal_a", "portal_a")

        def check(serial):
            return self.make_jsonrpc_request("/my/claims/check_serial", {"serial": serial})

        self.assertIn("not in the product archive", check("NOPE-1")["message"])
        result = check("SN-B-1")
        self.assertEqual(result["level"], "danger")
        self.assertNotIn(self.end_user_b.name, result["message"])
        self.assertIn("not registered", check("SN-A-2")["message"])
        self.assertEqual(check("SN-A-OLD")["level"], "warning")
        result = check(" SN-A-1 ")
        self.assertEqual(result["level"], "success")
        self.assertTrue(result["ok"])
        # the archive's serial lookup: the case ignored, as the claim and the service desk do
        self.assertEqual(check("sn-a-1")["level"], "success")
        self.assertIn("not in the product archive", check("SN-A-%")["message"])
        # a machine dealer A serves (its end user's dealer), sold by dealer B
        self.end_user_b.aftersales_dealer_id = self.dealer_a
        self.assertEqual(check("SN-B-1")["level"], "success")
        # the same serial on two of the dealer's machines: named, not guessed
        pump = self.env["product.product"].create({
            "name": "Test Pump", "type": "consu", "is_storable": True, "tracking": "serial",
            "aftersales_part_class": "finished", "warranty_months": 12,
        })
        self.env["stock.lot"].create({
            "name": "SN-A-2", "product_id": pump.id, "dealer_id": self.dealer_a.id,
            "dealer_delivery_date": self.today - timedelta(days=30),
        })
        result = check("SN-A-2")
        self.assertEqual((result["level"], result["ok"]), ("danger", False))
        self.assertIn("is on several of your machines (Test Generator, Test Pump)", result["message"])

    def test_file_and_submit_claim(self):
        self.authenticate("portal_a", "portal_a")
        form = self._get("/my/claims/new?serial=SN-A-1").text
        self.assertIn("Test Engine Module", form)  # service BOM parts at the dealer's price
        self.assertIn("240.00", form)
        self.assertNotIn("919.73", form)  # the core IP part is listed without a price
        self.assertNotIn("613.29", form)
        data = {
            "serial": "SN-A-1", "failure_date": str(self.failure_date), "usage": "120",
            "usage_unit": "hours", "claim_type": "warranty", "symptom": "Stops", "cause_category": "material",
            f"part_qty_{self.module.id}": "1", f"fee_qty_{self.fee_labour.id}": "2", "submit": "1",
        }
        # a failure date in the future is refused by the claim's own check: nothing written
        response = self._post("/my/claims/new", dict(data, failure_date=str(self.today + timedelta(days=3))))
        self.assertIn("lies in the future", response.text)
        self.assertEqual(self.env["aftersales.claim"].search_count([("dealer_id", "=", self.dealer_a.id)]), 1)
        # same machine and failure date as claim_a (submitted): refused with the duplicate check
        self.claim_a.action_submit()
        response = self._post("/my/claims/new", data)
        self.assertIn("a failure is claimed once", response.text)
        data["failure_date"] = str(self.failure_date - timedelta(days=1))
        response = self._post("/my/claims/new", data, files={"photos": ("failure.png", PNG, "image/png")})
        claim = self.env["aftersales.claim"].search(
            [("dealer_id", "=", self.dealer_a.id), ("id", "!=", self.claim_a.id)])
        self.assertEqual(claim.state, "submitted")
        self.assertIn(f"/my/claims/{claim.id}", response.url)
        self.assertEqual(claim.amount_claimed, 240.0 + 2 * 45.0)
        self.assertEqual(claim.end_user_id, self.end_user_a)
        self.assertEqual(
            self.env["ir.attachment"].search_count([("res_model", "=", "aftersales.claim"), ("res_id", "=", claim.id)]), 1)
        listing = self._get("/my/claims?filterby=submitted&search=SN-A-1&search_in=serial").text
        self.assertIn(claim.name, listing)
        self.assertNotIn(claim.name, self._get("/my/claims?filterby=draft").text)
        pdf = self.url_open(f"/my/claims/{claim.id}?report_type=pdf&download=1")
        self.assertEqual(pdf.headers["Content-Type"], "application/pdf")

    def test_uploads_limited(self):
        self.authenticate("portal_a", "portal_a")
        url = f"/my/claims/{self.claim_a.id}/upload"
        response = self._post(url, files={"photos": ("script.html", b"<html><script>1</script></html>", "image/png")})
        self.assertIn("not a photo or a PDF", response.text)
        big = PNG + b"\0" * (10 * 1024 * 1024)
        response = self._post(url, files={"photos": ("huge.png", big, "image/png")})
        # refused by the route (over 10 MB), or by the web server's own 10 MB limit on a form part
        self.assertTrue(
            "larger than 10 MB" in response.text or "Request Entity Too Large" in response.text)
        domain = [("res_model", "=", "aftersales.claim"), ("res_id", "=", self.claim_a.id)]
        self.assertFalse(self.env["ir.attachment"].search(domain))
        self._post(url, files={"photos": ("photo.png", PNG, "image/png")})
        self.assertEqual(self.env["ir.attachment"].search(domain).mimetype, "image/png")

    def test_answer_sent_back_question(self):
        self.claim_a.action_submit()
        self.claim_a.with_user(self.as_user)._action_send_back("Which filter did you fit?")
        self.assertEqual(self.claim_a.state, "draft")
        self.authenticate("portal_a", "portal_a")
        page = self._get(f"/my/claims/{self.claim_a.id}").text
        self.assertIn("Which filter did you fit?", page)
        response = self._post(f"/my/claims/{self.claim_a.id}/submit", {"answer": "The FLT-01 filter."})
        self.assertIn("submitted for review", response.text)
        self.assertEqual(self.claim_a.state, "submitted")
        self.assertTrue(self.claim_a.message_ids.filtered(lambda m: "The FLT-01 filter." in m.body))
        # submitting again is refused by the claim's own gate
        response = self._post(f"/my/claims/{self.claim_a.id}/submit")
        self.assertIn("cannot be submitted", response.text)

    def test_reviewer_question_in_the_portal_conversation(self):
        """The reviewer sends claim A back with "Which filter did you fit?": the dealer's portal
        user reads it in the claim's conversation (the portal chatter shows comments only, not
        notifications or internal notes), and it was sent to the dealer."""
        self.claim_a.action_submit()
        self.claim_a.with_user(self.as_user)._action_send_back("Which filter did you fit?")
        question = self.claim_a.message_ids.filtered(lambda m: "Which filter did you fit?" in m.body)
        self.assertRecordValues(question, [{"message_type": "comment", "is_internal": False}])
        self.assertIn(self.dealer_a, question.partner_ids)
        self.authenticate("portal_a", "portal_a")
        result = self.make_jsonrpc_request(
            "/mail/chatter_fetch", {"thread_model": "aftersales.claim", "thread_id": self.claim_a.id}
        )
        bodies = [str(message["body"]) for message in result["data"]["mail.message"]]
        self.assertTrue(any("Which filter did you fit?" in body for body in bodies), bodies)

    def test_review_reasons_in_the_portal_conversation(self):
        """A partial approval's and a rejection's reason reach the dealer's conversation on the
        portal (comments, not notifications), as the reviewer's questions do."""
        other = self._create_claim(failure_date=self.failure_date - timedelta(days=1))
        (self.claim_a | other).action_submit()
        self.claim_a.with_user(self.as_user)._action_approve(
            {line.id: line.amount_claimed / 2 for line in self.claim_a.line_ids},
            reason="Half the labour: one hour is the standard time.",
        )
        other.with_user(self.as_user)._action_reject("Not a warranty failure: worn by misuse.")
        self.authenticate("portal_a", "portal_a")
        for claim, reason in ((self.claim_a, "one hour is the standard time"),
                              (other, "worn by misuse")):
            result = self.make_jsonrpc_request(
                "/mail/chatter_fetch", {"thread_model": "aftersales.claim", "thread_id": claim.id}
            )
            bodies = [str(message["body"]) for message in result["data"]["mail.message"]]
            with self.subTest(claim=claim.name):
                self.assertTrue(any(reason in body for body in bodies), bodies)

    def test_claim_status_badges(self):
        """The claims list colours each status as Odoo's portal colours orders, and names a
        claim sent back to the dealer "Sent Back", not "Draft": a draft is grey (secondary), a
        sent-back claim amber (warning), a submitted one blue (info), an approved or settled one
        green (success), a rejected one red (danger). The same badge heads the claim's page."""
        claims = {"draft": self.claim_a}
        for days, status in ((1, "sent_back"), (2, "submitted"), (3, "approved"), (4, "rejected")):
            claims[status] = self._create_claim(failure_date=self.failure_date - timedelta(days=days))
        (claims["sent_back"] | claims["submitted"] | claims["approved"] | claims["rejected"]).action_submit()
        claims["sent_back"].with_user(self.as_user)._action_send_back("Which filter did you fit?")
        claims["approved"].with_user(self.as_user).action_approve()
        claims["rejected"].with_user(self.as_user)._action_reject("Not a warranty failure.")
        self.assertIn(claims["approved"].state, ("approved", "settled"))
        expected = {
            "draft": ("secondary", "Draft"),
            "sent_back": ("warning", "Sent Back"),
            "submitted": ("info", "Submitted"),
            "approved": ("success", dict(self.claim_a._fields["state"].selection)[claims["approved"].state]),
            "rejected": ("danger", "Rejected"),
        }
        self.authenticate("portal_a", "portal_a")
        page = html.fromstring(self._get("/my/claims").text)
        for status, claim in claims.items():
            colour, label = expected[status]
            with self.subTest(status=status):
                [row] = page.xpath(f"//tr[.//a[text()='{claim.name}']]")
                badges = row.xpath(".//span[contains(@class, 'o_aftersales_claim_state')]")
                self.assertEqual(len(badges), 2, "one for phones, one in the Status column")
                for badge in badges:
                    self.assertIn(f"text-bg-{colour}", badge.get("class"))
                    self.assertEqual(badge.text_content().strip(), label)
        sent_back = html.fromstring(self._get(f"/my/claims/{claims['sent_back'].id}").text)
        [badge] = sent_back.xpath("//span[contains(@class, 'o_aftersales_claim_state')]")
        self.assertIn("text-bg-warning", badge.get("class"))
        self.assertEqual(badge.text_content().strip(), "Sent Back")
        listing = self._get("/my/claims?filterby=sent_back").text
        self.assertIn(claims["sent_back"].name, listing)
        self.assertNotIn(self.claim_a.name, listing)

    def test_claim_form_cause_and_running_total(self):
        """The new-claim form chooses no cause for the dealer and refuses a claim without one;
        its quantities carry their prices for the running total: the module at the dealer's
        240.00, labour at 45.00 (1 module + 2 hours -> 240 + 2 x 45 = 330.00 claimed)."""
        self.authenticate("portal_a", "portal_a")
        form = html.fromstring(self._get("/my/claims/new?serial=SN-A-1").text)
        [cause] = form.xpath("//select[@name='cause_category']")
        self.assertEqual(cause.value, "")
        self.assertIsNotNone(cause.get("required"))
        [module_qty] = form.xpath(f"//input[@name='part_qty_{self.module.id}']")
        [labour_qty] = form.xpath(f"//input[@name='fee_qty_{self.fee_labour.id}']")
        self.assertEqual((float(module_qty.get("data-price")), float(labour_qty.get("data-price"))), (240.0, 45.0))
        self.assertTrue(form.xpath("//*[contains(@class, 'o_aftersales_claim_total_amount')]"))
        data = {
            "serial": "SN-A-1", "failure_date": str(self.failure_date - timedelta(days=1)), "usage": "120",
            f"part_qty_{self.module.id}": "1", f"fee_qty_{self.fee_labour.id}": "2", "save": "1",
        }
        Claim = self.env["aftersales.claim"]
        before = Claim.search_count([("dealer_id", "=", self.dealer_a.id)])
        response = self._post("/my/claims/new", data)
        self.assertIn("Choose the cause of the failure", response.text)
        self.assertEqual(Claim.search_count([("dealer_id", "=", self.dealer_a.id)]), before)
        self._post("/my/claims/new", dict(data, cause_category="wear"))
        claim = Claim.search([("dealer_id", "=", self.dealer_a.id)], order="id desc", limit=1)
        self.assertRecordValues(claim, [{"cause_category": "wear", "amount_claimed": 330.0}])

    # ---------------------------------------------------------------------- parts
    def test_parts_catalogue_scope(self):
        self.authenticate("portal_a", "portal_a")
        page = self._get("/my/parts").text
        self.assertIn("Test Filter", page)
        self.assertIn("16.25", page)  # dealer price
        self.assertIn("21.13", page)  # market guide price
        for url in (
            "/my/parts",
            "/my/parts?search=Controller",
            "/my/parts?sortby=standard_price",
            "/my/parts?domain=[]&aftersales_part_class=core_ip&search_in=standard_price",
            f"/my/parts?pricelist_id={self.market_list.id}&fields=standard_price",
        ):
            text = self._get(url).text
            for secret in ("Test Controller", "919.73", "871.37", "777.31", "613.29", "Test Generator"):
                self.assertNotIn(secret, text, url)
        orders = self.env["sale.order"].search_count([])
        response = self._post("/my/parts/quote", {f"qty_{self.core_ip.id}": "1", f"qty_{self.part.id}": "1"})
        self.assertIn("cannot be quoted to you", response.text)
        self.assertEqual(self.env["sale.order"].search_count([]), orders)

    def test_parts_search_in_the_dealers_language(self):
        """The catalogue search matches a part's name as the dealer reads it, or its reference:
        the parts the domain name-or-reference ilike finds, in English and in French."""
        self.env["res.lang"]._activate_lang("fr_FR")
        Product = self.env["product.product"]
        drum, gasket = Product.create([
            {"name": "Brake drum", "default_code": "BD-1", "type": "consu",
             "aftersales_part_class": "wear", "is_serviceable_part": True},
            {"name": "Gasket", "default_code": "TAMB-7", "type": "consu",
             "aftersales_part_class": "standard", "is_serviceable_part": True},
        ])
        drum.product_tmpl_id.update_field_translations("name", {"fr_FR": "Tambour de frein"})
        user = self.env["res.users"].search([("login", "=", "portal_a")])
        for lang, term, expected in (
            ("en_US", "tamb", {"TAMB-7"}), ("fr_FR", "tamb", {"BD-1", "TAMB-7"}),
            ("en_US", "brake", {"BD-1"}), ("fr_FR", "brake", set()), ("fr_FR", "FREIN", {"BD-1"}),
        ):
            with self.subTest(lang=lang, term=term):
                user.lang = lang
                self.authenticate("portal_a", "portal_a")
                page = self._get(f"/my/parts?search={term}").text
                shown = {code for code in ("BD-1", "TAMB-7") if f">{code}<" in page}
                self.assertEqual(shown, expected)
                found = (drum | gasket).with_context(lang=lang).filtered_domain(
                    ["|", ("name", "ilike", term), ("default_code", "ilike", term)]
                )
                self.assertEqual(set(found.mapped("default_code")), expected)

    def test_page_numbers_as_the_pager_reads_them(self):
        """A page that is not a number shows the first page; one far past the last shows the
        last page, however far."""
        self.authenticate("portal_a", "portal_a")
        for url, shown in (
            ("/my/claims?page=abc", self.claim_a.name), ("/my/claims/page/99999999999999999999", self.claim_a.name),
            ("/my/machines?page=2.5", "SN-A-2"), ("/my/machines/page/99999999999999999999", "SN-A-2"),
            ("/my/parts?page=x", "FLT-01"), ("/my/parts/page/99999999999999999999", "FLT-01"),
        ):
            with self.subTest(url=url):
                self.assertIn(shown, self._get(url).text)

    def test_parts_quote(self):
        self.authenticate("portal_a", "portal_a")
        response = self._post("/my/parts/quote", {f"qty_{self.part.id}": "3", f"qty_{self.module.id}": "1"})
        order = self.env["sale.order"].search([("partner_id", "=", self.contact_a.id)])
        self.assertEqual(order.state, "sent")
        self.assertEqual(order.pricelist_id, self.dealer_list)
        self.assertAlmostEqual(order.parts_amount, 3 * 16.25 + 240.0)
        self.assertIn(f"/my/orders/{order.id}", response.url)
        self.assertIn("o_aftersales_parts_quote", response.text)
        self.assertIn(order.name, self._get("/my/quotes").text)
        # the quote's PDF, downloaded from its page as Odoo customers download a quotation
        page = html.fromstring(response.text)
        links = {a.get("href") for a in page.iter("a") if "report_type=pdf" in (a.get("href") or "")}
        self.assertTrue(links, "the quote page offers its PDF")
        for link in links:
            with self.subTest(link=link):
                pdf = self.url_open(link)
                self.assertEqual(pdf.status_code, 200, pdf.text[:500])
                self.assertEqual(pdf.headers["Content-Type"], "application/pdf")
                # tests render a report's HTML instead of the PDF: the parts quote's breakdown
                self.assertIn(f"Parts Quote {order.name}", " ".join(html.fromstring(pdf.content).text_content().split()))
                self.assertIn("List price (tax excluded)", pdf.text)
                self.assertIn("Logistics", pdf.text)
        # another dealer's quote PDF: refused
        self.authenticate("portal_b", "portal_b")
        other = self.url_open(f"/my/orders/{order.id}?report_type=pdf&download=true")
        self.assertNotEqual(other.headers.get("Content-Type"), "application/pdf")

    # -------------------------------------------------------------- pages, formats
    def test_pages_as_odoo_pages_them(self):
        """Each list page shows the records Odoo's search gives at the pager's offset, in the
        list's order; the pager counts them all; a page past the last one shows the last."""
        self._add_records(1, 45)  # 46 claims of dealer A: three pages of 20; 40 parts a page
        self.authenticate("portal_a", "portal_a")
        claims = self.env["aftersales.claim"].search(
            [("dealer_id", "=", self.dealer_a.id)], order="date desc, id desc")
        self.assertEqual(len(claims), 46)

        def shown(url, names):
            page = self._get(url).text
            return [name for name in names if f">{name}<" in page]

        for url, expected in (
            ("/my/claims", claims[:20]), ("/my/claims/page/2", claims[20:40]),
            ("/my/claims/page/3", claims[40:]), ("/my/claims/page/4", claims[40:]),
            ("/my/claims?page=x", claims[:20]),
        ):
            with self.subTest(url=url):
                self.assertEqual(shown(url, claims.mapped("name")), expected.mapped("name"))
        by_amount = claims.sorted(lambda claim: (-claim.amount_claimed, -claim.id))
        self.assertEqual(shown("/my/claims/page/2?sortby=amount", claims.mapped("name")),
                         claims.browse(by_amount.ids[20:40]).mapped("name"))
        pager = html.fromstring(self._get("/my/claims?sortby=amount").text).xpath(
            "//ul[contains(concat(' ', @class, ' '), ' pagination ')]//a/@href")
        self.assertIn("/my/claims/page/3", {url.split("?")[0] for url in pager}, "three pages")
        self.assertNotIn("/my/claims/page/4", {url.split("?")[0] for url in pager})
        self.assertTrue(all("sortby=amount" in url for url in pager), pager)
        parts = self.env["product.product"].search(
            self.env["product.product"]._aftersales_catalogue_domain(self.env.company), order="name, id")
        self.assertGreater(len(parts), 40)
        for url, expected in (("/my/parts", parts[:40]), ("/my/parts/page/2", parts[40:80]),
                              ("/my/parts/page/9", parts[40:80])):
            with self.subTest(url=url):
                self.assertEqual(shown(url, parts.mapped("name")), expected.mapped("name"))
        machines = self.env["stock.lot"].search(
            [("dealer_id", "=", self.dealer_a.id), ("is_machine", "=", True)], order="name")
        self.assertEqual(shown("/my/machines/page/2", machines.mapped("name")), machines[20:40].mapped("name"))

    def test_amounts_and_dates_as_odoo_prints_them(self):
        """Amounts print as Odoo's monetary widget prints them and dates as its date widget, in
        the dealer's language, on every page."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["res.users"].search([("login", "=", "portal_a")]).lang = "fr_FR"
        claim = self.claim_a
        labour = claim.line_ids.filtered(lambda line: line.line_type == "labour")
        labour.quantity = 24.5  # an amount over a thousand: the language's grouping
        self.assertGreater(claim.amount_claimed, 1000.0)
        self.authenticate("portal_a", "portal_a")
        env = self.env(context=dict(self.env.context, lang="fr_FR"))
        currency = self.env.company.currency_id

        def money(amount):
            return str(env["ir.qweb.field.monetary"].value_to_html(amount, {"display_currency": currency}))

        def day(value):
            return format_date(env, value)

        self.assertNotEqual(money(claim.amount_claimed), str(
            self.env["ir.qweb.field.monetary"].value_to_html(claim.amount_claimed, {"display_currency": currency})
        ), "French and English differ")
        pages = {
            "/my/claims": [money(claim.amount_claimed), money(0.0), day(claim.date)],
            f"/my/claims/{claim.id}": [
                money(claim.amount_claimed), money(45.0), money(labour.amount_claimed), money(16.25),
                day(claim.date), day(claim.failure_date)],
            "/my/machines": [day(self.lot_a.warranty_end_date)],
            f"/my/machines/{self.lot_a.id}": [
                day(self.lot_a.dealer_delivery_date), day(self.lot_a.registration_date),
                day(self.lot_a.warranty_end_date), money(claim.amount_claimed)],
            "/my/parts?search=FLT-01": [money(16.25), money(21.13)],
        }
        for url, texts in pages.items():
            page = self._get(url).text
            for text in texts:
                with self.subTest(url=url, text=text):
                    self.assertIn(text, page)

@tagged("post_install", "-at_install", "aftersales_performance")
class TestPortalPerformance(PortalCommon):
    """The portal pages' query counts do not grow with the data, and the searches the lists run
    as the dealer (its record rules included) are served by the add-on's indexes."""

    def _count_queries(self, url):
        self.url_open(url)  # warm the caches
        before = self.env.cr.sql_log_count
        self.assertEqual(self.url_open(url).status_code, 200)
        return self.env.cr.sql_log_count - before

    def test_query_counts_constant(self):
        """As many queries for a page of many records as for a few: measured on the test's own
        data first (Odoo's own queries of a page vary with the installed add-ons), then held."""
        self.authenticate("portal_a", "portal_a")
        self._add_records(1, 5)
        claims_small = self._count_queries("/my/claims")
        parts_small = self._count_queries("/my/parts")
        machines_small = self._count_queries("/my/machines")
        self._add_records(6, 60)  # more than a page of each
        self.assertEqual(self._count_queries("/my/claims"), claims_small)
        self.assertEqual(self._count_queries("/my/machines"), machines_small)
        self.assertEqual(self._count_queries("/my/parts"), parts_small)
        self.assertEqual(self._count_queries("/my/claims/page/2"), claims_small)
        with self.assertQueryCount(claims_small):
            self.url_open("/my/claims")
        with self.assertQueryCount(parts_small):
            self.url_open("/my/parts")

    def _page_queries(self, url, prefixes):
        """{prefix: SQL} of the queries the page ``url`` sends that start with one of
        ``prefixes``, as PostgreSQL receives them (the user's record rules included)."""
        self.url_open(url)  # warm the caches
        sent = []
        execute = sql_db.Cursor.execute

        def spy(cr, query, params=None, log_exceptions=True):
            sent.append(cr.mogrify(query, params).decode())
            return execute(cr, query, params, log_exceptions)

        with patch.object(sql_db.Cursor, "execute", spy):
            self.assertEqual(self.url_open(url).status_code, 200)
        found = {}
        for prefix in prefixes:
            [query] = [query for query in sent if query.startswith(prefix)]
            found[prefix] = SQL(query.replace("%", "%%"))
        return found

    def test_claims_index_serves_the_claims_list(self):
        """The claims list's page (the dealer's claims newest first) and its count, searched as
        the dealer's portal user with its record rules, are read from the dealer's claims index:
        the page in the index's order, the count from the index alone. On a test database's few
        claims the planner may prefer a single-column index on the dealer or on the company (the
        record rule's condition): they are left out of the choice."""
        self.authenticate("portal_a", "portal_a")
        self.env.flush_all()
        queries = self._page_queries("/my/claims", [
            'SELECT "aftersales_claim"."id"', 'SELECT COUNT(*) FROM "aftersales_claim"',
        ])
        page, count = queries.values()
        self.assertIn("LIMIT 20", page.code)
        plans = explain_with_indexes(
            self.env.cr, {"page": page, "count": count},
            ["aftersales_claim__dealer_id_index", "aftersales_claim__company_id_index"],
        )
        for name, plan in plans.items():
            with self.subTest(query=name):
                self.assertIn("aftersales_claim_dealer_date_index", plan)
        self.assertNotIn("Sort", plans["page"])  # read in the index's order
        self.assertIn("Index Only Scan", plans["count"])

    def test_catalogue_index_serves_the_catalogue(self):
        """The catalogue's page (in name order) and its count, as the catalogue page searches
        them, are read from the catalogue index: PostgreSQL proves from the catalogue's own
        domain that the partial index covers it. A change to the domain that the index's
        condition no longer implies fails here."""
        self.authenticate("portal_a", "portal_a")
        self.env.flush_all()
        queries = self._page_queries("/my/parts", [
            'SELECT "product_product"."id"', 'SELECT COUNT(*) FROM "product_product"',
        ])
        page, count = queries.values()
        self.assertIn("LIMIT 40", page.code)
        # on a test database's few parts the planner may prefer a single-column index of the
        # condition: they are left out of the choice
        plans = explain_with_indexes(self.env.cr, {"page": page, "count": count}, [
            "product_template__is_serviceable_part_index", "product_template__aftersales_part_class_index",
            "product_template__company_id_index",
        ])
        for name, plan in plans.items():
            with self.subTest(query=name):
                self.assertIn("product_template_aftersales_catalogue_index", plan)
        self.assertIn("Index Only Scan using product_template_aftersales_catalogue_index", plans["count"])

    def test_catalogue_index_in_the_dealers_language(self):
        """A language activated gets its own catalogue index, over the name as Odoo sorts it in
        that language (the translation, else the English name), so that the page of a dealer
        reading in it is read from that index in order, without sorting the catalogue (on the
        benchmark's 5,000 parts, 0.7 ms instead of 4.7 for a page in Chinese). An index built
        inside the test's transaction is not one the planner may use yet, so its key is
        compared with the ORDER BY of Odoo's query, as PostgreSQL prints both."""
        self.env["res.lang"]._activate_lang("zh_CN")
        Product = self.env["product.product"].sudo().with_context(lang="zh_CN")
        query = Product._search(Product._aftersales_catalogue_domain(self.env.company), order="name, id", limit=40)
        order = self.env.cr.mogrify(query.order.code, query.order.params).decode()
        alias = '"product_product__product_tmpl_id".'
        self.assertTrue(order.startswith(f"COALESCE({alias}\"name\"->>'zh_CN', {alias}\"name\"->>'en_US')"), order)
        self.env.cr.execute(SQL(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid, 1, true), pg_get_expr(indpred, indrelid) "
            "FROM pg_index WHERE indexrelid IN (%s::regclass, %s::regclass)",
            catalogue_index_name("zh_CN"), catalogue_index_name("en_US"),
        ))
        indexes = {name: (key, condition) for name, key, condition in self.env.cr.fetchall()}
        key, condition = indexes[catalogue_index_name("zh_CN")]
        self.assertEqual(key, "COALESCE(name ->> 'zh_CN'::text, name ->> 'en_US'::text)")
        self.assertEqual(condition, indexes[catalogue_index_name("en_US")][1], "the English index's condition")
        # a language created active (Odoo's _create_lang) gets its index as well; one created
        # inactive waits for its activation
        Lang = self.env["res.lang"]
        Lang.create({"name": "Test Portal Language", "code": "xx_PT", "iso_code": "xx", "active": True})
        self.assertTrue(index_exists(self.env.cr, catalogue_index_name("xx_PT")))
        Lang.create({"name": "Test Idle Language", "code": "xx_ID", "iso_code": "xy", "active": False})
        self.assertFalse(index_exists(self.env.cr, catalogue_index_name("xx_ID")))
