#!/usr/bin/env python3
"""Benchmark of the spare-parts stock features: a full reserve plan (compute + apply) and the
stock aging analysis, on a throw-away database, at two data sizes.

    /opt/aftersales-venv/bin/python benchmarks/bench_stock.py [--keep] [--db NAME]

1. creates a database and installs ``aftersales`` without demo data (odoo-bin, ~2 minutes);
2. builds the small size (a tenth of the full one) with batched SQL inserts cloned from
   records made by the ORM, so every column gets a valid value: parts, vendors, 3 warehouses,
   historical stock moves over 24 months, quants on several shelves per warehouse;
3. times a reserve plan (compute + apply, creating the reordering rules from none) and the
   aging analysis (what the overview and its PDF compute), counting SQL statements;
4. grows the data to the full size (5,000 parts, 200,000 moves, 50,000 quants) and times the
   same again; then a plan updating every rule (staff set them all to 0 / 1,000 before), and a
   next plan on the same data (the rules are set: applying changes nothing);
5. measures Odoo's own comparable paths on the same data in the same run, each rolled back:
   creating the same reordering rules with ``stock.warehouse.orderpoint.create(vals_list)``,
   writing the same updates with ``write`` (one per set of identical values), and Odoo's
   replenishment report (``action_open_orderpoints``: Odoo's own reading of every part's stock
   and forecast in every warehouse), and prints the ratios;
6. drops the database (unless ``--keep``).

Targets: plan + apply under 20 s, aging under 5 s. The plan reads with aggregates (its queries
do not grow with the parts, only with the batches: one set of reads per 500 parts computed and per
1,000 lines applied) and writes Odoo's rules, and its own lines, through the ORM, batched: the
writes grow as Odoo's own do (a sequence number per new rule, a statement per 100 rows).

A plan larger than a batch is computed and applied by the background jobs (aftersales.job): the
measured steps press Compute and Apply and then run the queued batches one after the other in
the same process (``_run_pending``, what one lane does), so the figures are the plan's whole
work, without the lanes' waiting. The small size fits in one batch of parts (computed at once)
but not in one batch of lines (its apply is queued).

Settings follow scripts/lib.sh: ODOO_PATH (default /opt/odoo18), PGHOST, PGPORT, PGUSER.
"""

import argparse
import collections
import contextlib
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ODOO_PATH = os.environ.get("ODOO_PATH", "/opt/odoo18")
from harness import PGHOST, PGPORT, PGUSER, oca_addons_paths, print_ratio, rolled_back  # noqa: E402  (as scripts/lib.sh reads them)

FULL = {"parts": 5000, "moves": 200_000, "quants": 50_000}
SMALL = {key: value // 10 for key, value in FULL.items()}
SHELVES_PER_WAREHOUSE = 4
HISTORY_DAYS = 730


def say(message):
    print(f"[bench] {message}", flush=True)


def addons_path(work):
    """The repository is the add-on: link it as 'aftersales' next to Odoo's add-ons."""
    addons = os.path.join(work, "addons")
    os.makedirs(addons, exist_ok=True)
    link = os.path.join(addons, "aftersales")
    if not os.path.exists(link):
        os.symlink(ROOT, link)
    paths = [addons, os.path.join(ODOO_PATH, "odoo", "addons")]
    if os.path.isdir(os.path.join(ODOO_PATH, "addons")):
        paths.insert(1, os.path.join(ODOO_PATH, "addons"))
    return ",".join(paths + oca_addons_paths())


def write_config(work):
    conf = os.path.join(work, "odoo.conf")
    with open(conf, "w") as f:
        f.write(
            "[options]\n"
            f"addons_path = {addons_path(work)}\n"
            f"db_host = {PGHOST}\ndb_port = {PGPORT}\ndb_user = {PGUSER}\ndb_password = False\n"
            f"data_dir = {os.path.join(work, 'data')}\n"
            "list_db = True\nmax_cron_threads = 0\n"
        )
    return conf


def install(conf, db):
    say(f"installing aftersales without demo data in database {db} ...")
    start = time.perf_counter()
    log = os.path.join(os.path.dirname(conf), "install.log")
    with open(log, "w") as out:
        result = subprocess.run(
            [sys.executable, os.path.join(ODOO_PATH, "odoo-bin"), "-c", conf, "-d", db,
             "-i", "aftersales", "--without-demo=all", "--stop-after-init", "--log-level=warn"],
            stdout=out, stderr=subprocess.STDOUT, check=False,
        )
    if result.returncode:
        with open(log) as f:
            sys.stderr.write(f.read()[-5000:])
        raise SystemExit("installation failed")
    say(f"  installed in {time.perf_counter() - start:.0f} s")


class QueryCounter:
    """Counts the SQL statements of every Odoo cursor, by kind (SELECT, INSERT, UPDATE...)."""

    def __init__(self):
        self.counts = collections.Counter()
        self.statements = []

    @contextlib.contextmanager
    def counting(self):
        from odoo.sql_db import Cursor
        from odoo.tools import SQL

        original = Cursor.execute
        counts = self.counts
        statements = self.statements

        def execute(cursor, query, params=None, log_exceptions=True):
            code = query.code if isinstance(query, SQL) else str(query)
            counts[code.lstrip(" \n(").split(None, 1)[0].upper()] += 1
            statements.append(" ".join(code.split()))
            return original(cursor, query, params, log_exceptions)

        Cursor.execute = execute
        try:
            yield counts
        finally:
            Cursor.execute = original


def columns(cr, table):
    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND column_name != 'id'"
        " ORDER BY ordinal_position",
        [table],
    )
    return [row[0] for row in cr.fetchall()]


