import logging
from odoo import api, fields, models

from .aftersales_job import CONCURRENCY_ERRORS, MAX_ATTEMPTS, merge_counts

_logger = logging.getLogger(__name__)


class AftersalesJobBatch(models.Model):
    """A batch of a background job: the records one transaction works on."""

    _name = "aftersales.job.batch"
    _description = "After-Sales Background Job Batch"
    _order = "job_id, sequence, id"

    job_id = fields.Many2one("aftersales.job", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(required=True, default=0)
    state = fields.Selection(
        [("queued", "Queued"), ("done", "Done"), ("failed", "Failed"), ("cancel", "Cancelled")],
        default="queued", required=True, index=True,
    )
    # not required: a batch whose records all failed keeps none (Odoo stores an empty list as NULL)
    unit_ids = fields.Json(string="Record IDs", default=list)
    unit_count = fields.Integer(string="Records", compute="_compute_unit_count", store=True)
    unit_name = fields.Char(string="Record", help="The record that failed.")
    error = fields.Text(string="Reason")
    attempts = fields.Integer(default=0, help="Concurrency failures in a row.")
    result = fields.Json()
    duration = fields.Float(string="Seconds")

    @api.depends("unit_ids")
    def _compute_unit_count(self):
        for batch in self:
            batch.unit_count = len(batch.unit_ids or [])

    @api.model
    def _lock_next(self):
        """The next queued batch that no other server is running, locked until this
        transaction ends (``SKIP LOCKED``: two lanes never take the same batch)."""
        self.flush_model(["state"])
        self.env.cr.execute("""
            SELECT id FROM aftersales_job_batch
             WHERE state = 'queued'
             ORDER BY job_id, sequence, id
             LIMIT 1
               FOR NO KEY UPDATE SKIP LOCKED
        """)
        row = self.env.cr.fetchone()
        return self.browse(row[0]) if row else self.browse()

    def _count_attempt(self):
        """Count a concurrency failure of this batch, at the start of a new transaction (the
        failed one was rolled back), unless another lane has taken the batch meanwhile."""
        self.ensure_one()
        self.env.cr.execute(
            "SELECT id FROM aftersales_job_batch WHERE id = %s FOR NO KEY UPDATE SKIP LOCKED", [self.id]
        )
        if self.env.cr.fetchone():
            self.attempts += 1

    def _run(self):
        """Run the batch (locked by ``_lock_next``): its records all at once; when that fails,
        one by one, so that one record's failure is reported with its reason and the others
        are done."""
        self.ensure_one()
        job = self.job_id
        if job.state == "queued":
            job._mark_running()
        start = fields.Datetime.now()
        record = job._get_env_record()
        units = record.env[job.unit_model].browse(self.unit_ids).exists()
        params = job.params or {}
        method = getattr(record, job.method)
        if self.attempts < MAX_ATTEMPTS:
            try:
                with self.env.cr.savepoint():
                    counts = method(units, **params) or {}
            except CONCURRENCY_ERRORS:
                raise
            except Exception:  # noqa: BLE001 - one record's failure: find it below
                _logger.info("Background job %s batch %s failed, run record by record", job.id, self.id)
            else:
                self.write({
                    "state": "done", "result": counts, "attempts": 0,
                    "duration": (fields.Datetime.now() - start).total_seconds(),
                })
                return
        results, done, failures = [], [], []
        for unit in units:
            try:
                with self.env.cr.savepoint():
                    results.append(method(unit, **params) or {})
                done.append(unit.id)
            except Exception as error:  # noqa: BLE001 - reported on the job, the rest goes on
                if isinstance(error, CONCURRENCY_ERRORS) and self.attempts < MAX_ATTEMPTS:
                    raise
                _logger.info("Background job %s: %s failed: %s", job.id, unit.display_name, error)
                failures.append((unit, job._error_text(error)))
        self.write({
            "state": "done", "unit_ids": done, "result": merge_counts(results), "attempts": 0,
            "duration": (fields.Datetime.now() - start).total_seconds(),
        })
        self.create([
            {"job_id": job.id, "sequence": self.sequence, "state": "failed", "unit_ids": [unit.id],
             "unit_name": unit.display_name, "error": error}
            for unit, error in failures
        ])
