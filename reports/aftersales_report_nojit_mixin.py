from odoo import api, models


class AftersalesReportNojitMixin(models.AbstractModel):
    """Analysis views whose queries PostgreSQL should not JIT-compile."""

    _name = "aftersales.report.nojit.mixin"
    _description = "After-Sales Analysis View without JIT"

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        # The planner's estimates for these views (grouped facts, a series of months) are far
        # too high, so PostgreSQL would JIT-compile a query that runs in a fraction of a
        # second, for up to seconds of compilation; JIT never pays off for these queries.
        self.env.cr.execute("SET LOCAL jit = off")
        return super()._search(domain, offset=offset, limit=limit, order=order)
