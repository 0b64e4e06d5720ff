"""Service campaign benchmark: activate a campaign over 20,000 machines.

Creates a throw-away database with the add-on installed without demo data (benchmarks/harness.py),
then builds 20,000 machines of one compressor, spread over 50 dealers and as many end users, with
production dates over 400 days. The machines are inserted with plain SQL (INSERT ... SELECT
generate_series), as bench_kpi.py does: the benchmark measures the campaign, not the archive's
creation. It then times, each in a savepoint rolled back afterwards:

- activating a campaign by production dates over half the machines (10,000), then over all of
  them (20,000): seconds and SQL queries, to show the query count flat in the number of machines;
- Odoo's comparable paths on the same data: ``stock.lot`` ``search_read`` of the 20,000 machines'
  product, dealer and end user (what any activation must read), and the ORM's
  ``create(vals_list)`` of the same 20,000 ``aftersales.campaign.machine`` rows (what the
  activation would cost through the ORM; it writes 100 rows a statement).

    /opt/aftersales-venv/bin/python benchmarks/bench_campaign.py [--machines 20000] [--dealers 50]
"""
import argparse
import os
import sys
from datetime import date, timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Measure, bench_environment, load_average, print_ratio, rolled_back  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--machines", type=int, default=20_000)
    parser.add_argument("--dealers", type=int, default=50)
    return parser.parse_args()


def build(env, args):
    cr = env.cr
    company = env.company
    product = env["product.product"].create({
        "name": "Bench Compressor", "type": "consu", "is_storable": True, "tracking": "serial",
        "aftersales_part_class": "finished", "warranty_months": 12,
    })
    part = env["product.product"].create({
        "name": "Bench Head", "type": "consu", "aftersales_part_class": "module",
        "is_serviceable_part": True, "lst_price": 200.0,
    })
    with Measure(env, f"setup: {args.dealers} dealers and end users (ORM)"):
        dealers = env["res.partner"].create([
            {"name": f"Bench Dealer {n:03d}", "is_company": True, "is_dealer": True,
             "dealer_code": f"BD-{n:03d}"}
            for n in range(args.dealers)
        ])
        end_users = env["res.partner"].create([
            {"name": f"Bench End User {n:03d}", "is_end_user": True, "phone": f"+1 555 {n:04d}",
             "aftersales_dealer_id": dealer.id}
            for n, dealer in enumerate(dealers)
        ])
    with Measure(env, f"setup: {args.machines} machines (SQL)"):
        env.flush_all()
        cr.execute(
            """INSERT INTO stock_lot (name, product_id, company_id, is_machine, production_date,
                                      dealer_id, end_user_id, create_date, write_date)
               SELECT 'BC-' || lpad(g::text, 6, '0'), %(product)s, %(company)s, TRUE,
                      %(today)s::date - (g %% 400), (%(dealers)s::int[])[1 + g %% %(n)s],
                      (%(end_users)s::int[])[1 + g %% %(n)s], now(), now()
                 FROM generate_series(1, %(machines)s) g""",
            {"product": product.id, "company": company.id, "today": date.today(),
             "dealers": dealers.ids, "end_users": end_users.ids, "n": len(dealers),
             "machines": args.machines},
        )
        cr.execute("ANALYZE stock_lot")
    return product, part


def main():
    args = parse_args()
    from odoo.fields import Command

    print(load_average())
    with bench_environment("campaign") as env:
        product, part = build(env, args)
        Campaign = env["aftersales.campaign"]
        results = {}
        for label, days in (("half", 200), ("all", 400)):
            with rolled_back(env):
                campaign = Campaign.create({
                    "title": "Bench recall", "product_ids": [Command.set(product.ids)],
                    "selection_mode": "production_date",
                    "production_date_from": date.today() - timedelta(days=days - 1),
                    "production_date_to": date.today(),
                    "line_ids": [Command.create({"product_id": part.id, "quantity": 1.0})],
                    "labour_hours": 1.5,
                })
                with Measure(env, f"activate a campaign over {label} the machines") as m:
                    campaign.action_activate()
                count = len(campaign.machine_ids)
                print(f"  {count} machines affected, estimate {campaign.amount_estimate:.2f}")
                results[label] = (count, m.seconds, m.query_count)
        Lot = env["stock.lot"]
        domain = [("is_machine", "=", True), ("product_id", "=", product.id)]
        with rolled_back(env):
            with Measure(env, "Odoo: stock.lot search_read of the machines") as read:
                lots = Lot.search_read(domain, ["product_id", "dealer_id", "end_user_id"])
        with rolled_back(env):
            campaign = Campaign.create({
                "title": "Bench ORM", "product_ids": [Command.set(product.ids)],
                "labour_hours": 1.0, "serial_from": "X", "serial_to": "X",
            })
            vals_list = [
                {"campaign_id": campaign.id, "company_id": env.company.id, "lot_id": lot["id"],
                 "product_id": lot["product_id"][0],
                 "dealer_id": lot["dealer_id"] and lot["dealer_id"][0],
                 "end_user_id": lot["end_user_id"] and lot["end_user_id"][0]}
                for lot in lots
            ]
            with Measure(env, f"Odoo: create(vals_list) of {len(vals_list)} campaign machines") as orm:
                env["aftersales.campaign.machine"].create(vals_list)
        count, seconds, queries = results["all"]
        half_count, half_seconds, half_queries = results["half"]
        print(f"queries: {half_queries} for {half_count} machines, {queries} for {count}")
        print_ratio(f"activation of {count} machines", seconds,
                    "search_read of the machines", read.seconds)
        print_ratio(f"activation of {count} machines", seconds,
                    "create(vals_list) of the rows", orm.seconds)
        print(f"ORM create: {orm.query_count} queries, activation: {queries} queries")
    print(load_average())


if __name__ == "__main__":
    main()
