from odoo import fields, models


class HrJob(models.Model):
    """The positions of the handbook's groups (section 2), each in its service team."""

    _inherit = "hr.job"

    aftersales_team_id = fields.Many2one(
        "aftersales.team", string="Service Team", index="btree_not_null", check_company=True,
        help="The after-sales team this position works in.",
    )
