from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .test_pricing import PricingCommon


@tagged("post_install", "-at_install")
class TestPricingJobs(PricingCommon):
    """A pricing run larger than a batch is computed and applied in the background: the lanes
    write the prices batch by batch, the run is applied after the last one, with the same
    prices as a run applied at once (the hand-checked figures of PricingCommon)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param("aftersales.job_batch_size", 2)
        cls.Job = cls.env["aftersales.job"]

    def _new_run(self):
        return Form(self.env["aftersales.pricing.run"]).save()

    def test_compute_and_apply_in_the_background(self):
        run = self._new_run()
        action = run.action_compute()
        self.assertEqual(action["params"]["next"]["res_model"], "aftersales.job")
        run.invalidate_recordset()  # the form reads the job again when it reloads
        self.assertRecordValues(run, [{"state": "draft", "is_aftersales_job_running": True,
                                       "aftersales_job_state": "queued"}])
        with self.assertRaisesRegex(UserError, "is running in the background"):
            run.action_compute()
        self.Job._run_pending()
        run.invalidate_recordset()
        self.assertRecordValues(run, [{"state": "computed", "is_aftersales_job_running": False,
                                       "aftersales_job_state": "done"}])
        self.assertIn("5 parts priced", run.aftersales_job_summary)

        action = run.action_apply()
        job = self.Job.browse(action["params"]["next"]["res_id"])
        self.assertEqual(len(job.batch_ids), 3)  # 5 parts, 2 a batch
        # the first batch's transaction done: its prices are in the lists, the run not applied
        self.env["aftersales.job.batch"].sudo()._lock_next()._run()
        run.invalidate_recordset()
        self.assertRecordValues(run, [{"state": "computed", "aftersales_job_state": "running",
                                       "aftersales_job_done": 2, "aftersales_job_remaining": 3,
                                       "aftersales_job_progress": 40.0}])
        self.assertEqual(self.env["product.pricelist.item"].search_count(
            [("pricelist_id", "=", self.dealer_list.id), ("product_id", "in", run.line_ids.product_id.ids)]
        ), 2)
        with self.assertRaisesRegex(UserError, "is running in the background"):
            run.action_apply()
        self.Job._run_pending()
        run.invalidate_recordset()
        self.assertEqual(run.state, "applied")
        self.assertAlmostEqual(self.dealer_list._get_product_price(self.m1, 1.0), 74.44, places=2)
        self.assertAlmostEqual(self.dealer_list._get_product_price(self.m3, 1.0), 168.88, places=2)
        self.assertAlmostEqual(self.market_list._get_product_price(self.m1, 1.0), 96.77, places=2)
        self.assertEqual(self.dealer_list._get_product_price(self.w1, 1.0), 10.0)
        # what Apply changed, one line per list, summed over the batches, in the run's chatter
        self.assertIn(f"{self.dealer_list.display_name}: prices created 5, updated 0, unchanged 0.",
                      job.summary)
        self.assertIn(f"{self.market_list.display_name}: prices created 5, updated 0, unchanged 0.",
                      run.message_ids[0].body)

    def test_background_apply_writes_what_an_apply_at_once_writes(self):
        """The same run applied in batches and at once gives every part the same price."""
        run = self._new_run()
        run.action_compute()
        self.Job._run_pending()
        run.action_apply()
        self.Job._run_pending()
        parts = run.line_ids.product_id
        in_batches = {
            (pricelist.id, part.id): pricelist._get_product_price(part, 1.0)
            for pricelist in (self.dealer_list | self.market_list) for part in parts
        }
        self.env["product.pricelist.item"].search(
            [("pricelist_id", "in", (self.dealer_list | self.market_list).ids),
             ("product_id", "in", parts.ids)]
        ).unlink()
        self.env["ir.config_parameter"].sudo().set_param("aftersales.job_batch_size", 100)
        again = self._new_run()
        again.action_compute()
        again.action_apply()
        self.assertEqual(again.state, "applied")
        self.assertFalse(self.Job.search([("res_id", "=", again.id), ("res_model", "=", again._name)]))
        at_once = {
            (pricelist.id, part.id): pricelist._get_product_price(part, 1.0)
            for pricelist in (self.dealer_list | self.market_list) for part in parts
        }
        self.assertEqual(in_batches, at_once)
