from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _action_done(self):
        res = super()._action_done()
        self._invoice_dealer_orders_per_order()
        return res

    def _invoice_dealer_orders_per_order(self):
        """Dealers settled per order: each delivered parts order is invoiced on delivery.
        Dealers settled monthly or quarterly wait for the statement run."""
        orders = self.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state == "done"
        ).sale_id.filtered(
            lambda o: o.partner_invoice_id.commercial_partner_id.is_dealer
            and o.partner_invoice_id.commercial_partner_id.claim_settlement_mode == "per_claim"
            and o.invoice_status == "to invoice"
            and o.company_id.aftersales_invoice_on_delivery
        )
        # a company without a sales journal (no chart of accounts yet) invoices nothing
        journals = self.env["account.journal"].sudo()._read_group(
            [("type", "=", "sale"), ("company_id", "in", orders.company_id.ids)], ["company_id"]
        )
        companies = {company for (company,) in journals}
        orders = orders.filtered(lambda o: o.company_id in companies)
        if not orders:
            return
        # storekeepers need no invoicing rights: the delivery is what invoices the dealer
        invoices = orders.sudo()._create_invoices(grouped=True)
        invoices.action_post()
