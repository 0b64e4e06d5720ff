from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from .aftersales_claim import DECIDED_STATES, ONCE_APPROVED_STATES, WITHDRAWN_STATES

KPI_CLASSES = [
    ("timeliness", "Timeliness"),
    ("effectiveness", "Effectiveness"),
    ("standardisation", "Standardisation"),
]

# The measures an item can use. Each code ``x`` but ``manual`` is read by ``_measure_x`` below.
# To add one: append its code here and write ``_measure_<code>(employees, date_from, date_to)``
# returning {employee id: value}; the appraisal engine needs no change.
# Domain, section 5: a working scheme shows fewer service complaints, lower controllable cost,
# complete service data and reports on time; the last four measures read them.
MEASURES = [
    ("manual", "Entered by hand"),
    ("review_on_time", "Claim reviews done by the deadline (%)"),
    ("decision_hours", "Average hours from submission to decision"),
    ("first_time_fix", "First-time fix rate (%)"),
    ("complete_first_submission", "Claims complete on first submission (%)"),
    ("complaint_volume", "Complaints received, % of the previous period"),
    ("cost_per_claim", "Service cost per claim, % of the previous period"),
    ("data_complete", "Dealers' claims complete at first submission (%)"),
    ("request_on_time", "Requests closed within their SLA (%)"),
]

SCORING_RULES = [
    ("ratio_up", "Value / target (higher is better)"),
    ("ratio_down", "Target / value (lower is better)"),
    ("linear", "Linear from floor (score 0) to ceiling (maximum score)"),
]


