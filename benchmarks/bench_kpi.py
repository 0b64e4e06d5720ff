"""KPI appraisal benchmark: compute a month of 300 employees x 12 items over 100,000 claims.

Creates a throw-away database with the add-on installed without demo data (benchmarks/harness.py),
then builds the synthetic history:
- 300 back-office users and their employees (ORM, one create each),
- 20,000 machines and 100,000 decided warranty claims spread over the last 12 months, each
  reviewed by one of the 300 users, with submission, decision and deadline dates and a few sent
  back or incomplete. Machines and claims are inserted with plain SQL (INSERT ... SELECT
  generate_series): the measures only read the claims' columns, and filing 100,000 claims through
  the ORM would take the benchmark an hour without measuring anything of the appraisal;
- a scheme of 12 items: 10 computed by the four shipped measures, 2 entered by hand.

Then times computing one month (about 8,300 claims decided in it), recomputing it (manual values
kept), and computing it for half the staff, to show that the SQL queries do not grow per employee.
A period of more than 500 employees (``--employees``) is computed by the background jobs: the
measured step presses Compute and runs the queued batches one after the other in the same process
(``_run_pending``, what one lane does); up to 500 it is computed at once, as before.
Prints seconds and query counts, drops the database.

Odoo's comparable path, measured in the same run on the same data and rolled back: creating the
same 300 sheets and 3,600 sheet lines with Odoo's own ``create(vals_list)``. It is the floor any
implementation through the ORM pays to store an appraisal (computing a period is twelve aggregate
reads of the claims, then this), so the ratio says what the measures and the scoring add to it.
Community Odoo has no appraisal of its own to compare with (appraisals are an Enterprise
application). The sheet lines are created through the ORM in one ``create``.

    /opt/aftersales-venv/bin/python benchmarks/bench_kpi.py [--employees 300] [--claims 100000]
"""
import argparse
import os
import sys
from datetime import date

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Measure, bench_environment, print_ratio, rolled_back  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--employees", type=int, default=300)
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--machines", type=int, default=20_000)
    return parser.parse_args()


def build(env, args):
    from odoo.fields import Command

    env = env(context=dict(env.context, tracking_disable=True, no_reset_password=True,
                           mail_create_nolog=True, mail_create_nosubscribe=True))
    cr = env.cr
    company = env.company
    user_group = env.ref("aftersales.group_aftersales_user")
    with Measure(env, f"setup: {args.employees} users and employees (ORM)"):
        users = env["res.users"].create([
            {"name": f"Bench Reviewer {n:03d}", "login": f"bench.reviewer.{n:03d}",
             "groups_id": [Command.set([user_group.id])]}
            for n in range(args.employees)
        ])
        employees = env["hr.employee"].create([
            {"name": user.name, "user_id": user.id, "aftersales_average_wage": 4000.0 + 10 * n}
            for n, user in enumerate(users)
        ])
    dealer = env["res.partner"].create({"name": "Bench Dealer", "is_company": True,
                                        "is_dealer": True, "dealer_code": "BENCH"})
    product = env["product.product"].create({
        "name": "Bench Machine", "type": "consu", "is_storable": True, "tracking": "serial",
        "aftersales_part_class": "finished", "warranty_months": 24,
    })
    env.flush_all()
    with Measure(env, f"setup: {args.machines} machines and {args.claims} claims (SQL)"):
        cr.execute(
            """INSERT INTO stock_lot (name, product_id, company_id, create_date, write_date)
               SELECT 'BK-' || g, %s, %s, now(), now() FROM generate_series(1, %s) g""",
            (product.id, company.id, args.machines),
        )
        cr.execute("SELECT min(id) FROM stock_lot WHERE name LIKE 'BK-%%'")
        first_lot = cr.fetchone()[0]
        # claim g: reviewer g mod N, decided on day g mod 365 before today, 2 to 120 hours after
        # submission, deadline 3 days after submission; 1 in 7 sent back, 1 in 11 without the
        # end user's phone; failures spread so that some machines fail again within 30 days.
        cr.execute(
            """
            INSERT INTO aftersales_claim (
                name, company_id, state, date, claim_type, dealer_id, usage_unit, lot_id,
                product_id, failure_date, reviewer_id, submit_date, review_date, review_deadline,
                end_user_name, end_user_phone, sent_back_count, create_date, write_date)
            SELECT 'BCL/' || g, %(company)s,
                   (ARRAY['approved', 'approved', 'partially_approved', 'rejected', 'settled',
                          'closed'])[1 + g %% 6],
                   d.review::date, 'warranty', %(dealer)s, 'hours',
                   %(first_lot)s + g %% %(lots)s, %(product)s,
                   (d.review - INTERVAL '5 days' - (g %% 40) * INTERVAL '1 day')::date,
                   (%(users)s::int4[])[1 + g %% %(nusers)s],
                   d.review - (2 + g %% 119) * INTERVAL '1 hour', d.review,
                   (d.review - (2 + g %% 119) * INTERVAL '1 hour' + INTERVAL '3 days')::date,
                   'End User ' || g, CASE WHEN g %% 11 = 0 THEN NULL ELSE '+1 555 0100' END,
                   CASE WHEN g %% 7 = 0 THEN 1 ELSE 0 END, now(), now()
              FROM generate_series(1, %(claims)s) g,
                   LATERAL (SELECT now() - (g %% 365) * INTERVAL '1 day'
                                   - (g %% 8) * INTERVAL '1 hour' AS review) d
            """,
            {"company": company.id, "dealer": dealer.id, "first_lot": first_lot,
             "lots": args.machines, "product": product.id, "users": users.ids,
             "nusers": len(users), "claims": args.claims},
        )
        cr.execute("ANALYZE aftersales_claim")
    items = []
    measures = [
        ("review_on_time", "timeliness", "ratio_up", {"target": 95.0}),
        ("decision_hours", "timeliness", "ratio_down", {"target": 48.0}),
        ("first_time_fix", "effectiveness", "linear", {"floor": 60.0, "ceiling": 100.0,
                                                       "score_cap": 2.0, "window_days": 30}),
        ("complete_first_submission", "standardisation", "ratio_up", {"target": 90.0}),
        ("manual", "standardisation", "ratio_up", {"target": 4.0}),
    ]
    for n in range(12):
        measure, kpi_class, rule, extra = measures[n % len(measures)]
        items.append(Command.create({
            "name": f"Item {n + 1} ({measure})", "kpi_class": kpi_class, "weight": 100 / 12,
            "measure": measure, "scoring_rule": rule, **extra,
        }))
    items[-1][2]["weight"] = 100 - 11 * round(100 / 12, 2)
    for command in items[:-1]:
        command[2]["weight"] = round(100 / 12, 2)
    scheme = env["aftersales.kpi.scheme"].create({
        "name": "Bench Scheme", "employee_ids": [Command.set(employees.ids)], "item_ids": items,
    })
    approve(scheme)
    env.cr.commit()
    return env, scheme, employees


