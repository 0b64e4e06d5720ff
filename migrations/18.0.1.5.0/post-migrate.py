from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    clear_core_ip_prices(env)


def clear_core_ip_prices(env):
    """Core IP parts have no sales price from this version on (read-only 0 in the form, a price
    refused): the core IP parts of every company, archived ones and the demo data's included,
    lose the sales price they kept."""
    env["product.template"].with_context(active_test=False).search([
        ("aftersales_part_class", "=", "core_ip"), ("list_price", "!=", 0.0),
    ]).write({"list_price": 0.0})