class AftersalesKpiItem(models.Model):
    _name = "aftersales.kpi.item"
    _description = "KPI Item"
    _order = "scheme_id, sequence, id"
    _check_company_auto = True

    # ------------------------------------------------------------------ fields
    scheme_id = fields.Many2one(
        "aftersales.kpi.scheme", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="scheme_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    kpi_class = fields.Selection(KPI_CLASSES, string="Class", required=True, default="timeliness")
    weight = fields.Float(
        string="Weight (%)", digits=(5, 2), required=True, default=0.0,
        help="Share of the KPI value carried by this item; the weights of a scheme add up to 100.",
    )
    measure = fields.Selection(
        MEASURES, required=True, default="manual",
        help="Where the measured value comes from: entered per employee on the appraisal sheets, "
        "or computed from the service data of the period: the warranty claims the employee "
        "reviewed, the claims of the dealers the employee looks after (the dealer's "
        "salesperson), the service requests the employee owns, and the company's complaints "
        "and claim costs against the previous period.",
    )
    window_days = fields.Integer(
        string="Repeat Window (days)", default=30,
        help="First-time fix: an approved claim counts as fixed when no other claim is filed on "
        "the same machine for a failure within this many days.",
    )
    target = fields.Float(
        digits=(12, 2), default=100.0,
        help="The value that meets expectations: scores 1 with the ratio rules.",
    )
    scoring_rule = fields.Selection(SCORING_RULES, required=True, default="ratio_up")
    floor = fields.Float(
        digits=(12, 2), help="Linear rule: the value that scores 0 (may be above the ceiling "
        "when lower values are better)."
    )
    ceiling = fields.Float(digits=(12, 2), help="Linear rule: the value that scores the maximum.")
    score_cap = fields.Float(
        string="Maximum Score", digits=(5, 2), default=5.0,
        help="Item scores are capped between 0 and this.",
    )
    unit = fields.Char(help="Unit of the measured value, shown on the sheets (%, h...).")

    # ------------------------------------------------------------- constraints
    @api.constrains("scoring_rule", "target", "floor", "ceiling", "score_cap", "weight", "window_days")
    def _check_scoring(self):
        for item in self:
            if item.weight < 0 or item.weight > 100:
                raise ValidationError(_(
                    "KPI item %(item)s: the weight must lie between 0 and 100 %% (%(weight)s).",
                    item=item.name, weight=item.weight,
                ))
            if item.scoring_rule in ("ratio_up", "ratio_down") and not item.target:
                raise ValidationError(_(
                    "KPI item %(item)s: a target of 0 makes its score undefined. Enter the value "
                    "that meets expectations.", item=item.name,
                ))
            if item.scoring_rule == "linear" and item.floor == item.ceiling:
                raise ValidationError(_(
                    "KPI item %(item)s: the floor and the ceiling are both %(value)s, so the score "
                    "is undefined. Enter the value scoring 0 as floor and the value scoring the "
                    "maximum as ceiling.", item=item.name, value=item.floor,
                ))
            if item.score_cap <= 0:
                raise ValidationError(_(
                    "KPI item %(item)s: the maximum score must be positive.", item=item.name
                ))
            if item.measure == "first_time_fix" and item.window_days <= 0:
                raise ValidationError(_(
                    "KPI item %(item)s: the repeat window must be at least one day.",
                    item=item.name,
                ))

    # -------------------------------------------------------------------- CRUD
    @api.model_create_multi
    def create(self, vals_list):
        schemes = self.env["aftersales.kpi.scheme"].browse(
            [vals["scheme_id"] for vals in vals_list if vals.get("scheme_id")]
        )
        schemes._check_terms_editable()
        return super().create(vals_list)

    def write(self, vals):
        self.scheme_id._check_terms_editable()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_agreed(self):
        self.scheme_id._check_terms_editable()

    # -------------------------------------------------------- business methods
    def _score(self, value):
        """Item score of a measured ``value``, between 0 and the item's maximum score."""
        self.ensure_one()
        if self.scoring_rule == "ratio_up":
            score = value / self.target
        elif self.scoring_rule == "ratio_down":
            score = self.target / value if value > 0 else self.score_cap
        else:
            score = (value - self.floor) / (self.ceiling - self.floor) * self.score_cap
        return min(max(score, 0.0), self.score_cap)

    def _measure(self, employees, date_from, date_to):
        """{employee id: measured value} of this item for ``employees`` over the period; an
        employee without data in the period is left out (the sheet shows 'No data')."""
        self.ensure_one()
        if self.measure == "manual":
            return {}
        self.env["aftersales.claim"].flush_model()
        self.env["aftersales.request"].flush_model()
        self.env["res.partner"].flush_model(["user_id"])
        return getattr(self, f"_measure_{self.measure}")(employees, date_from, date_to)

    @api.model
    def _previous_period(self, date_from, date_to):
        """The period before ``date_from`` - ``date_to``: the previous calendar month for a
        calendar month, else as many days just before."""
        if date_from.day == 1 and date_to == date_from + relativedelta(months=1, days=-1):
            start = date_from - relativedelta(months=1)
            return start, date_from - relativedelta(days=1)
        days = (date_to - date_from).days + 1
        return date_from - relativedelta(days=days), date_from - relativedelta(days=1)

    @api.model
    def _employee_users(self, employees):
        """{user id: employee id} of the employees who have a user."""
        # one read for all (hr.employee's own fetch would otherwise go record by record)
        return {
            row["user_id"]: row["id"]
            for row in employees.sudo().read(["user_id"], load=None)
            if row["user_id"]
        }

    def _reviewed_claims_query(self, employees, date_from, date_to, select, extra=SQL(), join=SQL(),
                               credited=SQL("c.reviewer_id")):
        """One query over the claims ``c`` decided in the period and credited to ``employees``
        (``credited``: the column holding the employee's user, by default the reviewer),
        grouped per employee: ``select`` is the aggregate returned, ``extra`` more conditions
        on ``c``, ``join`` tables joined to ``c``."""
        users = self._employee_users(employees)
        if not users:
            return {}
        self.env.cr.execute(SQL(
            """
            SELECT %(credited)s, %(select)s
              FROM aftersales_claim c
                   %(join)s
             WHERE %(credited)s IN %(users)s
               AND c.company_id = %(company)s
               AND c.state IN %(states)s
               AND c.review_date >= %(start)s
               AND c.review_date < %(stop)s + INTERVAL '1 day'
               %(extra)s
          GROUP BY %(credited)s
            """,
            credited=credited,
            select=select,
            users=tuple(users),
            company=self.company_id.id,
            states=DECIDED_STATES,
            start=date_from,
            stop=date_to,
            extra=extra,
            join=join,
        ))
        return {
            users[user_id]: float(value)
            for user_id, value in self.env.cr.fetchall()
            if value is not None
        }

    def _measure_review_on_time(self, employees, date_from, date_to):
        """Timeliness: % of the claims the employee decided in the period on or before their
        review deadline."""
        return self._reviewed_claims_query(employees, date_from, date_to, SQL(
            "100.0 * COUNT(*) FILTER (WHERE c.review_deadline IS NULL "
            "OR c.review_date::date <= c.review_deadline) / COUNT(*)"
        ))

    def _measure_decision_hours(self, employees, date_from, date_to):
        """Timeliness: average hours from the dealer's submission to the employee's decision,
        over the claims decided in the period."""
        return self._reviewed_claims_query(
            employees, date_from, date_to,
            SQL("AVG(EXTRACT(EPOCH FROM c.review_date - c.submit_date) / 3600.0)"),
            SQL("AND c.submit_date IS NOT NULL"),
        )

    def _measure_first_time_fix(self, employees, date_from, date_to):
        """Effectiveness: % of the claims the employee approved in the period after which no
        other claim was filed on the same machine for a failure within ``window_days`` days."""
        # One lookup by machine (lot_id index) per approved claim, stopping at the first repeat.
        # The day difference is written so that PostgreSQL cannot AND it with the failure_date
        # index, which made it scan a month of claims for every claim (9 s for 8,000 claims).
        return self._reviewed_claims_query(
            employees, date_from, date_to,
            SQL("100.0 * COUNT(*) FILTER (WHERE repeat.id IS NULL) / COUNT(*)"),
            SQL("AND c.state IN %s AND c.lot_id IS NOT NULL AND c.failure_date IS NOT NULL",
                ONCE_APPROVED_STATES),
            SQL(
                """LEFT JOIN LATERAL (
                    SELECT n.id FROM aftersales_claim n
                     WHERE n.lot_id = c.lot_id AND n.id != c.id AND n.state NOT IN %s
                       AND n.failure_date - c.failure_date BETWEEN 1 AND %s
                     LIMIT 1) repeat ON TRUE""",
                WITHDRAWN_STATES,
                self.window_days,
            ),
        )

    def _measure_complete_first_submission(self, employees, date_from, date_to):
        """Standardisation: % of the claims the employee decided in the period that carried the
        machine (serial number) and the end user's name and phone or e-mail, and were never sent
        back to the dealer: complete on their first submission."""
        return self._reviewed_claims_query(employees, date_from, date_to, SQL(
            """100.0 * COUNT(*) FILTER (WHERE c.sent_back_count = 0 AND c.lot_id IS NOT NULL
                AND COALESCE(TRIM(c.end_user_name), '') != ''
                AND (COALESCE(c.end_user_phone, '') != '' OR COALESCE(c.end_user_email, '') != '')
            ) / COUNT(*)"""
        ))

    def _measure_complaint_volume(self, employees, date_from, date_to):
        """Effectiveness: the complaints (service requests of type complaint, not cancelled)
        the company received in the period, as a % of those of the previous period (below 100:
        fewer). The department's result: every employee gets the same value; no data when the
        previous period had none."""
        previous = self._previous_period(date_from, date_to)
        counts = [self._count_complaints(*dates) for dates in (previous, (date_from, date_to))]
        if not counts[0]:
            return {}
        return dict.fromkeys(employees.ids, 100.0 * counts[1] / counts[0])

    def _count_complaints(self, date_from, date_to):
        return self.env["aftersales.request"].sudo().search_count([
            ("company_id", "=", self.company_id.id),
            ("request_type", "=", "complaint"),
            ("state", "!=", "cancelled"),
            ("request_date", ">=", fields.Datetime.to_datetime(date_from)),
            ("request_date", "<", fields.Datetime.to_datetime(date_to + relativedelta(days=1))),
        ])

    def _measure_cost_per_claim(self, employees, date_from, date_to):
        """Effectiveness: the average approved amount (the service cost) of the claims the
        employee approved in the period, as a % of their average of the previous period
        (below 100: cheaper). No data without approved claims in both periods."""
        def average(start, stop):
            return self._reviewed_claims_query(
                employees, start, stop, SQL("AVG(c.amount_approved)"),
                SQL("AND c.state IN %s", ONCE_APPROVED_STATES),
            )
        before = average(*self._previous_period(date_from, date_to))
        now = average(date_from, date_to)
        return {
            employee_id: 100.0 * value / before[employee_id]
            for employee_id, value in now.items()
            if before.get(employee_id)
        }

    def _measure_data_complete(self, employees, date_from, date_to):
        """Standardisation: % of the claims decided in the period that were never sent back to
        the dealer (complete at first submission), credited to the dealer-facing employee: the
        salesperson of the claim's dealer."""
        return self._reviewed_claims_query(
            employees, date_from, date_to,
            SQL("100.0 * COUNT(*) FILTER (WHERE c.sent_back_count = 0) / COUNT(*)"),
            join=SQL("JOIN res_partner dealer ON dealer.id = c.dealer_id"),
            credited=SQL("dealer.user_id"),
        )

    def _measure_request_on_time(self, employees, date_from, date_to):
        """Timeliness: % of the service requests the employee owns, closed (done) in the
        period, that were closed by their SLA deadline (models/aftersales_sla.py)."""
        users = self._employee_users(employees)
        if not users:
            return {}
        self.env.cr.execute(SQL(
            """
            SELECT r.user_id,
                   100.0 * COUNT(*) FILTER (WHERE r.sla_deadline IS NULL
                                             OR r.close_date <= r.sla_deadline) / COUNT(*)
              FROM aftersales_request r
             WHERE r.user_id IN %(users)s
               AND r.company_id = %(company)s
               AND r.state = 'done'
               AND r.close_date >= %(start)s
               AND r.close_date < %(stop)s + INTERVAL '1 day'
          GROUP BY r.user_id
            """,
            users=tuple(users), company=self.company_id.id, start=date_from, stop=date_to,
        ))
        return {users[user_id]: float(value) for user_id, value in self.env.cr.fetchall()}
