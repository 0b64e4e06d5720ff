from odoo import _, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request

from ..models.aftersales_audit import SELF_AUDIT_OPEN_STATES
from .portal import MAX_REQUEST_BYTES, AftersalesPortal, readonly_unless_after_write

# {audit state: badge colour}
AUDIT_BADGES = {"draft": "secondary", "in_progress": "warning", "submitted": "info", "done": "success"}
# {corrective action state: badge colour}
ACTION_BADGES = {"open": "warning", "answered": "info", "closed": "success"}


class AftersalesAuditPortal(AftersalesPortal):
    """Dealer service audits on the dealer portal: the dealer's audits with their scores, its
    self-audits filled in and submitted on the page, and its corrective actions answered there.

    A dealer reads its audits, their checklists and its corrective actions through their portal
    rules; what it writes (scores, notes, photos, answers) goes through the models' methods
    (``aftersales.audit._fill_from_portal``, ``action_submit``,
    ``aftersales.audit.action._answer``) as superuser, after the record was found with the
    dealer's rules and checked to be its own."""

    # -------------------------------------------------------------------- home
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "aftersales_audit_counter" in counters:
            # the dealer's open corrective actions and self-audits to fill in (the portal rules
            # keep the dealer to its own)
            dealer = self._aftersales_dealer()
            values["aftersales_audit_counter"] = (
                request.env["aftersales.audit.action"].search_count([("state", "=", "open")])
                + request.env["aftersales.audit"].search_count(
                    [("audit_type", "=", "self"), ("state", "in", SELF_AUDIT_OPEN_STATES)]
                )
            ) if dealer else 0
        return values

    # ----------------------------------------------------------------- helpers
    def _aftersales_owned_audit(self, audit_id):
        """The audit as superuser if the logged-in dealer may read it and it is its own, else
        None."""
        dealer = self._aftersales_dealer()
        try:
            audit_sudo = self._document_check_access("aftersales.audit", audit_id)
        except (AccessError, MissingError):
            return None
        if not dealer or audit_sudo.dealer_id.commercial_partner_id != dealer:
            return None
        return audit_sudo

    def _aftersales_audit_page(self, audit_sudo, **extra):
        lines = audit_sudo.line_ids
        lines.fetch(["section", "name", "guidance", "score", "max_score", "weight", "note"])
        actions = audit_sudo.action_ids
        actions.fetch(["name", "owner_name", "due_date", "state", "answer", "answer_date", "line_id"])
        sections = []
        for line in lines:
            if not sections or sections[-1][0] != line.section:
                sections.append((line.section, []))
            sections[-1][1].append(line)
        values = self._prepare_portal_layout_values()
        values.update({
            "audit": audit_sudo,
            "sections": sections,
            "actions": actions,
            "can_fill": audit_sudo.audit_type == "self" and audit_sudo.state in SELF_AUDIT_OPEN_STATES,
            "state_labels": self._aftersales_selection(audit_sudo, "state"),
            "type_labels": self._aftersales_selection(audit_sudo, "audit_type"),
            "action_labels": self._aftersales_selection(actions, "state"),
            "audit_badges": AUDIT_BADGES,
            "action_badges": ACTION_BADGES,
            "page_name": "aftersales_audit",
            "form": {},
        })
        values.update(extra)
        values = self._get_page_view_values(audit_sudo, None, values, "my_audits_history", False)
        return request.render("aftersales.portal_my_audit", values)

    # ------------------------------------------------------------------ audits
    @http.route(
        ["/my/audits", "/my/audits/page/<int:page>"], type="http", auth="user", website=True,
        readonly=True,
    )
    def portal_my_audits(self, page=1, **kw):
        if not self._aftersales_dealer():
            return self._aftersales_not_found()
        Audit = request.env["aftersales.audit"]
        audits, pager = self._aftersales_list_page(
            Audit, [], "date desc, id desc", page, "/my/audits", {},
            ["name", "date", "audit_type", "state", "score", "template_id"],
        )
        open_actions = request.env["aftersales.audit.action"].search_fetch(
            [("state", "=", "open")], ["name", "due_date", "audit_id", "owner_name"],
            order="due_date, id",
        )
        values = self._prepare_portal_layout_values()
        values.update({
            "audits": audits,
            "open_actions": open_actions,
            "state_labels": self._aftersales_selection(Audit, "state"),
            "type_labels": self._aftersales_selection(Audit, "audit_type"),
            "audit_badges": AUDIT_BADGES,
            "page_name": "aftersales_audit",
            "pager": pager,
            "default_url": "/my/audits",
        })
        return request.render("aftersales.portal_my_audits", values)

    @http.route(
        ["/my/audits/<int:audit_id>"], type="http", auth="user", website=True,
        readonly=readonly_unless_after_write,
    )
    def portal_my_audit(self, audit_id, **kw):
        audit_sudo = self._aftersales_owned_audit(audit_id)
        if audit_sudo is None:
            return self._aftersales_not_found()
        messages = {
            "saved": _("Your self-audit was saved."),
            "submitted": _("Your self-audit was submitted: the manufacturer will confirm it."),
            "answered": _("Your answer was sent: the manufacturer will check it."),
        }
        return self._aftersales_audit_page(audit_sudo, success=messages.get(kw.get("success")))

    @http.route(
        ["/my/audits/<int:audit_id>/save"], type="http", auth="user", website=True,
        methods=["POST"], max_content_length=MAX_REQUEST_BYTES,
    )
    def portal_my_audit_save(self, audit_id, **post):
        """Save the dealer's scores, notes and photos of its self-audit; submit it when the
        dealer pressed Submit."""
        audit_sudo = self._aftersales_owned_audit(audit_id)
        if audit_sudo is None:
            return self._aftersales_not_found()
        scores, notes = {}, {}
        for line in audit_sudo.line_ids:
            raw = post.get(f"score_{line.id}")
            if raw not in (None, ""):
                score = self._aftersales_float(raw)
                if score is None:
                    return self._aftersales_audit_page(
                        audit_sudo, error=_("%(item)s: the score must be a number.", item=line.name)
                    )
                scores[line.id] = score
            if f"note_{line.id}" in post:
                notes[line.id] = (post[f"note_{line.id}"] or "").strip() or False
        try:
            with request.env.cr.savepoint():
                audit_sudo._fill_from_portal(scores, notes)
                self._aftersales_attach_files(
                    audit_sudo, request.httprequest.files.getlist("photos"),
                    body=_("Photos of the self-audit from the dealer."),
                )
                if post.get("submit"):
                    audit_sudo.action_submit()
        except (UserError, ValidationError) as error:
            return self._aftersales_audit_page(audit_sudo, error=error.args[0])
        success = "submitted" if post.get("submit") else "saved"
        return request.redirect(f"/my/audits/{audit_sudo.id}?success={success}")

    @http.route(
        ["/my/audits/<int:audit_id>/actions/<int:action_id>/answer"], type="http", auth="user",
        website=True, methods=["POST"], max_content_length=MAX_REQUEST_BYTES,
    )
    def portal_my_audit_action_answer(self, audit_id, action_id, answer=None, **post):
        """The dealer's answer to a corrective action: what was done, with photos."""
        audit_sudo = self._aftersales_owned_audit(audit_id)
        if audit_sudo is None:
            return self._aftersales_not_found()
        # searched with the dealer's rules: another dealer's action is not found
        action = request.env["aftersales.audit.action"].search(
            [("id", "=", action_id), ("audit_id", "=", audit_sudo.id)]
        ).sudo()
        if not action:
            return self._aftersales_not_found()
        try:
            with request.env.cr.savepoint():
                action._answer(answer, request.env.user.partner_id)
                self._aftersales_attach_files(
                    action, request.httprequest.files.getlist(f"photos_{action.id}"),
                    body=_("Photos of the corrective action from the dealer."),
                )
        except (UserError, ValidationError) as error:
            return self._aftersales_audit_page(
                audit_sudo, error=error.args[0], form={"action_id": action.id, "answer": answer}
            )
        return request.redirect(f"/my/audits/{audit_sudo.id}?success=answered")
