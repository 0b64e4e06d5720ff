from odoo import fields, models


class AftersalesDocumentStep(models.Model):
    """One step of a procedure's process map (handbook, section 7, step 2: draw each flow): who
    does what, in order, and what it produces."""

    _name = "aftersales.document.step"
    _description = "Process Map Step"
    _order = "page_id, sequence, id"

    page_id = fields.Many2one("document.page", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="page_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Step", required=True, translate=True)
    role = fields.Char(translate=True, help="The position that carries the step out.")
    output = fields.Char(translate=True, help="What the step produces (a record, a decision...).")
