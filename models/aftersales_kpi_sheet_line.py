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
        string="No Data",
        help="Nothing to measure in the period (no claim decided, or no value entered yet): "
        "scored as the scheme says (Item without Data): left out with its weight shared by "
        "the measured items, or scored 1 as if on target.",
    )
    # Not precomputed: a line's weight depends on the other lines of its sheet, all created
    # in one go by the period.
    score = fields.Float(compute="_compute_score", store=True, digits=(6, 3), aggregator="avg")
    applied_weight = fields.Float(
        string="Applied Weight (%)", compute="_compute_score", store=True, digits=(5, 2),
        aggregator="avg",
        help="The weight the item counts with on this sheet: its weight, 0 when it has no data "
        "and the scheme leaves such items out, the measured items' weights then scaled up to "
        "100 %.",
    )
    weighted_score = fields.Float(
        compute="_compute_score", store=True, digits=(6, 3), aggregator="avg"
    )

    # Item parameters and the scheme's rule are read, not depended on: changing a scheme never
    # rewrites past sheets, a recompute of the period does.
    @api.depends("value", "no_data", "weight", "sheet_id.line_ids.no_data",
                 "sheet_id.line_ids.weight")
    def _compute_score(self):
        for sheet in self.sheet_id:
            mine = self.filtered(lambda line, sheet=sheet: line.sheet_id == sheet)
            lines = sheet.line_ids | mine
            counted = lines.filtered(lambda line: not line.no_data)
            if sheet.scheme_id.no_data_rule == "on_target" or not counted:
                counted = lines
            scale = sum(lines.mapped("weight")) / (sum(counted.mapped("weight")) or 1.0)
            for line in mine:
                if line not in counted:
                    line.update({"score": 0.0, "applied_weight": 0.0, "weighted_score": 0.0})
                    continue
                score = 1.0 if line.no_data else line.item_id._score(line.value)
                applied_weight = line.weight * scale
                line.update({
                    "score": score,
                    "applied_weight": applied_weight,
                    "weighted_score": score * applied_weight / 100.0,
                })
        self.filtered(lambda line: not line.sheet_id).update(
            {"score": 0.0, "applied_weight": 0.0, "weighted_score": 0.0}
        )

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
