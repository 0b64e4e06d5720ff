"""Warranty claims benchmark: file, submit and approve claims on a large product archive,
against Odoo creating and posting the same credit notes.

Creates a throw-away database with the add-on installed without demo data, builds the product
archive (20,000 machines of 200 dealers by default) with batched inserts, then files, submits
and approves 2,000 claims of 3 lines each, settled per claim (one posted credit note per claim),
in batches of 100: create, action_submit and action_approve, the methods of the Submit and
Approve buttons, called on 100 claims at a time as the claims list's buttons do on a selection.
After each batch it measures Odoo's own path for the same credit notes: account.move.create of
the values the claims gave theirs (same partners, lines, accounts, taxes) and action_post(), in
one transaction as the approval creates and posts them. Each step starts with an empty cache
and ends with a commit, as a request does. The claims are processed in two rounds to show that
the cost of a claim does not grow with the claims already in the database; a third round files
claims of 6 lines to show what a line costs. Prints, for both paths, the wall-clock seconds, the
CPU seconds of this process and the SQL queries per claim (per credit note), the ratio of ours
to Odoo's (target: at most 1.3) and the load average, then drops the database.

    /opt/aftersales-venv/bin/python benchmarks/bench_claims.py [--db NAME] [--keep]
        [--machines 20000] [--dealers 200] [--claims 2000] [--batch 100]
        [--mode approve|settle-job|both] [--job-batch N]

``--mode settle-job`` (or ``both``, after the measure above) measures issue 22's background
settlement instead: ``--claims`` claims filed, submitted and approved (not timed) while their
dealers are settled by monthly statement, so that none is credited; the dealers then settled per
claim, the Settle button of the claims list called on all of them at once (the selection checked
and a job queued: timed) and the job's batches run by ``aftersales.job._run_pending()``, what the
scheduled actions' lanes do batch by batch, here in this process and one transaction (no Odoo
server needed). Prints the seconds of both steps, the claims credited per second and the SQL
queries per claim, and checks that every claim was credited once.

ODOO_PATH (default /opt/odoo18) and PGHOST/PGPORT/PGUSER are read like scripts/lib.sh does.
The figures, with their date, machine and load, are in benchmarks/README.md.
"""

import argparse
import contextlib
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ODOO_PATH = Path(os.environ.get("ODOO_PATH", "/opt/odoo18"))
from harness import PG_CLIENT_ARGS, PGHOST, PGPORT, PGUSER, oca_addons_paths  # noqa: E402  (as scripts/lib.sh reads them)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=f"aftersales_bench_claims_{os.getpid()}")
    parser.add_argument("--machines", type=int, default=20_000)
    parser.add_argument("--dealers", type=int, default=200)
    parser.add_argument("--claims", type=int, default=2_000)
    parser.add_argument("--batch", type=int, default=100, help="claims per submit/approve batch")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--mode", choices=("approve", "settle-job", "both"), default="approve",
        help="approve: file, submit and approve (credited on approval) against Odoo's credit "
        "notes; settle-job: the claims settled as a background job; both: one after the other",
    )
    parser.add_argument("--job-batch", type=int, default=0,
                        help="claims per batch of the settlement job (default: the add-on's)")
    args = parser.parse_args()
    needed = {"approve": args.claims + 200, "settle-job": args.claims,
              "both": 2 * args.claims + 200}[args.mode]
    if args.machines < needed:
        parser.error(f"--machines must be at least {needed}: each claim (and each of the 200 "
                     "claims of 6 lines) is filed for a machine of its own")
    return args


def write_config(workdir):
    addons = workdir / "addons"
    addons.mkdir()
    (addons / "aftersales").symlink_to(ROOT)
    odoo_addons = [ODOO_PATH / "odoo" / "addons"]
    if (ODOO_PATH / "addons").is_dir():
        odoo_addons.insert(0, ODOO_PATH / "addons")
    odoo_addons += oca_addons_paths()
    conf = workdir / "odoo.conf"
    conf.write_text(
        "[options]\n"
        f"addons_path = {addons},{','.join(map(str, odoo_addons))}\n"
        f"db_host = {PGHOST}\ndb_port = {PGPORT}\ndb_user = {PGUSER}\ndb_password = False\n"
        "list_db = True\n"
    )
    return conf


