from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """Pin the settlement price list on dealers, and on their contacts, that had it only as the
    company's fallback list (see res.partner._aftersales_sync_pricelist)."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    dealers = env["res.partner"].with_context(active_test=False).search([("is_dealer", "=", True)])
    dealers._aftersales_sync_pricelist()
    for dealer in dealers:
        dealer.with_company(dealer.company_id or env.company)._aftersales_sync_pricelist_to_contacts()
