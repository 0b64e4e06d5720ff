import re

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext

# Handbook, section 7: the four levels of the department's documents
DOCUMENT_LEVELS = [
    ("1", "1. Policy"),
    ("2", "2. Targets and Tasks"),
    ("3", "3. Procedure"),
    ("4", "4. Record"),
]
# Handbook, section 2: the seven groups by which the business is sorted (step 1 of six)
HANDBOOK_GROUPS = [
    ("hotline", "Service Hotline"),
    ("complaint", "Complaint Management"),
    ("field", "Field Service"),
    ("repair", "Return-to-Factory Repair"),
    ("parts", "Spare-Parts Management"),
    ("training", "Service Training"),
    ("strategy", "Service Strategy and Audit"),
]
DOCUMENT_STATES = [
    ("draft", "Draft"),
    ("discussion", "In Discussion"),
    ("approved", "Approved"),
    ("released", "Released"),
]


class DocumentPage(models.Model):
    """OCA's wiki page (``document_page``: every change of the content is kept as a history
    row) as a department document of the handbook's four levels, or as a knowledge-base
    article of diagnosis and repair.

    A page's version goes draft -> in discussion (the staff who carry it out follow it and
    comment in the chatter; every comment of someone other than the owner becomes a discussion
    point the owner answers) -> approved by an After-Sales manager -> released. The released
    text is kept on the page (``released_content``): dealers and the hotline read it while the
    next version is written, and the history keeps every earlier text, the released ones named
    after their version."""

    _inherit = "document.page"

    aftersales_kind = fields.Selection(
        [("document", "Department Document"), ("article", "Knowledge Article")],
        string="After-Sales Kind",
        index=True,
        help="Department documents are the handbook's four levels; knowledge articles are the "
        "diagnosis and repair articles of the knowledge base.",
    )
    level = fields.Selection(DOCUMENT_LEVELS, tracking=True)
    handbook_group = fields.Selection(
        HANDBOOK_GROUPS,
        string="Handbook Group",
        help="The group of the after-sales department the document belongs to.",
    )
    owner_id = fields.Many2one(
        "res.users",
        string="Owner",
        domain="[('share', '=', False)]",
        default=lambda self: self.env.user,
        tracking=True,
        help="Writes the document and answers the discussion points of the staff.",
    )
    staff_ids = fields.Many2many(
        "res.users",
        "document_page_aftersales_staff_rel",
        "page_id",
        "user_id",
        string="Staff Who Carry It Out",
        domain="[('share', '=', False)]",
        help="They follow the document when its discussion starts and comment in the chatter.",
    )
    version = fields.Integer(default=1, copy=False, tracking=True)
    aftersales_state = fields.Selection(
        DOCUMENT_STATES, string="Status", default="draft", copy=False, index=True, tracking=True
    )
    release_date = fields.Date(copy=False, tracking=True, help="Release date of the released version.")
    released_version = fields.Integer(copy=False, readonly=True)
    released_content = fields.Html(
        copy=False,
        readonly=True,
        help="The text of the released version: what dealers and the hotline read.",
    )
    is_released = fields.Boolean(
        copy=False, readonly=True, index=True, help="A version of the page has been released."
    )
    is_for_dealers = fields.Boolean(
        string="For Dealers",
        help="Dealers read the released version on the portal.",
    )
    point_ids = fields.One2many("aftersales.document.point", "page_id", string="Discussion Points")
    open_point_count = fields.Integer(compute="_compute_open_point_count")
    step_ids = fields.One2many(
        "aftersales.document.step", "page_id", string="Process Map", copy=True,
        help="The procedure's flow: its steps in order, each with the role that carries it out.",
    )
    product_ids = fields.Many2many(
        "product.product",
        "document_page_aftersales_product_rel",
        "page_id",
        "product_id",
        string="Products",
        help="The article is offered on the claims and requests of these products.",
    )
    symptom_keywords = fields.Char(
        help="Words of the symptom, separated by commas (e.g. not starting, no start): a claim "
        "or request whose symptom contains one of them is offered this article first.",
    )
    can_be_released = fields.Boolean(compute="_compute_can_be_released")

    # ---------------------------------------------------------------- computes
    @api.depends("point_ids.state")
    def _compute_open_point_count(self):
        counts = dict(
            self.env["aftersales.document.point"]._read_group(
                [("page_id", "in", self.ids), ("state", "=", "open")], ["page_id"], ["__count"]
            )
        )
        for page in self:
            page.open_point_count = counts.get(page, 0)

    @api.depends("aftersales_state", "open_point_count")
    def _compute_can_be_released(self):
        for page in self:
            page.can_be_released = page.aftersales_state == "approved" and not page.open_point_count

    # -------------------------------------------------------------- chatter
    @api.returns("mail.message", lambda value: value.id)
    def message_post(self, **kwargs):
        message = super().message_post(**kwargs)
        # A comment of the staff in the discussion is a point the owner must answer.
        if message.message_type == "comment" and len(self) == 1:
            self._aftersales_add_point(message)
        return message

    def _aftersales_add_point(self, message):
        self.ensure_one()
        if (self.aftersales_kind and self.aftersales_state == "discussion"
                and message.author_id and message.author_id != self.owner_id.partner_id):
            self.env["aftersales.document.point"].sudo().create({
                "page_id": self.id,
                "message_id": message.id,
                "author_id": message.author_id.id,
                "version": self.version,
                "question": html2plaintext(message.body or "").strip(),
            })

    # ----------------------------------------------------------------- actions
    def _aftersales_check_manager(self):
        if not (self.env.su or self.env.user.has_group("aftersales.group_aftersales_manager")):
            raise UserError(_("Only an After-Sales manager approves and releases documents."))

    def _aftersales_check_state(self, states, message):
        """Refuse unless every page is in one of ``states``; ``message(page, state)`` says why."""
        labels = dict(self._fields["aftersales_state"]._description_selection(self.env))
        for page in self:
            if page.aftersales_state not in states:
                raise UserError(message(page.display_name, labels[page.aftersales_state]))

    def _aftersales_check_points_answered(self):
        for page in self:
            if page.open_point_count:
                raise UserError(_(
                    "%(page)s: %(count)s discussion point(s) of the staff are not answered yet. "
                    "Answer them (Discussion tab) before the page is approved or released.",
                    page=page.display_name, count=page.open_point_count,
                ))

    def action_start_discussion(self):
        self._aftersales_check_state(("draft",), lambda page, state: _(
            "%(page)s is %(state)s: only a draft is opened for discussion.", page=page, state=state))
        for page in self:
            page.message_subscribe(partner_ids=page.staff_ids.partner_id.ids)
            page.aftersales_state = "discussion"
            page.message_post(
                body=_("Version %(version)s is open for discussion: please comment with what "
                       "does not work in practice.", version=page.version),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_approve(self):
        self._aftersales_check_manager()
        for page in self:
            # documents are discussed with the staff first (handbook step 4); articles need not be
            allowed = ("discussion",) if page.aftersales_kind == "document" else ("draft", "discussion")
            page._aftersales_check_state(allowed, lambda name, state: _(
                "%(page)s is %(state)s: a department document is approved after its discussion, "
                "an article from draft or discussion.", page=name, state=state))
        self._aftersales_check_points_answered()
        self.aftersales_state = "approved"
        return True

    def action_release(self):
        self._aftersales_check_manager()
        self._aftersales_check_state(("approved",), lambda page, state: _(
            "%(page)s is %(state)s: only an approved page is released.", page=page, state=state))
        self._aftersales_check_points_answered()
        today = fields.Date.context_today(self)
        # The released text is the newest history row. document_page takes its head as the first
        # of history_ids (newest first in the database), but rows created in this transaction are
        # appended at the end of an already cached list: reread it, then recompute the head, as
        # OCA's document_page_approval recomputes it too.
        self.flush_recordset()
        self.invalidate_recordset(["history_ids"])
        self._compute_history_head()
        for page in self:
            page.write({
                "aftersales_state": "released",
                "release_date": today,
                "released_version": page.version,
                "released_content": page.content,
                "is_released": True,
            })
            if page.history_head:
                # the history row of the released text carries its version
                page.history_head.write({
                    "name": _("Version %(version)s", version=page.version),
                    "summary": _("Released on %(date)s", date=fields.Date.to_string(today)),
                })
        return True

    def action_new_version(self):
        """Start the next version: the released one stays readable until the new one is
        released, and stays in the history."""
        self._aftersales_check_state(("released",), lambda page, state: _(
            "%(page)s is %(state)s: a new version is started from the released one.",
            page=page, state=state))
        for page in self:
            page.write({"aftersales_state": "draft", "version": page.version + 1})
        return True

    def action_reset_to_draft(self):
        self._aftersales_check_state(("discussion", "approved"), lambda page, state: _(
            "%(page)s is %(state)s: only a page in discussion or approved goes back to draft.",
            page=page, state=state))
        self.aftersales_state = "draft"
        return True

    # ---------------------------------------------------------------- business
    @api.model
    def _aftersales_split_keywords(self, keywords):
        return [word.strip().lower() for word in re.split(r"[,;\n，；]", keywords or "") if word.strip()]

    def _aftersales_matching_articles(self, records, symptom_field):
        """{record: articles} of the released knowledge articles of each record's product: one
        search for all of them. When the record's symptom contains a keyword of some of these
        articles, only those are offered."""
        products = records.product_id
        articles = self.search([
            ("aftersales_kind", "=", "article"), ("is_released", "=", True),
            ("product_ids", "in", products.ids),
        ]) if products else self.browse()
        by_product = {}
        for article in articles:
            for product in article.product_ids:
                by_product.setdefault(product.id, self.browse())
                by_product[product.id] |= article
        matches = {}
        for record in records:
            candidates = by_product.get(record.product_id.id, self.browse())
            text = record[symptom_field] or ""
            if symptom_field == "description":
                text = html2plaintext(text)
            text = text.lower()
            hits = candidates.filtered(
                lambda a: any(word in text for word in self._aftersales_split_keywords(a.symptom_keywords))
            )
            matches[record] = hits or candidates
        return matches

    def _aftersales_articles_action(self, articles):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "aftersales.document_page_action_knowledge"
        )
        action["domain"] = [("id", "in", articles.ids)]
        if len(articles) == 1:
            action.update(view_mode="form", views=[(False, "form")], res_id=articles.id)
        return action
