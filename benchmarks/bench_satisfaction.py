"""Satisfaction and satisfaction-cost analysis benchmark.

Creates a throw-away database with the add-on installed without demo data (benchmarks/harness.py),
builds 24 months of synthetic service history: 50 finished products, 20,000 machines in the field,
30,000 warranty claims (a spare part and a labour line each, most approved and settled),
10,000 answered satisfaction call-backs and a conforming-product quality cost per product and month.
The partners and products go through the ORM; the history itself is written with plain SQL
INSERT ... SELECT statements (the ORM would spend minutes on 100,000 rows that are not what is
measured), and the call-backs' stored satisfaction index by the 18.0.1.4.0 migration (timed).
Then it times the analysis for all products and months, as the views ask for it:

  - the satisfaction-cost analysis (aftersales.cost.report) per product and month, all measures;
  - the customer satisfaction (aftersales.satisfaction.report) per product, dealer and month;
  - the product overview (12 months) of all 50 products;
  - the monthly management report's figures and its PDF's HTML for the last full month.

Odoo's comparable path, in the same run: Odoo's own analysis view of the same kind, the sales
analysis (sale.report, a view grouping sale order lines), over as many sale order lines as there
are call-backs (quotations created through the ORM, 5 lines each, on the same products and
dealers, dated over the same months), read with the same groupings: product x customer x month
and product x quarter for the customer satisfaction, product x month for the cost analysis. Each
of these reads is timed as the median of --repeat runs (each on an empty cache), and the ratio
ours / Odoo's is printed.

Prints seconds and SQL queries of each, then drops the database.

    /opt/aftersales-venv/bin/python benchmarks/bench_satisfaction.py [--products 50]
        [--machines 20000] [--claims 30000] [--callbacks 10000] [--months 24]
        [--order-lines N (default: as many as call-backs)] [--repeat 5]
"""

