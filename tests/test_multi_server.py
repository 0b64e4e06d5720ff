import threading
import time
import xmlrpc.client
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import SUPERUSER_ID, api, fields
from odoo.fields import Command
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, tagged
from odoo.tools import config

from .common_servers import OdooServer, server_cursor, server_database, unique


def at_once(*calls):
    """Run ``calls`` in threads released at the same moment; [(result, error)] in their order."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        try:
            outcomes[index] = (call(), None)
        except xmlrpc.client.Fault as error:
            outcomes[index] = (None, error)

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    return outcomes


@tagged("post_install", "-at_install", "aftersales_servers")
class TestMultiServer(BaseCase):
    """Several real Odoo servers on one database (``common_servers``): background jobs resumed
    after a server was killed, and the write paths that two servers can race on. The data is
    staged through the ORM in the servers' database, in the test process, and committed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = server_database()
        # the servers' database loaded in this process as a plain registry: not as a database
        # whose module tests are to be run
        test_enable = config["test_enable"]
        config["test_enable"] = False
        try:
            cls.registry = Registry(cls.db)
        finally:
            config["test_enable"] = test_enable
        with cls.env_of() as env:
            company = env.company
            if not company.chart_template:
                env["account.chart.template"].try_loading("generic_coa", company)
            # jobs an earlier run of these tests left queued (its servers stopped) are dropped
            env["aftersales.job"].search([("state", "in", ("queued", "running"))]).action_cancel()

    def _batches_of_one(self):
        """Every job of the servers cut in batches of one record (many batches from little
        data), for this test only."""
        with self.env_of() as env:
            env["ir.config_parameter"].set_param("aftersales.job_batch_size", 1)

        def reset():
            with self.env_of() as env:
                env["ir.config_parameter"].set_param("aftersales.job_batch_size", False)
                env["aftersales.job"].search([("state", "in", ("queued", "running"))]).action_cancel()

        self.addCleanup(reset)

    def _wait_for_killed(self, server):
        """Until PostgreSQL has ended the killed server's sessions: a commit it had sent just
        before is then either in or out, not landing between two reads of the test."""
        def gone():
            """the killed server's database sessions have ended"""
            with server_cursor(self.db) as cr:
                cr.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
                           [f"odoo-{server.process.pid}"])
                return not cr.fetchone()[0]

        self._wait(gone, timeout=60, wake=False)

    @classmethod
    def env_of(cls):
        """An environment on the servers' database, committed at the end of the block."""
        class _Env:
            def __enter__(self):
                self.cr = cls.registry.cursor()
                return api.Environment(self.cr, SUPERUSER_ID, {"tracking_disable": True})

            def __exit__(self, exc_type, *args):
                if exc_type is None:
                    self.cr.commit()
                    # what a request does after its commit: the servers drop their caches (the
                    # system parameters, say) on their next request
                    cls.registry.signal_changes()
                self.cr.close()

        return _Env()

    def _stage_dealers(self, count, prefix):
        """``count`` dealers, each with one posted invoice in last month; their ids, last month."""
        with self.env_of() as env:
            first = fields.Date.today().replace(day=1)
            date_from, date_to = first - relativedelta(months=1), first - relativedelta(days=1)
            dealers = env["res.partner"].create([
                {"name": unique(f"{prefix} {i:02d}"), "is_company": True, "is_dealer": True}
                for i in range(count)
            ])
            moves = env["account.move"].create([
                {
                    "move_type": "out_invoice", "partner_id": dealer.id,
                    "invoice_date": date_from + timedelta(days=3),
                    "invoice_line_ids": [Command.create(
                        {"name": "Parts", "quantity": 1.0, "price_unit": 100.0 + i, "tax_ids": []})],
                }
                for i, dealer in enumerate(dealers)
            ])
            moves.action_post()
            return dealers.ids, date_from, date_to

    def _draw(self, server, dealer_ids, date_from, date_to):
        wizard_id = server.rpc("aftersales.statement.generate", "create", {
            "dealer_ids": [(6, 0, dealer_ids)],
            "date_from": fields.Date.to_string(date_from),
            "date_to": fields.Date.to_string(date_to),
        })
        return server.rpc("aftersales.statement.generate", "action_generate", [wizard_id])

    def _job_batches(self, job_id):
        with server_cursor(self.db) as cr:
            cr.execute("SELECT state, count(*) FROM aftersales_job_batch WHERE job_id = %s GROUP BY state",
                       [job_id])
            return dict(cr.fetchall())

    def _job_state(self, job_id):
        with server_cursor(self.db) as cr:
            cr.execute("SELECT state FROM aftersales_job WHERE id = %s", [job_id])
            return cr.fetchone()[0]

    def _statements(self, dealer_ids):
        with server_cursor(self.db) as cr:
            cr.execute("""SELECT dealer_id, count(*), sum(invoiced_amount) FROM aftersales_statement
                           WHERE dealer_id IN %s GROUP BY dealer_id""", [tuple(dealer_ids)])
            return {row[0]: (row[1], row[2]) for row in cr.fetchall()}

    def _wake_crons(self):
        """What Odoo does when a job is triggered (``ir.cron._notifydb``): NOTIFY the cron
        threads of every server, who LISTEN on the postgres database."""
        with server_cursor("postgres") as cr:
            cr.execute("SELECT pg_notify('cron_trigger', %s)", [self.db])

    def _wait(self, condition, timeout=180, wake=True):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            if wake:
                self._wake_crons()
            time.sleep(0.5)
        self.fail(f"not reached within {timeout} s: {condition.__doc__ or condition}")

    def test_killed_server_resumes_the_job_on_another(self):
        """A server killed in the middle of a background draw: what it committed stays, what it
        was doing is gone whole, and another server finishes the job; every dealer gets one
        statement with its invoice, none twice."""
        self._batches_of_one()
        dealer_ids, date_from, date_to = self._stage_dealers(30, "Kill Dealer")
        first = OdooServer(self.db, max_cron_threads=1, name="first").start(self)
        action = self._draw(first, dealer_ids, date_from, date_to)
        job_id = action["params"]["next"]["res_id"]

        def some_batches_done():
            """the first server has drawn some statements"""
            return self._job_batches(job_id).get("done", 0) >= 3

        self._wait(some_batches_done, wake=False)
        first.kill()
        self._wait_for_killed(first)
        batches = self._job_batches(job_id)
        self.assertGreater(batches.get("queued", 0), 0, "the job ended before the kill: more dealers")
        self.assertEqual(self._job_state(job_id), "running")
        drawn = self._statements(dealer_ids)
        # exactly the batches committed: no statement of the batch that was running when killed
        self.assertEqual(len(drawn), batches["done"])

        second = OdooServer(self.db, max_cron_threads=1, name="second").start(self)

        def job_done():
            """the second server has finished the job"""
            return self._job_state(job_id) == "done"

        self._wait(job_done)
        drawn = self._statements(dealer_ids)
        self.assertEqual(sorted(drawn), sorted(dealer_ids))
        self.assertEqual({count for count, _amount in drawn.values()}, {1})
        self.assertEqual(
            sorted(amount for _count, amount in drawn.values()), [100.0 + i for i in range(30)]
        )
        self.assertEqual(self._job_batches(job_id), {"done": 30})
        second.stop()

    def test_killed_server_leaves_no_price_half_written(self):
        """A server killed in the middle of a pricing run's apply: the prices it committed are
        whole, and another server applies the rest; every part ends with one price per list,
        the proposed one."""
        self._batches_of_one()
        with self.env_of() as env:
            Product = env["product.product"]
            parts = Product.create([
                {"name": unique(f"Kill Part {i:03d}"), "type": "consu", "aftersales_part_class": "module",
                 "is_serviceable_part": True, "standard_price": 10.0 + i}
                for i in range(120)
            ])
            finished = Product.create([
                {"name": unique(f"Kill Machine {i}"), "type": "consu", "aftersales_part_class": "finished",
                 "list_price": 5000.0}
                for i in range(4)
            ])
            env["aftersales.service.bom"].create([
                {"product_tmpl_id": machine.product_tmpl_id.id,
                 "line_ids": [Command.create({"product_id": part.id, "quantity": 1})
                              for part in parts[i::4]]}
                for i, machine in enumerate(finished)
            ])
            run_id = env["aftersales.pricing.run"].create({}).id
            part_ids = parts.ids
        first = OdooServer(self.db, max_cron_threads=1, name="first").start(self)
        compute = first.rpc("aftersales.pricing.run", "action_compute", [run_id])
        self._wait(lambda: self._job_state(compute["params"]["next"]["res_id"]) == "done", wake=False)
        action = first.rpc("aftersales.pricing.run", "action_apply", [run_id])
        job_id = action["params"]["next"]["res_id"]
        self._wait(lambda: self._job_batches(job_id).get("done", 0) >= 3, wake=False)
        first.kill()
        self._wait_for_killed(first)
        self.assertGreater(self._job_batches(job_id).get("queued", 0), 0, "applied before the kill")

        def priced(where, params):
            """{product: (items in the dealer list, its price, the proposed price)} of the run's
            lines ``where``"""
            with server_cursor(self.db) as cr:
                cr.execute(f"""
                    SELECT l.product_id, count(i.id), max(i.fixed_price), l.proposed_dealer_price
                      FROM aftersales_pricing_run_line l
                      JOIN aftersales_pricing_run r ON r.id = l.run_id
                      JOIN res_company c ON c.id = r.company_id
                      LEFT JOIN product_pricelist_item i ON i.product_id = l.product_id
                                                        AND i.pricelist_id = c.aftersales_dealer_pricelist_id
                     WHERE l.run_id = %s AND {where}
                     GROUP BY l.product_id, l.proposed_dealer_price""", [run_id, *params])
                return {row[0]: row[1:] for row in cr.fetchall()}

        with server_cursor(self.db) as cr:
            cr.execute("SELECT unit_ids FROM aftersales_job_batch WHERE job_id = %s AND state = 'done'",
                       [job_id])
            done_lines = [line_id for (ids,) in cr.fetchall() for line_id in ids]
        # the lines of the batches committed are priced, whole: one item, the proposed price
        for count, price, proposed in priced("l.id IN %s", [tuple(done_lines)]).values():
            self.assertEqual((count, price), (1, proposed) if proposed else (0, None))
        # the new parts of the batches not run yet have no price
        waiting = priced("l.id NOT IN %s AND l.product_id IN %s", [tuple(done_lines), tuple(part_ids)])
        self.assertTrue(waiting)
        self.assertEqual({count for count, _price, _proposed in waiting.values()}, {0})
        OdooServer(self.db, max_cron_threads=1, name="second").start(self)
        self._wait(lambda: self._job_state(job_id) == "done")
        final = priced("TRUE", [])
        self.assertTrue(set(part_ids) <= set(final))
        for count, price, proposed in final.values():  # a part without a price gets no item
            self.assertEqual((count, price), (1, proposed) if proposed else (0, None))
        self.assertFalse([pid for pid in part_ids if final[pid][2] <= 0])
        with server_cursor(self.db) as cr:
            cr.execute("SELECT state FROM aftersales_pricing_run WHERE id = %s", [run_id])
            self.assertEqual(cr.fetchone()[0], "applied")

    def test_two_servers_draw_the_same_month(self):
        """Two accountants draw the same month on two servers at the same moment: each dealer
        gets one statement; a month too large for one request is queued once."""
        dealer_ids, date_from, date_to = self._stage_dealers(1, "Race Dealer")
        first = OdooServer(self.db, name="first").start(self)
        second = OdooServer(self.db, name="second").start(self)
        outcomes = at_once(
            lambda: self._draw(first, dealer_ids, date_from, date_to),
            lambda: self._draw(second, dealer_ids, date_from, date_to),
        )
        # the first to commit draws it; the other one, depending on when it started, updates it
        # or is told it was drawn at the same moment (nothing written)
        messages = [
            result["params"]["message"].split(".")[0] if result else error.faultString
            for result, error in outcomes
        ]
        self.assertIn("1 drawn, 0 updated, 0 skipped", messages, outcomes)
        messages.remove("1 drawn, 0 updated, 0 skipped")
        self.assertIn(messages[0], ("0 drawn, 1 updated, 0 skipped",
                                    "These statements were drawn at the same moment by another user or "
                                    "server. Draw them again: the statements just drawn are updated, "
                                    "nothing is drawn twice."), outcomes)
        self.assertEqual(self._statements(dealer_ids), {dealer_ids[0]: (1, 100.0)})

        self._batches_of_one()
        many, date_from, date_to = self._stage_dealers(4, "Race Queue Dealer")
        outcomes = at_once(
            lambda: self._draw(first, many, date_from, date_to),
            lambda: self._draw(second, many, date_from, date_to),
        )
        queued = [result for result, error in outcomes if not error]
        refused = [error for _result, error in outcomes if error]
        self.assertEqual(len(queued), 1, outcomes)
        self.assertEqual(len(refused), 1, outcomes)
        self.assertIn("already running in the background", refused[0].faultString)

    def _stage_claims(self, count, approve=False):
        """``count`` claims of one labour line, each on a registered machine of its own, of one
        dealer settled per claim; submitted, and with ``approve`` approved while the dealer was
        settled by monthly statement (so not credited yet). Their ids."""
        with self.env_of() as env:
            env.company.claim_credit_trigger = "approval"
            today = fields.Date.today()
            dealer = env["res.partner"].create({
                "name": unique("Claims Dealer"), "is_company": True, "is_dealer": True,
                "claim_settlement_mode": "monthly" if approve else "per_claim",
            })
            product = env["product.product"].create({
                "name": unique("Claims Generator"), "type": "consu", "is_storable": True,
                "tracking": "serial", "aftersales_part_class": "finished", "warranty_months": 24,
            })
            end_users = env["res.partner"].create([
                {"name": unique("Claims End User"), "is_end_user": True, "phone": f"+1 555 01{i:02d}",
                 "aftersales_dealer_id": dealer.id}
                for i in range(count)
            ])
            lots = env["stock.lot"].create([
                {"name": unique("SN-CLAIM"), "product_id": product.id, "dealer_id": dealer.id,
                 "dealer_delivery_date": today - timedelta(days=60)}
                for _i in range(count)
            ])
            for lot, end_user in zip(lots, end_users):
                lot._register_end_user(end_user, today - timedelta(days=30))
            labour = env.ref("aftersales.product_fee_labour")
            claims = env["aftersales.claim"].create([
                {"dealer_id": dealer.id, "lot_id": lot.id, "failure_date": today - timedelta(days=3),
                 "line_ids": [Command.create({"line_type": "labour", "product_id": labour.id,
                                              "quantity": 2.0})]}
                for lot in lots
            ])
            claims.action_submit()
            if approve:
                claims.action_approve()
                dealer.claim_settlement_mode = "per_claim"
            return claims.ids

    def _credit_notes(self, claim_ids):
        """{claim id: credit notes made for it (their origin is the claim)}"""
        with server_cursor(self.db) as cr:
            cr.execute("""SELECT c.id, count(m.id) FROM aftersales_claim c
                            LEFT JOIN account_move m ON m.move_type = 'out_refund'
                                                    AND m.invoice_origin = c.name
                           WHERE c.id IN %s GROUP BY c.id""", [tuple(claim_ids)])
            return dict(cr.fetchall())

    def test_killed_server_credits_no_claim_twice(self):
        """A server killed in the middle of settling claims in the background: the claims it
        credited stay credited, the one it was crediting is not, and another server credits the
        rest; every claim has one credit note."""
        self._batches_of_one()
        claim_ids = self._stage_claims(24, approve=True)
        first = OdooServer(self.db, max_cron_threads=1, name="first").start(self)
        action = first.rpc("aftersales.claim", "action_settle", claim_ids)
        job_id = action["params"]["next"]["res_id"]
        self._wait(lambda: self._job_batches(job_id).get("done", 0) >= 3, wake=False)
        first.kill()
        self._wait_for_killed(first)
        self.assertGreater(self._job_batches(job_id).get("queued", 0), 0, "settled before the kill")
        self.assertEqual(set(self._credit_notes(claim_ids).values()), {0, 1})
        OdooServer(self.db, max_cron_threads=1, name="second").start(self)
        self._wait(lambda: self._job_state(job_id) == "done")
        self.assertEqual(self._credit_notes(claim_ids), dict.fromkeys(claim_ids, 1))

    def test_two_reviewers_approve_one_claim_on_two_servers(self):
        """Two reviewers press Approve on the same claim on two servers at the same moment: the
        claim is approved and credited once."""
        login_a, login_b = unique("reviewer-a").replace(" ", ""), unique("reviewer-b").replace(" ", "")
        with self.env_of() as env:
            env.company.claim_credit_trigger = "approval"
            group = env.ref("aftersales.group_aftersales_user")
            for login in (login_a, login_b):
                env["res.users"].create({
                    "name": login, "login": login, "password": login,
                    "groups_id": [Command.link(group.id), Command.link(env.ref("account.group_account_invoice").id)],
                })
        claim_id = self._stage_claims(1)[0]
        first = OdooServer(self.db, name="first").start(self)
        second = OdooServer(self.db, name="second").start(self)
        outcomes = at_once(
            lambda: first.rpc("aftersales.claim", "action_approve", [claim_id],
                              login=login_a, password=login_a),
            lambda: second.rpc("aftersales.claim", "action_approve", [claim_id],
                               login=login_b, password=login_b),
        )
        errors = [error for _result, error in outcomes if error]
        # the later one either finds it approved (refused with the reason) or nothing to do
        for error in errors:
            self.assertIn("cannot be reviewed", error.faultString)
        self.assertLessEqual(len(errors), 1)
        with server_cursor(self.db) as cr:
            cr.execute("SELECT state, refund_move_id FROM aftersales_claim WHERE id = %s", [claim_id])
            state, refund_id = cr.fetchone()
            # one credit note made for the claim (its origin), not two with one of them linked
            cr.execute("SELECT count(*) FROM account_move WHERE move_type = 'out_refund' "
                       "AND invoice_origin = (SELECT name FROM aftersales_claim WHERE id = %s)", [claim_id])
            self.assertEqual(cr.fetchone()[0], 1)
        self.assertEqual(state, "settled")
        self.assertTrue(refund_id)

    def test_reminders_started_on_two_servers_at_once(self):
        """The maintenance reminders run on two servers at the same moment (the scheduled action
        on one, Run Manually on the other): one reminder per machine and due date."""
        with self.env_of() as env:
            today = fields.Date.today()
            template = env["product.template"].create({
                "name": unique("Reminder Compressor"), "type": "consu", "is_storable": True,
                "tracking": "serial", "aftersales_part_class": "finished", "warranty_months": 12,
                "has_maintenance_reminder": True, "maintenance_interval_months": 3,
            })
            dealer = env["res.partner"].create(
                {"name": unique("Reminder Dealer"), "is_company": True, "is_dealer": True})
            lots = env["stock.lot"].create([
                {"name": unique(f"SN-REMIND-{i}"), "product_id": template.product_variant_id.id,
                 "dealer_id": dealer.id, "dealer_delivery_date": today - timedelta(days=200)}
                for i in range(3)
            ])
            for lot in lots:
                end_user = env["res.partner"].create(
                    {"name": unique("Reminder End User"), "is_end_user": True, "phone": "+1 555 0100",
                     "aftersales_dealer_id": dealer.id})
                lot._register_end_user(end_user, today - timedelta(days=100))
            lot_ids = lots.ids
            cron_id = env.ref("aftersales.ir_cron_maintenance_reminders").id
        first = OdooServer(self.db, name="first").start(self)
        second = OdooServer(self.db, name="second").start(self)
        outcomes = at_once(
            lambda: first.rpc("ir.cron", "method_direct_trigger", [cron_id]),
            lambda: second.rpc("ir.cron", "method_direct_trigger", [cron_id]),
        )
        # the one that came second is told the action is running (Odoo's lock), or found the
        # reminders made
        for _result, error in outcomes:
            if error:
                self.assertIn("cannot be modified right now", error.faultString)
        with server_cursor(self.db) as cr:
            cr.execute("""SELECT lot_id, count(*) FROM aftersales_request
                           WHERE lot_id IN %s AND request_type = 'maintenance' GROUP BY lot_id""",
                       [tuple(lot_ids)])
            self.assertEqual(dict(cr.fetchall()), dict.fromkeys(lot_ids, 1))
