from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

COURSE_KINDS = [
    ("product", "Product (Repair Skills)"),
    ("process", "Process"),
]
COURSE_PROCESSES = [
    ("claims", "Warranty Claims"),
    ("parts", "Spare Parts"),
    ("portal", "Dealer Portal"),
]


class AftersalesTrainingCourse(models.Model):
    """A course for the dealers' technicians: its materials (documents or links) and the
    certification test, an Odoo survey with certification scoring. A technician who passes the
    test of a product course is certified for its product line (a finished machine) for
    ``validity_months``; a process course certifies the process (claims, parts, portal).

    The course structure is written here; the test, its scoring, the pass mark and the
    certificate are Odoo's Survey (readme/CONFIGURE.md says why not eLearning)."""

    _name = "aftersales.training.course"
    _description = "Dealer Training Course"
    _inherit = ["mail.thread"]
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    kind = fields.Selection(COURSE_KINDS, required=True, default="product", tracking=True)
    product_id = fields.Many2one(
        "product.product", string="Product Line", index=True, tracking=True, check_company=True,
        domain="[('aftersales_part_class', '=', 'finished')]",
        help="The finished machine whose repair skills the course teaches: passing its test "
        "certifies the technician for this product line.",
    )
    process = fields.Selection(COURSE_PROCESSES, tracking=True)
    description = fields.Html(translate=True)
    material_ids = fields.Many2many(
        "ir.attachment", "aftersales_training_course_attachment_rel", "course_id", "attachment_id",
        string="Materials",
        help="Documents and links (URL attachments) the dealers' technicians study before the test.",
    )
    survey_id = fields.Many2one(
        "survey.survey", string="Certification Test", check_company=False,
        domain="[('certification', '=', True)]",
        help="The survey with certification scoring that the technicians take on the portal; "
        "passing it certifies them.",
    )
    validity_months = fields.Integer(
        string="Validity (Months)", default=24,
        help="How long a certification of this course is valid; 0 for no end.",
    )
    is_published = fields.Boolean(
        string="Published for Dealers", tracking=True,
        help="The dealers' technicians see the course on the portal and may take its test.",
    )
    certification_ids = fields.One2many("aftersales.certification", "course_id", string="Certifications")
    certification_count = fields.Integer(compute="_compute_certification_count")

    _sql_constraints = [
        ("validity_months_positive", "CHECK(validity_months >= 0)",
         "The validity of a course's certifications cannot be negative."),
    ]

    @api.depends("certification_ids")
    def _compute_certification_count(self):
        counts = dict(self.env["aftersales.certification"]._read_group(
            [("course_id", "in", self.ids)], ["course_id"], ["__count"]
        ))
        for course in self:
            course.certification_count = counts.get(course, 0)

    @api.constrains("kind", "product_id", "process")
    def _check_product_line(self):
        for course in self:
            if course.kind == "product" and not course.product_id:
                raise ValidationError(_(
                    "%(course)s: a product course needs its product line (the finished machine).",
                    course=course.display_name,
                ))
            if course.kind == "process" and not course.process:
                raise ValidationError(_(
                    "%(course)s: a process course needs its process (claims, parts or portal).",
                    course=course.display_name,
                ))

    @api.constrains("is_published", "survey_id")
    def _check_survey(self):
        for course in self.filtered("is_published"):
            if course.survey_id and not course.survey_id.certification:
                raise ValidationError(_(
                    "%(course)s: its test %(survey)s is not a certification: tick Certification "
                    "on the survey's Options tab.",
                    course=course.display_name, survey=course.survey_id.display_name,
                ))

    @api.onchange("kind")
    def _onchange_kind(self):
        if self.kind == "product":
            self.process = False
        else:
            self.product_id = False

    # --------------------------------------------------------------- actions
    def action_publish(self):
        self.is_published = True
        return True

    def action_unpublish(self):
        self.is_published = False
        return True

    def action_view_certifications(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("aftersales.aftersales_certification_action")
        action["domain"] = [("course_id", "=", self.id)]
        action["context"] = {"default_course_id": self.id}
        return action

    # ------------------------------------------------------------- business
    def _get_test_answer(self, user):
        """The survey answer (``survey.user_input``) with which ``user`` takes the course's
        test: their test in progress, else a new one. Created as superuser: a portal user
        cannot create answers, and the survey's own checks (attempts left) still apply."""
        self.ensure_one()
        if not self.is_published or not self.survey_id:
            raise UserError(_("%(course)s has no test to take.", course=self.display_name))
        survey = self.survey_id.sudo()
        answer = self.env["survey.user_input"].sudo().search([
            ("survey_id", "=", survey.id), ("partner_id", "=", user.partner_id.id),
            ("state", "!=", "done"), ("test_entry", "=", False),
        ], order="id desc", limit=1)
        return answer or survey._create_answer(user=user)