def clone(cr, table, template_id, source_sql, overrides, params):
    """INSERT ... SELECT: one row per row of ``source_sql`` (aliased ``s``), every column copied
    from the record ``template_id`` (alias ``t``) unless ``overrides`` gives an expression."""
    cols = columns(cr, table)
    select = ", ".join(overrides.get(col, f't."{col}"') for col in cols)
    names = ", ".join(f'"{col}"' for col in cols)
    cr.execute(
        f'INSERT INTO "{table}" ({names}) SELECT {select} FROM "{table}" t, ({source_sql}) s '
        f"WHERE t.id = %(template_id)s RETURNING id",
        dict(params, template_id=template_id),
    )
    return [row[0] for row in cr.fetchall()]


class Bench:
    def __init__(self, env, log_dir=None):
        self.env = env
        self.log_dir = log_dir
        self.run_number = 0
        self.cr = env.cr
        self.company = env.company
        self.product_ids = []
        self.counter = QueryCounter()

    # ------------------------------------------------------------------ data

    def setup_fixed_data(self):
        env = self.env
        Warehouse = env["stock.warehouse"]
        warehouses = Warehouse.search([("company_id", "=", self.company.id)])
        for index in range(len(warehouses), 3):
            warehouses |= Warehouse.create({"name": f"Bench Warehouse {index + 1}", "code": f"BW{index + 1}"})
        self.warehouses = warehouses[:3]
        self.shelves = env["stock.location"]
        for warehouse in self.warehouses:
            self.shelves |= env["stock.location"].create([
                {"name": f"Shelf {n}", "location_id": warehouse.lot_stock_id.id}
                for n in range(1, SHELVES_PER_WAREHOUSE + 1)
            ])
        self.vendors = env["res.partner"].create(
            [{"name": f"Bench Vendor {n}", "is_company": True} for n in range(20)]
        )
        env["res.partner"].create(
            [{"name": f"Bench Dealer {n}", "is_company": True, "is_dealer": True} for n in range(20)]
        )
        # Templates the SQL inserts clone: one ORM record each.
        self.template_product = env["product.product"].create({
            "name": "Bench template part", "type": "consu", "is_storable": True,
            "aftersales_part_class": "wear", "is_serviceable_part": True, "standard_price": 10.0,
        })
        self.template_seller = env["product.supplierinfo"].create({
            "partner_id": self.vendors[0].id, "product_tmpl_id": self.template_product.product_tmpl_id.id,
            "delay": 14, "price": 5.0,
        })
        location = self.warehouses[0].lot_stock_id
        env["stock.quant"]._update_available_quantity(self.template_product, location, 1)
        self.template_quant = env["stock.quant"].search([("product_id", "=", self.template_product.id)])
        move = env["stock.move"].create({
            "name": "Bench template move", "product_id": self.template_product.id, "product_uom_qty": 1,
            "product_uom": self.template_product.uom_id.id, "location_id": location.id,
            "location_dest_id": env.ref("stock.stock_location_customers").id,
        })
        move._action_confirm()
        move._action_assign()
        move.quantity = 1
        move.picked = True
        move._action_done()
        self.template_move = move
        env.flush_all()

    def grow(self, size):
        """Add parts, moves and quants up to ``size``, with batched SQL inserts."""
        cr = self.cr
        cr.execute("SELECT setseed(%s)", [0.42 + len(self.product_ids) / 1e6])
        new_parts = size["parts"] - len(self.product_ids)
        tmpl_ids = clone(
            cr, "product_template", self.template_product.product_tmpl_id.id,
            "SELECT g FROM generate_series(%(offset)s + 1, %(offset)s + %(count)s) g",
            {
                "name": "jsonb_build_object('en_US', 'Bench part ' || s.g)",
                "default_code": "'BP-' || lpad(s.g::text, 5, '0')",
                # 8 in 10 serviceable parts, 1 core IP part, 1 non-serviceable module.
                "aftersales_part_class": "(ARRAY['wear','standard','module','wear','wear','standard',"
                                         "'module','wear','core_ip','module'])[1 + s.g %% 10]",
                "is_serviceable_part": "s.g %% 10 NOT IN (8, 9)",
            },
            {"offset": len(self.product_ids), "count": new_parts},
        )
        company = str(self.company.id)
        product_ids = clone(
            cr, "product_product", self.template_product.id,
            "SELECT u.tmpl_id FROM unnest(%(tmpl_ids)s) AS u(tmpl_id)",
            {
                "product_tmpl_id": "s.tmpl_id",
                "default_code": "(SELECT default_code FROM product_template WHERE id = s.tmpl_id)",
                "standard_price": f"jsonb_build_object('{company}', round((1 + random() * 199)::numeric, 2))",
            },
            {"tmpl_ids": tmpl_ids},
        )
        clone(  # a vendor for 4 parts in 5; the others plan with the default lead time
            cr, "product_supplierinfo", self.template_seller.id,
            "SELECT u.tmpl_id, u.n FROM unnest(%(tmpl_ids)s) WITH ORDINALITY AS u(tmpl_id, n) WHERE u.n %% 5 != 0",
            {
                "product_tmpl_id": "s.tmpl_id",
                "partner_id": "(%(vendors)s::int[])[1 + s.n %% 20]",
                "delay": "(3 + (s.n * 7) %% 88)",
            },
            {"tmpl_ids": tmpl_ids, "vendors": self.vendors.ids},
        )
        self.product_ids += product_ids
        customers = self.env.ref("stock.stock_location_customers").id
        suppliers = self.env.ref("stock.stock_location_suppliers").id
        stocks = self.warehouses.lot_stock_id.ids
        new_moves = size["moves"] - self._count("stock_move") + 1
        # 70% deliveries to dealers, 20% receipts, 10% transfers to the shelves; skewed so that
        # some parts sell a lot and a few not at all.
        clone(
            cr, "stock_move", self.template_move.id,
            "SELECT g, random() AS r1, random() AS r2, random() AS r3, random() AS r4 "
            "FROM generate_series(1, %(count)s) g",
            {
                "product_id": "(%(products)s::int[])[1 + floor(power(s.r1, 1.6) * %(n_products)s)::int]",
                "location_id": "CASE WHEN s.r2 < 0.7 OR s.r2 >= 0.9 THEN (%(stocks)s::int[])[1 + floor(s.r3 * 3)::int] "
                               "ELSE %(suppliers)s END",
                "location_dest_id": "CASE WHEN s.r2 < 0.7 THEN %(customers)s "
                                    "WHEN s.r2 < 0.9 THEN (%(stocks)s::int[])[1 + floor(s.r3 * 3)::int] "
                                    "ELSE (%(shelves)s::int[])[1 + floor(s.r3 * %(n_shelves)s)::int] END",
                "date": "now() AT TIME ZONE 'UTC' - make_interval(secs => s.r4 * %(days)s * 86400)",
                "product_uom_qty": "(1 + floor(s.r4 * 7))",
                "product_qty": "(1 + floor(s.r4 * 7))",
                "quantity": "(1 + floor(s.r4 * 7))",
                "reference": "'BENCH/' || s.g",
            },
            {"count": new_moves, "products": self.product_ids, "n_products": len(self.product_ids),
             "stocks": stocks, "suppliers": suppliers, "customers": customers, "days": HISTORY_DAYS,
             "shelves": self.shelves.ids, "n_shelves": len(self.shelves)},
        )
        new_quants = size["quants"] - self._count("stock_quant") + 1
        locations = stocks + self.shelves.ids
        clone(
            cr, "stock_quant", self.template_quant.id,
            "SELECT g, random() AS r1, random() AS r2 FROM generate_series(%(offset)s, %(offset)s + %(count)s - 1) g",
            {
                # Distinct (part, location) pairs: quants of untracked parts never repeat.
                "product_id": "(%(products)s::int[])[1 + s.g %% %(n_products)s]",
                "location_id": "(%(locations)s::int[])[1 + (s.g / %(n_products)s) %% %(n_locations)s]",
                "quantity": "(1 + floor(s.r1 * 50))",
                "reserved_quantity": "0",
                "in_date": "now() AT TIME ZONE 'UTC' - make_interval(secs => s.r2 * %(days)s * 86400)",
            },
            {"offset": self._count("stock_quant"), "count": new_quants, "products": self.product_ids,
             "n_products": len(self.product_ids), "locations": locations, "n_locations": len(locations),
             "days": HISTORY_DAYS},
        )
        cr.execute("ANALYZE")
        self.env.invalidate_all()

    def _count(self, table):
        self.cr.execute(f'SELECT COUNT(*) FROM "{table}"')
        return self.cr.fetchone()[0]

    # ------------------------------------------------------------------ measures

    @contextlib.contextmanager
    def measure(self, result):
        self.env.flush_all()
        self.env.invalidate_all()
        self.cr.now()  # the transaction's timestamp, fetched once per transaction
        self.counter.counts.clear()
        self.counter.statements.clear()
        start = result["start"] = time.perf_counter()
        with self.counter.counting() as counts:
            yield
            self.env.flush_all()
        result["seconds"] = time.perf_counter() - start
        result["queries"] = sum(counts.values())
        result["select"] = counts["SELECT"] + counts["WITH"]
        result["write"] = counts["INSERT"] + counts["UPDATE"] + counts["DELETE"]
        if self.log_dir:
            self.run_number += 1
            with open(os.path.join(self.log_dir, f"run{self.run_number}.sql"), "w") as f:
                f.write("\n".join(self.counter.statements) + "\n")

    def run_plan(self, fresh=True):
        """A reserve plan over every part and warehouse, computed and applied. ``fresh``: start
        without reordering rules, so that both sizes go the same way (every rule created)."""
        from odoo.tools import html2plaintext

        if fresh:
            self.env["stock.warehouse.orderpoint"].with_context(active_test=False).search([]).unlink()
        result = {}
        with self.measure(result):
            plan = self.env["aftersales.reserve.plan"].create({"warehouse_ids": [(6, 0, self.warehouses.ids)]})
            compute_plan(plan)
            self.env.flush_all()
            result["compute_seconds"] = time.perf_counter() - result["start"]
            plan.action_apply()
            self.env["aftersales.job"]._run_pending()
        result["apply_seconds"] = result["seconds"] - result["compute_seconds"]
        result["plan"] = plan
        plan.invalidate_recordset()
        result["lines"] = plan.line_count
        self.env.flush_all()
        applied = plan.message_ids.filtered(lambda message: "Applied:" in (message.body or ""))[:1]
        result["summary"] = " ".join(html2plaintext(applied.body).split()) if applied else ""
        return result

    def run_compute_at_once(self):
        """The same compute in one transaction (every part in one batch, as before the
        background jobs), rolled back: what cutting the compute into batches costs."""
        params = self.env["ir.config_parameter"]
        params.set_param("aftersales.job_batch_size", 10**6)
        result = {}
        try:
            with rolled_back(self.env):
                with self.measure(result):
                    plan = self.env["aftersales.reserve.plan"].create(
                        {"warehouse_ids": [(6, 0, self.warehouses.ids)]}
                    )
                    plan.action_compute()
                result["lines"] = plan.line_count
                result["jobs"] = self.env["aftersales.job"].search_count(
                    [("res_model", "=", plan._name), ("res_id", "=", plan.id)]
                )
        finally:
            params.set_param("aftersales.job_batch_size", False)
        return result

    def run_odoo_create(self, plan):
        """Odoo's own path for the rules ``plan`` created: the same values through
        ``stock.warehouse.orderpoint.create(vals_list)``, on the same data, rolled back."""
        Orderpoint = self.env["stock.warehouse.orderpoint"]
        lines = plan.line_ids.filtered(lambda line: line.result == "created")
        result = {"rules": len(lines)}
        with rolled_back(self.env):
            lines.orderpoint_id.unlink()
            vals_list = [line._prepare_orderpoint_vals() for line in lines]
            with self.measure(result):
                Orderpoint.create(vals_list)
        return result

    def run_odoo_update(self, plan):
        """Odoo's own path for the updates ``plan`` will make: the same values written on the
        same rules with ``write``, one per set of identical values, rolled back."""
        Orderpoint = self.env["stock.warehouse.orderpoint"]
        lines = plan.line_ids.filtered(lambda line: line.proposal == "update")
        groups = collections.defaultdict(list)
        for line in lines:
            groups[line.min_qty, line.max_qty].append(line.orderpoint_id.id)
        result = {"rules": len(lines)}
        with rolled_back(self.env):
            with self.measure(result):
                for (min_qty, max_qty), ids in groups.items():
                    Orderpoint.browse(ids).write({"product_min_qty": min_qty, "product_max_qty": max_qty})
        return result

    def run_odoo_replenishment(self):
        """Odoo's replenishment report over the same parts and warehouses: Odoo's own reading
        of every part's stock and forecast, and its manual rules for what runs short."""
        result = {}
        with rolled_back(self.env):
            with self.measure(result):
                self.env["stock.warehouse.orderpoint"].action_open_orderpoints()
        return result

    def run_aging(self):
        result = {}
        with self.measure(result):
            summary = self.env["aftersales.stock.aging.report"]._get_aging_summary(
                self.company, warehouses=self.warehouses
            )
        result["share"] = summary["total"]["share_quantity"]
        result["stock"] = summary["total"]["quantity"]
        result["movers"] = len(summary["movers"])
        return result


