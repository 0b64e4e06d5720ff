from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    set_hotline_role(env)


def set_hotline_role(env):
    """Roles of the department: the shipped Service Hotline team (a noupdate record created
    before teams had a role) is the hotline, unless someone gave it a role already."""
    hotline = env.ref("aftersales.aftersales_team_hotline", raise_if_not_found=False)
    if hotline and not hotline.role:
        hotline.role = "hotline"
