from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    reassign_odoobot_callbacks(env)


def reassign_odoobot_callbacks(env):
    """Call-backs scheduled by a job or at install went to OdooBot, whom nobody reads: the
    planned ones go to the outbound agents in turn, else the company's call-back agent, with
    their call-back activity; else their claim's reviewer; unassigned when none of them is set
    (nothing for OdooBot)."""
    Callback = env["aftersales.callback"]
    stranded = Callback.search([("user_id", "=", SUPERUSER_ID), ("state", "=", "planned")])
    stranded.activity_unlink(["aftersales.mail_activity_type_satisfaction_callback"])
    for company in stranded.company_id:
        callbacks = stranded.filtered(lambda c: c.company_id == company).sorted("id")
        agents = Callback._get_next_agents(company, len(callbacks))
        for callback, agent in zip(callbacks, agents):
            reviewer = callback.claim_id.reviewer_id
            callback.user_id = agent or (reviewer if reviewer.id != SUPERUSER_ID else False)
    stranded.filtered("user_id")._schedule_activities()
