from collections import OrderedDict

from odoo import _, fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request
from odoo.osv import expression
from odoo.tools import escape_psql, format_date
from odoo.tools.mimetypes import guess_mimetype

from odoo.addons.portal.controllers.portal import CustomerPortal, pager as portal_pager

from ..models.aftersales_claim_line import LINE_FEE_TYPES

PAGE_SIZE = 20
PARTS_PAGE_SIZE = 40
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UPLOADS = 5
MAX_REQUEST_BYTES = MAX_UPLOAD_BYTES * MAX_UPLOADS + 1024 * 1024
FEE_LINE_TYPES = {fee: line_type for line_type, fees in LINE_FEE_TYPES.items() for fee in fees}
# The query parameters of the page a write redirects to ("?success=submitted", "?message=..."):
# that page is read on the primary database (see ``readonly_unless_after_write``).
AFTER_WRITE_PARAMS = ("success", "message")
# {portal status: (badge colour, icon)} of a claim, in the colours Odoo's portal gives orders and
# invoices. "sent_back" is a draft the reviewer sent back: it waits for the dealer's answer.
CLAIM_BADGES = {
    "draft": ("secondary", "fa-pencil"),
    "sent_back": ("warning", "fa-question-circle"),
    "submitted": ("info", "fa-clock-o"),
    "approved": ("success", "fa-check"),
    "partially_approved": ("success", "fa-check"),
    "settled": ("success", "fa-money"),
    "closed": ("secondary", "fa-lock"),
    "rejected": ("danger", "fa-ban"),
    "cancelled": ("danger", "fa-remove"),
}


def readonly_unless_after_write(controller):
    """``readonly`` of a portal page that only reads, but is also where a write redirects to.

    A route declared ``readonly=True`` runs on a cursor of the read replica when Odoo has one
    (``db_replica_host``); if it tries to write, Odoo rolls back and runs it again read/write on
    the primary. A replica replays the primary's changes a moment later: the page a dealer is
    sent to just after saving a claim or answering a statement (``?success=...``,
    ``?message=...``) is read on the primary, so that it shows what was just written; every
    other view of it is read on the replica. Odoo calls this with the controller, during the
    request.
    """
    return not any(param in request.httprequest.args for param in AFTER_WRITE_PARAMS)


def readonly_on_get(controller):
    """``readonly`` of a page that shows a form (GET, read on the replica) and takes it (POST,
    written on the primary)."""
    return request.httprequest.method == "GET"


