from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    aftersales_van_location_id = fields.Many2one(
        "stock.location",
        string="Van Location",
        domain="[('usage', '=', 'internal')]",
        help="The stock location of the service engineer's van: parts used on site are taken "
        "from it.",
    )

    def _aftersales_activity_summary(self, activity_type_xmlid):
        """The summary of an activity type in this user's language: an activity scheduled for
        the user by someone else (a dealer on the portal, a scheduled job) reads in the
        language of the one who does it, not of the one who scheduled it."""
        self.ensure_one()
        activity_type = self.env.ref(activity_type_xmlid)
        return activity_type.with_context(lang=self.lang or self.env.lang).summary

    def _aftersales_take_turns(self, last, count):
        """The users of ``self`` (the candidates, in the order of their turns) who take the next
        ``count`` pieces of work in turn (round robin), starting after ``last``, the one who took
        the latest (anyone else, or nobody: from the first). Claims to review and satisfaction
        call-backs are shared out this way."""
        if not self:
            return []
        start = self.ids.index(last.id) + 1 if last in self else 0
        return [self[(start + index) % len(self)] for index in range(count)]
