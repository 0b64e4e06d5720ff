"""Background jobs on one Odoo server against two: the month's statements and a claims settlement.

    /opt/aftersales-venv/bin/python benchmarks/bench_jobs.py [--dealers 500 --items 100000
        --claims 2000 --port 8569]

Builds, on a throw-away database (aftersales without demo data), the data of bench_settlement.py
(500 dealers, their invoices and payments, copies up to 100,000 journal items in the month) and
2,000 approved warranty claims of 3 lines waiting to be credited (bench_claims.py's builder). The
database is then copied twice (``createdb -T``), one copy per setup, so both start from the same
data:

- one server: one Odoo server with one cron thread, so one lane at a time;
- two servers: two Odoo servers on the same database, one cron thread each, as two machines
  behind a proxy would be: the two lanes of the background jobs run at once, one on each.

In each setup it queues, through XML-RPC as the administrator, the draw of every dealer's
statement of the month (Draw Statements, all dealers) and waits for the job to end, then settles
the 2,000 claims (the list's Settle) and waits again. It prints each job's wall time (queued to
ended, as the user waits for the notification), the batches each server ran, and the ratio of two
servers to one.

On one machine the two servers share its cores with each other and with PostgreSQL: the ratio says
what a second server gains there, not what a second machine would give.
"""
import argparse
import os
import subprocess
import sys
import time
import xmlrpc.client

import psycopg2
from bench_portal import start_server, stop_server
from bench_settlement import build as build_statements
from bench_settlement import copy_invoices
from harness import ODOO_PATH, PG_CLIENT_ARGS, PGHOST, PGPORT, PGUSER, Measure, _config_file, load_average


def build_claims(env, count):
    """``count`` approved claims of 3 lines waiting to be credited, on bench_claims.py's archive
    (200 dealers, a machine per claim): filed, submitted and approved while their dealers are
    settled by monthly statement (so none is credited), then the dealers settled per claim."""
    from bench_claims import Bench

    bench = Bench(env, argparse.Namespace(dealers=200, machines=count, batch=100))
    bench.build_archive()
    Claim = env["aftersales.claim"]
    bench.dealers.claim_settlement_mode = "monthly"
    claims = Claim.browse()
    for start in range(0, count, 100):
        batch = Claim.create([bench.claim_vals(lot, 3) for lot in bench.lots[start:start + 100]])
        batch.action_submit()
        batch.action_approve()
        claims |= batch
    bench.dealers.claim_settlement_mode = "per_claim"
    return claims


def query(db, sql, params=()):
    connection = psycopg2.connect(host=PGHOST, port=PGPORT, user=PGUSER, dbname=db)
    try:
        with connection, connection.cursor() as cr:
            cr.execute(sql, params)
            return cr.fetchall()
    finally:
        connection.close()


def wait_for_job(db, job_id, timeout):
    start = time.time()
    while time.time() - start < timeout:
        (state,), = query(db, "SELECT state FROM aftersales_job WHERE id = %s", [job_id])
        if state in ("done", "failed", "cancel"):
            return state
        time.sleep(0.2)
    raise RuntimeError(f"job {job_id} not ended within {timeout} s")


def rpc(base, db, model, method, *args):
    models = xmlrpc.client.ServerProxy(f"{base}/xmlrpc/2/object", allow_none=True)
    return models.execute_kw(db, 2, "admin", model, method, list(args))