class AftersalesPortal(CustomerPortal):
    """The dealer portal: machines, warranty claims, parts prices and parts quotes.

    Portal users only read, through the record rules of their dealer; everything they change goes
    through the routes below, which check that the record belongs to their dealer and then call
    the models' own methods (as superuser) so the back office's checks apply unchanged.

    The pages that only read are declared ``readonly``: where a read replica is configured
    (``db_replica_host``) Odoo serves them from it. The routes that write (POST) are read/write.
    A page that happens to write once (Odoo's portal gives a record its access token the first
    time a link to it is printed) is run again on the primary by Odoo itself.
    """

    def _show_report(self, model, report_type, report_ref, download=False):
        # A parts quote prints as the handbook's quote (list price, tax and logistics), the PDF the
        # back office prints; rendered as Odoo renders a customer's quotation, after its access
        # check, so a dealer downloads its own quote from the quote's page.
        if (report_ref == "sale.action_report_saleorder" and model._name == "sale.order"
                and len(model) == 1 and model.is_parts_quote):
            report_ref = "aftersales.action_report_parts_quote"
        return super()._show_report(model, report_type, report_ref, download=download)

    # ----------------------------------------------------------------- helpers
    def _aftersales_dealer(self):
        """The dealer company of the logged-in portal user, or an empty recordset."""
        partner = request.env.user.partner_id.commercial_partner_id.sudo()
        return partner if partner.is_dealer else partner.browse()

    def _aftersales_part_domain(self):
        """What a dealer may see in the parts catalogue (see
        ``product.product._aftersales_catalogue_domain``)."""
        return request.env["product.product"]._aftersales_catalogue_domain(request.env.company)

    def _aftersales_prices(self, dealer, products, company=None):
        """{product id: (dealer price, market guide price)} in ``company`` (by default the
        portal's), read as superuser: portal users can read no price list, and must see only
        their own list and the market guide list."""
        company = company or request.env.company
        dealer_list = dealer.sudo()._get_aftersales_pricelist(company)
        market_list = company.sudo().aftersales_market_pricelist_id
        prices = (dealer_list | market_list)._get_aftersales_prices_by_list(products)
        dealer_prices = prices[dealer_list.id] if dealer_list else {}
        market_prices = prices[market_list.id] if market_list else {}
        return {
            product.id: (dealer_prices.get(product.id), market_prices.get(product.id))
            for product in products
        }

    def _aftersales_list_page(self, model, domain, order, page, url, url_args, field_names,
                              step=PAGE_SIZE):
        """(the records of the ``page``-th page of ``domain`` in ``order``, the pager), as Odoo's
        own portal lists read them: counted for Odoo's pager (which also reads the page number:
        anything but a number is the first page, a page past the last is the last), then the
        page at the pager's offset, both searched with the user's record rules. The page's
        ``field_names`` are read with it, and only they."""
        pager = portal_pager(
            url=url, url_args=url_args, total=model.search_count(domain), page=page, step=step
        )
        records = model.search_fetch(
            domain, field_names, order=order, limit=step, offset=pager["offset"]
        )
        return records, pager

    def _aftersales_selection(self, model, field_name):
        """{value: label} of a selection field in the user's language, read once for a list page
        and given to Odoo's selection widget (``t-options="{'selection': ...}"``), which
        otherwise describes the field again for every row it prints."""
        return dict(model.fields_get([field_name], ["selection"])[field_name]["selection"])

    def _aftersales_claim_badges(self, claims):
        """{claim id: (label, colour, icon)} of the claims' status badges (``CLAIM_BADGES``),
        the labels in the user's language; a sent-back draft is named as such."""
        labels = self._aftersales_selection(claims, "state")
        labels["sent_back"] = _("Sent Back")
        badges = {}
        for claim in claims:
            status = "sent_back" if claim.state == "draft" and claim.sent_back_question else claim.state
            badges[claim.id] = (labels[status], *CLAIM_BADGES[status])
        return badges

    def _aftersales_not_found(self):
        return request.redirect("/my")

    def _aftersales_check_serial(self, dealer, serial):
        """(machine as superuser, level, message) for a serial typed on the claim form, found by
        the archive's serial lookup (``stock.lot._aftersales_find_machine``): unknown, another
        dealer's machine, not registered and out of warranty are said before submitting."""
        serial = (serial or "").strip()
        Lot = request.env["stock.lot"]
        if not serial:
            return Lot.sudo(), "danger", _("Enter the serial number on the machine's rating plate.")
        lots, problem = Lot._aftersales_find_machine(serial, dealer=dealer)
        if problem == "unknown":
            return Lot.sudo(), "danger", _(
                "Serial number %(serial)s is not in the product archive. Check it on the "
                "machine's rating plate.",
                serial=serial,
            )
        if problem == "other_dealer":
            # Say nothing about whose machine it is.
            return Lot.sudo(), "danger", _(
                "Machine %(serial)s was not delivered to you and its end user is not served by "
                "you: only the selling or serving dealer can claim it.",
                serial=serial,
            )
        if problem == "several":
            # the dealer's own machines of several products: name them, it may claim them all
            return Lot.sudo(), "danger", _(
                "Serial number %(serial)s is on several of your machines (%(products)s): ask "
                "the after-sales department to file this claim.",
                serial=serial,
                products=", ".join(lots.sudo().product_id.mapped("display_name")),
            )
        lot = lots.sudo()
        if not lot.end_user_id:
            return lot, "danger", _(
                "Machine %(serial)s is not registered to an end user yet: register it first "
                "(My Machines), then file the claim.",
                serial=serial,
            )
        if lot.warranty_state != "under_warranty":
            return lot, "warning", _(
                "Machine %(serial)s (%(product)s) is out of warranty since %(end)s: a failure "
                "after that date can only be claimed as goodwill.",
                serial=serial,
                product=lot.product_id.display_name,
                end=format_date(request.env, lot.warranty_end_date),
            )
        return lot, "success", _(
            "%(product)s, serial %(serial)s, of %(end_user)s: under warranty until %(end)s.",
            product=lot.product_id.display_name,
            serial=serial,
            end_user=lot.end_user_id.name,
            end=format_date(request.env, lot.warranty_end_date),
        )

    def _aftersales_float(self, value, default=0.0):
        try:
            return float(value or default)
        except (TypeError, ValueError):
            return None

    def _aftersales_int(self, value):
        try:
            return int(value)
        except (TypeError, ValueError):
            return 0

    def _aftersales_attach_files(self, claim_sudo, files, body=None):
        """Attach uploaded photos or PDFs to the claim (or another record with a chatter: an
        audit, a corrective action) at most 10 MB each, and post them on its chatter with
        ``body``. Raises UserError on a file of another type or size: nothing is attached then."""
        files = [f for f in files if f and f.filename]
        if not files:
            return request.env["ir.attachment"]
        if len(files) > MAX_UPLOADS:
            raise UserError(_("Attach at most %(count)s files at a time.", count=MAX_UPLOADS))
        vals_list = []
        for upload in files:
            content = upload.read(MAX_UPLOAD_BYTES + 1)
            if len(content) > MAX_UPLOAD_BYTES:
                raise UserError(
                    _("%(file)s is larger than 10 MB: send a smaller photo.", file=upload.filename)
                )
            mimetype = guess_mimetype(content)
            if not (mimetype.startswith("image/") and mimetype != "image/svg+xml") and mimetype != "application/pdf":
                raise UserError(
                    _(
                        "%(file)s is not a photo or a PDF (%(type)s): only images and PDF files "
                        "can be attached to a claim.",
                        file=upload.filename,
                        type=mimetype,
                    )
                )
            vals_list.append({
                "name": upload.filename,
                "raw": content,
                "mimetype": mimetype,
                "res_model": claim_sudo._name,
                "res_id": claim_sudo.id,
            })
        attachments = request.env["ir.attachment"].sudo().create(vals_list)
        claim_sudo.message_post(
            body=body or _("Photos and documents from the dealer."),
            attachment_ids=attachments.ids,
            author_id=request.env.user.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        return attachments

    # -------------------------------------------------------------------- home
    def _prepare_home_portal_values(self, counters):
        # The after-sales counters' names do not end in "_count": Odoo remembers in the session
        # which "..._count" counters are not zero, and then draws their entries without a
        # counter. The home page shows the after-sales entries with theirs, on every visit
        # (static/src/scss/portal.scss).
        values = super()._prepare_home_portal_values(counters)
        dealer = self._aftersales_dealer()
        if not counters:  # the home page itself; /my/counters must answer counters only
            values["is_aftersales_dealer"] = bool(dealer)
        if "aftersales_machine_counter" in counters:
            values["aftersales_machine_counter"] = (
                request.env["stock.lot"].search_count(self._aftersales_machine_domain(dealer))
                if dealer else 0
            )
        if "aftersales_claim_counter" in counters:
            values["aftersales_claim_counter"] = (
                request.env["aftersales.claim"].search_count([("dealer_id", "=", dealer.id)])
                if dealer else 0
            )
        if "aftersales_part_counter" in counters:
            values["aftersales_part_counter"] = (
                request.env["product.product"].sudo().search_count(self._aftersales_part_domain())
                if dealer else 0
            )
        return values

    # ---------------------------------------------------------------- machines
    def _aftersales_machine_domain(self, dealer):
        """The dealer's machines: those delivered to it or to one of its contacts. The
        machines' portal rule keeps a dealer to them as well; the contacts are read as
        superuser, so that the portal rules of partners are not added to every machine query."""
        partners = request.env["res.partner"].sudo().search(
            [("commercial_partner_id", "=", dealer.id)], order="id"
        )
        return [("is_machine", "=", True), ("dealer_id", "in", partners.ids)]

    @http.route(
        ["/my/machines", "/my/machines/page/<int:page>"], type="http", auth="user", website=True, readonly=True
    )
    def portal_my_machines(self, page=1, search=None, filterby="all", sortby="serial", **kw):
        dealer = self._aftersales_dealer()
        if not dealer:
            return self._aftersales_not_found()
        filters = OrderedDict([
            ("all", {"label": _("All"), "domain": []}),
            ("under_warranty", {"label": _("Under warranty"), "domain": [("warranty_state", "=", "under_warranty")]}),
            ("not_registered", {"label": _("Not yet registered"), "domain": [("warranty_state", "=", "not_registered")]}),
            ("expired", {"label": _("Expired"), "domain": [("warranty_state", "=", "expired")]}),
        ])
        sortings = {
            "serial": {"label": _("Serial Number"), "order": "name"},
            "warranty": {"label": _("Warranty End"), "order": "warranty_end_date desc, name"},
            "delivery": {"label": _("Delivery Date"), "order": "dealer_delivery_date desc, name"},
        }
        filterby = filterby if filterby in filters else "all"
        sortby = sortby if sortby in sortings else "serial"
        domain = self._aftersales_machine_domain(dealer) + filters[filterby]["domain"]
        if search:
            domain = expression.AND([domain, [("name", "ilike", search.strip())]])
        machines, pager = self._aftersales_list_page(
            request.env["stock.lot"], domain, sortings[sortby]["order"], page, "/my/machines",
            {"search": search, "filterby": filterby, "sortby": sortby},
            ["name", "product_id", "end_user_id", "warranty_state", "warranty_end_date"],
        )
        # searched with the dealer's rules; the product and end user names read as superuser,
        # and only them
        machines = machines.sudo()
        self._aftersales_prefetch_product_names(machines.product_id)
        machines.end_user_id.fetch(["name"])
        values = self._prepare_portal_layout_values()
        values.update({
            "machines": machines,
            "warranty_labels": self._aftersales_selection(machines, "warranty_state"),
            "page_name": "aftersales_machine",
            "pager": pager,
            "default_url": "/my/machines",
            "searchbar_inputs": {"serial": {"input": "serial", "label": _("Search in Serial Number")}},
            "search_in": "serial",
            "search": search,
            "searchbar_filters": filters,
            "filterby": filterby,
            "searchbar_sortings": sortings,
            "sortby": sortby,
        })
        return request.render("aftersales.portal_my_machines", values)

    def _aftersales_machine_page(self, lot_sudo, **extra):
        self._aftersales_prefetch_product_names(lot_sudo.product_id)
        lot_sudo.product_id.product_tmpl_id.fetch(["name", "warranty_months"])
        lot_sudo.end_user_id.fetch(["name", "phone", "email"])
        values = self._prepare_portal_layout_values()
        values.update({
            "machine": lot_sudo,
            "claims": request.env["aftersales.claim"].search_fetch(
                [("lot_id", "=", lot_sudo.id)],
                ["name", "date", "state", "sent_back_question", "amount_claimed", "amount_approved", "company_id"],
            ).sudo(),
            "page_name": "aftersales_machine",
            "today": fields.Date.context_today(request.env.user),
            "form": {},
            # replacement serials: the modules the machine carries, read with the dealer's rights
            "components": request.env["aftersales.machine.component"].search_fetch(
                [("machine_id", "=", lot_sudo.id), ("is_current", "=", True)],
                ["product_id", "lot_id", "date_installed", "replaced_component_id", "warranty_end_date"],
            ).sudo(),
        })
        values["claim_badges"] = self._aftersales_claim_badges(values["claims"])
        values.update(extra)
        return request.render("aftersales.portal_my_machine", values)

    @http.route(
        ["/my/machines/<int:lot_id>"], type="http", auth="user", website=True,
        readonly=readonly_unless_after_write,
    )
    def portal_my_machine(self, lot_id, **kw):
        try:
            lot_sudo = self._document_check_access("stock.lot", lot_id)
        except (AccessError, MissingError):
            return self._aftersales_not_found()
        if not lot_sudo.is_machine:
            return self._aftersales_not_found()
        return self._aftersales_machine_page(lot_sudo, success=kw.get("success"))

    @http.route(["/my/machines/<int:lot_id>/register"], type="http", auth="user", website=True, methods=["POST"])
    def portal_my_machine_register(self, lot_id, **post):
        dealer = self._aftersales_dealer()
        try:
            lot_sudo = self._document_check_access("stock.lot", lot_id)
        except (AccessError, MissingError):
            return self._aftersales_not_found()
        if not dealer or lot_sudo.dealer_id.commercial_partner_id != dealer or not lot_sudo.is_machine:
            return self._aftersales_not_found()
        if lot_sudo.end_user_id:
            return self._aftersales_machine_page(
                lot_sudo, error=_("Machine %(serial)s is already registered.", serial=lot_sudo.name)
            )
        details = {
            key: (post.get(key) or "").strip()
            for key in ("name", "phone", "email", "street", "city", "zip")
        }
        try:
            registration_date = fields.Date.to_date(post.get("registration_date"))
        except ValueError:
            registration_date = None
        try:
            if not registration_date:
                raise UserError(_("Enter the registration date: the day the end user received the machine."))
            if not (details["phone"] or details["email"]):
                raise UserError(
                    _("Enter the end user's phone number or e-mail: end users are called back after service.")
                )
            # The same end user registered again by this dealer (same e-mail or phone) is updated.
            match = [("is_end_user", "=", True), ("aftersales_dealer_id", "=", dealer.id)]
            keys = [[(key, "=ilike", details[key])] for key in ("email", "phone") if details[key]]
            end_user = request.env["res.partner"].sudo().search(
                expression.AND([match, expression.OR(keys)]), limit=1
            )
            with request.env.cr.savepoint():
                lot_sudo._register_end_user_details(details, registration_date, end_user)
        except (UserError, ValidationError) as error:
            return self._aftersales_machine_page(lot_sudo, error=error.args[0], form=post)
        return request.redirect(f"/my/machines/{lot_sudo.id}?success=registered")

    def _aftersales_prefetch_product_names(self, products):
        """Read what the ``display_name`` of ``products`` needs (code, template name, variant
        values) and only that, as superuser, instead of every column of the variants and their
        templates."""
        products = products.sudo()
        products.fetch(["default_code", "product_tmpl_id", "product_template_attribute_value_ids"])
        products.product_tmpl_id.fetch(["name"])

    # ------------------------------------------------------------------ claims
    def _aftersales_claim_filters(self):
        return OrderedDict([
            ("all", {"label": _("All"), "domain": []}),
            ("draft", {"label": _("Draft"), "domain": [("state", "=", "draft")]}),
            ("sent_back", {"label": _("Sent Back"), "domain": [
                ("state", "=", "draft"), ("sent_back_question", "!=", False)]}),
            ("submitted", {"label": _("Submitted"), "domain": [("state", "=", "submitted")]}),
            ("approved", {"label": _("Approved"), "domain": [("state", "in", ("approved", "partially_approved"))]}),
            ("rejected", {"label": _("Rejected"), "domain": [("state", "=", "rejected")]}),
            ("settled", {"label": _("Settled"), "domain": [("state", "in", ("settled", "closed"))]}),
            ("cancelled", {"label": _("Cancelled"), "domain": [("state", "=", "cancelled")]}),
        ])

    @http.route(
        ["/my/claims", "/my/claims/page/<int:page>"], type="http", auth="user", website=True, readonly=True
    )
    def portal_my_claims(self, page=1, search=None, search_in="all", filterby="all", sortby="date", **kw):
        dealer = self._aftersales_dealer()
        if not dealer:
            return self._aftersales_not_found()
        filters = self._aftersales_claim_filters()
        sortings = {
            "date": {"label": _("Newest"), "order": "date desc, id desc"},
            "name": {"label": _("Claim Number"), "order": "name desc"},
            "state": {"label": _("Status"), "order": "state, date desc, id desc"},
            "amount": {"label": _("Amount Claimed"), "order": "amount_claimed desc, id desc"},
        }
        inputs = {
            "all": {"input": "all", "label": _("Search in Number and Serial")},
            "name": {"input": "name", "label": _("Search in Claim Number")},
            "serial": {"input": "serial", "label": _("Search in Serial Number")},
        }
        filterby = filterby if filterby in filters else "all"
        sortby = sortby if sortby in sortings else "date"
        search_in = search_in if search_in in inputs else "all"
        domain = [("dealer_id", "=", dealer.id)] + filters[filterby]["domain"]
        if search:
            term = search.strip()
            by_input = {
                "name": [("name", "ilike", term)],
                "serial": [("lot_id.name", "ilike", term)],
            }
            by_input["all"] = expression.OR([by_input["name"], by_input["serial"]])
            domain = expression.AND([domain, by_input[search_in]])
        claims, pager = self._aftersales_list_page(
            request.env["aftersales.claim"], domain, sortings[sortby]["order"], page, "/my/claims",
            {"search": search, "search_in": search_in, "filterby": filterby, "sortby": sortby},
            ["name", "date", "lot_id", "product_id", "state", "sent_back_question", "amount_claimed",
             "amount_approved", "company_id"],
        )
        request.session["my_claims_history"] = claims.ids
        # searched with the dealer's rules; the serials and product names read as superuser (a
        # serving dealer's claim may be on another dealer's machine), and only them
        claims = claims.sudo()
        claims.lot_id.fetch(["name"])
        self._aftersales_prefetch_product_names(claims.product_id)
        values = self._prepare_portal_layout_values()
        values.update({
            "claims": claims,
            "claim_badges": self._aftersales_claim_badges(claims),
            "page_name": "aftersales_claim",
            "pager": pager,
            "default_url": "/my/claims",
            "searchbar_inputs": inputs,
            "search_in": search_in,
            "search": search,
            "searchbar_filters": filters,
            "filterby": filterby,
            "searchbar_sortings": sortings,
            "sortby": sortby,
        })
        return request.render("aftersales.portal_my_claims", values)

    def _aftersales_claim_page(self, claim_sudo, access_token=None, **extra):
        # the lines' columns (in one query) and their units' names, without every column of their
        # products
        lines = request.env["aftersales.claim.line"].sudo().search_fetch(
            [("claim_id", "=", claim_sudo.id)],
            ["line_type", "name", "quantity", "product_id", "price_unit", "amount_claimed", "amount_approved"],
        )
        lines.product_id.fetch(["product_tmpl_id"])
        lines.product_id.product_tmpl_id.fetch(["uom_id"])
        self._aftersales_prefetch_product_names(claim_sudo.product_id)
        values = self._prepare_portal_layout_values()
        values.update({
            "claim": claim_sudo,
            "lines": lines,
            "page_name": "aftersales_claim",
            "is_owner": claim_sudo.dealer_id == self._aftersales_dealer(),
            "claim_badges": self._aftersales_claim_badges(claim_sudo),
            "form": {},
        })
        values.update(extra)
        values = self._get_page_view_values(claim_sudo, access_token, values, "my_claims_history", False)
        return request.render("aftersales.portal_my_claim", values)

    def _aftersales_owned_claim(self, claim_id):
        """The claim as superuser if it is the logged-in dealer's, else None."""
        dealer = self._aftersales_dealer()
        try:
            claim_sudo = self._document_check_access("aftersales.claim", claim_id)
        except (AccessError, MissingError):
            return None
        if not dealer or claim_sudo.dealer_id != dealer:
            return None
        return claim_sudo

    @http.route(
        ["/my/claims/<int:claim_id>"], type="http", auth="public", website=True,
        readonly=readonly_unless_after_write,
    )
    def portal_my_claim(self, claim_id, access_token=None, report_type=None, download=False, **kw):
        try:
            claim_sudo = self._document_check_access("aftersales.claim", claim_id, access_token)
        except (AccessError, MissingError):
            return self._aftersales_not_found()
        if report_type in ("html", "pdf", "text"):
            return self._show_report(
                model=claim_sudo, report_type=report_type,
                report_ref="aftersales.action_report_aftersales_claim", download=download,
            )
        messages = {"submitted": _("The claim was submitted for review."),
                    "saved": _("The claim was saved as a draft."),
                    "uploaded": _("The files were attached to the claim.")}
        return self._aftersales_claim_page(claim_sudo, access_token, success=messages.get(kw.get("success")))

    @http.route(["/my/claims/<int:claim_id>/submit"], type="http", auth="user", website=True, methods=["POST"])
    def portal_my_claim_submit(self, claim_id, answer=None, **post):
        claim_sudo = self._aftersales_owned_claim(claim_id)
        if claim_sudo is None:
            return self._aftersales_not_found()
        try:
            with request.env.cr.savepoint():
                if (answer or "").strip():
                    claim_sudo.message_post(
                        body=answer.strip(),
                        author_id=request.env.user.partner_id.id,
                        message_type="comment",
                        subtype_xmlid="mail.mt_comment",
                    )
                claim_sudo.action_submit()
        except (UserError, ValidationError) as error:
            return self._aftersales_claim_page(claim_sudo, error=error.args[0], form={"answer": answer})
        return request.redirect(f"/my/claims/{claim_sudo.id}?success=submitted")

    @http.route(
        ["/my/claims/<int:claim_id>/upload"], type="http", auth="user", website=True, methods=["POST"],
        max_content_length=MAX_REQUEST_BYTES,
    )
    def portal_my_claim_upload(self, claim_id, **post):
        claim_sudo = self._aftersales_owned_claim(claim_id)
        if claim_sudo is None:
            return self._aftersales_not_found()
        try:
            with request.env.cr.savepoint():
                self._aftersales_attach_files(claim_sudo, request.httprequest.files.getlist("photos"))
        except UserError as error:
            return self._aftersales_claim_page(claim_sudo, error=error.args[0])
        return request.redirect(f"/my/claims/{claim_sudo.id}?success=uploaded")

    @http.route(["/my/claims/check_serial"], type="json", auth="user", readonly=True)
    def portal_my_claim_check_serial(self, serial=None, **kw):
        dealer = self._aftersales_dealer()
        if not dealer:
            return {"level": "danger", "message": _("Only dealers can file warranty claims.")}
        lot, level, message = self._aftersales_check_serial(dealer, serial)
        return {"level": level, "message": message, "ok": bool(lot) and level != "danger"}

    def _aftersales_claim_form_values(self, dealer, serial, post=None):
        """Values of the new-claim form: the machine's service BOM parts at the dealer's price,
        and the fees at the rates of the service charge standard valid today."""
        lot, level, message = self._aftersales_check_serial(dealer, serial) if serial else (
            request.env["stock.lot"].sudo(), None, None)
        machine = lot if level in ("success", "warning") else lot.browse()
        Product = request.env["product.product"].sudo()
        # never a core IP part: the dealer claims the module that holds it
        parts = machine.product_id.product_tmpl_id._get_service_bom_parts().filtered(
            lambda part: part.active and part.aftersales_part_class != "core_ip"
        )
        # at the dealer's prices in the company the claim will be filed in
        company = machine.company_id or request.env.company
        part_prices = self._aftersales_prices(dealer, parts, company) if parts else {}
        fees = Product.search([("aftersales_fee_type", "!=", False)], order="aftersales_fee_type, name")
        today = fields.Date.context_today(request.env.user)
        values = self._prepare_portal_layout_values()
        values.update({
            "page_name": "aftersales_claim_new",
            "serial": serial or "",
            "machine": machine,
            "serial_level": level,
            "serial_message": message,
            "parts": parts,
            "part_prices": part_prices,
            "currency": company.currency_id,
            "fees": fees,
            # the rates of the service charge standard's version valid today (the claim date)
            "fee_prices": company.sudo()._get_aftersales_fee_prices(fees, today) if fees else {},
            "today": today,
            "form": post or {},
            # replacement serials: the serial the machine carries, offered as the removed one
            "part_serials": self._aftersales_carried_serials(machine, parts),
        })
        return values

    @http.route(
        ["/my/claims/new"], type="http", auth="user", website=True, methods=["GET", "POST"],
        max_content_length=MAX_REQUEST_BYTES, readonly=readonly_on_get,
    )
    def portal_my_claim_new(self, serial=None, **post):
        dealer = self._aftersales_dealer()
        if not dealer:
            return self._aftersales_not_found()
        if request.httprequest.method == "GET":
            values = self._aftersales_claim_form_values(dealer, serial)
            return request.render("aftersales.portal_my_claim_new", values)
        values = self._aftersales_claim_form_values(dealer, serial, post)
        machine = values["machine"]
        try:
            if not machine:
                raise UserError(values["serial_message"] or _("Enter the serial number."))
            with request.env.cr.savepoint():
                claim_sudo = request.env["aftersales.claim"].sudo().create(
                    self._aftersales_prepare_claim_vals(dealer, machine, values, post)
                )
                self._aftersales_attach_files(claim_sudo, request.httprequest.files.getlist("photos"))
                if post.get("submit"):
                    claim_sudo.action_submit()
        except (UserError, ValidationError) as error:
            values["error"] = error.args[0]
            return request.render("aftersales.portal_my_claim_new", values)
        return request.redirect(
            f"/my/claims/{claim_sudo.id}?success={'submitted' if post.get('submit') else 'saved'}"
        )

    def _aftersales_prepare_claim_vals(self, dealer, machine, values, post):
        failure_date = None
        if post.get("failure_date"):
            try:
                failure_date = fields.Date.to_date(post["failure_date"])
            except ValueError:
                raise UserError(_("Enter the failure date as YYYY-MM-DD."))
        usage = self._aftersales_float(post.get("usage"))
        if usage is None:
            raise UserError(_("Enter the usage at failure as a number."))
        lines = []
        allowed = {
            "part": {p.id: "part" for p in values["parts"]},
            "fee": {f.id: FEE_LINE_TYPES.get(f.aftersales_fee_type, "other") for f in values["fees"]},
        }
        for kind, products in allowed.items():
            for product_id, line_type in products.items():
                quantity = self._aftersales_float(post.get(f"{kind}_qty_{product_id}"))
                if quantity is None:
                    raise UserError(_("Enter quantities as numbers."))
                if quantity:
                    lines.append({"line_type": line_type, "product_id": product_id, "quantity": quantity})
        self._aftersales_claim_line_serials(lines, machine, post)  # replacement serials
        claim_type = post.get("claim_type") if post.get("claim_type") in ("warranty", "goodwill") else "warranty"
        usage_unit = post.get("usage_unit") if post.get("usage_unit") in ("hours", "km") else "hours"
        # no default: the dealer chooses the cause, which the failure analysis counts
        cause_category = post.get("cause_category")
        if cause_category not in dict(request.env["aftersales.claim"]._fields["cause_category"].selection):
            raise UserError(_(
                "Choose the cause of the failure (material defect, wear, misuse...): the reviewer "
                "and the failure analysis need it."
            ))
        vals = {
            "dealer_id": dealer.id,
            "lot_id": machine.id,
            "company_id": machine.company_id.id or request.env.company.id,
            "claim_type": claim_type,
            "failure_date": failure_date,
            "usage": usage,
            "usage_unit": usage_unit,
            "symptom": post.get("symptom"),
            "cause_category": cause_category,
            "cause": post.get("cause"),
            "action_taken": post.get("action_taken"),
            "line_ids": [fields.Command.create(line) for line in lines],
        }
        for key in ("end_user_name", "end_user_phone", "end_user_email"):
            if (post.get(key) or "").strip():
                vals[key] = post[key].strip()
        return vals

    # Replacement serials -------------------------------------------------------
    def _aftersales_carried_serials(self, machine, parts):
        """{part id: serial number} of the serial-tracked modules ``machine`` carries, from its
        component history."""
        if not machine or not parts:
            return {}
        components = request.env["aftersales.machine.component"].sudo().search_fetch(
            [("machine_id", "=", machine.id), ("is_current", "=", True), ("product_id", "in", parts.ids)],
            ["product_id", "lot_id"],
        )
        return {component.product_id.id: component.lot_id.name for component in components}

    def _aftersales_claim_line_serials(self, lines, machine, post):
        """Give the part lines of serial-tracked parts the serials the dealer typed: the serial
        removed and the serial installed, looked up among the part's serial numbers (case and
        spaces ignored). A serial left empty is for the claim's submission to ask for."""
        Lot = request.env["stock.lot"].sudo()
        company = machine.company_id or request.env.company
        for line in lines:
            if line["line_type"] != "part":
                continue
            product = request.env["product.product"].sudo().browse(line["product_id"])
            if product.tracking != "serial":
                continue
            for key, field in (("removed", "removed_lot_id"), ("installed", "installed_lot_id")):
                serial = (post.get(f"part_{key}_serial_{product.id}") or "").strip()
                if not serial:
                    continue
                lot = Lot.search([
                    ("product_id", "=", product.id),
                    ("name", "=ilike", escape_psql(serial)),
                    ("company_id", "in", [False, company.id]),
                ], limit=1)
                if not lot:
                    raise UserError(_(
                        "Serial number %(serial)s of %(part)s is unknown. Check the label on the "
                        "part, or ask the after-sales department.",
                        serial=serial, part=product.display_name,
                    ))
                line[field] = lot.id

    # ------------------------------------------------------------------- parts
    @http.route(
        ["/my/parts", "/my/parts/page/<int:page>"], type="http", auth="user", website=True, readonly=True
    )
    def portal_my_parts(self, page=1, search=None, sortby="name", **kw):
        dealer = self._aftersales_dealer()
        if not dealer:
            return self._aftersales_not_found()
        values = self._aftersales_parts_values(dealer, page, search, sortby)
        return request.render("aftersales.portal_my_parts", values)

    def _aftersales_parts_values(self, dealer, page=1, search=None, sortby="name"):
        sortings = {
            "name": {"label": _("Name"), "order": "name, id"},
            "code": {"label": _("Reference"), "order": "default_code, id"},
        }
        sortby = sortby if sortby in sortings else "name"
        domain = self._aftersales_part_domain()
        if search and search.strip():
            # the name as the dealer reads it (in the dealer's language), or the reference
            term = search.strip()
            domain = expression.AND([domain, ["|", ("name", "ilike", term), ("default_code", "ilike", term)]])
        # The catalogue is the company's, the same for every dealer: searched as superuser within
        # its fixed domain (no URL parameter widens it). Without a search, the catalogue index
        # serves the page (in name order) and the count.
        parts, pager = self._aftersales_list_page(
            request.env["product.product"].sudo(), domain, sortings[sortby]["order"], page, "/my/parts",
            {"search": search, "sortby": sortby}, ["default_code", "product_tmpl_id"], step=PARTS_PAGE_SIZE,
        )
        # the name and class the page prints, not every column of 40 templates
        parts.product_tmpl_id.fetch(["name", "aftersales_part_class"])
        carriers = request.env["delivery.carrier"].sudo().search_fetch(
            [("company_id", "in", [False, request.env.company.id])], ["name"]
        )
        values = self._prepare_portal_layout_values()
        values.update({
            "parts": parts,
            "class_labels": self._aftersales_selection(parts, "aftersales_part_class"),
            "prices": self._aftersales_prices(dealer, parts),
            "currency": request.env.company.currency_id,
            "carriers": carriers,
            "page_name": "aftersales_parts",
            "pager": pager,
            "default_url": "/my/parts",
            "searchbar_inputs": {"all": {"input": "all", "label": _("Search in Name and Reference")}},
            "search_in": "all",
            "search": search,
            "searchbar_sortings": sortings,
            "sortby": sortby,
        })
        return values

    @http.route(["/my/parts/quote"], type="http", auth="user", website=True, methods=["POST"])
    def portal_my_parts_quote(self, carrier_id=None, **post):
        dealer = self._aftersales_dealer()
        if not dealer:
            return self._aftersales_not_found()
        quantities = {}
        for key, value in post.items():
            if key.startswith("qty_"):
                quantity = self._aftersales_float(value)
                product_id = self._aftersales_int(key[4:])
                if quantity and quantity > 0 and product_id:
                    quantities[product_id] = quantity
        try:
            if not quantities:
                raise UserError(_("Enter a quantity for at least one part to get a quote."))
            products = request.env["product.product"].sudo().search(
                expression.AND([self._aftersales_part_domain(), [("id", "in", list(quantities))]])
            )
            if len(products) != len(quantities):
                raise UserError(_("Some of the requested parts cannot be quoted to you."))
            with request.env.cr.savepoint():
                order = self._aftersales_create_parts_quote(dealer, products, quantities, carrier_id)
        except (UserError, ValidationError) as error:
            values = self._aftersales_parts_values(dealer)
            values["error"] = error.args[0]
            return request.render("aftersales.portal_my_parts", values)
        return request.redirect(order.get_portal_url())

    def _aftersales_create_parts_quote(self, dealer, products, quantities, carrier_id=None):
        """A quotation of the parts to the dealer contact at the dealer's price list, marked as
        sent so it appears in the standard portal quotations to accept and sign."""
        partner = request.env.user.partner_id
        order = request.env["sale.order"].sudo().create({
            "partner_id": partner.id,
            "pricelist_id": dealer.sudo()._get_aftersales_pricelist(request.env.company).id or False,
            "company_id": request.env.company.id,
            "origin": _("Dealer portal"),
            "order_line": [
                fields.Command.create({"product_id": product.id, "product_uom_qty": quantities[product.id]})
                for product in products
            ],
        })
        carrier_id = self._aftersales_int(carrier_id)
        if carrier_id:
            carrier = request.env["delivery.carrier"].sudo().search(
                [("id", "=", carrier_id), ("company_id", "in", [False, request.env.company.id])]
            )
            if carrier:
                rate = carrier.rate_shipment(order)
                if not rate.get("success"):
                    raise UserError(rate.get("error_message") or _("This shipping method cannot deliver the order."))
                order.set_delivery_line(carrier, rate["price"])
        order.action_quotation_sent()
        return order
