import threading
from datetime import timedelta
from unittest.mock import patch

from lxml import html

from odoo import http
from odoo.fields import Command
from odoo.tests import HttpCase, tagged

from .common import BrowserCase
from .common_claim import AftersalesClaimCommon
from .test_portal_readonly import ReadonlyPagesMixin


def by_class(node, name):
    """The elements under ``node`` of CSS class ``name``."""
    return node.xpath(f".//*[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]")


class CampaignPortalCommon(AftersalesClaimCommon):
    """An active safety recall of the test generator over dealer A's SN-A-1 and SN-A-2 and dealer
    B's SN-B-1: a filter and an hour of labour per machine."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lot_a2 = cls.env["stock.lot"].create({
            "name": "SN-A-2", "product_id": cls.machine.id, "dealer_id": cls.dealer_a.id,
            "dealer_delivery_date": cls.today - timedelta(days=30),
        })
        cls._register(cls.lot_a2, cls.end_user_a, 20)
        cls.campaign = cls._create_campaign(
            "Filter recall", "SN-A-1", "SN-B-9", reason="Filters of batch 7 crack under pressure."
        )
        cls.campaign.action_activate()
        cls.row_a, cls.row_a2, cls.row_b = (
            cls.campaign.machine_ids.filtered(lambda r, lot=lot: r.lot_id == lot)
            for lot in (cls.lot_a, cls.lot_a2, cls.lot_b)
        )

    @classmethod
    def _create_campaign(cls, title, serial_from, serial_to, **values):
        return cls.env["aftersales.campaign"].create(dict({
            "title": title,
            "campaign_type": "safety_recall",
            "product_ids": [Command.set(cls.machine.ids)],
            "selection_mode": "serial_range",
            "serial_from": serial_from,
            "serial_to": serial_to,
            "labour_hours": 1.0,
            "labour_product_id": cls.fee_labour.id,
            "date_start": cls.today - timedelta(days=10),
            "line_ids": [Command.create({"product_id": cls.part.id, "quantity": 1.0})],
        }, **values))


@tagged("post_install", "-at_install")
class TestCampaignPortal(ReadonlyPagesMixin, HttpCase, CampaignPortalCommon):
    """A dealer's campaigns, machines and campaign claims on the portal."""

    def _post(self, url, data=None):
        data = dict(data or {}, csrf_token=http.Request.csrf_token(self))
        return self.url_open(url, data=data, allow_redirects=True)

    def _claim_url(self, row):
        return f"/my/campaigns/{self.campaign.id}/machines/{row.id}/claim"

    def test_dealer_sees_its_campaign_and_machines_only(self):
        other = self._create_campaign("B only", "SN-B-1", "SN-B-1", campaign_type="optional")
        other.action_activate()
        draft = self._create_campaign("Draft", "SN-A-1", "SN-A-2")
        self.authenticate("portal_a", "portal_a")
        page = self.url_open("/my/campaigns").text
        self.assertIn(self.campaign.name, page)
        self.assertNotIn(other.name, page)
        self.assertNotIn(draft.name, page)
        tree = html.fromstring(page)
        [row] = by_class(tree, "o_aftersales_campaign_row")
        self.assertEqual(by_class(row, "o_aftersales_campaign_progress")[0].text_content().split(), ["0", "/", "2"])
        # a safety recall stands out
        self.assertIn("text-bg-danger", by_class(row, "o_aftersales_campaign_type")[0].get("class"))

        response = self.url_open(f"/my/campaigns/{self.campaign.id}")
        tree = html.fromstring(response.text)
        serials = [r.get("data-serial") for r in by_class(tree, "o_aftersales_campaign_machine")]
        self.assertEqual(sorted(serials), ["SN-A-1", "SN-A-2"])
        self.assertIn("Filters of batch 7 crack under pressure.", response.text)
        self.assertIn("Test Filter", by_class(tree, "o_aftersales_campaign_kit_line")[0].text_content())
        # the kit and an hour of labour priced as dealer A's claim: 20 + 45, never a cost
        self.assertIn("65.00", by_class(tree, "o_aftersales_campaign_estimate")[0].text_content())
        self.assertEqual(len(by_class(tree, "o_aftersales_campaign_claim")), 2)
        # search by serial, filter by state
        tree = html.fromstring(self.url_open(f"/my/campaigns/{self.campaign.id}?search=A-2").text)
        self.assertEqual([r.get("data-serial") for r in by_class(tree, "o_aftersales_campaign_machine")], ["SN-A-2"])
        tree = html.fromstring(self.url_open(f"/my/campaigns/{self.campaign.id}?filterby=done").text)
        self.assertFalse(by_class(tree, "o_aftersales_campaign_machine"))

        # another dealer's campaign, a draft one, a row of another dealer: not found
        for url in (f"/my/campaigns/{other.id}", f"/my/campaigns/{draft.id}", "/my/campaigns/999999"):
            with self.subTest(url=url):
                self.assertURLEqual(self.url_open(url).url, "/my")
        response = self._post(self._claim_url(self.row_b))
        self.assertURLEqual(response.url, "/my")
        # the right campaign in the URL, another's row: refused as well
        response = self._post(f"/my/campaigns/{other.id}/machines/{self.row_b.id}/claim")
        self.assertURLEqual(response.url, "/my")
        self.assertFalse(self.env["aftersales.claim"].search([("campaign_id", "in", (self.campaign | other).ids)]))

        # dealer B sees its own machine only, with its own counts
        self.authenticate("portal_b", "portal_b")
        tree = html.fromstring(self.url_open(f"/my/campaigns/{self.campaign.id}").text)
        self.assertEqual([r.get("data-serial") for r in by_class(tree, "o_aftersales_campaign_machine")], ["SN-B-1"])
        self.assertEqual(by_class(tree, "o_aftersales_campaign_done")[0].text_content().strip(), "0 / 1")

    def test_file_campaign_claim_once(self):
        self.authenticate("portal_a", "portal_a")
        response = self._post(self._claim_url(self.row_a))
        claim = self.env["aftersales.claim"].search([("campaign_id", "=", self.campaign.id)])
        self.assertEqual(len(claim), 1)
        self.assertURLEqual(response.url, f"/my/claims/{claim.id}?success=saved")
        self.assertEqual((claim.claim_type, claim.dealer_id, claim.lot_id, claim.state),
                         ("campaign", self.dealer_a, self.lot_a, "draft"))
        # the claim's page with the kit and the labour, priced as a claim
        self.assertIn("Test Filter", response.text)
        self.assertEqual(sorted(claim.line_ids.mapped("line_type")), ["labour", "part"])
        self.assertAlmostEqual(claim.amount_claimed, 65.0)
        # filing again while the claim is in progress opens it, no second claim
        response = self._post(self._claim_url(self.row_a))
        self.assertURLEqual(response.url, f"/my/claims/{claim.id}")
        # the campaign page links the machine to its claim, no button any more
        tree = html.fromstring(self.url_open(f"/my/campaigns/{self.campaign.id}?search=SN-A-1").text)
        [row] = by_class(tree, "o_aftersales_campaign_machine")
        self.assertFalse(by_class(row, "o_aftersales_campaign_claim"))
        self.assertTrue(row.xpath(f'.//a[@href="/my/claims/{claim.id}"]'))

        self._post(f"/my/claims/{claim.id}/submit")
        claim.with_user(self.as_user).action_approve()
        self.assertEqual(self.row_a.state, "done")
        # the machine is done: a second filing is refused on the page, with the model's message
        response = self._post(self._claim_url(self.row_a))
        self.assertEqual(response.status_code, 200)
        self.assertURLEqual(response.url, self._claim_url(self.row_a))
        error = by_class(html.fromstring(response.text), "o_aftersales_error")[0].text_content()
        self.assertIn("is already done in campaign", error)
        self.assertEqual(self.env["aftersales.claim"].search_count([("campaign_id", "=", self.campaign.id)]), 1)
        tree = html.fromstring(self.url_open(f"/my/campaigns/{self.campaign.id}").text)
        self.assertEqual(by_class(tree, "o_aftersales_campaign_done")[0].text_content().strip(), "1 / 2")

        # a closed campaign: still listed, no claim filed any more
        self.campaign.action_close()
        self.assertIn(self.campaign.name, self.url_open("/my/campaigns?filterby=closed").text)
        tree = html.fromstring(self.url_open(f"/my/campaigns/{self.campaign.id}").text)
        self.assertFalse(by_class(tree, "o_aftersales_campaign_claim"))
        response = self._post(self._claim_url(self.row_a2))
        self.assertIn("is not active", response.text)

    def test_counter_and_machine_badges(self):
        self.authenticate("portal_a", "portal_a")
        counter = "aftersales_campaign_counter"
        self.assertEqual(self.make_jsonrpc_request("/my/counters", {"counters": [counter]})[counter], 2)
        self.assertIn('data-placeholder_count="aftersales_campaign_counter"', self.url_open("/my").text)
        tree = html.fromstring(self.url_open("/my/machines").text)
        badges = by_class(tree, "o_aftersales_machine_campaign")
        self.assertEqual(
            sorted(badge.get("href") for badge in badges),
            [f"/my/campaigns/{self.campaign.id}?search=SN-A-1", f"/my/campaigns/{self.campaign.id}?search=SN-A-2"],
        )
        tree = html.fromstring(self.url_open(f"/my/machines/{self.lot_a.id}").text)
        self.assertIn(self.campaign.name, by_class(tree, "o_aftersales_machine_campaigns")[0].text_content())
        # done: no badge, one machine less to do
        self.row_a.write({"state": "done"})
        self.assertEqual(self.make_jsonrpc_request("/my/counters", {"counters": [counter]})[counter], 1)
        tree = html.fromstring(self.url_open(f"/my/machines/{self.lot_a.id}").text)
        self.assertFalse(by_class(tree, "o_aftersales_machine_campaigns"))
        # dealer B: its one machine
        self.authenticate("portal_b", "portal_b")
        self.assertEqual(self.make_jsonrpc_request("/my/counters", {"counters": [counter]})[counter], 1)

    def test_read_pages_readonly(self):
        """The campaign pages only read: declared readonly (served by a read replica where there
        is one) and writing nothing; the claim filing is read/write."""
        with patch.object(threading.current_thread(), "dbname", self.env.cr.dbname, create=True):
            rules = self.env["ir.http"].routing_map().iter_rules()
        routes = {rule.rule: rule.endpoint.routing["readonly"] for rule in rules
                  if rule.rule.startswith("/my/campaigns")}
        self.assertEqual(routes, {
            "/my/campaigns": True,
            "/my/campaigns/page/<int:page>": True,
            "/my/campaigns/<int:campaign_id>": True,
            "/my/campaigns/<int:campaign_id>/page/<int:page>": True,
            "/my/campaigns/<int:campaign_id>/machines/<int:row_id>/claim": False,
        })
        self.authenticate("portal_a", "portal_a")
        with self.assertNoRetry():
            for url in ("/my/campaigns", f"/my/campaigns/{self.campaign.id}",
                        f"/my/campaigns/{self.campaign.id}/page/1?filterby=open&search=SN",
                        "/my/machines", f"/my/machines/{self.lot_a.id}"):
                response = self.url_open(url)
                self.assertEqual(response.status_code, 200, url)
                self.assertNotIn("/web/login", response.url, url)

    def _count_queries(self, url):
        self.url_open(url)  # warm the caches
        before = self.env.cr.sql_log_count
        self.assertEqual(self.url_open(url).status_code, 200)
        return self.env.cr.sql_log_count - before

    def test_campaign_page_queries_flat(self):
        """The campaign page reads a page of the dealer's machines: as many queries for a
        campaign of 300 machines as for one of 30, on the first page and on a later one."""
        Lot = self.env["stock.lot"]
        for prefix, count in (("CPS", 30), ("CPL", 300)):
            Lot.create([
                {"name": f"{prefix}-{i:04d}", "product_id": self.machine.id,
                 "dealer_id": (self.dealer_a if i % 3 else self.dealer_b).id,
                 "end_user_id": self.end_user_a.id, "registration_date": self.today}
                for i in range(count)
            ])
        small = self._create_campaign("Small", "CPS-0000", "CPS-9999")
        large = self._create_campaign("Large", "CPL-0000", "CPL-9999")
        (small | large).action_activate()
        self.assertEqual(len(large.machine_ids), 300)
        self.authenticate("portal_a", "portal_a")
        queries_small = self._count_queries(f"/my/campaigns/{small.id}")
        self.assertEqual(self._count_queries(f"/my/campaigns/{large.id}"), queries_small)
        self.assertEqual(self._count_queries(f"/my/campaigns/{large.id}/page/5"), queries_small)
        tree = html.fromstring(self.url_open(f"/my/campaigns/{large.id}/page/5").text)
        self.assertEqual(len(by_class(tree, "o_aftersales_campaign_machine")), 20)


@tagged("post_install", "-at_install")
class TestCampaignPortalPhone(BrowserCase, CampaignPortalCommon):
    """On a phone (390 x 844) the dealer opens its campaign from the portal home, files the
    campaign claim of a machine and submits it."""

    browser_size = "390x844"
    touch_enabled = True

    def test_campaign_claim_on_a_phone(self):
        self.start_tour("/my", "aftersales_campaign_portal_tour", login="portal_a")
        claim = self.env["aftersales.claim"].search([("campaign_id", "=", self.campaign.id)])
        self.assertEqual((claim.lot_id, claim.dealer_id, claim.state), (self.lot_a2, self.dealer_a, "submitted"))
        self.assertEqual(self.row_a2.state, "open")  # done once approved
