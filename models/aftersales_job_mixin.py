from odoo import _, fields, models
from odoo.exceptions import UserError

from .aftersales_job import JOB_STATES


class AftersalesJobMixin(models.AbstractModel):
    """A document whose long work runs as a background job (``aftersales.job``): its form shows
    the latest job's state and progress, and its buttons refuse to start the same work twice."""

    _name = "aftersales.job.mixin"
    _description = "After-Sales Document with Background Jobs"

    aftersales_job_state = fields.Selection(
        JOB_STATES, string="Background Job", compute="_compute_aftersales_job",
    )
    aftersales_job_name = fields.Char(string="Background Job Name", compute="_compute_aftersales_job")
    aftersales_job_progress = fields.Float(string="Job Progress", compute="_compute_aftersales_job")
    aftersales_job_done = fields.Integer(string="Job Records Done", compute="_compute_aftersales_job")
    aftersales_job_remaining = fields.Integer(string="Job Records Remaining", compute="_compute_aftersales_job")
    aftersales_job_summary = fields.Text(string="Job Summary", compute="_compute_aftersales_job")
    is_aftersales_job_running = fields.Boolean(compute="_compute_aftersales_job")

    def _get_aftersales_jobs(self):
        """The jobs of these documents, newest first, whoever started them (their progress is
        shown to everyone who reads the document)."""
        return self.env["aftersales.job"].sudo().search(
            [("res_model", "=", self._name), ("res_id", "in", self.ids)], order="id desc",
        )

    def _compute_aftersales_job(self):
        latest = {}
        for job in self._get_aftersales_jobs() if self.ids else []:
            latest.setdefault(job.res_id, job)
        for record in self:
            job = latest.get(record.id)
            record.aftersales_job_state = job.state if job else False
            record.aftersales_job_name = job.name if job else False
            record.aftersales_job_progress = job.progress if job else 0.0
            record.aftersales_job_done = job.done_count if job else 0
            record.aftersales_job_remaining = job.remaining_count if job else 0
            record.aftersales_job_summary = job.summary if job else False
            record.is_aftersales_job_running = bool(job) and job.state in ("queued", "running")

    def _get_aftersales_job_key(self):
        """The key of this document's jobs: one job at a time per document, whatever it does
        (a compute and an apply of the same run never run together)."""
        self.ensure_one()
        return f"{self._name}:{self.id}"

    def _check_no_running_job(self):
        self.invalidate_recordset(["is_aftersales_job_running"])  # a job queued in this transaction
        running = self.filtered("is_aftersales_job_running")[:1]
        if running:
            raise UserError(_(
                "%(record)s: %(job)s is running in the background (%(done)s done, %(remaining)s "
                "to go). Wait until it ends.", record=running.display_name,
                job=running.aftersales_job_name, done=running.aftersales_job_done,
                remaining=running.aftersales_job_remaining,
            ))

    def action_view_aftersales_job(self):
        self.ensure_one()
        job = self._get_aftersales_jobs()[:1]
        if not job:
            raise UserError(_("%(record)s has no background job.", record=self.display_name))
        return job.with_env(self.env)._get_form_action()
