from collections import OrderedDict

from odoo import _, http
from odoo.http import request
from odoo.osv import expression

from .portal import AftersalesPortal

KNOWLEDGE_FIELDS = ["name", "symptom_keywords", "release_date", "released_version"]


class AftersalesKnowledgePortal(AftersalesPortal):
    """The knowledge base and the department's documents on the dealer portal.

    A dealer reads only released pages flagged for dealers: the portal rule of
    ``document.page`` (security/aftersales_security.xml) keeps it to them, every page is
    searched with the dealer's rules before its released text and process map are read as
    superuser. What a dealer reads is the released version (``released_content``), never the
    draft of the next one."""

    # -------------------------------------------------------------------- home
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        Page = request.env["document.page"]
        dealer = self._aftersales_dealer()
        if "aftersales_knowledge_counter" in counters:
            values["aftersales_knowledge_counter"] = Page.search_count(
                self._aftersales_page_domain("article")) if dealer else 0
        if "aftersales_document_counter" in counters:
            values["aftersales_document_counter"] = Page.search_count(
                self._aftersales_page_domain("document")) if dealer else 0
        return values

    # ----------------------------------------------------------------- helpers
    def _aftersales_page_domain(self, kind):
        # the portal rule adds "released and for dealers"; said here too for internal users
        return [("aftersales_kind", "=", kind), ("is_released", "=", True), ("is_for_dealers", "=", True)]

    def _aftersales_portal_page(self, kind, page_id):
        """The page as superuser once found with the user's rules, or None."""
        page = request.env["document.page"].search(
            expression.AND([self._aftersales_page_domain(kind), [("id", "=", page_id)]]), limit=1
        )
        return page.sudo() if page else None

    # ----------------------------------------------------------- knowledge base
    @http.route(
        ["/my/knowledge", "/my/knowledge/page/<int:page>"], type="http", auth="user", website=True,
        readonly=True,
    )
    def portal_my_knowledge(self, page=1, search=None, **kw):
        if not self._aftersales_dealer():
            return self._aftersales_not_found()
        domain = self._aftersales_page_domain("article")
        search = (search or "").strip()
        if search:
            # a product name, a symptom word or a word of the text; dealers read no product
            # records: the products are searched as superuser
            products = request.env["product.product"].sudo()._search(
                ["|", ("name", "ilike", search), ("default_code", "ilike", search)]
            )
            domain = expression.AND([domain, expression.OR([
                [("name", "ilike", search)],
                [("symptom_keywords", "ilike", search)],
                [("product_ids", "in", products)],
                [("released_content", "ilike", search)],
            ])])
        articles, pager = self._aftersales_list_page(
            request.env["document.page"], domain, "name, id", page, "/my/knowledge",
            {"search": search}, KNOWLEDGE_FIELDS,
        )
        values = self._prepare_portal_layout_values()
        values.update({
            "articles": articles,
            # found with the dealer's rules; their products' names read as superuser
            "product_names": {
                article.id: ", ".join(article.product_ids.mapped("name")) for article in articles.sudo()
            },
            "page_name": "aftersales_knowledge",
            "pager": pager,
            "default_url": "/my/knowledge",
            "search": search,
            "search_in": "all",
            "searchbar_inputs": {"all": {"input": "all", "label": _("Search in Articles")}},
        })
        return request.render("aftersales.portal_my_knowledge", values)

    @http.route(["/my/knowledge/<int:article_id>"], type="http", auth="user", website=True, readonly=True)
    def portal_my_knowledge_article(self, article_id, **kw):
        article = self._aftersales_portal_page("article", article_id) if self._aftersales_dealer() else None
        if not article:
            return self._aftersales_not_found()
        values = self._prepare_portal_layout_values()
        values.update({"article": article, "page_name": "aftersales_knowledge"})
        return request.render("aftersales.portal_my_knowledge_article", values)

    # ---------------------------------------------------------------- documents
    @http.route(["/my/documents"], type="http", auth="user", website=True, readonly=True)
    def portal_my_documents(self, **kw):
        if not self._aftersales_dealer():
            return self._aftersales_not_found()
        Page = request.env["document.page"]
        documents = Page.search_fetch(
            self._aftersales_page_domain("document"), ["name", "level", "release_date", "released_version"],
            order="level, name, id",
        )
        values = self._prepare_portal_layout_values()
        values.update({
            "documents": documents,
            "level_labels": self._aftersales_selection(Page, "level"),
            "page_name": "aftersales_document",
        })
        return request.render("aftersales.portal_my_documents", values)

    @http.route(["/my/documents/<int:document_id>"], type="http", auth="user", website=True, readonly=True)
    def portal_my_document(self, document_id, **kw):
        document = self._aftersales_portal_page("document", document_id) if self._aftersales_dealer() else None
        if not document:
            return self._aftersales_not_found()
        values = self._prepare_portal_layout_values()
        values.update({
            "document": document,
            "level_labels": self._aftersales_selection(document, "level"),
            "page_name": "aftersales_document",
        })
        return request.render("aftersales.portal_my_document", values)
