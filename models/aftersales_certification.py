from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models

CERTIFICATION_STATES = [
    ("valid", "Valid"),
    ("expired", "Expired"),
]
# A certification whose end is this close shows as expiring soon on the dealer's form.
EXPIRING_DAYS = 60


class AftersalesCertification(models.Model):
    """A dealer technician's certification: they passed the test of a course (a survey marked
    passed, ``survey.user_input._mark_done``). Valid until ``valid_until``; the daily cron
    marks it expired after that date. The claim's check of the dealer's certification reads
    the dates, not the state, so it is right even before the cron runs."""

    _name = "aftersales.certification"
    _description = "Dealer Technician Certification"
    _order = "date desc, id desc"
    _rec_name = "course_id"
    _check_company_auto = True

    technician_id = fields.Many2one(
        "res.partner", required=True, index=True, ondelete="cascade",
        help="The dealer's contact who passed the test.",
    )
    dealer_id = fields.Many2one(
        "res.partner", compute="_compute_dealer_id", store=True, index=True, readonly=True,
        help="The dealer company of the technician.",
    )
    course_id = fields.Many2one(
        "aftersales.training.course", required=True, index=True, ondelete="restrict",
        check_company=True,
    )
    company_id = fields.Many2one(related="course_id.company_id", store=True, index=True)
    kind = fields.Selection(related="course_id.kind", store=True)
    product_id = fields.Many2one(
        related="course_id.product_id", store=True, index=True, string="Product Line",
    )
    process = fields.Selection(related="course_id.process", store=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    valid_until = fields.Date(help="Empty: valid with no end.")
    state = fields.Selection(CERTIFICATION_STATES, required=True, default="valid", index=True)
    user_input_id = fields.Many2one(
        "survey.user_input", string="Test Answers", readonly=True, ondelete="set null",
        help="The passed survey that earned the certification.",
    )
    scoring_percentage = fields.Float(related="user_input_id.scoring_percentage", string="Score (%)")

    @api.depends("technician_id.commercial_partner_id")
    def _compute_dealer_id(self):
        for certification in self:
            certification.dealer_id = certification.technician_id.commercial_partner_id

    # ------------------------------------------------------------- business
    @api.model
    def _valid_domain(self, on_date=None):
        """Certifications valid on ``on_date`` (today), by their dates."""
        on_date = on_date or fields.Date.context_today(self)
        return [("date", "<=", on_date), "|", ("valid_until", "=", False), ("valid_until", ">=", on_date)]

    @api.model
    def _create_from_user_inputs(self, user_inputs):
        """Certify the technicians of ``user_inputs`` (passed certification surveys) for every
        published course whose test they passed, once per answer."""
        user_inputs = user_inputs.sudo().filtered(
            lambda answer: answer.scoring_success and answer.survey_id.certification
            and not answer.test_entry and answer.partner_id
        )
        if not user_inputs:
            return self
        courses = self.env["aftersales.training.course"].sudo().search(
            [("survey_id", "in", user_inputs.survey_id.ids)]
        )
        done = set(self.sudo().search([("user_input_id", "in", user_inputs.ids)]).mapped(
            lambda certification: (certification.user_input_id.id, certification.course_id.id)
        ))
        vals_list = []
        for answer in user_inputs:
            day = fields.Date.context_today(self, answer.end_datetime)
            for course in courses.filtered(lambda course: course.survey_id == answer.survey_id):
                if (answer.id, course.id) in done:
                    continue
                vals_list.append({
                    "technician_id": answer.partner_id.id,
                    "course_id": course.id,
                    "date": day,
                    "valid_until": (day + relativedelta(months=course.validity_months)
                                    if course.validity_months else False),
                    "user_input_id": answer.id,
                })
        return self.sudo().create(vals_list)

    @api.model
    def _cron_expire(self):
        """Mark expired the certifications whose end has passed."""
        today = fields.Date.context_today(self)
        self.search([("state", "=", "valid"), ("valid_until", "<", today)]).state = "expired"
        return True

    @api.model
    def _get_certified_pairs(self, dealers, products):
        """{(dealer id, product id)} of ``dealers`` certified today for ``products``: one
        grouped read."""
        groups = self.sudo()._read_group(
            self._valid_domain() + [("dealer_id", "in", dealers.ids), ("product_id", "in", products.ids)],
            ["dealer_id", "product_id"],
        )
        return {(dealer.id, product.id) for dealer, product in groups}
