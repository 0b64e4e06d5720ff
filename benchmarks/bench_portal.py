"""Dealer portal benchmark: Odoo served for real, the portal pages driven by concurrent clients.

    /opt/aftersales-venv/bin/python benchmarks/bench_portal.py [--claims 2000 --parts 5000
        --clients 20 --requests 200 --warmup 20 --sequential 20 --port 8469 --workers 5]

Creates a throw-away database with the add-on installed without demo data, builds one dealer with
a portal user, 400 registered machines, 2,000 claims of 3 lines in every state and a catalogue of
5,000 parts (one in eleven a core IP part) priced in the dealer and market guide price lists,
plus 30 confirmed sales orders so Odoo's own /my/orders page has something to list, then
vacuums, analyses and checkpoints the database as a live one would be. It starts Odoo on
127.0.0.1 only (``--workers`` processes, no cron), logs 20 portal sessions in and sends a bounded
number of requests: ``--sequential`` per page from one client (what a page costs without
queueing), then ``--warmup`` per page from the concurrent clients, not counted (each worker
compiles a page's templates the first time it serves it), then ``--requests`` per page,
shuffled, from ``--clients`` concurrent threads (http.client, one connection per request, the
session cookie of each client). It prints, per page, the median and 95th-percentile latency, the
errors (anything but a 200 of the page itself) and the median as a ratio to /my/orders, then
stops the server and drops the database.
"""
import argparse
import http.client
import math
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from urllib.parse import urlsplit

import requests

from harness import ODOO_PATH, PG_CLIENT_ARGS, Measure, _config_file, bench_environment

PART_CLASSES = ["module"] * 4 + ["standard"] * 3 + ["wear"] * 3 + ["core_ip"]
CLAIM_STATES = ["draft"] * 2 + ["submitted"] * 2 + ["approved"] + ["partially_approved"] + ["settled"] * 3 + ["rejected"]
LOGIN = "bench.dealer"


