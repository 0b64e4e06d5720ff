import logging
from collections import defaultdict, namedtuple

import psycopg2.errors
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command

_logger = logging.getLogger(__name__)

# What two servers (or two lanes) working at the same time may hit: the batch is rolled back
# whole and tried again in a new transaction, which sees what the other one committed.
CONCURRENCY_ERRORS = (
    psycopg2.errors.SerializationFailure,
    psycopg2.errors.DeadlockDetected,
    psycopg2.errors.LockNotAvailable,
    psycopg2.errors.UniqueViolation,
)
# After this many concurrency failures in a row, a batch's records are run one by one and the
# record that still fails is reported as failed with the database's message.
MAX_ATTEMPTS = 5
JOB_STATES = [
    ("queued", "Queued"),
    ("running", "Running"),
    ("done", "Done"),
    ("failed", "Done with Failures"),
    ("cancel", "Cancelled"),
]
JobStart = namedtuple("JobStart", ["job", "counts", "summary"])
LANE_CRONS = ("aftersales.ir_cron_aftersales_job_lane_1", "aftersales.ir_cron_aftersales_job_lane_2")


def merge_counts(results):
    """The counts of several batches as one: numbers added, lists joined."""
    total = {}
    for result in results:
        for key, value in (result or {}).items():
            total[key] = total[key] + value if key in total else value
    return total


