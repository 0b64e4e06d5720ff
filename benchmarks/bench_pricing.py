"""Pricing benchmark: a synthetic catalogue, then a full pricing run and its apply.

    /opt/aftersales-venv/bin/python benchmarks/bench_pricing.py [--parts 5000 --finished 300]

Builds the catalogue (parts, finished products, one service BOM of 20-60 lines each) in a
throw-away database, then times run (compute) and apply, printing seconds and SQL query counts.
It runs a half-size catalogue first, so the two query counts show whether they grow with the parts.
"""
import argparse
import random

from harness import Measure, bench_environment

CLASSES = ["module"] * 6 + ["standard"] * 2 + ["wear"] * 2 + ["core_ip"]


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


def bench(n_parts, n_finished):
    with bench_environment("pricing") as env:
        with Measure(env, f"build catalogue ({n_parts} parts, {n_finished} finished products)"):
            build_catalogue(env, n_parts, n_finished)
        run = env["aftersales.pricing.run"].create({})
        with Measure(env, "pricing run (compute)") as compute:
            run.action_compute()
        with Measure(env, "apply to the two price lists") as apply:
            run.action_apply()
        again = env["aftersales.pricing.run"].create({})
        with Measure(env, "next pricing run, price lists filled (compute)") as recompute:
            again.action_compute()
        with Measure(env, "apply it (identical prices: writes nothing)") as reapply:
            again.action_apply()
        print(f"=> first run + apply: {compute.seconds + apply.seconds:.2f} s, "
              f"{compute.query_count + apply.query_count} queries; next run + apply: "
              f"{recompute.seconds + reapply.seconds:.2f} s, {recompute.query_count + reapply.query_count} queries; "
              f"{run.out_of_tolerance_count} of {n_finished} finished products out of tolerance\n", flush=True)
        return compute.query_count + apply.query_count, recompute.query_count + reapply.query_count


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parts", type=int, default=5000)
    parser.add_argument("--finished", type=int, default=300)
    args = parser.parse_args()
    half = bench(args.parts // 2, args.finished)
    full = bench(args.parts, args.finished)
    print(f"queries (first run + apply, next run + apply) with {args.parts // 2} parts: {half}; "
          f"with {args.parts} parts: {full}")


if __name__ == "__main__":
    main()