def install(conf, db):
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(ODOO_PATH / "odoo-bin"), "-c", str(conf), "-d", db,
         "-i", "aftersales", "--without-demo=all", "--stop-after-init", "--log-level=warn"],
        check=True,
    )
    print(f"install aftersales without demo: {time.perf_counter() - started:.1f} s")


def drop(db):
    subprocess.run(["dropdb", "--if-exists", *PG_CLIENT_ARGS, db],
                   check=True)


class Bench:
    def __init__(self, env, args):
        self.env = env
        self.args = args
        self.today = date.today()
        self.rng = random.Random(5)
        # looked up once: env.ref per claim would add a query per claim to the figures
        self.labour = env.ref("aftersales.product_fee_labour")

    def build_archive(self):
        """Dealers, end users, products and machines, created in batches."""
        env = self.env(context=dict(self.env.context, tracking_disable=True,
                                    mail_create_nolog=True, mail_create_nosubscribe=True))
        started = time.perf_counter()
        Partner = env["res.partner"]
        self.dealers = Partner.create([
            {"name": f"Bench Dealer {n:03d}", "is_company": True, "is_dealer": True,
             "dealer_code": f"BD{n:03d}", "claim_settlement_mode": "per_claim"}
            for n in range(self.args.dealers)
        ])
        end_users = Partner.browse()
        for chunk in range(0, self.args.machines // 4, 1000):
            end_users |= Partner.create([
                {"name": f"Bench End User {n:05d}", "is_end_user": True,
                 "phone": f"+1 555 {n:05d}",
                 "aftersales_dealer_id": self.dealers[n % len(self.dealers)].id}
                for n in range(chunk, min(chunk + 1000, self.args.machines // 4))
            ])
        Product = env["product.product"]
        self.parts = Product.create([
            {"name": f"Bench Part {n:02d}", "type": "consu", "is_storable": True,
             "aftersales_part_class": "wear" if n % 2 else "standard",
             "is_serviceable_part": True, "list_price": 5.0 + n}
            for n in range(40)
        ])
        self.machines = Product.create([
            {"name": f"Bench Machine {n}", "type": "consu", "is_storable": True,
             "tracking": "serial", "aftersales_part_class": "finished", "warranty_months": 24}
            for n in range(5)
        ])
        env["aftersales.service.bom"].create([
            {"product_tmpl_id": machine.product_tmpl_id.id,
             "line_ids": [(0, 0, {"product_id": part.id}) for part in self.parts]}
            for machine in self.machines
        ])
        Lot = env["stock.lot"]
        self.lots = Lot.browse()
        batch = 2_000
        for start in range(0, self.args.machines, batch):
            vals = []
            for n in range(start, min(start + batch, self.args.machines)):
                end_user = end_users[n % len(end_users)]
                delivered = self.today - timedelta(days=120 + n % 200)
                vals.append({
                    "name": f"BSN-{n:06d}",
                    "product_id": self.machines[n % len(self.machines)].id,
                    "dealer_id": end_user.aftersales_dealer_id.id,
                    "dealer_delivery_date": delivered,
                    "end_user_id": end_user.id,
                    "registration_date": delivered + timedelta(days=10),
                })
            self.lots |= Lot.create(vals)
            env.cr.commit()
        print(f"product archive: {len(self.dealers)} dealers, {len(end_users)} end users, "
              f"{len(self.lots)} machines in {time.perf_counter() - started:.1f} s")

    def claim_vals(self, lot, lines):
        labour = self.labour
        parts = self.rng.sample(list(self.parts), lines - 1)
        return {
            "dealer_id": lot.dealer_id.id,
            "lot_id": lot.id,
            "failure_date": self.today - timedelta(days=self.rng.randint(1, 60)),
            "usage": self.rng.randint(10, 900),
            "symptom": "Stops under load",
            "cause_category": "material",
            "line_ids": [(0, 0, {"line_type": "part", "product_id": part.id, "quantity": 1})
                         for part in parts]
            + [(0, 0, {"line_type": "labour", "product_id": labour.id, "quantity": 1.5})],
        }

    def run_round(self, label, lots, lines):
        """File, submit and approve one claim per machine, in batches, and after each batch
        create and post the same credit notes the Odoo way; print and return both figures.

        Odoo's path: ``account.move.create(vals_list)`` of the batch's credit notes (the values
        the claims gave theirs, from ``_prepare_refund_vals``: same partners, lines, accounts
        and taxes), then ``action_post()`` on them, in one transaction as approving claims
        creates and posts theirs (posted in a later transaction, each credit note would also
        log and notify its validation: a dozen queries more). Measured batch by batch beside
        ours, so both meet the same load and the same database; every step starts with an
        empty cache and ends with a commit, as a request does."""
        Claim = self.env["aftersales.claim"]
        Move = self.env["account.move"]
        ours, odoo = Clock(self.env), Clock(self.env)
        moves = Move.browse()
        for start in range(0, len(lots), self.args.batch):
            batch = lots[start:start + self.args.batch]
            with ours.step():
                claims = Claim.create([self.claim_vals(lot, lines) for lot in batch])
            with ours.step():
                claims.action_submit()
            with ours.step():
                claims.action_approve()
            vals_list = [claim._prepare_refund_vals() for claim in claims]  # not timed
            with odoo.step():
                credit_notes = Move.create(vals_list)
                credit_notes.action_post()
            moves |= credit_notes
        settled = Claim.search([("lot_id", "in", lots.ids), ("state", "=", "settled"),
                                ("refund_move_id", "!=", False)])
        assert len(settled) == len(lots), f"{len(settled)} of {len(lots)} claims credited"
        assert set(moves.mapped("state")) == {"posted"}, "Odoo's credit notes posted"
        assert moves.currency_id.compare_amounts(
            sum(moves.mapped("amount_total")), sum(settled.refund_move_id.mapped("amount_total"))
        ) == 0, "Odoo's credit notes credit what the claims' do"
        count = len(lots)
        print(f"{label:<32} {count:>6} {lines:>5} {ours.seconds:>8.1f} {ours.cpu:>7.1f} "
              f"{ours.queries / count:>7.1f} {odoo.seconds:>8.1f} {odoo.cpu:>7.1f} "
              f"{odoo.queries / count:>7.1f} {ours.seconds / odoo.seconds:>6.2f}")
        return ours, odoo

    def run_settle_job(self, lots):
        """Issue 22: ``len(lots)`` approved claims settled as a background job. Filed,
        submitted and approved in batches while their dealers are settled by monthly statement
        (not timed: nothing credited), then the dealers settled per claim; timed: the Settle
        button on the whole selection (checked, a job queued) and the job's batches run by
        ``_run_pending()``, committed at the end."""
        Claim = self.env["aftersales.claim"]
        Job = self.env["aftersales.job"]
        if self.args.job_batch:
            self.env["ir.config_parameter"].set_param("aftersales.job_batch_size", self.args.job_batch)
        self.dealers.claim_settlement_mode = "monthly"
        started = time.perf_counter()
        claims = Claim.browse()
        for start in range(0, len(lots), self.args.batch):
            batch = Claim.create([self.claim_vals(lot, 3) for lot in lots[start:start + self.args.batch]])
            batch.action_submit()
            batch.action_approve()
            claims |= batch
            self.env.cr.commit()
        self.dealers.claim_settlement_mode = "per_claim"
        self.env.cr.commit()
        assert set(claims.mapped("state")) == {"approved"}, "approved, waiting for a credit note"
        print(f"\nsettlement as a background job: {len(claims)} approved claims filed in "
              f"{time.perf_counter() - started:.1f} s (not timed)")
        queue, run = Clock(self.env), Clock(self.env)
        with queue.step():
            action = claims.action_settle()
        job = Job.browse(action["params"]["next"]["res_id"])
        with run.step():
            finished = Job._run_pending()
        assert finished == job and job.state == "done", f"job {job.state}: {job.summary}"
        self.env.invalidate_all()
        credited = Claim.search([("id", "in", claims.ids), ("state", "=", "settled"),
                                 ("refund_move_id", "!=", False)])
        assert len(credited) == len(claims), f"{len(credited)} of {len(claims)} claims credited"
        refunds = self.env["account.move"].search_count(
            [("move_type", "=", "out_refund"), ("invoice_origin", "in", claims.mapped("name"))])
        assert refunds == len(claims), f"{refunds} credit notes for {len(claims)} claims"
        count = len(claims)
        print(f"{'step':<44} {'seconds':>8} {'cpu s':>7} {'SQL/cl.':>7}")
        print(f"{'Settle on the selection (checked, queued)':<44} {queue.seconds:>8.1f} "
              f"{queue.cpu:>7.1f} {queue.queries / count:>7.1f}")
        print(f"{f'job run by _run_pending(), {len(job.batch_ids)} batches':<44} {run.seconds:>8.1f} "
              f"{run.cpu:>7.1f} {run.queries / count:>7.1f}")
        total = queue.seconds + run.seconds
        print(f"{count} claims settled as a background job in {total:.1f} s "
              f"({count / run.seconds:.1f} claims credited per second by the job); {job.summary}")

    def run(self):
        print("load average (1, 5, 15 min) at the start: " + load_average())
        self.build_archive()
        if self.args.mode == "settle-job":
            self.run_settle_job(self.lots.browse(self.rng.sample(self.lots.ids, self.args.claims)))
            print("load average (1, 5, 15 min) at the end: " + load_average())
            return
        # every claim on its own machine: no duplicates, no repeat parts
        sample = self.rng.sample(self.lots.ids, self.args.claims + 200 + (
            self.args.claims if self.args.mode == "both" else 0))
        lots = self.lots.browse(sample[:self.args.claims + 200])
        first = self.args.claims // 4
        print(f"\n{'':<32} {'':>6} {'':>5} {'ours: filed, approved, credited':^24} "
              f"{'Odoo: credit notes':^24}")
        print(f"{'round':<32} {'claims':>6} {'lines':>5} {'seconds':>8} {'cpu s':>7} "
              f"{'SQL/cl.':>7} {'seconds':>8} {'cpu s':>7} {'SQL/cn':>7} {'ratio':>6}")
        o1, d1 = self.run_round("1: first quarter of the claims", lots[:first], 3)
        o2, d2 = self.run_round("2: the other three quarters", lots[first:self.args.claims], 3)
        self.run_round("3: claims of 6 lines (extra)", lots[self.args.claims:], 6)
        total = self.args.claims
        ours, odoo = o1.seconds + o2.seconds, d1.seconds + d2.seconds
        print(f"\n{total} claims of 3 lines submitted, approved and credited per claim in "
              f"{ours:.1f} s ({(o1.queries + o2.queries) / total:.1f} SQL queries per claim; "
              f"round 1: {o1.queries / first:.1f}, round 2: {o2.queries / (total - first):.1f})")
        print(f"Odoo creating and posting the same {total} credit notes in batches of "
              f"{self.args.batch}: {odoo:.1f} s "
              f"({(d1.queries + d2.queries) / total:.1f} SQL queries per credit note)")
        print(f"ratio ours / Odoo's: {ours / odoo:.2f} "
              f"(target <= 1.3: {'met' if ours / odoo <= 1.3 else 'MISSED'})")
        if self.args.mode == "both":
            self.run_settle_job(self.lots.browse(sample[self.args.claims + 200:]))
        print("load average (1, 5, 15 min) at the end: " + load_average())


def load_average():
    return ", ".join(f"{load:.2f}" for load in os.getloadavg())


class Clock:
    """Wall-clock seconds, CPU seconds of this process and SQL queries of the steps timed with
    it, summed. A step starts with an empty cache and ends committed, as a request does."""

    def __init__(self, env):
        self.env = env
        self.seconds = self.cpu = 0.0
        self.queries = 0

    @contextlib.contextmanager
    def step(self):
        cr = self.env.cr
        self.env.invalidate_all()
        queries, started, cpu = cr.sql_log_count, time.perf_counter(), time.process_time()
        yield
        cr.commit()
        self.seconds += time.perf_counter() - started
        self.cpu += time.process_time() - cpu
        self.queries += cr.sql_log_count - queries

def main():
    args = parse_args()
    if not (ODOO_PATH / "odoo" / "release.py").exists():
        sys.exit(f"Odoo 18 not found at ODOO_PATH={ODOO_PATH}")
    sys.path.insert(0, str(ODOO_PATH))
    with tempfile.TemporaryDirectory(prefix="bench_claims_") as workdir:
        conf = write_config(Path(workdir))
        drop(args.db)
        try:
            install(conf, args.db)
            import odoo
            from odoo import SUPERUSER_ID, api
            from odoo.tools import config

            config.parse_config(["-c", str(conf), "--log-level=warn"])
            registry = odoo.modules.registry.Registry(args.db)
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                Bench(env, args).run()
        finally:
            if "odoo" in sys.modules:  # its connections would keep the database from being dropped
                sys.modules["odoo"].sql_db.close_all()
            if args.keep:
                print(f"database {args.db} kept")
            else:
                drop(args.db)


if __name__ == "__main__":
    main()
