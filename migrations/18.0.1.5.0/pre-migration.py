from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    drop_invoice_on_delivery_setting(env)


def drop_invoice_on_delivery_setting(env):
    """Dealers settled per order are invoiced monthly now, never on delivery: the setting
    "Invoice Dealers on Delivery" is gone. Its Settings block is deleted before the views are
    loaded again (the block is then recreated without it); updated in place, the block would
    still name the removed field while the main Settings view is checked."""
    view = env.ref("aftersales.res_config_settings_view_form_settlement", raise_if_not_found=False)
    if view:
        view.unlink()
