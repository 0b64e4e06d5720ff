from odoo import api, fields, models


class AftersalesAuditTemplate(models.Model):
    """A checklist of a dealer service audit: scored items grouped by section (the handbook's
    workshop inspection, reception, 6S, equipment duty, fire safety, hand-over)."""

    _name = "aftersales.audit.template"
    _description = "Dealer Audit Template"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", index=True, help="Leave empty to share the template between all companies."
    )
    note = fields.Text(translate=True, help="What the audit is for and how to score it.")
    item_ids = fields.One2many("aftersales.audit.template.item", "template_id", string="Items", copy=True)
    item_count = fields.Integer(compute="_compute_item_count")
    max_score_total = fields.Float(
        string="Maximum Score", compute="_compute_item_count",
        help="The sum of the items' maximum scores, each times its weight.",
    )

    @api.depends("item_ids.max_score", "item_ids.weight")
    def _compute_item_count(self):
        for template in self:
            template.item_count = len(template.item_ids)
            template.max_score_total = sum(item.max_score * item.weight for item in template.item_ids)

    def _prepare_audit_line_vals(self):
        """The lines of an audit made from the template: one per item, in the item's order."""
        self.ensure_one()
        return [{"item_id": item.id} for item in self.item_ids]