def run_setup(label, db, ports, data, timeout):
    servers = []
    try:
        for port in ports:
            server, base = start_server(db, port, 0, ["--max-cron-threads=1", f"--gevent-port={port + 1000}"])
            servers.append((server, base))
        base = servers[0][1]
        print(f"\n{label}: {len(servers)} server(s), one cron thread each; {load_average()}", flush=True)
        figures = {}
        wizard = rpc(base, db, "aftersales.statement.generate", "create", {
            "dealer_ids": [(6, 0, data["dealer_ids"])],
            "date_from": data["date_from"], "date_to": data["date_to"],
        })
        start = time.time()
        action = rpc(base, db, "aftersales.statement.generate", "action_generate", [wizard])
        job = action["params"]["next"]["res_id"]
        state = wait_for_job(db, job, timeout)
        figures["statements"] = time.time() - start
        (drawn,), = query(db, "SELECT count(*) FROM aftersales_statement")
        print(f"{label}: statements of {len(data['dealer_ids'])} dealers as a job: "
              f"{figures['statements']:.1f} s ({state}, {drawn} statements)", flush=True)
        start = time.time()
        action = rpc(base, db, "aftersales.claim", "action_settle", data["claim_ids"])
        job = action["params"]["next"]["res_id"]
        state = wait_for_job(db, job, timeout)
        figures["claims"] = time.time() - start
        (credited,), = query(db, "SELECT count(*) FROM aftersales_claim WHERE refund_move_id IS NOT NULL "
                                 "AND id = ANY(%s)", [data["claim_ids"]])
        print(f"{label}: {len(data['claim_ids'])} claims settled as a job: {figures['claims']:.1f} s "
              f"({state}, {credited} credited)", flush=True)
        return figures
    finally:
        for server, _base in servers:
            stop_server(server)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dealers", type=int, default=500)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--claims", type=int, default=2000)
    parser.add_argument("--port", type=int, default=int(os.environ.get("HTTP_PORT", 8569)))
    parser.add_argument("--timeout", type=int, default=1800, help="seconds a job may take")
    args = parser.parse_args()

    import odoo
    from odoo import SUPERUSER_ID, api, fields

    db = f"aftersales_bench_jobs_{os.getpid()}"
    conf = _config_file()
    copies = [f"{db}_one", f"{db}_two"]
    try:
        subprocess.run(
            [sys.executable, os.path.join(ODOO_PATH, "odoo-bin"), "-c", conf, "-d", db, "-i", "aftersales",
             "--without-demo=all", "--stop-after-init", "--log-level=warn"], check=True,
        )
        odoo.tools.config.parse_config(["-c", conf, "--log-level=warn"])
        with odoo.modules.registry.Registry(db).cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            with Measure(env, f"build: {args.dealers} dealers, invoices and payments"):
                dealers, invoices, date_from, date_to = build_statements(env, args.dealers)
            AML = env["account.move.line"]
            month = [("date", ">=", date_from), ("date", "<=", date_to)]
            per_invoice = len(invoices[0].line_ids)
            copies_each = max(0, (args.items - AML.search_count(month)) // (per_invoice * len(invoices)))
            with Measure(env, f"SQL copies of the invoices: {copies_each} each"):
                copy_invoices(env, invoices, copies_each, date_from, (date_to - date_from).days + 1, 0)
            with Measure(env, f"build: {args.claims} approved claims to credit"):
                claims = build_claims(env, args.claims)
            print(f"journal items in the month: {AML.search_count(month)}", flush=True)
            data = {
                "dealer_ids": dealers.ids, "claim_ids": claims.ids,
                "date_from": fields.Date.to_string(date_from), "date_to": fields.Date.to_string(date_to),
            }
            env["res.users"].browse(2).password = "admin"
            cr.commit()
        odoo.sql_db.close_all()
        for copy in copies:
            subprocess.run(["createdb", *PG_CLIENT_ARGS, "-T", db, copy], check=True)
            subprocess.run(["psql", "-X", "-q", *PG_CLIENT_ARGS, "-d", copy, "-c", "VACUUM ANALYZE"],
                           check=True)
        one = run_setup("one server", copies[0], [args.port], data, args.timeout)
        two = run_setup("two servers", copies[1], [args.port, args.port + 1], data, args.timeout)
    finally:
        odoo.sql_db.close_all()
        for name in (*copies, db):
            subprocess.run(["dropdb", *PG_CLIENT_ARGS, "--if-exists", name], check=False)
    for what, label in (("statements", f"statements of {args.dealers} dealers"),
                        ("claims", f"{args.claims} claims settled")):
        print(f"RATIO {label} as a job: two servers {two[what]:.1f} s / one server {one[what]:.1f} s "
              f"= {two[what] / one[what]:.2f} x (speed-up {one[what] / two[what]:.2f} x); {load_average()}")


if __name__ == "__main__":
    main()
