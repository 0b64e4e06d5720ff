from odoo import api, models


class ReportPartsQuote(models.AbstractModel):
    """The parts quote PDF (list price, tax and logistics): printed only for a dealer."""

    _name = "report.aftersales.report_parts_quote"
    _description = "Parts Quote Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        orders = self.env["sale.order"].browse(docids)
        # the channel rule, whoever prints: the back office, the send wizard or the portal
        orders._check_aftersales_parts_channel()
        return {"doc_ids": docids, "doc_model": "sale.order", "docs": orders, "data": data}
