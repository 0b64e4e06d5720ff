from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..models.product_template import PART_CLASSES


class AftersalesStockAgingOverview(models.TransientModel):
    """The stock aging at a glance: the share of parts stock younger than the company's aging
    boundary against its target (Settings: 80% within 3 months by default), the age buckets per warehouse and part class, the slow and dead movers;
    printable."""

    _name = "aftersales.stock.aging.overview"
    _description = "Spare-Parts Stock Aging Overview"

    # the dashboard's title in the breadcrumb, rather than "New"
    name = fields.Char(default=lambda self: _("Stock Aging"), readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, readonly=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    warehouse_ids = fields.Many2many(
        "stock.warehouse",
        string="Warehouses",
        domain="[('company_id', '=', company_id)]",
        help="Leave empty for all warehouses.",
    )
    part_class = fields.Selection(
        [item for item in PART_CLASSES if item[0] != "finished"],
        help="Leave empty for all spare parts.",
    )
    slow_months = fields.Integer(
        string="Slow Beyond (months)", default=6, required=True,
        help="A part is a slow mover when its stock covers more than this many months of "
        "its average consumption.",
    )
    dead_months = fields.Integer(
        string="Dead After (months)", default=12, required=True,
        help="A part is a dead mover when nothing was consumed in this many months; the "
        "average consumption of slow movers is taken over the same period.",
    )
    target = fields.Float(related="company_id.aftersales_aging_target", string="Target (%)")
    aging_months = fields.Integer(related="company_id.aftersales_aging_months")
    total_quantity = fields.Float(
        string="Stock", digits="Product Unit of Measure", compute="_compute_summary"
    )
    total_value = fields.Monetary(string="Stock Value", compute="_compute_summary")
    share_quantity = fields.Float(
        string="Young Stock (%)", digits=(5, 1), compute="_compute_summary",
        help="Share of the parts' stock quantity that came in less than the company's stock-aging "
        "boundary ago (Settings).",
    )
    share_value = fields.Float(
        string="Young Stock, by Value (%)", digits=(5, 1), compute="_compute_summary"
    )
    is_on_target = fields.Boolean(compute="_compute_summary")
    mover_count = fields.Integer(string="Slow and Dead Movers", compute="_compute_summary")
    summary_html = fields.Html(compute="_compute_summary", sanitize=False)

    @api.constrains("slow_months", "dead_months")
    def _check_months(self):
        for overview in self:
            if overview.slow_months < 1 or overview.dead_months < 1:
                raise ValidationError(_("The slow and dead mover periods must be at least one month."))

    @api.depends("company_id", "warehouse_ids", "part_class", "slow_months", "dead_months")
    def _compute_summary(self):
        for overview in self:
            summary = overview._get_summary()
            total = summary["total"]
            overview.total_quantity = total["quantity"]
            overview.total_value = total["value"]
            overview.share_quantity = total["share_quantity"]
            overview.share_value = total["share_value"]
            overview.is_on_target = total["on_target"]
            overview.mover_count = len(summary["movers"])
            overview.summary_html = self.env["ir.qweb"]._render(
                "aftersales.stock_aging_summary", {"summary": summary, "overview": overview}
            )

    def _get_summary(self):
        self.ensure_one()
        return self.env["aftersales.stock.aging.report"]._get_aging_summary(
            self.company_id,
            warehouses=self.warehouse_ids,
            part_class=self.part_class,
            slow_months=max(self.slow_months, 1),
            dead_months=max(self.dead_months, 1),
        )

    def _get_report_domain(self):
        self.ensure_one()
        domain = [("company_id", "=", self.company_id.id)]
        if self.warehouse_ids:
            domain.append(("warehouse_id", "in", self.warehouse_ids.ids))
        if self.part_class:
            domain.append(("part_class", "=", self.part_class))
        return domain

    def action_open_analysis(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "aftersales.aftersales_stock_aging_report_action"
        )
        action["domain"] = self._get_report_domain()
        return action

    def action_print(self):
        return self.env.ref("aftersales.action_report_aftersales_stock_aging").report_action(self, data={})
