from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    approve_kpi_schemes_in_use(env)
    clear_core_ip_prices(env)


def approve_kpi_schemes_in_use(env):
    """KPI schemes go through draft -> in discussion -> approved from this version on, and only
    an approved scheme computes a period. A scheme that already appraised a period was in use
    before the agreement cycle existed: it is approved, so its open periods still compute (the
    update gave every scheme the default, draft). The others stay drafts to be discussed."""
    Scheme = env["aftersales.kpi.scheme"].with_context(active_test=False, tracking_disable=True)
    in_use = Scheme.search([("period_ids", "!=", False), ("state", "=", "draft")])
    in_use.state = "approved"
    for scheme in in_use:
        scheme.message_post(
            body=env._("Approved by the update to 18.0.1.5.0: the scheme appraised periods "
                       "before schemes were agreed by their employees."),
            subtype_xmlid="mail.mt_note",
        )


def clear_core_ip_prices(env):
    """Core IP parts have no sales price from this version on (read-only 0 in the form, a price
    refused): the core IP parts of every company, archived ones and the demo data's included,
    lose the sales price they kept."""
    env["product.template"].with_context(active_test=False).search([
        ("aftersales_part_class", "=", "core_ip"), ("list_price", "!=", 0.0),
    ]).write({"list_price": 0.0})
