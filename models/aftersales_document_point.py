from odoo import _, fields, models
from odoo.exceptions import UserError


class AftersalesDocumentPoint(models.Model):
    """A point of the discussion of a department document (handbook, section 7, step 4): a
    comment of the staff who carry the document out, made in the page's chatter while it is in
    discussion. The owner answers it; the page is neither approved nor released while one is
    open."""

    _name = "aftersales.document.point"
    _description = "Discussion Point of a Document"
    _order = "state desc, id"
    _check_company_auto = True

    page_id = fields.Many2one("document.page", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="page_id.company_id", store=True, index=True)
    version = fields.Integer(readonly=True, help="The page's version the point was raised on.")
    message_id = fields.Many2one("mail.message", string="Comment", ondelete="set null", readonly=True)
    author_id = fields.Many2one("res.partner", string="Raised By", readonly=True)
    question = fields.Text(required=True)
    answer = fields.Text()
    state = fields.Selection(
        [("open", "Open"), ("answered", "Answered")], string="Status", default="open", required=True,
        index=True,
    )
    answered_by_id = fields.Many2one("res.users", string="Answered By", readonly=True)

    def action_answer(self):
        """Mark the point answered: the owner's answer is posted in the page's chatter."""
        for point in self:
            page = point.page_id
            if point.state != "open":
                raise UserError(_("%(page)s: this point is already answered.", page=page.display_name))
            if not point.answer:
                raise UserError(_(
                    "%(page)s: write the answer to the point of %(author)s first.",
                    page=page.display_name, author=point.author_id.display_name,
                ))
            if self.env.user != page.owner_id and not self.env.user.has_group(
                    "aftersales.group_aftersales_manager"):
                raise UserError(_(
                    "%(page)s: only its owner %(owner)s or an After-Sales manager answers the "
                    "discussion points.", page=page.display_name, owner=page.owner_id.name,
                ))
            point.write({"state": "answered", "answered_by_id": self.env.uid})
            page.message_post(
                body=_("Answer to %(author)s: %(answer)s", author=point.author_id.name, answer=point.answer),
                subtype_xmlid="mail.mt_note",
            )
        return True
