from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class AftersalesAuditLine(models.Model):
    """One item of an audit's checklist, copied from the template, with its score."""

    _name = "aftersales.audit.line"
    _description = "Dealer Audit Line"
    _order = "audit_id, sequence, id"

    audit_id = fields.Many2one("aftersales.audit", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="audit_id.company_id", store=True, index=True)
    item_id = fields.Many2one("aftersales.audit.template.item", string="Template Item", ondelete="set null")
    # copied from the template's item when the line is made, in the user's language, and kept:
    # a later change of the template does not change a done audit
    sequence = fields.Integer(compute="_compute_from_item", store=True, readonly=False, precompute=True)
    section = fields.Char(compute="_compute_from_item", store=True, readonly=False, precompute=True)
    name = fields.Char(
        string="Item", required=True, compute="_compute_from_item", store=True, readonly=False,
        precompute=True,
    )
    guidance = fields.Text(compute="_compute_from_item", store=True, readonly=False, precompute=True)
    max_score = fields.Float(
        string="Max Score", required=True, compute="_compute_from_item", store=True,
        readonly=False, precompute=True,
    )
    weight = fields.Float(
        required=True, compute="_compute_from_item", store=True, readonly=False, precompute=True
    )
    score = fields.Float()
    note = fields.Text(help="The finding: what the auditor or the dealer saw.")
    action_ids = fields.One2many("aftersales.audit.action", "line_id", string="Corrective Actions")

    @api.depends("item_id")
    def _compute_from_item(self):
        for line in self:
            item = line.item_id
            if not item:
                line.sequence = line.sequence or 10
                line.max_score = line.max_score or 5.0
                line.weight = line.weight or 1.0
                continue
            line.sequence = item.sequence
            line.section = item.section
            line.name = item.name
            line.guidance = item.guidance
            line.max_score = item.max_score
            line.weight = item.weight

    @api.constrains("score", "max_score")
    def _check_score(self):
        for line in self:
            if not 0.0 <= line.score <= line.max_score:
                raise ValidationError(
                    _("%(audit)s, %(item)s: the score must lie between 0 and %(max)s (it is %(score)s).",
                      audit=line.audit_id.display_name, item=line.name, max=line.max_score,
                      score=line.score)
                )