def compute_plan(plan):
    """Compute, as the button does, and run the background batches it queued, if any."""
    plan.action_compute()
    plan.env["aftersales.job"]._run_pending()


def report_plan(label, plan):
    say(f"  {label}: {plan['seconds']:.2f} s (compute {plan['compute_seconds']:.2f} s, apply "
        f"{plan['apply_seconds']:.2f} s), {plan['queries']} queries "
        f"({plan['select']} SELECT, {plan['write']} INSERT/UPDATE/DELETE), {plan['lines']} lines; "
        f"{plan['summary']}")


def report_odoo(label, odoo):
    say(f"  Odoo's {label}: {odoo['seconds']:.2f} s, {odoo['queries']} queries "
        f"({odoo['select']} SELECT, {odoo['write']} INSERT/UPDATE/DELETE)")


def drop(db):
    import psycopg2

    connection = psycopg2.connect(host=PGHOST, port=PGPORT, user=PGUSER, dbname="postgres")
    connection.autocommit = True
    with connection.cursor() as cr:
        cr.execute(f'DROP DATABASE IF EXISTS "{db}"')
    connection.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default=f"as_stock_bench_{os.getpid()}", help="throw-away database name")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--log-queries", metavar="DIR", help="write the SQL statements of every measured run to DIR")
    args = parser.parse_args()
    if not os.path.isfile(os.path.join(ODOO_PATH, "odoo", "release.py")):
        raise SystemExit(f"Odoo 18 not found at ODOO_PATH={ODOO_PATH}")
    sys.path.insert(0, ODOO_PATH)

    work = tempfile.mkdtemp(prefix="aftersales_bench_")
    conf = write_config(work)
    drop(args.db)
    try:
        install(conf, args.db)
        import odoo
        from odoo import SUPERUSER_ID, api

        odoo.tools.config.parse_config(["-c", conf, "--log-level=warn"])
        registry = odoo.modules.registry.Registry(args.db)
        rows = []
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            bench = Bench(env, args.log_queries)
            bench.setup_fixed_data()
            for label, size in (("small", SMALL), ("full", FULL)):
                say(f"building the {label} data set: {size['parts']} parts, {size['moves']} moves, "
                    f"{size['quants']} quants, 3 warehouses ...")
                start = time.perf_counter()
                bench.grow(size)
                say(f"  built in {time.perf_counter() - start:.1f} s")
                if label == "small":
                    # Warm Odoo's caches (groups, defaults, xml ids) so that both sizes start equal.
                    bench.run_plan()
                    bench.run_aging()
                plan = bench.run_plan()
                report_plan("plan + apply", plan)
                aging = bench.run_aging()
                say(f"  aging: {aging['seconds']:.2f} s, {aging['queries']} queries, "
                    f"{aging['stock']:.0f} units in stock, {aging['share']:.1f}% younger than 3 months, "
                    f"{aging['movers']} slow/dead movers listed")
                rows.append((label, size, plan, aging))
                cr.commit()
            full_plan = rows[-1][2]
            at_once = bench.run_compute_at_once()
            say(f"  the same compute at once (one batch, rolled back): {at_once['seconds']:.2f} s, "
                f"{at_once['queries']} queries, {at_once['lines']} lines, {at_once['jobs']} jobs")
            odoo_create = bench.run_odoo_create(full_plan["plan"])
            report_odoo(f"create(vals_list) of the same {odoo_create['rules']} rules", odoo_create)
            odoo_report = bench.run_odoo_replenishment()
            report_odoo("replenishment report (action_open_orderpoints)", odoo_report)
            # staff set every rule to 0 / 1,000: the next plan updates them all
            env["stock.warehouse.orderpoint"].search([]).write({"product_min_qty": 0.0, "product_max_qty": 1000.0})
            draft = env["aftersales.reserve.plan"].create({"warehouse_ids": [(6, 0, bench.warehouses.ids)]})
            compute_plan(draft)
            odoo_update = bench.run_odoo_update(draft)
            report_odoo(f"write of the same updates to {odoo_update['rules']} rules", odoo_update)
            draft.unlink()
            update = bench.run_plan(fresh=False)
            report_plan("plan + apply updating every rule", update)
            again = bench.run_plan(fresh=False)
            report_plan("next plan + apply, rules already set", again)
            cr.commit()
    finally:
        if "odoo" in sys.modules:
            import odoo

            odoo.modules.registry.Registry.delete(args.db)
            odoo.sql_db.close_all()
        if not args.keep:
            drop(args.db)
            say(f"dropped database {args.db}")

    print()
    print(f"{'size':<6} {'parts':>6} {'moves':>8} {'quants':>7} | {'plan+apply s':>12} {'queries':>7} "
          f"{'SELECT':>6} {'writes':>6} {'lines':>6} | {'aging s':>7} {'queries':>7}")
    for label, size, plan, aging in rows:
        print(f"{label:<6} {size['parts']:>6} {size['moves']:>8} {size['quants']:>7} | "
              f"{plan['seconds']:>12.2f} {plan['queries']:>7} {plan['select']:>6} {plan['write']:>6} "
              f"{plan['lines']:>6} | {aging['seconds']:>7.2f} {aging['queries']:>7}")
    print(f"{'full, plan updating every rule':<38} | {update['seconds']:>12.2f} {update['queries']:>7} "
          f"{update['select']:>6} {update['write']:>6} {update['lines']:>6} |")
    print(f"{'full, next plan (rules already set)':<38} | {again['seconds']:>12.2f} {again['queries']:>7} "
          f"{again['select']:>6} {again['write']:>6} {again['lines']:>6} |")
    full = rows[-1]
    print()
    batched = full[2]["compute_seconds"]
    print(f"RATIO compute in batches of 500 parts: {batched:.2f} s | the same compute at once (one "
          f"batch): {at_once['seconds']:.2f} s | ratio {batched / at_once['seconds']:.2f} x")
    print_ratio("plan + apply creating the rules", full[2]["seconds"],
                f"create(vals_list) of the same {odoo_create['rules']} rules", odoo_create["seconds"])
    print_ratio("plan + apply creating the rules", full[2]["seconds"],
                "replenishment report (action_open_orderpoints)", odoo_report["seconds"])
    print_ratio("plan + apply updating every rule", update["seconds"],
                f"write of the same updates to {odoo_update['rules']} rules", odoo_update["seconds"])
    print()
    print(f"targets: plan + apply < 20 s: {'OK' if max(full[2]['seconds'], update['seconds']) < 20 else 'MISSED'}; "
          f"aging < 5 s: {'OK' if full[3]['seconds'] < 5 else 'MISSED'}; "
          f"aging query count constant: {'OK' if rows[0][3]['queries'] == rows[-1][3]['queries'] else 'NO'}")


if __name__ == "__main__":
    main()
