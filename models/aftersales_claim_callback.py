from datetime import timedelta

from odoo import fields, models


class AftersalesClaim(models.Model):
    _inherit = "aftersales.claim"

    callback_ids = fields.One2many("aftersales.callback", "claim_id", string="Call-backs")
    callback_count = fields.Integer(compute="_compute_callback_count")

    def _compute_callback_count(self):
        counts = dict(
            self.env["aftersales.callback"]._read_group(
                [("claim_id", "in", self.ids)], ["claim_id"], ["__count"]
            )
        )
        for claim in self:
            claim.callback_count = counts.get(claim, 0)

    def write(self, vals):
        res = super().write(vals)
        if vals.get("state") == "settled":
            # whatever settled them (approval, receipt of the parts, a monthly statement)
            self._schedule_satisfaction_callbacks()
        return res

    def _schedule_satisfaction_callbacks(self):
        """Schedule one satisfaction call-back per settled claim with an end user, due the
        company's call-back delay after today, never a second one for the same claim."""
        Callback = self.env["aftersales.callback"].sudo()
        claims = self.filtered(lambda c: c.state == "settled" and c.end_user_id)
        if not claims:
            return Callback
        done = Callback.with_context(active_test=False).search(
            [("claim_id", "in", claims.ids)]
        ).claim_id
        claims -= done
        if not claims:
            return Callback
        today = fields.Date.context_today(self)
        callbacks = Callback.create([claim._prepare_callback_vals(today) for claim in claims])
        callbacks._schedule_activities()
        return callbacks

    def _prepare_callback_vals(self, today):
        self.ensure_one()
        company = self.company_id
        return {
            "company_id": company.id,
            "claim_id": self.id,
            "lot_id": self.lot_id.id,
            "product_id": self.product_id.id,
            "dealer_id": self.dealer_id.id,
            "end_user_id": self.end_user_id.id,
            "due_date": today + timedelta(days=company.callback_delay_days),
            "user_id": (company.callback_user_id or self.reviewer_id or self.env.user).id,
            "duration": company.callback_duration,
        }

    def action_view_callbacks(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("aftersales.aftersales_callback_action")
        action["domain"] = [("claim_id", "=", self.id)]
        action["context"] = {"create": False}
        if self.callback_count == 1:
            action.update(views=[(False, "form")], res_id=self.callback_ids.id)
        return action
