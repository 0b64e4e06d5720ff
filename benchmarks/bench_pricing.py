"""Pricing benchmark: a synthetic catalogue, then full pricing runs and their apply, beside Odoo's
own path writing the same price-list items.

    /opt/aftersales-venv/bin/python benchmarks/bench_pricing.py [--parts 5000 --finished 300 --half]

Builds the catalogue (parts, finished products, one service BOM of 20-60 lines each) in a
throw-away database, then times, with seconds and SQL query counts:

1. a first pricing run (compute) and its apply: every price-list item is new (two per priced part);
2. a second run on the same catalogue and its apply: identical prices, nothing is written;
3. the finished products' dealer prices raised by 10 %, a third run and its apply: the marked-up
   parts' items are updated.

Odoo's comparable path is measured in the same database right after: ``product.pricelist.item``
``create(vals_list)`` of the same items into two fresh price lists, then ``write`` of the same
updates (one ``write`` per distinct new price). Each apply is printed with its ratio to that path.
The target is a first run + apply of 5,000 parts under 15 s. ``--half`` runs a half-size catalogue
first (another install), to show how the query counts grow with the parts.
"""
import argparse
import random
from collections import defaultdict

from harness import Measure, bench_environment

CLASSES = ["module"] * 6 + ["standard"] * 2 + ["wear"] * 2 + ["core_ip"]
TARGET_SECONDS = 15.0


def build_catalogue(env, n_parts, n_finished, seed=42):
    rng = random.Random(seed)
    Product = env["product.product"]
    part_vals = []
    for i in range(n_parts):
        part_class = CLASSES[i % len(CLASSES)]
        part_vals.append({
            "name": f"Bench part {i:05d}",
            "default_code": f"BP{i:05d}",
            "type": "consu",
            "aftersales_part_class": part_class,
            "is_serviceable_part": part_class != "core_ip",
            "standard_price": round(rng.uniform(1, 400), 2),
            "list_price": 0.0,
        })
    parts = Product.create(part_vals)
    boms = []
    for _i in range(n_finished):
        lines = [(i, rng.choice([1, 1, 1, 2, 4])) for i in rng.sample(range(n_parts), rng.randint(20, 60))]
        # A machine sells at 80-140 % of the cost of its service parts: with 40 % of the parts at
        # zero profit, the double rule then needs a markup of about 2 to 4 on the others.
        priced = sum(part_vals[i]["standard_price"] * qty for i, qty in lines
                     if part_vals[i]["aftersales_part_class"] != "core_ip")
        boms.append((lines, round(priced * rng.uniform(0.8, 1.4), 2)))
    finished = Product.create([
        {"name": f"Bench machine {i:03d}", "type": "consu", "aftersales_part_class": "finished",
         "list_price": price}
        for i, (_lines, price) in enumerate(boms)
    ])
    bom_vals = [
        {"product_tmpl_id": machine.product_tmpl_id.id,
         "line_ids": [(0, 0, {"product_id": parts[i].id, "quantity": qty}) for i, qty in lines]}
        for machine, (lines, _price) in zip(finished, boms)
    ]
    env["aftersales.service.bom"].create(bom_vals)
    env.flush_all()
    return finished


def run_and_apply(env, label):
    run = env["aftersales.pricing.run"].create({})
    # Larger than a batch, both run as background jobs: their batches are run here one after
    # the other (what one lane does), so the figures are the work itself, not its queueing.
    with Measure(env, f"{label}: pricing run (compute)") as compute:
        run.action_compute()
        env["aftersales.job"]._run_pending()
    with Measure(env, f"{label}: apply to the two price lists") as apply:
        run.action_apply()
        env["aftersales.job"]._run_pending()
    return run, compute, apply


def proposed_prices(run):
    """[(product id, dealer price, market price)] the apply of ``run`` writes."""
    return [
        (line.product_id.id, line.proposed_dealer_price, line.proposed_market_price)
        for line in run.line_ids
        if line.proposed_dealer_price > 0
    ]


