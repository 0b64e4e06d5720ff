from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    approve_kpi_schemes_in_use(env)


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
