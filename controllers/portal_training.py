from collections import defaultdict

from odoo import _, http
from odoo.exceptions import UserError
from odoo.http import request

from .portal import AftersalesPortal


class AftersalesTrainingPortal(AftersalesPortal):
    """Dealer training on the portal: the published courses with their materials and test, and
    the dealer's certifications per technician.

    Courses and certifications are read with the portal user's record rules (published courses;
    its own dealer's certifications). A technician takes a course's test in Odoo's Survey, at
    the survey's own start page, with an answer (``survey.user_input``) created for them as
    superuser; passing it certifies them (``survey.user_input._mark_done``)."""

    # -------------------------------------------------------------------- home
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        dealer = self._aftersales_dealer()
        if not counters and dealer:
            # the dealer's training status on the portal home
            values["aftersales_training_status"] = self._aftersales_training_status(dealer)
        if "aftersales_training_counter" in counters:
            # the dealer's valid certifications (the portal rule keeps it to its own)
            Certification = request.env["aftersales.certification"]
            values["aftersales_training_counter"] = Certification.search_count(
                Certification._valid_domain()
            ) if dealer else 0
        return values

    def _aftersales_training_status(self, dealer):
        """{certified, uncertified}: the names of the product lines the dealer sells (with a
        course) for which its technicians are certified, or not."""
        dealer = dealer.sudo()
        return {
            "certified": dealer.aftersales_certified_product_ids.mapped("display_name"),
            "uncertified": dealer.aftersales_uncertified_product_ids.mapped("display_name"),
        }

    # ---------------------------------------------------------------- training
    @http.route(["/my/training"], type="http", auth="user", website=True, readonly=True)
    def portal_my_training(self, **kw):
        dealer = self._aftersales_dealer()
        if not dealer:
            return self._aftersales_not_found()
        return self._aftersales_training_page(dealer, error=kw.get("error"))

    def _aftersales_training_page(self, dealer, **extra):
        # the published courses (portal rule), their materials and products read as superuser
        courses = request.env["aftersales.training.course"].search([])
        courses_sudo = courses.sudo()
        courses_sudo.fetch(["name", "kind", "product_id", "process", "description", "survey_id",
                            "validity_months", "material_ids"])
        courses_sudo.material_ids.fetch(["name", "type", "url", "mimetype"])
        # the dealer's certifications (portal rule: its own), per technician
        certifications = request.env["aftersales.certification"].search([], order="technician_id, date desc, id desc")
        certifications_sudo = certifications.sudo()
        certifications_sudo.technician_id.fetch(["name"])
        by_technician = defaultdict(lambda: certifications_sudo.browse())
        for certification in certifications_sudo:
            by_technician[certification.technician_id] |= certification
        # the courses the logged-in technician holds a valid certification of
        mine = certifications_sudo.filtered_domain(
            certifications_sudo._valid_domain() + [("technician_id", "=", request.env.user.partner_id.id)]
        ).course_id
        values = self._prepare_portal_layout_values()
        values.update({
            "courses": courses_sudo,
            "my_courses": mine,
            "kind_labels": self._aftersales_selection(courses, "kind"),
            "process_labels": self._aftersales_selection(courses, "process"),
            "state_labels": self._aftersales_selection(certifications, "state"),
            "certifications_by_technician": by_technician,
            "training_status": self._aftersales_training_status(dealer),
            "page_name": "aftersales_training",
        })
        values.update(extra)
        return request.render("aftersales.portal_my_training", values)

    def _aftersales_dealer_course(self, course_id):
        """The published course as superuser if the logged-in dealer may read it, else None."""
        if not self._aftersales_dealer():
            return None
        course = request.env["aftersales.training.course"].search([("id", "=", course_id)])
        return course.sudo() or None

    @http.route(
        ["/my/training/<int:course_id>/material/<int:attachment_id>"], type="http", auth="user",
        website=True, readonly=True,
    )
    def portal_my_training_material(self, course_id, attachment_id, **kw):
        """A course's document (or link): only the materials of a course the dealer reads."""
        course_sudo = self._aftersales_dealer_course(course_id)
        if course_sudo is None or attachment_id not in course_sudo.material_ids.ids:
            return self._aftersales_not_found()
        attachment = course_sudo.material_ids.browse(attachment_id)
        if attachment.type == "url":
            return request.redirect(attachment.url, local=False)
        return request.env["ir.binary"]._get_stream_from(attachment).get_response(as_attachment=True)

    @http.route(
        ["/my/training/<int:course_id>/test"], type="http", auth="user", website=True, methods=["POST"],
    )
    def portal_my_training_test(self, course_id, **post):
        """Open the course's test for the logged-in technician: their test in progress or a new
        one, at the survey's start page."""
        dealer = self._aftersales_dealer()
        course_sudo = self._aftersales_dealer_course(course_id)
        if course_sudo is None:
            return self._aftersales_not_found()
        try:
            with request.env.cr.savepoint():
                answer = course_sudo._get_test_answer(request.env.user)
        except UserError as error:
            return self._aftersales_training_page(dealer, error=error.args[0])
        return request.redirect(answer.get_start_url())