def build_data(env, n_claims, n_parts, n_machines=400):
    from odoo import Command, fields

    rng = random.Random(6)
    today = fields.Date.context_today(env.user)
    company = env.company
    if not company.chart_template:
        env["account.chart.template"].try_loading("generic_coa", company)
    Partner = env["res.partner"]
    dealer = Partner.create({"name": "Bench Dealer", "is_company": True, "is_dealer": True, "dealer_code": "BENCH"})
    contact = Partner.create({"name": "Bench Dealer Contact", "parent_id": dealer.id, "email": "bench@dealer.example.com"})
    env["res.users"].create({
        "name": "Bench Dealer Contact", "login": LOGIN, "password": LOGIN, "partner_id": contact.id,
        "groups_id": [Command.set([env.ref("base.group_portal").id])],
    })
    end_users = Partner.create([
        {"name": f"Bench End User {i:03d}", "is_end_user": True, "phone": f"+1 555 {i:04d}",
         "aftersales_dealer_id": dealer.id}
        for i in range(100)
    ])
    Product = env["product.product"]
    parts = Product.create([
        {"name": f"Bench part {i:05d}", "default_code": f"BP{i:05d}", "type": "consu",
         "aftersales_part_class": PART_CLASSES[i % len(PART_CLASSES)],
         "is_serviceable_part": PART_CLASSES[i % len(PART_CLASSES)] != "core_ip",
         "standard_price": round(rng.uniform(1, 300), 2)}
        for i in range(n_parts)
    ])
    dealer_list, market_list = company.aftersales_dealer_pricelist_id, company.aftersales_market_pricelist_id
    env["product.pricelist.item"].create([
        {"pricelist_id": pricelist.id, "applied_on": "0_product_variant", "product_id": part.id,
         "compute_price": "fixed", "fixed_price": round(part.standard_price * factor, 2)}
        for part in parts.filtered(lambda p: p.aftersales_part_class != "core_ip")
        for pricelist, factor in ((dealer_list, 2.0), (market_list, 2.6))
    ])
    dealer._aftersales_sync_pricelist()
    machine = Product.create({
        "name": "Bench Generator", "type": "consu", "is_storable": True, "tracking": "serial",
        "aftersales_part_class": "finished", "warranty_months": 36,
    })
    bom_parts = parts.filtered(lambda p: p.aftersales_part_class != "core_ip")[:40]
    env["aftersales.service.bom"].create({
        "product_tmpl_id": machine.product_tmpl_id.id,
        "line_ids": [Command.create({"product_id": part.id}) for part in bom_parts],
    })
    lots = env["stock.lot"].create([
        {"name": f"BSN-{i:05d}", "product_id": machine.id, "dealer_id": dealer.id,
         "dealer_delivery_date": today - timedelta(days=700)}
        for i in range(n_machines)
    ])
    for end_user, batch in zip(end_users, [lots[i::len(end_users)] for i in range(len(end_users))]):
        batch._register_end_user(end_user, today - timedelta(days=690))
    labour = env.ref("aftersales.product_fee_labour")
    Claim = env["aftersales.claim"]
    for start in range(0, n_claims, 200):
        Claim.create([
            {"dealer_id": dealer.id, "lot_id": lots[i % n_machines].id,
             "failure_date": today - timedelta(days=1 + i // n_machines), "usage": 100.0 + i,
             "symptom": "Bench failure", "cause_category": "material",
             "line_ids": [
                 Command.create({"line_type": "part", "product_id": bom_parts[i % 40].id, "quantity": 1}),
                 Command.create({"line_type": "part", "product_id": bom_parts[(i + 7) % 40].id, "quantity": 2}),
                 Command.create({"line_type": "labour", "product_id": labour.id, "quantity": 1.5}),
             ]}
            for i in range(start, min(start + 200, n_claims))
        ])
    env.flush_all()
    # Claims in every state, as a dealer with a history has them (the workflow itself is timed in
    # bench_claims.py; here only the pages that list and show them are).
    claim_ids = Claim.search([("dealer_id", "=", dealer.id)]).ids
    for state in set(CLAIM_STATES):
        ids = [cid for n, cid in enumerate(claim_ids) if CLAIM_STATES[n % len(CLAIM_STATES)] == state]
        env.cr.execute(
            "UPDATE aftersales_claim SET state = %s, amount_approved = CASE WHEN %s THEN amount_claimed ELSE 0 END "
            "WHERE id = ANY(%s)",
            (state, state in ("approved", "partially_approved", "settled"), ids),
        )
        env.cr.execute("UPDATE aftersales_claim_line SET claim_state = %s WHERE claim_id = ANY(%s)", (state, ids))
    orders = env["sale.order"].create([
        {"partner_id": contact.id, "pricelist_id": dealer_list.id,
         "order_line": [Command.create({"product_id": bom_parts[(i + k) % 40].id, "product_uom_qty": 1 + k})
                        for k in range(3)]}
        for i in range(30)
    ])
    orders.action_confirm()
    env.invalidate_all()
    return {
        "claim_id": claim_ids[len(claim_ids) // 2],
        "lot_id": lots[n_machines // 2].id,
        "claim_pages": math.ceil(n_claims / 20),
        "part_pages": math.ceil(len(parts.filtered(lambda p: p.aftersales_part_class != "core_ip")) / 40),
    }


def portal_pages(ids):
    """[(label, url)] of the pages driven, Odoo's /my/orders first (the baseline)."""
    return [
        ("/my/orders (Odoo)", "/my/orders"),
        ("/my (home)", "/my"),
        ("/my/machines", "/my/machines"),
        ("/my/machines/<id>", f"/my/machines/{ids['lot_id']}"),
        ("/my/claims", "/my/claims"),
        ("/my/claims search+filter", "/my/claims?search=BSN-0012&search_in=serial&filterby=settled"),
        ("/my/claims last page", f"/my/claims/page/{ids['claim_pages']}"),
        ("/my/claims/<id>", f"/my/claims/{ids['claim_id']}"),
        ("/my/parts", "/my/parts"),
        ("/my/parts search", "/my/parts?search=part%2003"),
        ("/my/parts last page", f"/my/parts/page/{ids['part_pages']}"),
    ]


def settle(db):
    """Bring the database just built to the state of a live one before serving it: vacuumed and
    analysed as autovacuum keeps a live database (it is off on some test machines, and would
    not have run yet on a database built a second ago), and checkpointed, so that writing out
    the pages the build dirtied does not take the cores from the measured requests."""
    psql = ["psql", "-X", "-q", *PG_CLIENT_ARGS, "-d", db, "-v", "ON_ERROR_STOP=1"]
    subprocess.run(psql + ["-c", "VACUUM ANALYZE"], check=True)
    checkpoint = subprocess.run(psql + ["-c", "CHECKPOINT"], capture_output=True, text=True)
    if checkpoint.returncode:  # needs a superuser or pg_checkpoint: say so, measure anyway
        print(f"CHECKPOINT not run: {checkpoint.stderr.strip()}", flush=True)


def start_server(db, port, workers, extra_args=()):
    conf = _config_file()
    cmd = [
        sys.executable, os.path.join(ODOO_PATH, "odoo-bin"), "-c", conf, "-d", db, f"--db-filter=^{db}$",
        "--http-interface=127.0.0.1", f"--http-port={port}", f"--workers={workers}",
        "--max-cron-threads=0", "--log-level=warn", "--no-database-list",
        "--limit-time-real=600", "--limit-time-cpu=300", *extra_args,
    ]
    server = subprocess.Popen(cmd)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while time.time() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"Odoo stopped at start (exit code {server.returncode})")
        try:
            if requests.get(f"{base}/web/login", timeout=5).status_code == 200:
                return server, base
        except requests.RequestException:
            pass
        time.sleep(1)
    server.terminate()
    raise RuntimeError("Odoo did not answer within 2 minutes")


def stop_server(server):
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def login(base):
    session = requests.Session()
    page = session.get(f"{base}/web/login", timeout=30)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = session.post(
        f"{base}/web/login", data={"login": LOGIN, "password": LOGIN, "csrf_token": token}, timeout=30
    )
    if "/web/login" in response.url:
        raise RuntimeError("the benchmark dealer could not log in")
    return session


def percentile(values, pct):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def drive(base, pages, clients, per_page, warmup=0):
    """Send ``per_page`` requests to each page from ``clients`` threads; {label: (latencies, errors)}.

    ``warmup`` requests per page are sent the same way first and not counted: each of Odoo's
    worker processes compiles a page's templates and fills its caches the first time it serves
    the page, which a server that has been up for a while has long done.
    """
    sessions = [login(base) for _ in range(clients)]
    for label, url in pages:  # first renders compile templates and assets
        response = sessions[0].get(base + url, timeout=120)
        if response.status_code != 200:
            print(f"warm-up {label}: HTTP {response.status_code}", flush=True)
    cookies = ["; ".join(f"{name}={value}" for name, value in session.cookies.items()) for session in sessions]
    host, port = urlsplit(base).hostname, urlsplit(base).port

    def send(tasks):
        local = threading.local()
        counter = iter(range(clients))
        lock = threading.Lock()
        results = {label: ([], []) for label, _url in pages}

        def run(task):
            # The requests go through http.client, not requests: the clients share the
            # server's two cores, and requests' own overhead (about 1 ms of CPU a request)
            # was taken from the server it measures. Each request carries its client's
            # session cookie.
            label, url = task
            if not hasattr(local, "cookie"):
                with lock:
                    local.cookie = cookies[next(counter)]
            start = time.perf_counter()
            connection = http.client.HTTPConnection(host, port, timeout=60)
            try:
                connection.request("GET", url, headers={"Cookie": local.cookie})
                response = connection.getresponse()
                response.read()
                error = None if response.status == 200 else f"HTTP {response.status}"
            except (OSError, http.client.HTTPException) as exc:
                error = type(exc).__name__
            finally:
                connection.close()
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                results[label][0].append(elapsed)
                if error:
                    results[label][1].append(error)

        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=clients) as pool:
            list(pool.map(run, tasks))
        return results, time.perf_counter() - start

    def shuffled(count):
        tasks = [(label, url) for label, url in pages for _ in range(count)]
        random.Random(count).shuffle(tasks)
        return tasks

    if warmup:
        warm, _wall = send(shuffled(warmup))
        failed = sum(len(errors) for _latencies, errors in warm.values())
        if failed:
            print(f"warm-up: {failed} errors", flush=True)
    tasks = shuffled(per_page)
    results, wall = send(tasks)
    return results, wall, len(tasks)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", type=int, default=2000)
    parser.add_argument("--parts", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=200, help="requests per page")
    parser.add_argument("--warmup", type=int, default=20,
                        help="requests per page sent by the concurrent clients first, not counted")
    parser.add_argument("--sequential", type=int, default=20,
                        help="requests per page from a single client first (0: skip)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("HTTP_PORT", 8469)))
    parser.add_argument(
        "--workers", type=int, default=2 * (os.cpu_count() or 1) + 1,
        help="Odoo worker processes (0: threaded); default: Odoo's deployment rule, 2 x cores + 1",
    )
    args = parser.parse_args()

    with bench_environment("portal") as env:
        with Measure(env, f"build data ({args.claims} claims, {args.parts} parts)"):
            ids = build_data(env, args.claims, args.parts)
        env.cr.commit()
        db = env.cr.dbname
        settle(db)
        pages = portal_pages(ids)
        server, base = start_server(db, args.port, args.workers)
        try:
            # one client: what a page costs the server, without waiting behind other requests
            single = drive(base, pages, 1, args.sequential) if args.sequential else None
            loaded = drive(base, pages, args.clients, args.requests, warmup=args.warmup)
        finally:
            stop_server(server)

    if single:
        report(pages, *single, 1, args.workers)
    errors = report(pages, *loaded, args.clients, args.workers)
    print(f"errors: {errors}")


def report(pages, results, wall, total, clients, workers):
    baseline = statistics.median(results[pages[0][0]][0])
    print(f"\n{total} requests from {clients} concurrent client{'s' if clients > 1 else ''} in {wall:.1f} s "
          f"({total / wall:.1f} requests/s), Odoo with {workers} workers")
    print(f"{'page':<28} {'requests':>8} {'errors':>6} {'median ms':>10} {'p95 ms':>8} {'vs /my/orders':>14}")
    errors_total = 0
    for label, _url in pages:
        latencies, errors = results[label]
        errors_total += len(errors)
        median = statistics.median(latencies)
        print(f"{label:<28} {len(latencies):>8} {len(errors):>6} {median:>10.0f} "
              f"{percentile(latencies, 95):>8.0f} {median / baseline:>13.2f}x")
        if errors:
            print(f"    errors: {sorted(set(errors))}")
    return errors_total


if __name__ == "__main__":
    main()