class AftersalesJob(models.Model):
    """A long run in the background: the work of one button (draw every dealer's statement, apply
    a pricing run, settle a selection of claims ...) cut into batches of records.

    The engine is Odoo's own: the scheduled actions "After-Sales: background jobs (lane 1/2)"
    (``ir.cron``) take the batches. Odoo locks a scheduled action while one server runs it
    (``FOR NO KEY UPDATE SKIP LOCKED``), so with two lanes two servers (or two cron threads)
    work at once; a lane locks the batch it runs the same way (``_cron_run_batches``). Each
    batch is one transaction, committed by Odoo's cron runner between two calls, with its
    progress reported through ``ir.cron._notify_progress``; a server stopped in the middle of a
    batch leaves it queued, and the next run takes it again: nothing is done twice or half.

    Who asks for a job calls ``_run_or_queue``: runs that fit in one batch run at once, in the
    request, as before; larger ones are queued and the user follows them on the job (and on the
    record it works for, ``aftersales.job.mixin``) until a chatter message and a notification
    say they ended.

    The work is a method of the record the job is for (``res_model``/``res_id``, or the model
    alone): ``method(units, **params)`` runs one batch of ``units`` (records of ``unit_model``)
    and may return a dict of counts, summed over the batches; ``done_method(job, counts)``
    runs after the last batch and returns the sentence that ends the job's story. Both are
    called as the user who started the job, in that user's companies and language.
    """

    _name = "aftersales.job"
    _description = "After-Sales Background Job"
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char(required=True, readonly=True)
    state = fields.Selection(
        JOB_STATES, default="queued", required=True, readonly=True, index=True, tracking=True,
    )
    user_id = fields.Many2one(
        "res.users", string="Started By", required=True, readonly=True, index=True,
        default=lambda self: self.env.user,
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, default=lambda self: self.env.company,
    )
    res_model = fields.Char(string="Document Model", required=True, readonly=True)
    res_id = fields.Many2oneReference(string="Document", model_field="res_model", readonly=True, index=True)
    res_name = fields.Char(string="For", compute="_compute_res_name")
    method = fields.Char(required=True, readonly=True)
    done_method = fields.Char(readonly=True)
    params = fields.Json(readonly=True)
    context_company_ids = fields.Json(readonly=True)
    unit_model = fields.Char(string="Records Of", required=True, readonly=True)
    unit_count = fields.Integer(string="Records", readonly=True)
    batch_ids = fields.One2many("aftersales.job.batch", "job_id", string="Batches", readonly=True)
    failure_ids = fields.One2many(
        "aftersales.job.batch", "job_id", string="Failures", readonly=True,
        domain=[("state", "=", "failed")],
    )
    done_count = fields.Integer(string="Done", compute="_compute_progress")
    failed_count = fields.Integer(string="Failed", compute="_compute_progress")
    remaining_count = fields.Integer(string="Remaining", compute="_compute_progress")
    progress = fields.Float(compute="_compute_progress", help="Records done or failed, in percent.")
    result = fields.Json(readonly=True)
    key = fields.Char(
        readonly=True, index=True,
        help="What the job does, e.g. the statements of a company and month: while one job with a "
        "key is queued or running, the same work is not queued a second time.",
    )
    is_sequential = fields.Boolean(
        string="One Batch at a Time", readonly=True,
        help="Its batches run one after the other, never two at once on two servers: work that "
        "Odoo serialises anyway, such as posting credit notes in one journal (each takes the "
        "journal's next number), where two batches at once would only roll each other back.",
    )
    date_started = fields.Datetime(string="Started", readonly=True)
    date_finished = fields.Datetime(string="Finished", readonly=True)
    summary = fields.Text(readonly=True)

    def init(self):
        # One active job per key, whichever server queues it (a partial unique index: the ORM's
        # _sql_constraints cannot say "while queued or running").
        self.env.cr.execute("""
            CREATE UNIQUE INDEX IF NOT EXISTS aftersales_job_active_key_uniq
                ON aftersales_job (key) WHERE key IS NOT NULL AND state IN ('queued', 'running')
        """)

    # ------------------------------------------------------------------ computes
    @api.depends("res_model", "res_id")
    def _compute_res_name(self):
        names = {}
        for model, jobs in self.filtered("res_id").grouped("res_model").items():
            for record in self.env[model].browse(jobs.mapped("res_id")).exists():  # one read a model
                names[model, record.id] = record.display_name
        for job in self:
            job.res_name = names.get((job.res_model, job.res_id), False)

    @api.depends("batch_ids.state", "batch_ids.unit_count", "unit_count")
    def _compute_progress(self):
        counts = defaultdict(int)
        for job, state, units in self.env["aftersales.job.batch"].sudo()._read_group(
            [("job_id", "in", self.ids)], ["job_id", "state"], ["unit_count:sum"],
        ):
            counts[job.id, state] += units
        for job in self:
            job.done_count = counts[job.id, "done"]
            job.failed_count = counts[job.id, "failed"]
            job.remaining_count = counts[job.id, "queued"]
            finished = job.done_count + job.failed_count
            job.progress = 100.0 * finished / job.unit_count if job.unit_count else 100.0

    # ------------------------------------------------------------------ start
    @api.model
    def _run_or_queue(self, record, method, units, *, name, batch_size, params=None,
                      done_method=None, key=None, background=None, sequential=False):
        """Run ``record.method(units, **params)`` now when ``units`` fit in one batch; else queue
        a job of batches of ``batch_size`` and wake the lanes. ``background`` True queues even
        one batch (work that cannot be cut but takes long, e.g. a pricing run's solve), False
        runs everything now. ``sequential`` runs the batches one at a time (see
        ``is_sequential``).

        :return: a ``JobStart``: the job queued (empty when the work ran now) and, when it ran
            now, the counts ``method`` returned and the sentence ``done_method`` said of them
        """
        params = params or {}
        batch_size = self._get_batch_size(batch_size)
        if background is False or (len(units) <= batch_size and not background):
            counts = getattr(record, method)(units, **params) or {}
            summary = getattr(record, done_method)(self.browse(), counts) if done_method else ""
            return JobStart(self.browse(), counts, summary)
        ids = units.ids
        vals = {
            "name": name,
            "res_model": record._name,
            "res_id": record.id if len(record) == 1 else False,
            "method": method,
            "done_method": done_method,
            "params": params,
            "context_company_ids": self.env.context.get("allowed_company_ids") or self.env.company.ids,
            "unit_model": units._name,
            "unit_count": len(ids),
            "key": key,
            "is_sequential": sequential,
            "batch_ids": [
                Command.create({"sequence": seq, "unit_ids": ids[start:start + batch_size]})
                for seq, start in enumerate(range(0, len(ids), batch_size))
            ],
        }
        try:
            with self.env.cr.savepoint():
                job = self.sudo().create(vals)
        except psycopg2.errors.UniqueViolation:
            raise UserError(_(
                "%(name)s is already running in the background. Wait until it ends: its "
                "progress is under After-Sales > Background Jobs.", name=name,
            )) from None
        job.message_post(
            body=_("Queued: %(count)s records in %(batches)s batches.",
                   count=len(ids), batches=len(vals["batch_ids"])),
            subtype_xmlid="mail.mt_note",
        )
        self._trigger_lanes()
        return JobStart(job.with_env(self.env), {}, "")

    @api.model
    def _get_batch_size(self, default):
        """The records of one batch: the caller's size, unless the system parameter
        ``aftersales.job_batch_size`` sets one for every job (smaller batches commit more often
        and spread better over the lanes; larger ones make fewer transactions)."""
        size = self.env["ir.config_parameter"].sudo().get_param("aftersales.job_batch_size")
        try:
            return max(int(size), 1) if size else default
        except ValueError:
            return default

    @api.model
    def _find_active(self, key):
        """The queued or running job with ``key``, if any."""
        return self.sudo().search([("key", "=", key), ("state", "in", ("queued", "running"))], limit=1)

    def _action_queued(self):
        """What the button that queued the job answers: a notification that opens the job."""
        self.ensure_one()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "title": _("Running in the background"),
                "message": _(
                    "%(name)s: %(count)s records queued. You will be notified when it ends; "
                    "its progress is on the job.", name=self.name, count=self.unit_count,
                ),
                "sticky": False,
                "next": self._get_form_action(),
            },
        }

    def _get_form_action(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("aftersales.aftersales_job_action")
        action.update({"res_id": self.id, "views": [(False, "form")], "view_mode": "form"})
        return action

    @api.model
    def _trigger_lanes(self):
        for xmlid in LANE_CRONS:
            cron = self.env.ref(xmlid, raise_if_not_found=False)
            if cron:
                cron.sudo()._trigger()

    # ------------------------------------------------------------------ buttons
    def action_retry_failed(self):
        """Queue the failed records again (after the cause was fixed)."""
        self._check_manage()
        for job in self:
            if job.state != "failed":
                raise UserError(_("%(job)s has no failed records to run again.", job=job.name))
        batches = self.sudo().failure_ids
        batches.write({"state": "queued", "attempts": 0, "error": False})
        self.sudo().write({"state": "running", "date_finished": False})
        self._trigger_lanes()
        return True

    def action_cancel(self):
        """Stop a job: the batches not run yet are dropped; what was done stays done."""
        self._check_manage()
        for job in self:
            if job.state not in ("queued", "running"):
                raise UserError(_("%(job)s has ended and cannot be cancelled.", job=job.name))
        self.sudo().batch_ids.filtered(lambda b: b.state == "queued").write({"state": "cancel"})
        self.sudo().write({"state": "cancel", "date_finished": fields.Datetime.now()})
        for job in self:
            job.sudo().message_post(
                body=_("Cancelled by %(user)s.", user=self.env.user.name), subtype_xmlid="mail.mt_note"
            )
        return True

    def action_view_record(self):
        self.ensure_one()
        record = self._get_record()
        if not (self.res_id and record.exists()):
            raise UserError(_("%(job)s does not work for one document.", job=self.name))
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "views": [(False, "form")],
        }

    def _check_manage(self):
        """The one who started a job, or an After-Sales manager, may retry or cancel it."""
        if self.env.user.has_group("aftersales.group_aftersales_manager"):
            return
        others = self.filtered(lambda job: job.user_id != self.env.user)
        if others:
            raise AccessError(_(
                "%(job)s was started by %(user)s: only they or an After-Sales manager can "
                "retry or cancel it.", job=others[0].name, user=others[0].user_id.name,
            ))

    # ------------------------------------------------------------------ the lanes
    @api.model
    def _cron_run_batches(self):
        """One lane's turn (``ir.cron``): run the next queued batch of any job, or end a job
        whose batches have all run. Odoo's cron runner calls it again while work remains
        (``_notify_progress``) and commits after each call."""
        cron = self.env["ir.cron"]
        Batch = self.env["aftersales.job.batch"].sudo()
        batch = Batch
        try:
            batch = Batch._lock_next()
            if batch:
                batch._run()
            else:
                finished = self._finish_ended_jobs()
                cron._notify_progress(done=len(finished), remaining=0)
                return
        except CONCURRENCY_ERRORS as error:
            # another server committed the same rows after this transaction began: run the batch
            # again in a new transaction (it is still queued: nothing of it was kept)
            self.env.cr.rollback()
            _logger.info("Background job batch deferred after a concurrent update: %s", error)
            if batch:
                Batch.browse(batch.id)._count_attempt()
        remaining = Batch.search_count([("state", "=", "queued")])
        cron._notify_progress(done=1, remaining=remaining or 1)  # 1: a last turn ends the jobs
        self._trigger_lanes()

    @api.model
    def _finish_ended_jobs(self):
        """End the jobs that have no queued batch left: the done method, the chatter message and
        the notification. A job ended by another lane at the same moment is left to it."""
        self.flush_model(["state"])
        self.env["aftersales.job.batch"].flush_model(["state", "job_id"])
        self.env.cr.execute("""
            SELECT job.id FROM aftersales_job job
             WHERE job.state IN ('queued', 'running')
               AND NOT EXISTS (SELECT 1 FROM aftersales_job_batch b
                                WHERE b.job_id = job.id AND b.state = 'queued')
             ORDER BY job.id
               FOR NO KEY UPDATE SKIP LOCKED
        """, log_exceptions=False)
        jobs = self.sudo().browse([row[0] for row in self.env.cr.fetchall()])
        for job in jobs:
            job._finish()
        return jobs

    def _finish(self):
        self.ensure_one()
        counts = merge_counts(batch.result for batch in self.batch_ids if batch.state == "done")
        summary = ""
        record = self._get_env_record()
        if self.done_method:
            try:
                with self.env.cr.savepoint():
                    summary = getattr(record, self.done_method)(self.with_env(record.env), dict(counts))
            except CONCURRENCY_ERRORS:
                raise
            except Exception as error:  # noqa: BLE001 - reported on the job, as a batch's failure
                _logger.exception("Background job %s: the end step failed", self.id)
                summary = _("The last step failed: %(error)s", error=self._error_text(error))
                self.env["aftersales.job.batch"].create({
                    "job_id": self.id, "sequence": 10**6, "state": "failed", "unit_ids": [],
                    "error": summary,
                })
        failed = self.failure_ids
        state = "failed" if failed else "done"
        lines = (summary or _("%(count)s records done.", count=self.done_count)).split("\n")
        if failed:
            lines.append(_(
                "%(count)s failed (they are listed on the job, with the reason; fix them and "
                "press Retry Failed):", count=self.failed_count,
            ))
            lines += [f"{batch.unit_name or ''}: {batch.error}" for batch in failed[:10]]
        self.write({
            "state": state, "date_finished": fields.Datetime.now(), "summary": "\n".join(lines),
            "result": dict(counts),
        })
        body = Markup("<br/>").join([self.name] + lines)
        self.message_post(body=body, subtype_xmlid="mail.mt_note")
        document = self.env[self.res_model].browse(self.res_id or [])
        if document and hasattr(document, "message_post") and document.exists():
            document.message_post(body=body, subtype_xmlid="mail.mt_note")
        self.user_id.partner_id._bus_send("simple_notification", {
            "type": "warning" if failed else "success",
            "title": self.name,
            "message": "\n".join(lines[:4]),
            "sticky": bool(failed),
        })

    # ------------------------------------------------------------------ helpers
    def _mark_running(self):
        """Queued -> running, when a lane takes the job's first batch; left to the other lane
        when two take the first two batches at the same moment (the row locked by it)."""
        self.ensure_one()
        if self.state != "queued":
            return
        self.env.cr.execute("SELECT id FROM aftersales_job WHERE id = %s FOR NO KEY UPDATE SKIP LOCKED",
                            [self.id], log_exceptions=False)
        if self.env.cr.fetchone():
            self.write({"state": "running", "date_started": fields.Datetime.now()})

    def _get_record(self):
        self.ensure_one()
        return self.env[self.res_model].browse(self.res_id or [])

    def _get_env(self):
        """The environment the work runs in: the user who started the job, in their companies
        and language (the lanes run as OdooBot)."""
        self.ensure_one()
        user = self.user_id
        company_ids = [cid for cid in (self.context_company_ids or []) if cid in user.company_ids.ids]
        return self.env(user=user.id, su=False, context={
            "lang": user.lang, "tz": user.tz, "aftersales_job": self.id,
            "allowed_company_ids": company_ids or [self.company_id.id],
        })

    def _get_env_record(self):
        env = self._get_env()
        return env[self.res_model].browse(self.res_id or [])

    @api.model
    def _error_text(self, error):
        if isinstance(error, (UserError, AccessError)) or type(error).__name__ == "ValidationError":
            return str(error.args[0]) if error.args else str(error)
        return f"{type(error).__name__}: {error}"

    @api.model
    def _run_pending(self):
        """Run every queued batch and end the jobs, here and now: what the lanes would do, in
        the current transaction (tests; the shell of an administrator)."""
        Batch = self.env["aftersales.job.batch"].sudo()
        while batch := Batch._lock_next():
            batch._run()
        return self._finish_ended_jobs()
