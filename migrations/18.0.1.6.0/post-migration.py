from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    assign_unreviewed_claims(env)


def assign_unreviewed_claims(env):
    """From this version on, every submitted claim has a reviewer (the company's default claim
    reviewer, else its After-Sales users in turn). Claims submitted before without one get theirs
    now, with the review activity, so that they no longer wait for nobody."""
    claims = env["aftersales.claim"].search(
        [("state", "=", "submitted"), ("reviewer_id", "=", False)], order="submit_date, id"
    )
    claims._assign_reviewers()
    claims.filtered("reviewer_id")._schedule_review_activities()
