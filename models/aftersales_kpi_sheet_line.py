from odoo import _, api, fields, models
from odoo.exceptions import UserError


class AftersalesKpiSheetLine(models.Model):
    _name = "aftersales.kpi.sheet.line"
    _description = "KPI Appraisal Sheet Line"
    _order = "sheet_id, sequence, id"

    sheet_id = fields.Many2one(
        "aftersales.kpi.sheet", required=True, ondelete="cascade", index=True, readonly=True
    )
    item_id = fields.Many2one("aftersales.kpi.item", required=True, ondelete="cascade",
                              readonly=True, index=True)
    # precompute: the period creates every line in one create; its stored related fields and
    # scores go into the INSERT rather than into UPDATEs of every new line
    sequence = fields.Integer(related="item_id.sequence", store=True, precompute=True)
    name = fields.Char(related="item_id.name")
    unit = fields.Char(related="item_id.unit")
    target = fields.Float(related="item_id.target")
    kpi_class = fields.Selection(related="item_id.kpi_class", store=True, precompute=True, string="Class")
    measure = fields.Selection(related="item_id.measure")
    period_id = fields.Many2one(related="sheet_id.period_id", store=True, index=True, precompute=True)
    employee_id = fields.Many2one(related="sheet_id.employee_id", store=True, index=True, precompute=True)
    company_id = fields.Many2one(related="sheet_id.company_id", store=True, index=True, precompute=True)
    date_from = fields.Date(related="sheet_id.date_from", store=True, precompute=True)
    state = fields.Selection(related="sheet_id.state")
    weight = fields.Float(string="Weight (%)", digits=(5, 2), readonly=True, aggregator="avg")
    value = fields.Float(string="Measured Value", digits=(12, 2), aggregator="avg")
    no_data = fields.Boolean(
        help="Nothing to measure in the period (no claim reviewed, or no value entered yet): the "
        "item is scored 1, as if on target.",
    )
    score = fields.Float(
        compute="_compute_score", store=True, precompute=True, digits=(6, 3), aggregator="avg"
    )
    weighted_score = fields.Float(
        compute="_compute_score", store=True, precompute=True, digits=(6, 3), aggregator="avg"
    )

    # Item parameters are read, not depended on: changing a scheme never rewrites past sheets,
    # a recompute of the period does.
    @api.depends("value", "no_data", "weight")
    def _compute_score(self):
        for line in self:
            line.score = 1.0 if line.no_data else line.item_id._score(line.value)
            line.weighted_score = line.score * line.weight / 100.0

    def write(self, vals):
        if "value" in vals:
            for line in self:
                if line.measure != "manual" or line.state not in ("draft", "computed"):
                    raise UserError(_(
                        "Appraisal sheet %(sheet)s: %(item)s is measured from the service data "
                        "or the period is no longer being computed; only values entered by hand "
                        "can be changed, before the discussion starts.",
                        sheet=line.sheet_id.name, item=line.name,
                    ))
            vals.setdefault("no_data", False)
        return super().write(vals)
