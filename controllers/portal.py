import ast
from collections import OrderedDict

import babel.dates
from markupsafe import Markup, escape

from odoo import _, fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request
from odoo.osv import expression
from odoo.tools import SQL, float_round, format_date, get_lang
from odoo.tools.misc import babel_locale_parse, posix_to_ldml
from odoo.tools.mimetypes import guess_mimetype

from odoo.addons.base.models.res_lang import intersperse
from odoo.addons.portal.controllers.portal import CustomerPortal, pager as portal_pager

from ..models.aftersales_claim_line import LINE_FEE_TYPES

PAGE_SIZE = 20
PARTS_PAGE_SIZE = 40
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UPLOADS = 5
MAX_REQUEST_BYTES = MAX_UPLOAD_BYTES * MAX_UPLOADS + 1024 * 1024
FEE_LINE_TYPES = {fee: line_type for line_type, fees in LINE_FEE_TYPES.items() for fee in fees}


def money_formatter(env, currency, html=False):
    """A function formatting amounts exactly as ``odoo.tools.format_amount`` does in ``env``'s
    language (``html``: as the monetary widget of ``t-field`` does), with the language and
    currency read once: a catalogue page formats 80 prices, and both look the language up
    again for each."""
    lang = get_lang(env)
    grouping = ast.literal_eval(lang.grouping)
    thousands_sep, decimal_point = lang.thousands_sep or "", lang.decimal_point
    fmt = "%.{0}f".format(currency.decimal_places)
    rounding = currency.rounding
    if currency.position == "before":
        pre, post = "{0}\N{NO-BREAK SPACE}".format(currency.symbol or ""), ""
    else:
        pre, post = "", "\N{NO-BREAK SPACE}{0}".format(currency.symbol or "")
    # escaped once, not for each amount by Markup.format (Python's slow string.Formatter)
    pre_html, post_html = escape(pre), escape(post)

    def money(amount):
        if amount is None:
            return ""
        parts = (fmt % float_round(amount, precision_rounding=rounding)).split(".")
        parts[0] = intersperse(parts[0], grouping, thousands_sep)[0]
        formatted = decimal_point.join(parts).replace(" ", "\N{NO-BREAK SPACE}").replace(
            "-", "-\N{ZERO WIDTH NO-BREAK SPACE}"
        )
        if html:
            return Markup(f'{pre_html}<span class="oe_currency_value">{escape(formatted)}</span>{post_html}')
        return f"{pre}{formatted}{post}"

    return money


def date_formatter(env):
    """A function formatting dates exactly as ``odoo.tools.format_date`` (and so the date widget
    of ``t-field``) does in ``env``'s language, with the language and its pattern read once."""
    lang = get_lang(env)
    locale = babel_locale_parse(lang.code)
    pattern = posix_to_ldml(lang.date_format, locale=locale)

    formatted = {}  # a list shows the same few dates again and again

    def format_day(value):
        if not value:
            return ""
        if value not in formatted:
            formatted[value] = babel.dates.format_date(value, format=pattern, locale=locale)
        return formatted[value]

    return format_day


