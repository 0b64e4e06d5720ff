class QueryCountMixin:
    """Query counts measured in the test itself, so that a count can be compared with Odoo's own
    path on the same data rather than with a fixed number that Odoo's own queries would move."""

    def _count_queries(self, function):
        """Queries of ``function``: caches flushed and emptied before, writes flushed after."""
        self.env.flush_all()
        self.env.invalidate_all()
        start = self.env.cr.sql_log_count
        function()
        self.env.flush_all()
        return self.env.cr.sql_log_count - start

    def _count_queries_undone(self, function, prepare=None):
        """Queries of ``function`` (after ``prepare``, not counted), both then rolled back."""
        with self.env.cr.savepoint() as savepoint:
            if prepare:
                prepare()
            count = self._count_queries(function)
            savepoint.rollback()
        self.env.invalidate_all()
        return count
