from odoo import api, fields, models


class AftersalesKnowledgeMixin(models.AbstractModel):
    """The knowledge-base articles a record of a product offers: the released articles of its
    product, narrowed to those whose symptom keywords occur in the record's text when there are
    any (``_aftersales_knowledge_text_field``: a claim's symptom, a request's description)."""

    _name = "aftersales.knowledge.mixin"
    _description = "Knowledge Articles of a Product's Record"
    _aftersales_knowledge_text_field = "symptom"

    knowledge_article_ids = fields.Many2many(
        "document.page",
        compute="_compute_knowledge_article_ids",
        string="Knowledge Articles",
        help="Released knowledge-base articles of the product; those whose symptom keywords "
        "occur in the symptom or description when there are any.",
    )
    knowledge_article_count = fields.Integer(compute="_compute_knowledge_article_ids")

    @api.depends(lambda self: ("product_id", self._aftersales_knowledge_text_field))
    def _compute_knowledge_article_ids(self):
        matches = self.env["document.page"]._aftersales_matching_articles(
            self, self._aftersales_knowledge_text_field
        )
        for record in self:
            record.knowledge_article_ids = matches[record]
            record.knowledge_article_count = len(matches[record])

    def action_view_knowledge_articles(self):
        self.ensure_one()
        return self.env["document.page"]._aftersales_articles_action(self.knowledge_article_ids)
