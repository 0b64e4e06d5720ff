from odoo import models


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    # Dealer training: a passed certification test certifies the technician
    def _mark_done(self):
        result = super()._mark_done()
        self.env["aftersales.certification"]._create_from_user_inputs(self)
        return result
