from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    recompute_satisfaction(env)


def recompute_satisfaction(env):
    """The call-back stores its satisfaction index and weight w from this version on, and both
    analysis views sum them: every call-back gets both from its scores and the current weight of
    its product's category or company, as the views computed them before. (The update fills a
    new stored column itself; this makes the figures certain whatever the column held.)"""
    Callback = env["aftersales.callback"].with_context(active_test=False)
    callbacks = Callback.search([])
    for fname in ("satisfaction_weight", "satisfaction"):
        env.add_to_compute(Callback._fields[fname], callbacks)
    callbacks.flush_recordset(["satisfaction_weight", "satisfaction"])