def approve(scheme):
    """Only an approved scheme appraises: discussed, agreed by everybody (recorded), approved."""
    scheme.action_start_discussion()
    scheme.agreement_ids.action_record_agreement()
    scheme.action_approve()


def odoo_create_sheets(env, period):
    """Odoo's own create(vals_list) of the period's sheets and lines, measured then rolled back."""
    Sheet = env["aftersales.kpi.sheet"]
    Line = env["aftersales.kpi.sheet.line"]
    sheets = period.sheet_ids
    sheet_vals = [
        {"period_id": sheet.period_id.id, "employee_id": sheet.employee_id.id,
         "average_wage": sheet.average_wage, "base_coefficient": sheet.base_coefficient}
        for sheet in sheets
    ]
    line_vals = [
        [{"item_id": line.item_id.id, "weight": line.weight, "value": line.value,
          "no_data": line.no_data} for line in sheet.line_ids]
        for sheet in sheets
    ]
    with rolled_back(env):
        sheets.unlink()
        with Measure(env, f"Odoo's create of the same {len(sheet_vals)} sheets and "
                          f"{sum(map(len, line_vals))} lines") as measure:
            new_sheets = Sheet.create(sheet_vals)
            Line.create([
                dict(vals, sheet_id=sheet.id)
                for sheet, vals_list in zip(new_sheets, line_vals) for vals in vals_list
            ])
    return measure


def main():
    args = parse_args()
    from odoo.fields import Command
    with bench_environment("kpi") as env:
        env, scheme, employees = build(env, args)
        today = date.today()
        month = today.replace(day=1, month=today.month - 1) if today.month > 1 else today.replace(
            day=1, month=12, year=today.year - 1)
        Period = env["aftersales.kpi.period"]
        period = Period.create({"scheme_id": scheme.id, "date_from": month})
        env.cr.execute(
            "SELECT count(*) FROM aftersales_claim WHERE review_date >= %s "
            "AND review_date < %s::date + 1", (period.date_from, period.date_to))
        print(f"claims decided in {period.name}: {env.cr.fetchone()[0]}")
        with Measure(env, f"compute {period.name}: {len(employees)} employees x "
                          f"{len(scheme.item_ids)} items") as first:
            period.action_compute()
            env["aftersales.job"]._run_pending()
        # enter the manual items of every employee, then recompute: the values are kept
        manual = period.sheet_ids.line_ids.filtered(lambda line: line.measure == "manual")
        manual.value = 5.0
        with Measure(env, "recompute the same period (manual values kept)") as again:
            period.action_compute()
            env["aftersales.job"]._run_pending()
        assert all(not line.no_data for line in period.sheet_ids.line_ids
                   if line.measure == "manual"), "manual values lost"
        odoo_create = odoo_create_sheets(env, period)
        half = employees[: len(employees) // 2]
        # an approved scheme appraises whom its employees agreed to: half the staff is a scheme
        # of its own, with the same items
        half_scheme = scheme.copy(
            {"name": "Bench Scheme (half)", "employee_ids": [Command.set(half.ids)]}
        )
        approve(half_scheme)
        period_half = Period.create({"scheme_id": half_scheme.id, "date_from": month})
        with Measure(env, f"compute a period for {len(half)} employees") as small:
            period_half.action_compute()
            env["aftersales.job"]._run_pending()
        measured = period.sheet_ids.line_ids.filtered(lambda line: not line.no_data)
        messages = env["mail.message"].search_count(
            [("model", "=", "aftersales.kpi.sheet"), ("res_id", "in", period.sheet_ids.ids)])
        print(f"sheets: {len(period.sheet_ids)}, lines: {len(period.sheet_ids.line_ids)} "
              f"({len(measured)} measured), average KPI {period.average_kpi:.2f}, "
              f"below 1: {period.share_below_one:.1f} %, needs revision: {period.needs_revision}, "
              f"chatter messages on the sheets: {messages}")
        print(f"\nresult: {first.seconds:.2f} s and {first.query_count} queries for "
              f"{len(employees)} employees ({small.query_count} queries for {len(half)}): "
              f"target under 30 s")
        print_ratio(f"compute a month, {len(employees)} employees", first.seconds,
                    "create(vals_list) of the same sheets and lines", odoo_create.seconds)


if __name__ == "__main__":
    main()