def odoo_path(env, first, changed):
    """Odoo's own path, on two fresh price lists: ``create(vals_list)`` of the items of
    ``first`` [(product, dealer, market)], with the same values as the apply gives (the
    template included: without it Odoo's create reads it one part at a time), then ``write``
    of the new prices of ``changed`` {product: (dealer, market)}, one ``write`` per distinct
    new price."""
    company = env.company
    Item = env["product.pricelist.item"]
    templates = {
        product.id: product.product_tmpl_id.id
        for product in env["product.product"].browse([row[0] for row in first])
    }
    dealer, market = env["product.pricelist"].create([
        {"name": "Odoo path: dealer", "company_id": company.id, "currency_id": company.currency_id.id},
        {"name": "Odoo path: market", "company_id": company.id, "currency_id": company.currency_id.id},
    ])
    vals_list = [
        {"pricelist_id": pricelist.id, "applied_on": "0_product_variant", "product_id": row[0],
         "product_tmpl_id": templates[row[0]], "compute_price": "fixed", "fixed_price": row[column]}
        for pricelist, column in ((dealer, 1), (market, 2))
        for row in first
    ]
    with Measure(env, f"Odoo: product.pricelist.item create(vals_list) of {len(vals_list)} items") as create:
        items = Item.create(vals_list)
    by_key = {(item.pricelist_id.id, item.product_id.id): item.id for item in items}
    groups = defaultdict(list)
    for pid, (dealer_price, market_price) in changed.items():
        groups[dealer_price].append(by_key[dealer.id, pid])
        groups[market_price].append(by_key[market.id, pid])
    count = sum(len(ids) for ids in groups.values())
    with Measure(env, f"Odoo: write of {count} items, one write per distinct price ({len(groups)})") as write:
        for price, ids in groups.items():
            Item.browse(ids).write({"fixed_price": price})
    return create, write


def bench(n_parts, n_finished):
    with bench_environment("pricing") as env:
        with Measure(env, f"build catalogue ({n_parts} parts, {n_finished} finished products)"):
            finished = build_catalogue(env, n_parts, n_finished)
        Item = env["product.pricelist.item"]
        company = env.company
        lists = company.aftersales_dealer_pricelist_id | company.aftersales_market_pricelist_id

        first, compute, apply = run_and_apply(env, "first run")
        item_count = Item.search_count([("pricelist_id", "in", lists.ids)])
        _again, recompute, reapply = run_and_apply(env, "next run, identical prices (writes nothing)")

        for product in finished:  # machine prices up 10 %: the marked-up parts follow
            product.list_price = round(product.list_price * 1.1, 2)
        env.flush_all()
        before = {row[0]: row[1:] for row in proposed_prices(first)}
        third, update_compute, update_apply = run_and_apply(env, "machine prices +10 %")
        changed = {
            pid: (dealer, market)
            for pid, dealer, market in proposed_prices(third)
            if before.get(pid) != (dealer, market)
        }
        odoo_create, odoo_write = odoo_path(env, proposed_prices(first), changed)

        total = compute.seconds + apply.seconds
        print(
            f"=> first run + apply: {total:.2f} s, {compute.query_count + apply.query_count} queries "
            f"({item_count} price-list items created; target < {TARGET_SECONDS:.0f} s: "
            f"{'met' if total < TARGET_SECONDS else 'MISSED'}); "
            f"{first.out_of_tolerance_count} of {n_finished} finished products out of tolerance\n"
            f"=> apply, all items new: {apply.seconds:.2f} s against Odoo's create(vals_list) "
            f"{odoo_create.seconds:.2f} s: ratio {apply.seconds / odoo_create.seconds:.2f}\n"
            f"=> apply, {len(changed) * 2} items updated: {update_apply.seconds:.2f} s against Odoo's "
            f"write {odoo_write.seconds:.2f} s: ratio {update_apply.seconds / odoo_write.seconds:.2f}\n"
            f"=> next run + apply, nothing to write: {recompute.seconds + reapply.seconds:.2f} s, "
            f"{recompute.query_count + reapply.query_count} queries; "
            f"run + apply after the price rise: {update_compute.seconds + update_apply.seconds:.2f} s\n",
            flush=True,
        )
        return compute.query_count + apply.query_count, recompute.query_count + reapply.query_count


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parts", type=int, default=5000)
    parser.add_argument("--finished", type=int, default=300)
    parser.add_argument("--half", action="store_true", help="run a half-size catalogue first")
    args = parser.parse_args()
    if args.half:
        half = bench(args.parts // 2, args.finished)
    full = bench(args.parts, args.finished)
    if args.half:
        print(f"queries (first run + apply, next run + apply) with {args.parts // 2} parts: {half}; "
              f"with {args.parts} parts: {full}")


if __name__ == "__main__":
    main()