import argparse
import importlib.util
import os
import statistics
import sys
import time
from datetime import timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import ROOT, Measure, bench_environment  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=50)
    parser.add_argument("--machines", type=int, default=20_000)
    parser.add_argument("--claims", type=int, default=30_000)
    parser.add_argument("--callbacks", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--dealers", type=int, default=100)
    parser.add_argument("--order-lines", type=int, default=None,
                        help="sale order lines of Odoo's comparable (default: --callbacks)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if args.order_lines is None:
        args.order_lines = args.callbacks
    return args


def load_migration(version):
    """The add-on's post-migration script of ``version``, as Odoo runs it at an update."""
    path = os.path.join(ROOT, "migrations", version, "post-migration.py")
    spec = importlib.util.spec_from_file_location(f"migration_{version.replace('.', '_')}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build(env, args):
    started = time.time()
    cr = env.cr
    env = env(context=dict(env.context, tracking_disable=True, mail_create_nolog=True,
                           mail_create_nosubscribe=True))
    company = env.company
    Partner = env["res.partner"]
    dealers = Partner.create([
        {"name": f"Bench Dealer {n:03d}", "is_company": True, "is_dealer": True,
         "dealer_code": f"BD{n:03d}"}
        for n in range(args.dealers)
    ])
    end_users = Partner.create([
        {"name": f"Bench End User {n:05d}", "is_end_user": True, "phone": f"+1 555 {n:05d}",
         "aftersales_dealer_id": dealers[n % len(dealers)].id}
        for n in range(args.dealers * 10)
    ])
    products = env["product.product"].create([
        {"name": f"Bench Machine {n:02d}", "type": "consu", "is_storable": True,
         "tracking": "serial", "aftersales_part_class": "finished", "warranty_months": 24,
         "service_cost_factor": 0.5 + (n % 10) * 0.25}
        for n in range(args.products)
    ])
    part = env["product.product"].create(
        {"name": "Bench Part", "type": "consu", "aftersales_part_class": "module",
         "is_serviceable_part": True, "list_price": 120.0}
    )
    labour = env.ref("aftersales.product_fee_labour")
    labour.lst_price = 45.0
    env.flush_all()
    params = {
        "company": company.id, "products": products.ids, "dealers": dealers.ids,
        "end_users": end_users.ids, "machines": args.machines, "claims": args.claims,
        "callbacks": args.callbacks, "days": args.months * 30, "part": part.id,
        "labour": labour.id, "uid": env.uid,
    }
    # machines: delivered over the period, registered 10 days later
    cr.execute("""
        INSERT INTO stock_lot (name, product_id, company_id, is_machine, dealer_id, end_user_id,
                               dealer_delivery_date, registration_date, warranty_end_date,
                               warranty_state, create_uid, write_uid, create_date, write_date)
        SELECT 'BSN-' || lpad(n::text, 6, '0'),
               (%(products)s::int[])[1 + n %% array_length(%(products)s::int[], 1)],
               %(company)s, TRUE,
               (%(dealers)s::int[])[1 + n %% array_length(%(dealers)s::int[], 1)],
               (%(end_users)s::int[])[1 + n %% array_length(%(end_users)s::int[], 1)],
               CURRENT_DATE - (30 + n %% %(days)s),
               CURRENT_DATE - (20 + n %% %(days)s),
               CURRENT_DATE - (20 + n %% %(days)s) + 730,
               'under_warranty', %(uid)s, %(uid)s, now(), now()
          FROM generate_series(1, %(machines)s) n
    """, params)
    cr.execute("SELECT MIN(id) FROM stock_lot WHERE name LIKE 'BSN-%%'")
    params["first_lot"] = cr.fetchone()[0]
    # claims on random machines, at most 24 months back, not before the machine's delivery
    cr.execute("""
        INSERT INTO aftersales_claim (name, company_id, state, claim_type, usage_unit, date,
                                      failure_date, dealer_id, lot_id, product_id, end_user_id,
                                      amount_claimed, amount_approved, is_in_warranty,
                                      create_uid, write_uid, create_date, write_date)
        SELECT 'BCLM-' || n, %(company)s,
               (ARRAY['settled', 'settled', 'settled', 'closed', 'approved', 'partially_approved',
                      'rejected', 'submitted'])[1 + n %% 8],
               'warranty', 'hours',
               lot.registration_date + ((CURRENT_DATE - lot.registration_date) * random())::int,
               lot.registration_date + ((CURRENT_DATE - lot.registration_date) * random())::int,
               lot.dealer_id, lot.id, lot.product_id, lot.end_user_id,
               210, CASE WHEN n %% 8 IN (6, 7) THEN 0 WHEN n %% 8 = 5 THEN 150 ELSE 210 END,
               TRUE, %(uid)s, %(uid)s, now(), now()
          FROM generate_series(1, %(claims)s) n
          JOIN stock_lot lot ON lot.id = %(first_lot)s + (n * 7919) %% %(machines)s
    """, params)
    cr.execute("""
        INSERT INTO aftersales_claim_line (claim_id, company_id, sequence, line_type, product_id, name,
                                           quantity, price_unit, amount_claimed, amount_approved,
                                           claim_state, dealer_id, lot_id, machine_product_id,
                                           claim_date, failure_date, create_uid, write_uid,
                                           create_date, write_date)
        SELECT c.id, c.company_id, l.seq, l.line_type,
               CASE WHEN l.line_type = 'part' THEN %(part)s ELSE %(labour)s END, l.line_type,
               l.qty, l.price, l.qty * l.price,
               CASE WHEN c.amount_approved = 0 THEN 0 ELSE l.qty * l.price END,
               c.state, c.dealer_id, c.lot_id, c.product_id, c.date, c.failure_date,
               %(uid)s, %(uid)s, now(), now()
          FROM aftersales_claim c
          CROSS JOIN (VALUES (10, 'part', 1.0, 120.0), (20, 'labour', 2.0, 45.0))
                AS l(seq, line_type, qty, price)
         WHERE c.name LIKE 'BCLM-%%'
    """, params)
    # call-backs: one per settled claim (as settling schedules them), answered a few days later
    cr.execute("""
        INSERT INTO aftersales_callback (name, company_id, state, claim_id, lot_id, product_id,
                                         dealer_id, end_user_id, due_date, call_date,
                                         product_quality_score, service_quality_score, duration,
                                         service_cost, create_uid, write_uid, create_date, write_date)
        SELECT 'BCB-' || c.id, c.company_id, 'done', c.id, c.lot_id, c.product_id, c.dealer_id,
               c.end_user_id, LEAST(c.date + 3, CURRENT_DATE), LEAST(c.date + 3, CURRENT_DATE),
               1 + (c.id * 31) %% 5, 1 + (c.id * 17) %% 5, 0.25, 11.25,
               %(uid)s, %(uid)s, now(), now()
          FROM aftersales_claim c
         WHERE c.name LIKE 'BCLM-%%' AND c.state IN ('settled', 'closed')
         ORDER BY c.id
         LIMIT %(callbacks)s
    """, params)
    env.invalidate_all()
    with Measure(env, "stored satisfaction index of the call-backs (18.0.1.4.0 migration)"):
        load_migration("18.0.1.4.0").recompute_satisfaction(env)
    cr.execute("""
        INSERT INTO aftersales_service_cost (company_id, product_id, cost_type, period_date, amount,
                                             create_uid, write_uid, create_date, write_date)
        SELECT %(company)s, p, 'conforming',
               (date_trunc('month', CURRENT_DATE) - make_interval(months => m))::date,
               500 + (p %% 7) * 100, %(uid)s, %(uid)s, now(), now()
          FROM unnest(%(products)s::int[]) p, generate_series(0, %(days)s / 30 - 1) m
    """, params)
    cr.execute("ANALYZE")
    counts = {}
    for table in ("stock_lot", "aftersales_claim", "aftersales_claim_line", "aftersales_callback",
                  "aftersales_service_cost"):
        cr.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (fixed table names)
        counts[table] = cr.fetchone()[0]
    env.invalidate_all()
    print(f"history built in {time.time() - started:.1f} s: "
          + ", ".join(f"{table} {count:,}" for table, count in counts.items()), flush=True)
    return products, dealers


def build_sale_orders(env, args, products, dealers):
    """Odoo's comparable: quotations of 5 lines through the ORM, as many lines as call-backs,
    dated over the same months, each dealer buying the one product its call-backs are about
    (machine n is product n mod 50 of dealer n mod 100), so that both views group into about as
    many rows."""
    started = time.time()
    env = env(context=dict(env.context, tracking_disable=True, mail_create_nolog=True,
                           mail_create_nosubscribe=True, mail_notrack=True))
    per_order = 5
    orders = -(-args.order_lines // per_order)
    today = env.cr.now().date()
    for first in range(0, orders, 200):
        env["sale.order"].create([
            {
                "partner_id": dealers[n % len(dealers)].id,
                "date_order": today - timedelta(days=(n * 37) % (args.months * 30)),
                "order_line": [
                    (0, 0, {"product_id": products[(n % len(dealers)) % len(products)].id,
                            "product_uom_qty": 1 + k % 3, "price_unit": 100.0 + k})
                    for k in range(min(per_order, args.order_lines - n * per_order))
                ],
            }
            for n in range(first, min(first + 200, orders))
        ])
        env.flush_all()
    env.cr.execute("ANALYZE sale_order, sale_order_line")
    env.cr.execute("SELECT COUNT(*) FROM sale_order_line")
    print(f"Odoo's comparable built in {time.time() - started:.1f} s: "
          f"sale_order_line {env.cr.fetchone()[0]:,}", flush=True)


def median_read(env, read, repeat):
    """(median seconds, SQL queries, rows) of ``read()`` over ``repeat`` runs on an empty cache."""
    seconds = []
    for _run in range(repeat):
        env.flush_all()
        env.invalidate_all()
        queries = env.cr.sql_log_count
        start = time.perf_counter()
        rows = read()
        seconds.append(time.perf_counter() - start)
        queries = env.cr.sql_log_count - queries
    return statistics.median(seconds), queries, len(rows)


def compare(env, label, ours, odoos, repeat):
    """Time our read, then Odoo's comparable, and print both and the ratio."""
    ours_s, ours_q, ours_rows = median_read(env, ours, repeat)
    odoo_s, odoo_q, odoo_rows = median_read(env, odoos, repeat)
    print(f"{label}:\n  ours   {ours_s * 1000:7.1f} ms, {ours_q} queries, {ours_rows:,} rows"
          f"\n  Odoo's {odoo_s * 1000:7.1f} ms, {odoo_q} queries, {odoo_rows:,} rows (sale.report)"
          f"\n  ratio  {ours_s / odoo_s:.2f} x", flush=True)
    return ours_s, odoo_s


def run(env, args):
    products, dealers = build(env, args)
    build_sale_orders(env, args, products, dealers)
    Cost = env["aftersales.cost.report"]
    Satisfaction = env["aftersales.satisfaction.report"]
    measures = [
        "machine_count:sum", "claim_count:sum", "claim_rate:avg", "answer_count:sum",
        "satisfaction:avg", "routine_cost:sum", "cost_factor:avg", "nonconforming_cost:sum",
        "warranty_cost:sum", "actual_factor:avg", "service_quality_cost:sum",
        "conforming_cost:sum", "satisfaction_cost:sum", "cost_per_machine:avg",
    ]
    print()
    with Measure(env, "cost analysis: every product x month, all measures") as m1:
        rows = Cost._read_group([], ["product_id", "month:month"], measures)
    print(f"  {len(rows)} product-months")
    with Measure(env, "cost analysis: per product over the whole period") as m2:
        per_product = Cost._read_group([], ["product_id"], measures)
    print(f"  {len(per_product)} products")
    with Measure(env, "satisfaction: every product x dealer x month") as m3:
        rows = Satisfaction._read_group(
            [], ["product_id", "dealer_id", "month:month"],
            ["answer_count:sum", "product_score:avg", "service_score:avg", "satisfaction:avg"],
        )
    print(f"  {len(rows)} product-dealer-months")
    with Measure(env, "satisfaction: the pivot's default (product x quarter)") as m4:
        Satisfaction._read_group([], ["product_id", "month:quarter"], ["answer_count:sum", "satisfaction:avg"])
    with Measure(env, f"product overview of the {len(products)} products (12 months)") as m5:
        templates = products.product_tmpl_id
        templates.mapped("overview_satisfaction")
        templates.mapped("overview_cost_per_machine")
    wizard = env["aftersales.cost.report.print"].create({})
    with Measure(env, "monthly management report: figures + HTML") as m6:
        env["ir.actions.report"]._render_qweb_html(
            "aftersales.action_report_aftersales_management", wizard.ids
        )
    total = sum(m.seconds for m in (m1, m2, m3, m4, m5, m6))
    queries = sum(m.query_count for m in (m1, m2, m3, m4, m5, m6))
    print(f"\nwhole analysis: {total:.2f} s, {queries} SQL queries")

    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"\nagainst Odoo's sales analysis, median of {args.repeat} runs each (load {load}):")
    Sales = env["sale.report"]
    sales_measures = ["product_uom_qty:sum", "price_total:sum", "price_unit:avg", "discount:avg"]
    pairs = [
        compare(
            env, "customer satisfaction, product x dealer x month",
            lambda: Satisfaction._read_group(
                [], ["product_id", "dealer_id", "month:month"],
                ["answer_count:sum", "product_score:avg", "service_score:avg", "satisfaction:avg"],
            ),
            lambda: Sales._read_group(
                [], ["product_id", "partner_id", "date:month"], sales_measures,
            ),
            args.repeat,
        ),
        compare(
            env, "customer satisfaction, product x quarter (the pivot's default)",
            lambda: Satisfaction._read_group(
                [], ["product_id", "month:quarter"], ["answer_count:sum", "satisfaction:avg"]
            ),
            lambda: Sales._read_group([], ["product_id", "date:quarter"], sales_measures[:2]),
            args.repeat,
        ),
        compare(
            env, "cost analysis, product x month, all 14 measures "
            "(reads the claims, claim lines, machines and call-backs)",
            lambda: Cost._read_group([], ["product_id", "month:month"], measures),
            lambda: Sales._read_group([], ["product_id", "date:month"], sales_measures),
            args.repeat,
        ),
    ]
    ours, odoos = (sum(times) for times in zip(*pairs))
    print(f"the three reads: ours {ours:.3f} s, Odoo's {odoos:.3f} s, ratio {ours / odoos:.2f} x")


def main():
    args = parse_args()
    with bench_environment("satisfaction") as env:
        run(env, args)


if __name__ == "__main__":
    main()
