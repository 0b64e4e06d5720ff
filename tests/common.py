import logging
import unittest
from contextlib import closing, contextmanager
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, TransactionCase, new_test_user
from odoo.tools import SQL
from odoo.tools.misc import file_path
from odoo.tools.translate import TranslationImporter

_logger = logging.getLogger(__name__)


def explain_with_indexes(cr, queries, drop_indexes=()):
    """{name: plan text} of the SQL ``queries`` ({name: SQL}), with the planner made to take an
    index wherever one serves (a test database holds too few rows for it to prefer one) and the
    ``drop_indexes`` left out of its choice; inside a savepoint rolled back, so nothing stays."""
    cr.execute("SAVEPOINT plan")
    try:
        cr.execute("SET LOCAL enable_seqscan = off")
        cr.execute("SET LOCAL enable_bitmapscan = off")
        for index in drop_indexes:
            cr.execute(SQL("DROP INDEX %s", SQL.identifier(index)))
        plans = {}
        for name, query in queries.items():
            cr.execute(SQL("EXPLAIN %s", query))
            plans[name] = "\n".join(row[0] for row in cr.fetchall())
    finally:
        cr.execute("ROLLBACK TO SAVEPOINT plan")
    return plans


def load_translations(env, langs=("zh_CN", "zh_TW"), modules=("aftersales",)):
    """Activate ``langs`` and load the .po files of ``modules`` into the database, as Odoo does
    when a language is installed or the add-on updated, inside the test's transaction."""
    importer = TranslationImporter(env.cr, verbose=False)
    for lang in langs:
        env["res.lang"]._activate_lang(lang)
        for module in modules:
            importer.load_file(file_path(f"{module}/i18n/{lang}.po"), lang)
    importer.save(overwrite=True)
    env.invalidate_all()


def run_one_batch_killed(case):
    """A lane takes the next batch of the background jobs and its server is stopped before the
    commit: the batch's transaction is rolled back and the batch stays queued. ``case``: the
    test (its environment and assertions)."""
    batch = case.env["aftersales.job.batch"].sudo()._lock_next()
    with closing(case.env.cr.savepoint()):
        batch._run()
        case.assertEqual(batch.state, "done")
    case.assertEqual(batch.state, "queued")
    return batch


def use_one_time_zone(env):
    """Put the users who have a time zone in UTC, the time zone of the users the tests create
    (who have none), inside the test's transaction.

    Odoo's demo data gives the superuser, the administrator and the demo user Europe/Brussels.
    For an hour or two a day, their "today" and that of the users a test creates are not the
    same day, and a test that takes its dates from one and acts as the other fails then: on a
    database with demo data, late in the evening (UTC).
    """
    env["res.users"].with_context(active_test=False).search(
        [("tz", "not in", [False, "UTC"])]
    ).write({"tz": "UTC"})


