import logging
import threading
from contextlib import contextmanager
from unittest.mock import patch

from dateutil.relativedelta import relativedelta

from odoo.tests import HttpCase, tagged

from odoo.addons.aftersales.controllers.portal import readonly_on_get, readonly_unless_after_write

from .test_portal import PortalCommon
from .test_statement import AftersalesStatementCommon

# What Odoo logs when a readonly route wrote and is run again on a read/write cursor.
RETRY_MESSAGE = "retrying with a read/write cursor"

# {route: readonly as declared}: the pages that only read on the read replica, the write routes
# on the primary, the pages a write redirects to read on the primary after that write.
EXPECTED = {
    "/my/machines": True,
    "/my/machines/page/<int:page>": True,
    "/my/machines/<int:lot_id>": readonly_unless_after_write,
    "/my/machines/<int:lot_id>/register": False,
    "/my/claims": True,
    "/my/claims/page/<int:page>": True,
    "/my/claims/<int:claim_id>": readonly_unless_after_write,
    "/my/claims/<int:claim_id>/submit": False,
    "/my/claims/<int:claim_id>/upload": False,
    "/my/claims/check_serial": True,
    "/my/claims/new": readonly_on_get,
    "/my/parts": True,
    "/my/parts/page/<int:page>": True,
    "/my/parts/quote": False,
    "/my/statements": True,
    "/my/statements/page/<int:page>": True,
    "/my/statements/<int:statement_id>": readonly_unless_after_write,
    "/my/statements/<int:statement_id>/confirm": False,
    "/my/statements/<int:statement_id>/dispute": False,
}


class ReadonlyPagesMixin:

    @contextmanager
    def assertNoRetry(self):
        """Fails if a request of the block wrote on the readonly cursor (Odoo then runs it again
        read/write and says so). HttpCase serves readonly routes on a read-only transaction, as a
        replica would."""
        records = []

        class Collect(logging.Handler):
            def emit(self, record):
                records.append(record.getMessage())

        handler = Collect(logging.WARNING)
        logger = logging.getLogger("odoo.http")
        level = logger.level
        logger.addHandler(handler)
        logger.setLevel(logging.WARNING)  # the test run's log level may be higher
        try:
            yield
        finally:
            logger.removeHandler(handler)
            logger.setLevel(level)
        self.assertEqual([message for message in records if RETRY_MESSAGE in message], [])


@tagged("post_install", "-at_install")
class TestPortalReadonly(ReadonlyPagesMixin, PortalCommon):
    """The portal pages that only read are declared readonly and really write nothing."""

    def test_routes_declared(self):
        # Odoo builds its routing map for the database of the request's thread
        with patch.object(threading.current_thread(), "dbname", self.env.cr.dbname, create=True):
            rules = self.env["ir.http"].routing_map().iter_rules()
        routes = {rule.rule: rule.endpoint.routing["readonly"] for rule in rules if rule.rule in EXPECTED}
        self.assertEqual(routes, EXPECTED)

    def test_read_pages_write_nothing(self):
        claims = self.env["aftersales.claim"].search([("dealer_id", "=", self.dealer_a.id)])
        # Odoo's portal writes a record's access token the first time it prints a link to it
        # (then Odoo runs the page again on the primary, once); these have theirs
        for claim in claims:
            claim._portal_ensure_token()
        self.authenticate("portal_a", "portal_a")
        with self.assertNoRetry():
            for url in ("/my/machines", "/my/machines/page/1", f"/my/machines/{self.lot_a.id}",
                        "/my/claims", "/my/claims?filterby=draft&search=SN&sortby=amount",
                        f"/my/claims/{self.claim_a.id}", "/my/parts", "/my/parts?search=FLT",
                        "/my/claims/new", f"/my/claims/new?serial={self.lot_a.name}",
                        "/my/statements"):
                response = self.url_open(url)
                self.assertEqual(response.status_code, 200, url)
                self.assertNotIn("/web/login", response.url, url)
            page = self.url_open(f"/my/claims/{self.claim_a.id}")
            self.assertIn(self.claim_a.name, page.text)
            pdf = self.url_open(f"/my/claims/{self.claim_a.id}?report_type=pdf&download=true")
            self.assertEqual(pdf.headers["Content-Type"], "application/pdf")
            check = self.make_jsonrpc_request("/my/claims/check_serial", {"serial": self.lot_a.name})
            self.assertEqual(check["level"], "success")

    def test_write_pages_still_write(self):
        self.authenticate("portal_a", "portal_a")
        response = self._post("/my/claims/new", {
            "serial": self.lot_a.name, "symptom": "Readonly test symptom", "cause_category": "material",
            "failure_date": str(self.failure_date), "usage": "12",
        })
        claim = self.env["aftersales.claim"].search(
            [("dealer_id", "=", self.dealer_a.id), ("symptom", "=", "Readonly test symptom")]
        )
        self.assertEqual(len(claim), 1)
        self.assertIn(f"/my/claims/{claim.id}?success=saved", response.url)
        self.assertIn(claim.name, response.text)


@tagged("post_install", "-at_install")
class TestStatementPortalReadonly(ReadonlyPagesMixin, HttpCase, AftersalesStatementCommon):

    def test_statement_pages_write_nothing(self):
        self._invoice(self.dealer_a, 250.0, self.date_from + relativedelta(days=4))
        statement = self._generate(self.dealer_a)
        statement.with_user(self.accountant).action_send()
        statement._portal_ensure_token()
        self.authenticate("portal_a", "portal_a")
        with self.assertNoRetry():
            page = self.url_open("/my/statements")
            self.assertIn(statement.name, page.text)
            page = self.url_open(f"/my/statements/{statement.id}")
            self.assertEqual(page.status_code, 200)
            self.assertIn(statement.name, page.text)
            pdf = self.url_open(f"/my/statements/{statement.id}?report_type=pdf&download=true")
            self.assertEqual(pdf.headers["Content-Type"], "application/pdf")
