import os
import re
import subprocess
import time
from datetime import date, timedelta

from odoo.tests import BaseCase, tagged
from odoo.tools import config

from .common_servers import ADDON_ROOT, OdooServer, free_port, server_cursor, server_database, unique

REPLICA_SCRIPT = ADDON_ROOT / "scripts" / "replica"


@tagged("post_install", "-at_install", "aftersales_servers")
class TestPortalOnReadReplica(BaseCase):
    """The dealer portal served by an Odoo server whose read replica is a real PostgreSQL hot
    standby (scripts/replica): the read pages answer from the standby, the write pages write on
    the primary, and the page a write redirects to shows what was just written.

    The standby is taken from the primary the tests run on, on a port of its own; the server runs
    on the servers' database (see common_servers.py), where this test commits its own dealer."""

    def setUp(self):
        super().setUp()
        self.database = server_database()
        self.standby_port = free_port()
        self._replica("start")
        self.addCleanup(self._replica, "stop")
        self.server = OdooServer(self.database, replica_port=self.standby_port, name="replica-server")
        self.server.start(self)
        self._create_dealer()

    def _replica(self, command):
        # the PostgreSQL server the tests run on
        env = dict(os.environ, PGHOST=str(config["db_host"] or "127.0.0.1"), PGPORT=str(config["db_port"] or 5432))
        if config["db_user"]:
            env["PGUSER"] = config["db_user"]
        if config["db_password"]:
            env["PGPASSWORD"] = config["db_password"]
        done = subprocess.run(["bash", str(REPLICA_SCRIPT), command, "--port", str(self.standby_port)],
                              env=env, capture_output=True, text=True, timeout=600, check=False)
        self.assertEqual(done.returncode, 0, f"scripts/replica {command}:\n{done.stdout}{done.stderr}")

    def _standby(self, query, params=None):
        with server_cursor(self.database, host="127.0.0.1", port=self.standby_port) as cr:
            cr.execute(query, params)
            return cr.fetchall()

    def _primary(self, query, params=None):
        with server_cursor(self.database) as cr:
            cr.execute(query, params)
            return cr.fetchall()

    def _wait_for_replay(self):
        """Until the standby has replayed everything the primary has written so far."""
        lsn = self._primary("SELECT pg_current_wal_lsn()")[0][0]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self._standby("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])[0][0]:
                return
            time.sleep(0.2)
        self.fail(f"the standby did not replay up to {lsn} within 30 s")

    def _create_dealer(self):
        """A dealer, its portal user, a machine of its and a spare part of the catalogue,
        created as the administrator through XML-RPC (committed on the primary), the machine
        registered to an end user through the portal's own page (a write page)."""
        rpc = self.server.rpc
        today = date.today()
        self.dealer_id = rpc("res.partner", "create", {
            "name": unique("Replica Dealer"), "is_company": True, "is_dealer": True,
        })
        contact_id = rpc("res.partner", "create", {
            "name": unique("Replica Dealer Contact"), "parent_id": self.dealer_id,
            "email": f"{unique('replica').replace(' ', '.')}@example.com",
        })
        portal_group = rpc("ir.model.data", "search_read",
                           [("module", "=", "base"), ("name", "=", "group_portal")], ["res_id"])[0]["res_id"]
        self.login = unique("replica.dealer").replace(" ", ".")
        rpc("res.users", "create", {
            "name": "Replica Dealer Contact", "login": self.login, "password": self.login,
            "partner_id": contact_id, "groups_id": [(6, 0, [portal_group])],
        })
        machine_id = rpc("product.product", "create", {
            "name": unique("Replica Generator"), "type": "consu", "is_storable": True,
            "tracking": "serial", "aftersales_part_class": "finished", "warranty_months": 24,
        })
        self.serial = unique("SN-REPLICA").replace(" ", "-")
        self.lot_id = rpc("stock.lot", "create", {
            "name": self.serial, "product_id": machine_id, "dealer_id": self.dealer_id,
            "dealer_delivery_date": str(today - timedelta(days=60)),
        })
        self.part_name = unique("Replica Filter")
        rpc("product.product", "create", {
            "name": self.part_name, "type": "consu", "aftersales_part_class": "standard",
            "is_serviceable_part": True, "sale_ok": True, "list_price": 12.5,
        })
        self.dealer = self.server.session(self.login, self.login)
        self._wait_for_replay()  # the machine's page is read on the standby
        response = self.dealer.post(self.server.url(f"/my/machines/{self.lot_id}/register"), data={
            "csrf_token": self.server.form_token(self.dealer, f"/my/machines/{self.lot_id}"),
            "name": unique("Replica End User"), "phone": "+1 555 0177",
            "registration_date": str(today - timedelta(days=30)),
        }, timeout=120)
        self.assertIn(f"/my/machines/{self.lot_id}?success=registered", response.url)
        self.claim_id = rpc("aftersales.claim", "create", {
            "dealer_id": self.dealer_id, "lot_id": self.lot_id,
            "failure_date": str(today - timedelta(days=5)), "symptom": "Replica symptom one",
            "cause_category": "material",
        })
        self.claim_name = rpc("aftersales.claim", "read", [self.claim_id], ["name"])[0]["name"]

    def _get(self, path):
        response = self.dealer.get(self.server.url(path), timeout=120)
        self.assertEqual(response.status_code, 200, path)
        self.assertNotIn("/web/login", response.url, path)
        return response

    def test_portal_reads_the_replica_and_writes_the_primary(self):
        self._wait_for_replay()
        self.assertEqual(self._standby("SELECT pg_is_in_recovery()"), [(True,)])
        # the read pages, from the standby
        self.assertIn(self.serial, self._get("/my/machines").text)
        self.assertIn(self.serial, self._get(f"/my/machines/{self.lot_id}").text)
        self.assertIn(self.claim_name, self._get("/my/claims").text)
        claim_page = self._get(f"/my/claims/{self.claim_id}")
        self.assertIn(self.claim_name, claim_page.text)
        self.assertIn("Replica symptom one", claim_page.text)
        self.assertIn(self.part_name, self._get(f"/my/parts?search={self.part_name}").text)
        self.assertIn("/my/statements", self._get("/my/statements").url)

        # the standby stops replaying: what the primary writes now, it does not have
        self._standby("SELECT pg_wal_replay_pause()")
        deadline = time.monotonic() + 30
        while self._standby("SELECT pg_get_wal_replay_pause_state()")[0][0] != "paused":
            self.assertLess(time.monotonic(), deadline, "the standby did not pause its replay")
            time.sleep(0.2)
        form_path = f"/my/claims/new?serial={self.serial}"
        response = self.dealer.post(self.server.url("/my/claims/new"), data={
            "csrf_token": self.server.form_token(self.dealer, form_path),
            "serial": self.serial, "failure_date": str(date.today() - timedelta(days=2)), "usage": "80",
            "usage_unit": "hours", "claim_type": "warranty", "symptom": "Replica symptom two",
            "cause_category": "wear",
        }, timeout=120)
        found = re.search(r"/my/claims/(\d+)\?success=saved", response.url)
        self.assertTrue(found, f"the claim form did not save: {response.url}")
        new_id = int(found.group(1))
        # the page the write redirected to is read on the primary: it shows the new claim
        self.assertEqual(response.status_code, 200)
        self.assertIn("Replica symptom two", response.text)
        new_name = self._primary("SELECT name FROM aftersales_claim WHERE id = %s", [new_id])[0][0]
        self.assertIn(new_name, response.text)
        self.assertEqual(self._standby("SELECT name FROM aftersales_claim WHERE id = %s", [new_id]), [])
        # the read pages still read the paused standby
        claims_page = self._get("/my/claims").text
        self.assertIn(self.claim_name, claims_page)
        self.assertNotIn(new_name, claims_page)
        self.assertNotIn("Replica symptom two", self._get(f"/my/claims/{new_id}").text)

        # replay resumes: the list shows the new claim
        self._standby("SELECT pg_wal_replay_resume()")
        deadline = time.monotonic() + 30
        while new_name not in self._get("/my/claims").text:
            self.assertLess(time.monotonic(), deadline, "the new claim never reached the read page")
            time.sleep(0.5)
        self.assertIn("Replica symptom two", self._get(f"/my/claims/{new_id}").text)
        self.assertNotIn("Failed to open a readonly cursor", self.server.log())
