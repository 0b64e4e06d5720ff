"""Dealer portal campaign page benchmark: a campaign over 20,000 machines, served for real.

    /opt/aftersales-venv/bin/python benchmarks/bench_campaign_portal.py [--machines 20000
        --dealers 10 --requests 20 --warmup 3 --port 8274]

Creates a throw-away database with the add-on installed without demo data (benchmarks/harness.py),
then builds ``--machines`` machines of one compressor, registered to end users and spread evenly
over ``--dealers`` dealers, the first of them with a portal user. The machines are inserted with
plain SQL (INSERT ... SELECT generate_series, as bench_campaign.py and bench_kpi.py do): the
benchmark measures the portal, not the archive's creation. Two safety recalls are activated
through the add-on (``action_activate``): one over half the machines, one over all of them; a
third of the dealer's machines in each is marked done. The database is vacuumed, analysed and
checkpointed (bench_portal.settle), then Odoo is started on 127.0.0.1 (one threaded process, no
cron, its request log on, which gives each request's SQL query count) and the dealer's pages are
requested one at a time by one logged-in client, ``--warmup`` times first (not counted), then
``--requests`` times each, in turn:

- the campaigns list (``/my/campaigns``);
- each recall's page: the first page, a middle page of the dealer's machines, the machines still
  to do, and a search by serial;
- Odoo's comparable path in the same run: the add-on's ``/my/machines`` list, which is Odoo's
  portal pager path (``search_count`` + a page of ``search_fetch``) over the dealer's machines,
  first page and middle page, and Odoo's own ``/my/orders`` (an empty list: the portal's floor).

It prints per page the median and 95th-percentile latency, the median of the SQL queries the
server logged for it, and the ratio of the median to ``/my/machines`` (the same page number), then
stops the server and drops the database.
"""
import argparse
import math
import os
import re
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_portal import login, percentile, settle, start_server, stop_server  # noqa: E402
from harness import Measure, bench_environment, load_average  # noqa: E402

LOGIN = "bench.dealer"  # bench_portal.login's user
PAGE_SIZE = 20


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--machines", type=int, default=20_000)
    parser.add_argument("--dealers", type=int, default=10)
    parser.add_argument("--requests", type=int, default=20, help="requests per page, counted")
    parser.add_argument("--warmup", type=int, default=3, help="requests per page first, not counted")
    parser.add_argument("--port", type=int, default=int(os.environ.get("HTTP_PORT", 8274)))
    return parser.parse_args()


def build(env, args):
    from odoo import Command

    cr = env.cr
    company = env.company
    Partner = env["res.partner"]
    product = env["product.product"].create({
        "name": "Bench Compressor", "type": "consu", "is_storable": True, "tracking": "serial",
        "aftersales_part_class": "finished", "warranty_months": 36,
    })
    part = env["product.product"].create({
        "name": "Bench Valve Kit", "default_code": "BVK-1", "type": "consu",
        "aftersales_part_class": "module", "is_serviceable_part": True, "lst_price": 120.0,
    })
    dealers = Partner.create([
        {"name": f"Bench Dealer {n:03d}", "is_company": True, "is_dealer": True,
         "dealer_code": f"BD-{n:03d}"}
        for n in range(args.dealers)
    ])
    contact = Partner.create({"name": "Bench Dealer Contact", "parent_id": dealers[0].id,
                              "email": "bench@dealer.example.com"})
    env["res.users"].create({
        "name": "Bench Dealer Contact", "login": LOGIN, "password": LOGIN, "partner_id": contact.id,
        "groups_id": [Command.set([env.ref("base.group_portal").id])],
    })
    end_users = Partner.create([
        {"name": f"Bench End User {n:04d}", "is_end_user": True, "phone": f"+1 555 {n:04d}",
         "aftersales_dealer_id": dealers[n % len(dealers)].id}
        for n in range(10 * len(dealers))
    ])
    env.flush_all()
    # machine g: dealer g mod dealers, an end user of that dealer, produced over 400 days
    cr.execute(
        """INSERT INTO stock_lot (name, product_id, company_id, is_machine, production_date,
                                  dealer_id, dealer_delivery_date, end_user_id, registration_date,
                                  warranty_end_date, warranty_state, create_date, write_date)
           SELECT 'BC-' || lpad(g::text, 6, '0'), %(product)s, %(company)s, TRUE,
                  %(today)s::date - (g %% 400), (%(dealers)s::int[])[1 + g %% %(n)s],
                  %(today)s::date - (g %% 400) + 10, (%(end_users)s::int[])[1 + g %% %(n_eu)s],
                  %(today)s::date - (g %% 400) + 20, %(today)s::date - (g %% 400) + 20 + 1095,
                  'under_warranty', now(), now()
             FROM generate_series(1, %(machines)s) g""",
        {"product": product.id, "company": company.id, "today": date.today(),
         "dealers": dealers.ids, "n": len(dealers), "end_users": end_users.ids,
         "n_eu": len(end_users), "machines": args.machines},
    )
    cr.execute("ANALYZE stock_lot")
    env.invalidate_all()
    Campaign = env["aftersales.campaign"]
    campaigns = {}
    for label, days in (("half", 200), ("all", 400)):
        campaign = Campaign.create({
            "title": f"Bench valve recall ({label} the machines)", "campaign_type": "safety_recall",
            "product_ids": [Command.set(product.ids)], "selection_mode": "production_date",
            "production_date_from": date.today() - timedelta(days=days - 1),
            "production_date_to": date.today(),
            "reason": "Valves of the bench batch may stick.",
            "line_ids": [Command.create({"product_id": part.id, "quantity": 1.0})],
            "labour_hours": 1.5,
            "date_start": date.today() - timedelta(days=30),
        })
        with Measure(env, f"activate the recall over {label} the machines"):
            campaign.action_activate()
        env.flush_all()
        # a third of the dealer's machines done, as a campaign under way has them
        cr.execute(
            """UPDATE aftersales_campaign_machine SET state = 'done', done_count = 1,
                      done_date = %(today)s
                WHERE id IN (SELECT id FROM aftersales_campaign_machine
                              WHERE campaign_id = %(campaign)s AND dealer_id = %(dealer)s
                                AND id %% 3 = 0)""",
            {"today": date.today(), "campaign": campaign.id, "dealer": dealers[0].id},
        )
        env.invalidate_all()
        rows = env["aftersales.campaign.machine"].search_count(
            [("campaign_id", "=", campaign.id), ("dealer_id", "=", dealers[0].id)]
        )
        campaigns[label] = (campaign.id, len(campaign.machine_ids), rows)
        print(f"  {label}: {campaigns[label][1]} machines, {rows} of the bench dealer", flush=True)
    dealer_machines = env["stock.lot"].search_count([("dealer_id", "=", dealers[0].id)])
    return campaigns, dealer_machines