class AftersalesPortal(CustomerPortal):
    """The dealer portal: machines, warranty claims, parts prices and parts quotes.

    Portal users only read, through the record rules of their dealer; everything they change goes
    through the routes below, which check that the record belongs to their dealer and then call
    the models' own methods (as superuser) so the back office's checks apply unchanged.
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

    def _aftersales_dealer_pricelist(self, dealer):
        """The dealer's settlement price list, as superuser: the list pinned on the dealer (see
        ``res.partner._aftersales_sync_pricelist``), else Odoo's choice for the partner. Computed
        for the dealer alone: in the page's prefetch set, Odoo would also compute the contact's
        list, which has none of its own and costs a fallback search."""
        dealer = dealer.sudo().with_prefetch()
        # this column alone: reading it would fetch all 21 company-dependent columns of partners
        dealer.fetch(["specific_property_product_pricelist"])
        return (
            dealer.specific_property_product_pricelist._get_partner_pricelist_multi_filter_hook()
            or dealer.property_product_pricelist
        )

    def _aftersales_prices(self, dealer, products):
        """{product id: (dealer price, market guide price)} read as superuser: portal users can
        read no price list, and must see only their own list and the market guide list."""
        dealer_list = self._aftersales_dealer_pricelist(dealer)
        market_list = request.env.company.sudo().aftersales_market_pricelist_id
        prices = (dealer_list | market_list)._get_aftersales_prices_by_list(products)
        dealer_prices = prices[dealer_list.id] if dealer_list else {}
        market_prices = prices[market_list.id] if market_list else {}
        return {
            product.id: (dealer_prices.get(product.id), market_prices.get(product.id))
            for product in products
        }

    def _aftersales_format_values(self):
        """Formatters of a page's amounts and dates, built once per page: the monetary and date
        widgets of ``t-field`` look the language up again for every value, which cost the claim
        lists more than their queries. ``format_money(amount, currency)`` prints the widget's
        HTML; ``format_date(date)`` its text."""
        env = request.env
        by_currency = {}

        def format_money(amount, currency):
            if currency.id not in by_currency:
                by_currency[currency.id] = money_formatter(env, currency, html=True)
            return by_currency[currency.id](amount)

        return {"format_money": format_money, "format_date": date_formatter(env)}

    def _aftersales_labels(self, model_name, field_name):
        """{value: label} of a selection field, in the user's language."""
        return dict(request.env[model_name]._fields[field_name]._description_selection(request.env))

    def _aftersales_not_found(self):
        return request.redirect("/my")

    def _aftersales_check_serial(self, dealer, serial):
        """(machine, level, message) for a serial typed on the claim form: unknown, another
        dealer's machine, not registered and out of warranty are said before submitting."""
        serial = (serial or "").strip()
        Lot = request.env["stock.lot"].sudo()
        if not serial:
            return Lot, "danger", _("Enter the serial number on the machine's rating plate.")
        lots = Lot.search(
            [
                ("name", "=", serial),
                ("is_machine", "=", True),
                ("company_id", "in", [False, request.env.company.id]),
            ]
        )
        mine = lots.filtered(
            lambda lot: dealer in (lot.dealer_id.commercial_partner_id, lot.end_user_id.aftersales_dealer_id)
        )
        if not lots:
            return Lot, "danger", _(
                "Serial number %(serial)s is not in the product archive. Check it on the "
                "machine's rating plate.",
                serial=serial,
            )
        if not mine:
            # Say nothing about whose machine it is.
            return Lot, "danger", _(
                "Machine %(serial)s was not delivered to you and its end user is not served by "
                "you: only the selling or serving dealer can claim it.",
                serial=serial,
            )
        lot = mine[:1]
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

    def _aftersales_attach_files(self, claim_sudo, files):
        """Attach uploaded photos or PDFs to the claim (at most 10 MB each) and post them on its
        chatter. Raises UserError on a file of another type or size: nothing is attached then."""
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
                "res_model": "aftersales.claim",
                "res_id": claim_sudo.id,
            })
        attachments = request.env["ir.attachment"].sudo().create(vals_list)
        claim_sudo.message_post(
            body=_("Photos and documents from the dealer."),
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
        # The dealer's partners are selected as superuser, in a subquery: following dealer_id as
        # the portal user would add the contacts' portal rules to every machine query, for
        # nothing (the machines' own rules already keep the dealer to its machines).
        partners = request.env["res.partner"].sudo()._search([("commercial_partner_id", "=", dealer.id)])
        return [("is_machine", "=", True), ("dealer_id", "in", partners)]

    @http.route(["/my/machines", "/my/machines/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_machines(self, page=1, search=None, filterby="all", sortby="serial", **kw):
        dealer = self._aftersales_dealer()
        if not dealer:
            return self._aftersales_not_found()
        Lot = request.env["stock.lot"]
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
        rows, pager = self._aftersales_paged_rows(
            Lot, domain, sortings[sortby]["order"], page, "/my/machines",
            {"search": search, "filterby": filterby, "sortby": sortby},
            ("name", "product_id", "end_user_id", "warranty_state", "warranty_end_date"),
        )
        format_date = self._aftersales_format_values()["format_date"]
        warranty_labels = self._aftersales_labels("stock.lot", "warranty_state")
        products = self._aftersales_names("product.product", [row["product_id"] for row in rows])
        end_users = self._aftersales_names("res.partner", [row["end_user_id"] for row in rows])
        values = self._prepare_portal_layout_values()
        values.update({
            # searched with the dealer's rules; the names read as superuser
            "machines": [
                {
                    "url": f"/my/machines/{row['id']}",
                    "serial": row["name"],
                    "product": products.get(row["product_id"], ""),
                    "end_user": end_users.get(row["end_user_id"], ""),
                    "warranty_state": row["warranty_state"],
                    "warranty_label": warranty_labels.get(row["warranty_state"], ""),
                    "warranty_end": format_date(row["warranty_end_date"]),
                }
                for row in rows
            ],
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
                [("lot_id", "=", lot_sudo.id)], ["name", "date", "state", "amount_claimed", "amount_approved", "company_id"]
            ).sudo(),
            "page_name": "aftersales_machine",
            "today": fields.Date.context_today(request.env.user),
            "form": {},
            "state_labels": self._aftersales_labels("aftersales.claim", "state"),
            **self._aftersales_format_values(),
        })
        values.update(extra)
        return request.render("aftersales.portal_my_machine", values)

    @http.route(["/my/machines/<int:lot_id>"], type="http", auth="user", website=True)
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

    def _aftersales_paged_rows(self, model, domain, order, page, url, url_args, field_names,
                               step=PAGE_SIZE, where=None, count_apart=False):
        """(rows of the ``page``-th page of ``domain`` (and ``where``), searched with the user's
        rules, as dicts of ``field_names`` read with the page and its count (see
        ``_aftersales_page_and_count``); portal pager), for list pages that print values only:
        records read and accessed through the ORM row by row cost more than rendering their
        rows."""
        rows, count = self._aftersales_page_and_count(
            model, domain, order, page, step, field_names, where, count_apart
        )
        pager = portal_pager(url=url, url_args=url_args, total=count, page=page, step=step)
        if rows is None:  # a page past the last one: the pager shows the last page
            rows, _count = self._aftersales_page_and_count(
                model, domain, order, pager["page"]["num"], step, field_names, where, count_apart
            )
        return rows, pager

    def _aftersales_names(self, model_name, ids, field_name="name"):
        """{id: name} of the records ``ids`` (falsy ids ignored), read as superuser: the
        ``field_name`` column alone, or a product's display name with only what it needs."""
        records = request.env[model_name].sudo().browse({record_id for record_id in ids if record_id})
        if model_name == "product.product":
            self._aftersales_prefetch_product_names(records)
            return {record.id: record.display_name for record in records}
        records.fetch([field_name])
        return {record.id: record[field_name] for record in records}

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
            ("submitted", {"label": _("Submitted"), "domain": [("state", "=", "submitted")]}),
            ("approved", {"label": _("Approved"), "domain": [("state", "in", ("approved", "partially_approved"))]}),
            ("rejected", {"label": _("Rejected"), "domain": [("state", "=", "rejected")]}),
            ("settled", {"label": _("Settled"), "domain": [("state", "in", ("settled", "closed"))]}),
            ("cancelled", {"label": _("Cancelled"), "domain": [("state", "=", "cancelled")]}),
        ])

    @http.route(["/my/claims", "/my/claims/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_claims(self, page=1, search=None, search_in="all", filterby="all", sortby="date", **kw):
        dealer = self._aftersales_dealer()
        if not dealer:
            return self._aftersales_not_found()
        Claim = request.env["aftersales.claim"]
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
        rows, pager = self._aftersales_paged_rows(
            Claim, domain, sortings[sortby]["order"], page, "/my/claims",
            {"search": search, "search_in": search_in, "filterby": filterby, "sortby": sortby},
            ("name", "date", "lot_id", "product_id", "state", "amount_claimed", "amount_approved", "company_id"),
            # all the dealer's claims newest first: page and count from the dealer's claims index
            count_apart=sortby == "date" and filterby == "all" and not search,
        )
        request.session["my_claims_history"] = [row["id"] for row in rows]
        values = self._prepare_portal_layout_values()
        values.update({
            "claims": self._aftersales_claim_rows(rows),  # searched with the dealer's rules
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

    def _aftersales_claim_rows(self, rows):
        """What the claims list prints of each claim, formatted in the user's language."""
        formats = self._aftersales_format_values()
        format_money, format_date = formats["format_money"], formats["format_date"]
        state_labels = self._aftersales_labels("aftersales.claim", "state")
        serials = self._aftersales_names("stock.lot", [row["lot_id"] for row in rows])
        products = self._aftersales_names("product.product", [row["product_id"] for row in rows])
        currencies = {
            company.id: company.currency_id
            for company in request.env["res.company"].sudo().browse({row["company_id"] for row in rows})
        }
        return [
            {
                "url": f"/my/claims/{row['id']}",
                "name": row["name"],
                "date": format_date(row["date"]),
                "serial": serials.get(row["lot_id"], ""),
                "product": products.get(row["product_id"], ""),
                "state": state_labels.get(row["state"], ""),
                "amount_claimed": format_money(row["amount_claimed"], currencies[row["company_id"]]),
                "amount_approved": format_money(row["amount_approved"], currencies[row["company_id"]]),
            }
            for row in rows
        ]

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
            "state_label": claim_sudo._get_state_label(),
            "form": {},
            **self._aftersales_format_values(),
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

    @http.route(["/my/claims/<int:claim_id>"], type="http", auth="public", website=True)
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

    @http.route(["/my/claims/check_serial"], type="json", auth="user")
    def portal_my_claim_check_serial(self, serial=None, **kw):
        dealer = self._aftersales_dealer()
        if not dealer:
            return {"level": "danger", "message": _("Only dealers can file warranty claims.")}
        lot, level, message = self._aftersales_check_serial(dealer, serial)
        return {"level": level, "message": message, "ok": bool(lot) and level != "danger"}

    def _aftersales_claim_form_values(self, dealer, serial, post=None):
        """Values of the new-claim form: the machine's service BOM parts at the dealer's price,
        and the fees of the service charge standard at their published rate."""
        lot, level, message = self._aftersales_check_serial(dealer, serial) if serial else (
            request.env["stock.lot"].sudo(), None, None)
        machine = lot if level in ("success", "warning") else lot.browse()
        Product = request.env["product.product"].sudo()
        parts = machine.product_id.product_tmpl_id._get_service_bom_parts().filtered("active")
        part_prices = self._aftersales_prices(dealer, parts) if parts else {}
        fees = Product.search([("aftersales_fee_type", "!=", False)], order="aftersales_fee_type, name")
        values = self._prepare_portal_layout_values()
        values.update({
            "page_name": "aftersales_claim_new",
            "serial": serial or "",
            "machine": machine,
            "serial_level": level,
            "serial_message": message,
            "parts": parts,
            "part_prices": part_prices,
            "fees": fees,
            "today": fields.Date.context_today(request.env.user),
            "form": post or {},
        })
        return values

    @http.route(
        ["/my/claims/new"], type="http", auth="user", website=True, methods=["GET", "POST"],
        max_content_length=MAX_REQUEST_BYTES,
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
        claim_type = post.get("claim_type") if post.get("claim_type") in ("warranty", "goodwill") else "warranty"
        usage_unit = post.get("usage_unit") if post.get("usage_unit") in ("hours", "km") else "hours"
        cause_category = post.get("cause_category")
        if cause_category not in dict(request.env["aftersales.claim"]._fields["cause_category"].selection):
            cause_category = False
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

    # ------------------------------------------------------------------- parts
    @http.route(["/my/parts", "/my/parts/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_parts(self, page=1, search=None, sortby="name", **kw):
        dealer = self._aftersales_dealer()
        if not dealer:
            return self._aftersales_not_found()
        values = self._aftersales_parts_values(dealer, page, search, sortby)
        return request.render("aftersales.portal_my_parts", values)

    def _aftersales_page_and_count(self, model, domain, order, page, step, field_names=(), where=None,
                                   count_apart=False):
        """(the ``page``-th page of ``domain`` in ``order``, number of matching records), from one
        scan: a page and its count for the pager would otherwise scan, join and filter every
        matching record twice (a search and a ``search_count``).

        ``count_apart``: the count and the page are read in two queries instead, for a list that
        an index serves in ``order`` (the catalogue): the count is then an index-only scan and
        the page is read from the index alone, where one query would sort every record to count
        them. A page in the second half is read from the end, in the reverse order, so that the
        last page costs what the first one does.

        The page is a list of dicts of the ``id`` and the ``field_names`` values, read in the
        same query, for pages that only display them. It is None when the page lies past the
        last one; the count is then read on its own. ``where(query)`` may add a condition in SQL
        to the domain's."""
        # as Odoo's portal pager reads it: anything but a number is the first page, and a page
        # past the last one (however far) is answered by the count alone
        page = int(page) if str(page).isdigit() else 1
        page = min(max(page, 1), 10 ** 9 // step)
        offset = (page - 1) * step
        keys = ("id", *field_names)

        def make_query(**kwargs):
            query = model._search(domain, **kwargs)
            if where is not None:
                query.add_where(where(query))
            return query

        def read_count():
            [(count,)] = model.env.execute_query(make_query().select(SQL("COUNT(*)")))
            return count

        def read_rows(order, limit, offset, *extra):
            query = make_query(order=order, limit=limit, offset=offset)
            table = model._table
            columns = [model._field_to_sql(table, fname, query) for fname in field_names]
            return model.env.execute_query(query.select(SQL.identifier(table, "id"), *columns, *extra))

        if count_apart:
            count = read_count()
            if offset >= count:
                return (None if page > 1 else []), count
            reverse = self._aftersales_reverse_order(order) if offset > count // 2 else None
            if reverse:
                limit = min(step, count - offset)
                rows = read_rows(reverse, limit, count - offset - limit)[::-1]
            else:
                rows = read_rows(order, step, offset)
            return [dict(zip(keys, row)) for row in rows], count
        rows = read_rows(order, step, offset, SQL("COUNT(*) OVER ()"))
        if rows:
            return [dict(zip(keys, row)) for row in rows], rows[0][-1]
        if page == 1:
            return [], 0
        return None, read_count()

    @staticmethod
    def _aftersales_reverse_order(order):
        """``order`` ("name, id desc") in reverse ("name desc, id asc"), or None when it holds
        more than fields and directions (NULLS FIRST/LAST), or does not end with ``id``: with
        ties left in the order, a page read in reverse may not be the same page."""
        if order.split(",")[-1].split()[:1] != ["id"]:
            return None
        terms = []
        for term in order.split(","):
            words = term.split()
            if not words or len(words) > 2 or (len(words) == 2 and words[1].lower() not in ("asc", "desc")):
                return None
            descending = len(words) == 2 and words[1].lower() == "desc"
            terms.append(f"{words[0]} {'asc' if descending else 'desc'}")
        return ", ".join(terms)

    def _aftersales_parts_values(self, dealer, page=1, search=None, sortby="name"):
        Product = request.env["product.product"].sudo()
        sortings = {
            "name": {"label": _("Name"), "order": "name, id"},
            "code": {"label": _("Reference"), "order": "default_code, id"},
        }
        sortby = sortby if sortby in sortings else "name"
        domain = self._aftersales_part_domain()
        where = None
        if search and search.strip():
            term = search.strip()

            def where(query):
                # The name as the dealer reads it, or the reference: what the domain
                # ["|", ("name", "ilike", term), ("default_code", "ilike", term)] matches, without
                # the domain's first test of the name in every language for the trigram index,
                # which the OR with the reference keeps from being used and so only cost time.
                return SQL("(%s OR %s)", *(
                    Product._condition_to_sql(Product._table, fname, "ilike", term, query)
                    for fname in ("name", "default_code")
                ))
        # The page shows only these columns: they come with the page and its count in one query
        # (the name in the user's language), instead of reading every column of 40 variants and
        # of their templates through the ORM.
        parts, pager = self._aftersales_paged_rows(
            Product, domain, sortings[sortby]["order"], page, "/my/parts", {"search": search, "sortby": sortby},
            ("default_code", "name", "aftersales_part_class", "uom_id"), step=PARTS_PAGE_SIZE, where=where,
            # without a search, the catalogue index gives a page and the count; a search tests
            # every part's name, better done once
            count_apart=not where,
        )
        # Only what the dealer may see leaves this method: no record of product or price list.
        class_labels = self._aftersales_labels("product.product", "aftersales_part_class")
        uom_names = self._aftersales_names("uom.uom", [part["uom_id"] for part in parts])
        prices = self._aftersales_prices(dealer, Product.browse([part["id"] for part in parts]))
        currency = request.env.company.currency_id

        money = money_formatter(request.env, currency)  # 80 monetary widgets cost more than the page's queries

        rows = [
            {
                "id": part["id"],
                "code": part["default_code"] or "",
                "name": part["name"],
                "class": class_labels.get(part["aftersales_part_class"], ""),
                "uom": uom_names.get(part["uom_id"], ""),
                "dealer_price": money(prices[part["id"]][0]),
                "market_price": money(prices[part["id"]][1]),
            }
            for part in parts
        ]
        carriers = request.env["delivery.carrier"].sudo().search_fetch(
            [("company_id", "in", [False, request.env.company.id])], ["name"]
        )
        values = self._prepare_portal_layout_values()
        values.update({
            "rows": rows,
            "currency": currency,
            "carriers": [{"id": c.id, "name": c.name} for c in carriers],
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
            "pricelist_id": self._aftersales_dealer_pricelist(dealer).id or False,
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
