from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    assign_machine_companies(env)
    recompute_warranty_end_dates(env)
    # statements read every receivable account now: their single account column goes
    cr.execute("ALTER TABLE aftersales_statement DROP COLUMN IF EXISTS account_id")


def assign_machine_companies(env):
    """Give every machine of the archive a company, so the company rule applies to it: the
    company of the location it lies in (Odoo allows no other), else of the delivery that filled
    it, else of the last stock operation that moved it, else the product's, else the main
    company."""
    Lot = env["stock.lot"].with_context(active_test=False)
    machines = Lot.search([("is_machine", "=", True), ("company_id", "=", False)])
    if not machines:
        return
    moved = {}
    for line in env["stock.move.line"].search_fetch(
        [("lot_id", "in", machines.ids), ("state", "=", "done")],
        ["lot_id", "company_id"],
        order="date desc, id desc",
    ):
        moved.setdefault(line.lot_id.id, line.company_id)
    main = env.ref("base.main_company", raise_if_not_found=False) or env["res.company"].search(
        [], limit=1
    )
    by_company = {}
    for machine in machines:
        company = (
            machine.location_id.company_id
            or machine.dealer_picking_id.company_id
            or moved.get(machine.id)
            or machine.product_id.company_id
            or main
        )
        by_company.setdefault(company, Lot.browse())
        by_company[company] |= machine
    for company, lots in by_company.items():
        lots.write({"company_id": company.id})


def recompute_warranty_end_dates(env):
    """Warranty ends follow the PRC Civil Code's rule for periods from this version on (see
    stock.lot._get_warranty_end_date): registered machines get their end date, and with it
    their warranty state, again."""
    Lot = env["stock.lot"].with_context(active_test=False)
    machines = Lot.search([("is_machine", "=", True), ("registration_date", "!=", False)])
    env.add_to_compute(Lot._fields["warranty_end_date"], machines)
    machines.flush_recordset()
