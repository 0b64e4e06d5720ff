import logging
import time
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
        transaction ends (``SKIP LOCKED``: two lanes never take the same batch). A job marked
        ``is_sequential`` runs one batch at a time: its row is locked with the batch, and a lane
        finding it locked takes another job's batch.

        The locks are taken without logging a failure: a row another server changed since this
        transaction began cannot be locked (PostgreSQL's serialization failure), which the lane
        answers by running again in a new transaction, not as an error."""
        self.flush_model(["state"])
        self.env["aftersales.job"].flush_model(["state", "is_sequential"])
        cr = self.env.cr
        cr.execute("""
            SELECT job.id, job.is_sequential FROM aftersales_job job
             WHERE job.state IN ('queued', 'running')
               AND EXISTS (SELECT 1 FROM aftersales_job_batch b
                            WHERE b.job_id = job.id AND b.state = 'queued')
             ORDER BY job.id
        """)
        for job_id, is_sequential in cr.fetchall():
            if is_sequential:
                cr.execute("SELECT id FROM aftersales_job WHERE id = %s FOR NO KEY UPDATE SKIP LOCKED",
                           [job_id], log_exceptions=False)
                if not cr.fetchone():
                    continue  # another lane is running one of its batches
            cr.execute("""
                SELECT id FROM aftersales_job_batch
                 WHERE job_id = %s AND state = 'queued'
                 ORDER BY sequence, id
                 LIMIT 1
                   FOR NO KEY UPDATE SKIP LOCKED
            """, [job_id], log_exceptions=False)
            row = cr.fetchone()
            if row:
                return self.browse(row[0])
        return self.browse()

    def _count_attempt(self):
        """Count a concurrency failure of this batch, at the start of a new transaction (the
        failed one was rolled back), unless another lane has taken the batch meanwhile."""
        self.ensure_one()
        self.env.cr.execute(
            "SELECT id FROM aftersales_job_batch WHERE id = %s FOR NO KEY UPDATE SKIP LOCKED", [self.id],
            log_exceptions=False,
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
        start = time.perf_counter()
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
                    "duration": round(time.perf_counter() - start, 2),
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
            "duration": round(time.perf_counter() - start, 2),
        })
        self.create([
            {"job_id": job.id, "sequence": self.sequence, "state": "failed", "unit_ids": [unit.id],
             "unit_name": unit.display_name, "error": error}
            for unit, error in failures
        ])