class BrowserCase(HttpCase):
    """HttpCase whose browser tests never pass as skipped: Odoo reports a headless Chrome that
    did not start or connect as a skipped test, which would hide a tour that never ran. Chrome
    is tried once more (a busy machine can be slow to start it), then the test fails.

    The first page a test run opens also builds the asset bundles, tours included; Odoo waits
    60 seconds at most for a tour to be ready, whatever the test's timeout, which a busy
    machine can exceed while building them. A tour that was never ready is tried once more
    (the bundles are built by then) and fails if it is still not ready. The users' time zones
    are made one (``use_one_time_zone``)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        use_one_time_zone(cls.env)

    def browser_js(self, *args, **kwargs):
        try:
            return super().browser_js(*args, **kwargs)
        except unittest.SkipTest as error:
            _logger.warning("Headless Chrome did not start (%s): trying once more", error)
        except AssertionError as error:
            if "was always falsy" not in str(error):
                raise
            _logger.warning("The page was not ready in time (%s): trying once more", error)
        except TimeoutError as error:
            # the browser did not answer Odoo's readiness check in time (assets being built)
            if "isTourReady" not in str(error):
                raise
            _logger.warning("The page did not answer in time (%s): trying once more", error)
        try:
            return super().browser_js(*args, **kwargs)
        except unittest.SkipTest as error:
            raise AssertionError(f"Headless Chrome did not start, twice: {error}") from None


class AftersalesCommon(TransactionCase):
    """Two dealers with their portal users and end users, and a finished product with serials."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        use_one_time_zone(cls.env)
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.today = fields.Date.context_today(cls.env.user)
        cls.level = cls.env["aftersales.dealer.level"].create(
            {"name": "Test Level", "settlement_discount": 10.0}
        )
        Partner = cls.env["res.partner"]
        cls.dealer_a, cls.dealer_b = Partner.create(
            [
                {"name": "Dealer A", "is_company": True, "is_dealer": True,
                 "dealer_code": "T-A", "dealer_level_id": cls.level.id},
                {"name": "Dealer B", "is_company": True, "is_dealer": True,
                 "dealer_code": "T-B", "dealer_level_id": cls.level.id},
            ]
        )
        cls.contact_a, cls.contact_b = Partner.create(
            [
                {"name": "Alice of A", "parent_id": cls.dealer_a.id, "email": "alice@a.example.com"},
                {"name": "Bob of B", "parent_id": cls.dealer_b.id, "email": "bob@b.example.com"},
            ]
        )
        cls.end_user_a, cls.end_user_b = Partner.create(
            [
                {"name": "End User of A", "is_end_user": True, "phone": "+1 555 0101",
                 "aftersales_dealer_id": cls.dealer_a.id},
                {"name": "End User of B", "is_end_user": True, "email": "eu@b.example.com",
                 "aftersales_dealer_id": cls.dealer_b.id},
            ]
        )
        cls.portal_a = new_test_user(
            cls.env, login="portal_a", groups="base.group_portal", partner_id=cls.contact_a.id
        )
        cls.portal_b = new_test_user(
            cls.env, login="portal_b", groups="base.group_portal", partner_id=cls.contact_b.id
        )
        cls.as_user = new_test_user(
            cls.env, login="as_user", groups="base.group_user,aftersales.group_aftersales_user"
        )
        cls.as_manager = new_test_user(
            cls.env, login="as_manager", groups="base.group_user,aftersales.group_aftersales_manager"
        )
        cls.machine = cls.env["product.product"].create(
            {
                "name": "Test Generator",
                "type": "consu",
                "is_storable": True,
                "tracking": "serial",
                "aftersales_part_class": "finished",
                "warranty_months": 12,
            }
        )
        cls.part = cls.env["product.product"].create(
            {"name": "Test Filter", "type": "consu", "aftersales_part_class": "wear",
             "is_serviceable_part": True}
        )
        Lot = cls.env["stock.lot"]
        cls.lot_a, cls.lot_b, cls.lot_stock = Lot.create(
            [
                {"name": "SN-A-1", "product_id": cls.machine.id, "dealer_id": cls.dealer_a.id,
                 "dealer_delivery_date": cls.today - timedelta(days=200)},
                {"name": "SN-B-1", "product_id": cls.machine.id, "dealer_id": cls.dealer_b.id,
                 "dealer_delivery_date": cls.today - timedelta(days=200)},
                {"name": "SN-STOCK-1", "product_id": cls.machine.id},
            ]
        )

    @classmethod
    def _register(cls, lot, end_user, days_ago):
        lot._register_end_user(end_user, cls.today - timedelta(days=days_ago))


    @contextmanager
    def assertRaisesMessage(self, exception, regex):
        """Like assertRaisesRegex, but inside Odoo's savepoint: the failed write is rolled back
        and the cache cleared, so the test can check that nothing was written."""
        with self.assertRaises(exception) as cm:
            yield cm
        self.assertRegex(str(cm.exception), regex)