def pages(campaigns, dealer_machines):
    """[(label, url, page number)] of the pages requested."""
    result = [
        ("/my/orders (Odoo, empty)", "/my/orders", 1),
        ("/my/campaigns", "/my/campaigns", 1),
    ]
    machine_middle = max(1, math.ceil(dealer_machines / PAGE_SIZE) // 2)
    result += [
        (f"/my/machines ({dealer_machines})", "/my/machines", 1),
        (f"/my/machines page {machine_middle}", f"/my/machines/page/{machine_middle}", machine_middle),
    ]
    for label, (campaign_id, machines, rows) in campaigns.items():
        middle = max(1, math.ceil(rows / PAGE_SIZE) // 2)
        url = f"/my/campaigns/{campaign_id}"
        result += [
            (f"campaign of {machines} ({rows} dealer's)", url, 1),
            (f"  {label}: page {middle}", f"{url}/page/{middle}", middle),
            (f"  {label}: to do", f"{url}?filterby=open", 1),
            (f"  {label}: search serial", f"{url}?search=BC-0001", 1),
        ]
    return result


LOG_LINE = re.compile(r'"GET (?P<url>\S+) HTTP/[\d.]+" (?P<status>\d+) - (?P<queries>\d+) ')


def read_query_counts(logfile, offset):
    """[(url, status, queries)] of the requests the server logged after ``offset``."""
    with open(logfile) as f:
        f.seek(offset)
        text = f.read()
    return [(m["url"], int(m["status"]), int(m["queries"])) for m in LOG_LINE.finditer(text)]


def drive(base, logfile, page_list, warmup, count):
    """{label: (latencies ms, query counts, errors)}: one client, the pages in turn."""
    session = login(base)
    for _round in range(warmup):
        for _label, url, _page in page_list:
            session.get(base + url, timeout=120)
    results = {label: ([], [], []) for label, _url, _page in page_list}
    for _round in range(count):
        for label, url, _page in page_list:
            offset = os.path.getsize(logfile)
            start = time.perf_counter()
            response = session.get(base + url, timeout=120, allow_redirects=False)
            elapsed = (time.perf_counter() - start) * 1000
            latencies, queries, errors = results[label]
            latencies.append(elapsed)
            if response.status_code != 200:
                errors.append(f"HTTP {response.status_code}")
            for _attempt in range(50):  # the server writes its log line after the response
                logged = [q for logged_url, _s, q in read_query_counts(logfile, offset) if logged_url == url]
                if logged:
                    queries.append(logged[0])
                    break
                time.sleep(0.01)
    return results


def main():
    args = parse_args()
    print(load_average(), flush=True)
    with bench_environment("campaign_portal") as env:
        with Measure(env, f"build data ({args.machines} machines, {args.dealers} dealers, 2 recalls)"):
            campaigns, dealer_machines = build(env, args)
        env.cr.commit()
        db = env.cr.dbname
        settle(db)
        page_list = pages(campaigns, dealer_machines)
        logfile = os.path.join(tempfile.mkdtemp(prefix="aftersales-bench-log-"), "odoo.log")
        server, base = start_server(db, args.port, 0, [
            "--log-handler=werkzeug:INFO", f"--logfile={logfile}",
        ])
        try:
            results = drive(base, logfile, page_list, args.warmup, args.requests)
        finally:
            stop_server(server)
    print(load_average())
    machine_medians = {
        page: statistics.median(results[label][0])
        for label, _url, page in page_list if label.startswith("/my/machines")
    }
    first_machines = machine_medians[1]
    middle_machines = max(machine_medians.items())[1]
    print(f"\n{args.requests} requests per page from one client, one threaded Odoo process")
    print(f"{'page':<36} {'median ms':>9} {'p95 ms':>7} {'queries':>7} {'vs /my/machines':>15} {'errors':>6}")
    errors_total = 0
    for label, _url, page in page_list:
        latencies, queries, errors = results[label]
        errors_total += len(errors)
        median = statistics.median(latencies)
        # a first page against the machines list's first page, a later one against its middle one
        baseline = middle_machines if page > 1 else first_machines
        query_text = f"{statistics.median(queries):.0f}" if queries else "?"
        if queries and min(queries) != max(queries):
            query_text += f" ({min(queries)}-{max(queries)})"
        print(f"{label:<36} {median:>9.1f} {percentile(latencies, 95):>7.1f} {query_text:>7} "
              f"{median / baseline:>14.2f}x {len(errors):>6}")
        if errors:
            print(f"    errors: {sorted(set(errors))}")
    print(f"errors: {errors_total}")


if __name__ == "__main__":
    main()
