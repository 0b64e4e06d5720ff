from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class AftersalesAuditTemplateItem(models.Model):
    _name = "aftersales.audit.template.item"
    _description = "Dealer Audit Template Item"
    _order = "template_id, sequence, id"

    template_id = fields.Many2one(
        "aftersales.audit.template", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    section = fields.Char(
        required=True, translate=True, help="The checklist's section: reception, 6S, fire safety ..."
    )
    name = fields.Char(string="Item", required=True, translate=True)
    guidance = fields.Text(translate=True, help="What the auditor looks at to score the item.")
    max_score = fields.Float(string="Max Score", default=5.0, required=True)
    weight = fields.Float(default=1.0, required=True, help="How much the item counts in the score.")

    @api.constrains("max_score", "weight")
    def _check_max_score(self):
        for item in self:
            if item.max_score <= 0 or item.weight <= 0:
                raise ValidationError(
                    _("Audit item %(item)s: its maximum score and weight must be above zero.",
                      item=item.name)
                )
