from urllib.parse import quote

from odoo import _, http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal, pager as portal_pager

from .portal import readonly_unless_after_write


class AftersalesStatementPortal(CustomerPortal):
    """Dealers' statements on the portal: list, page, PDF, confirm or dispute, gift credit.

    The list, the page and its PDF only read (``readonly``, served from the read replica where
    there is one); confirming and disputing write, and redirect to the page read on the primary.
    """

    _statements_per_page = 20

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "aftersales_statement_counter" in counters:
            Statement = request.env["aftersales.statement"]
            values["aftersales_statement_counter"] = (
                Statement.search_count([]) if Statement.has_access("read") else 0
            )
        return values

    def _get_gift_credit_values(self):
        """The dealer's gift-credit balance and movements (the eWallet card is the company's)."""
        partner = request.env.user.partner_id.commercial_partner_id
        program = request.env.company.sudo().aftersales_gift_program_id
        card = request.env["loyalty.card"].sudo().search(
            [("program_id", "=", program.id), ("partner_id", "=", partner.id)], limit=1
        ) if program else request.env["loyalty.card"]
        history = request.env["loyalty.history"].sudo().search(
            [("card_id", "=", card.id)], limit=50
        ) if card else request.env["loyalty.history"]
        return {
            "gift_card": card,
            "gift_history": history,
            "gift_currency": program.currency_id or request.env.company.currency_id,
        }

    @http.route(["/my/statements", "/my/statements/page/<int:page>"], type="http",
                auth="user", website=True, readonly=True)
    def portal_my_statements(self, page=1, **kw):
        # refused to anyone but a dealer's contact, as every other after-sales portal list
        if not self._aftersales_dealer():
            return self._aftersales_not_found()
        Statement = request.env["aftersales.statement"]
        count = Statement.search_count([])
        pager = portal_pager(
            url="/my/statements", total=count, page=page, step=self._statements_per_page
        )
        statements = Statement.search(
            [], limit=self._statements_per_page, offset=pager["offset"]
        )
        values = self._prepare_portal_layout_values()
        values.update({
            "statements": statements,
            "pager": pager,
            "page_name": "aftersales_statement",
            "default_url": "/my/statements",
            **self._get_gift_credit_values(),
        })
        return request.render("aftersales.portal_my_statements", values)

    @http.route(["/my/statements/<int:statement_id>"], type="http", auth="public", website=True,
                readonly=readonly_unless_after_write)
    def portal_my_statement(self, statement_id, access_token=None, report_type=None,
                            download=False, message=None, **kw):
        try:
            statement = self._document_check_access(
                "aftersales.statement", statement_id, access_token=access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        if report_type in ("html", "pdf", "text"):
            return self._show_report(
                model=statement, report_type=report_type,
                report_ref="aftersales.action_report_aftersales_statement", download=download,
            )
        values = self._get_page_view_values(
            statement, access_token,
            {"statement": statement, "page_name": "aftersales_statement", "message": message,
             **self._get_gift_credit_values()},
            "my_statements_history", False,
        )
        return request.render("aftersales.portal_my_statement", values)

    @http.route(["/my/statements/<int:statement_id>/confirm"], type="http", auth="user",
                methods=["POST"], website=True)
    def portal_statement_confirm(self, statement_id, access_token=None, **kw):
        return self._portal_statement_answer(statement_id, access_token, "confirm")

    @http.route(["/my/statements/<int:statement_id>/dispute"], type="http", auth="user",
                methods=["POST"], website=True)
    def portal_statement_dispute(self, statement_id, access_token=None, dispute_message="", **kw):
        return self._portal_statement_answer(statement_id, access_token, "dispute", dispute_message)

    def _portal_statement_answer(self, statement_id, access_token, answer, message=""):
        try:
            statement = self._document_check_access(
                "aftersales.statement", statement_id, access_token=access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        partner = request.env.user.partner_id.commercial_partner_id
        if statement.dealer_id != partner:
            return request.redirect("/my")
        # the dealer's portal user answers its own statement: checked above, then done as sudo,
        # as that user (the access check returns the statement as superuser), so the answer and
        # the chatter message name the dealer's user
        statement = statement.with_user(request.env.user).sudo()
        try:
            # a refused answer leaves nothing half-written (confirming may invoice the month)
            with request.env.cr.savepoint():
                if answer == "confirm":
                    statement.action_confirm()
                else:
                    statement.action_dispute(message)
        except UserError as error:
            return request.redirect(f"/my/statements/{statement.id}?message={quote(error.args[0])}")
        message = (_("Thank you: the statement is confirmed.") if answer == "confirm"
                   else _("Thank you: we will look into your message."))
        return request.redirect(f"/my/statements/{statement.id}?message={quote(message)}")
