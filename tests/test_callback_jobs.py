from contextlib import closing
from datetime import timedelta

from lxml import etree

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common_claim import AftersalesClaimCommon


@tagged("post_install", "-at_install")
class TestCallbackRound(AftersalesClaimCommon):
    """The call-back round: settled claims with an end user and no call-back (settled before
    the add-on scheduled call-backs) get theirs, shared out among the hotline's outbound
    agents in turn; more claims than a batch (here 2) are planned by a background job, run
    here in the test's transaction (``_run_pending``)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param("aftersales.job_batch_size", 2)
        cls.company.write({"callback_user_id": False, "callback_delay_days": 3})
        Team = cls.env["aftersales.team"]
        Team.search([]).outbound_agent_ids = False
        groups = "base.group_user,aftersales.group_aftersales_user"
        cls.agent_a = new_test_user(cls.env, login="round_a", name="Agent A", groups=groups)
        cls.agent_b = new_test_user(cls.env, login="round_b", name="Agent B", groups=groups)
        Team.create({"name": "Round Hotline", "company_id": cls.company.id,
                     "outbound_agent_ids": [Command.set((cls.agent_a | cls.agent_b).ids)]})
        lots = cls.lot_a | cls.env["stock.lot"].create([
            {"name": f"SN-A-{n}", "product_id": cls.machine.id, "dealer_id": cls.dealer_a.id,
             "dealer_delivery_date": cls.lot_a.dealer_delivery_date}
            for n in range(2, 6)
        ])
        for lot in lots[1:]:
            cls._register(lot, cls.end_user_a, 100)
        # settled before call-backs were scheduled: none of them has one
        cls.claims = cls.env["aftersales.claim"].create([
            {"dealer_id": cls.dealer_a.id, "lot_id": lot.id, "failure_date": cls.failure_date,
             "state": "settled", "settle_date": fields.Datetime.now()}
            for lot in lots
        ])
        cls.Callback = cls.env["aftersales.callback"]
        cls.Job = cls.env["aftersales.job"]

    def _to_call_back(self):
        return self.env["aftersales.claim"].search(
            self.Callback._get_round_claims_domain(self.company), order="id"
        )

    def _round_jobs(self):
        return self.Job.search([("key", "=", f"aftersales.callback.round:{self.company.id}")])

    def test_plan_button_on_the_call_back_list(self):
        view = self.env.ref("aftersales.aftersales_callback_view_list")
        for user, shown in ((self.as_manager, True), (self.as_user, False)):
            with self.subTest(user=user.login):
                arch = self.Callback.with_user(user).get_views([(view.id, "list")])["views"]["list"]["arch"]
                buttons = etree.fromstring(arch).xpath(
                    "//header/button[@name='action_plan_callbacks'][@display='always']"
                )
                self.assertEqual(bool(buttons), shown)
        with self.assertRaises(AccessError):
            self.Callback.with_user(self.as_user).action_plan_callbacks()

    def test_round_planned_by_a_job(self):
        todo = self._to_call_back()
        self.assertTrue(self.claims <= todo)
        action = self.Callback.with_user(self.as_manager).action_plan_callbacks()
        job = self._round_jobs()
        self.assertEqual(len(job), 1)
        self.assertEqual(action["params"]["next"]["res_id"], job.id)
        self.assertRecordValues(job, [{"state": "queued", "unit_count": len(todo),
                                       "unit_model": "aftersales.claim"}])
        self.assertFalse(self.claims.callback_ids)
        # the round once at a time: the button again, or the nightly run on another server
        with self.assertRaisesMessage(UserError, "already running in the background"):
            self.Callback.with_user(self.as_manager).action_plan_callbacks()
        with mute_logger("odoo.addons.aftersales.models.aftersales_callback"):
            self.Callback._cron_plan_callbacks()
        self.assertEqual(self._round_jobs(), job)

        self.Job._run_pending()
        self.assertFalse(self._to_call_back())
        agents = []
        for claim in todo:
            callback = claim.callback_ids
            self.assertEqual(len(callback), 1)
            self.assertRecordValues(callback, [{
                "state": "planned", "end_user_id": claim.end_user_id.id,
                "due_date": self.today + timedelta(days=3),
            }])
            self.assertEqual(callback.activity_ids.user_id, callback.user_id)
            agents.append(callback.user_id)
        # the agents in turn, batch after batch
        self.assertEqual(
            agents, [(self.agent_a, self.agent_b)[n % 2] for n in range(len(todo))]
        )
        self.assertEqual(job.state, "done")
        self.assertEqual(job.summary, f"Satisfaction call-backs planned: {len(todo)}.")

        # nothing left: the next round plans nothing, at once
        action = self.Callback.with_user(self.as_manager).action_plan_callbacks()
        self.assertEqual(action["params"]["message"], "Satisfaction call-backs planned: 0.")
        self.assertEqual(self._round_jobs(), job)

    def test_claim_called_back_meanwhile_is_skipped(self):
        """A claim given its call-back between queueing and running (settled again on another
        server, another round) is skipped: called back once."""
        self.Callback._cron_plan_callbacks()
        job = self._round_jobs()
        self.assertEqual(job.state, "queued")
        self.claims[0]._schedule_satisfaction_callbacks()
        self.Job._run_pending()
        self.assertEqual(
            job.summary,
            f"Satisfaction call-backs planned: {job.unit_count - 1}. "
            "Claims skipped, called back already or no longer settled: 1.",
        )
        for claim in self.claims:
            self.assertEqual(len(claim.callback_ids), 1)

    def test_small_round_runs_at_once(self):
        self.env["ir.config_parameter"].sudo().set_param("aftersales.job_batch_size", 1000)
        count = len(self._to_call_back())
        action = self.Callback.with_user(self.as_manager).action_plan_callbacks()
        self.assertRecordValues(self.claims.callback_ids, [{"state": "planned"}] * 5)
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(action["params"]["message"], f"Satisfaction call-backs planned: {count}.")
        self.assertFalse(self._round_jobs())

    def test_nightly_round_is_scheduled(self):
        cron = self.env.ref("aftersales.ir_cron_callback_round")
        self.assertTrue(cron.active)
        self.assertEqual(cron.code, "model._cron_plan_callbacks()")
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"))


@tagged("post_install", "-at_install")
class TestCallbackRoundConcurrency(TransactionCase):
    """Two lanes (two servers) run two batches of the call-back round at the same moment:
    each reads the latest call-back committed before it began, so both start the turn at the
    same agent. The tolerance documented on ``aftersales.callback._get_next_agents``: every
    claim is called back once, each batch shares its call-backs out in turn, the agents' counts
    stay within one of each other per concurrent batch, and the next batch goes on after the
    agent of the latest call-back. Two real transactions: the data is committed and removed
    afterwards."""

    def setUp(self):
        super().setUp()
        self.addCleanup(self._remove_committed_data)
        with closing(self.registry.cursor()) as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            today = fields.Date.context_today(env.user)
            company = env.company
            groups = [Command.set([env.ref("base.group_user").id,
                                   env.ref("aftersales.group_aftersales_user").id])]
            agents = env["res.users"].create([
                {"name": f"Race Agent {n}", "login": f"race_agent_{n}", "groups_id": groups}
                for n in range(2)
            ])
            # the only outbound agents of the company while the test runs
            teams = env["aftersales.team"].search([("company_id", "=", company.id)])
            self.saved_agents = {team.id: team.outbound_agent_ids.ids for team in teams}
            teams.outbound_agent_ids = False
            team = env["aftersales.team"].create({
                "name": "Race Hotline", "company_id": company.id,
                "outbound_agent_ids": [Command.set(agents.ids)],
            })
            dealer = env["res.partner"].create(
                {"name": "Round Race Dealer", "is_company": True, "is_dealer": True})
            end_user = env["res.partner"].create(
                {"name": "Round Race End User", "is_end_user": True, "phone": "+1 555 0178",
                 "aftersales_dealer_id": dealer.id})
            product = env["product.product"].create({
                "name": "Round Race Generator", "type": "consu", "is_storable": True,
                "tracking": "serial", "aftersales_part_class": "finished", "warranty_months": 24,
            })
            lots = env["stock.lot"].create([
                {"name": f"SN-ROUND-{n}", "product_id": product.id, "dealer_id": dealer.id,
                 "dealer_delivery_date": today - timedelta(days=200)}
                for n in range(9)
            ])
            for lot in lots:
                lot._register_end_user(end_user, today - timedelta(days=100))
            claims = env["aftersales.claim"].create([
                {"dealer_id": dealer.id, "lot_id": lot.id, "state": "settled",
                 "failure_date": today - timedelta(days=10), "settle_date": fields.Datetime.now()}
                for lot in lots
            ])
            # the round of these claims, in batches of 3 (the batch size set for this
            # transaction only: never committed)
            env["ir.config_parameter"].set_param("aftersales.job_batch_size", 3)
            start = env["aftersales.job"]._run_or_queue(
                env["aftersales.callback"], "_job_plan_callbacks", claims, name="Race round",
                batch_size=3, done_method="_job_plan_callbacks_done",
            )
            env["ir.config_parameter"].search([("key", "=", "aftersales.job_batch_size")]).unlink()
            cr.commit()
            self.job_id = start.job.id
            self.claim_ids = claims.ids
            self.agent_ids = agents.ids
            self.team_id = team.id
            self.lot_ids = lots.ids
            self.product_id = product.id
            self.partner_ids = [end_user.id, dealer.id]

    def _remove_committed_data(self):
        with closing(self.registry.cursor()) as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            callback_ids = tuple(env["aftersales.callback"].search(
                [("claim_id", "in", self.claim_ids)]).ids) or (0,)
            claim_ids = tuple(self.claim_ids) or (0,)
            for model, ids in (("aftersales.callback", callback_ids), ("aftersales.claim", claim_ids)):
                for table, column in (("mail_message", "model"), ("mail_followers", "res_model"),
                                      ("mail_activity", "res_model")):
                    cr.execute(f"DELETE FROM {table} WHERE {column} = %s AND res_id IN %s", [model, ids])
            cr.execute("DELETE FROM aftersales_callback WHERE id IN %s", [callback_ids])
            cr.execute("DELETE FROM aftersales_claim WHERE id IN %s", [claim_ids])
            env["aftersales.job"].browse(self.job_id).unlink()
            env["aftersales.team"].browse(self.team_id).unlink()
            for team_id, agent_ids in self.saved_agents.items():
                env["aftersales.team"].browse(team_id).outbound_agent_ids = agent_ids
            env["stock.lot"].browse(self.lot_ids).unlink()
            env["product.product"].browse(self.product_id).unlink()
            agents = env["res.users"].browse(self.agent_ids)
            agent_partners = agents.partner_id
            agents.unlink()
            (agent_partners | env["res.partner"].browse(self.partner_ids)).unlink()
            cr.commit()

    def _agents_by_claim(self):
        with closing(self.registry.cursor()) as cr:
            cr.execute(
                "SELECT claim_id, user_id FROM aftersales_callback WHERE claim_id IN %s ORDER BY claim_id",
                [tuple(self.claim_ids)],
            )
            return dict(cr.fetchall())

    def test_two_batches_at_once_keep_the_turn(self):
        first, second = self.agent_ids
        with closing(self.registry.cursor()) as lane_1, closing(self.registry.cursor()) as lane_2:
            env_1 = api.Environment(lane_1, SUPERUSER_ID, {})
            env_2 = api.Environment(lane_2, SUPERUSER_ID, {})
            # the first batch alone: the turn starts with the first agent
            env_1["aftersales.job.batch"]._lock_next()._run()
            lane_1.commit()
            # the next two batches at once, one per lane (SKIP LOCKED: not the same one)
            batch_1 = env_1["aftersales.job.batch"]._lock_next()
            batch_2 = env_2["aftersales.job.batch"]._lock_next()
            self.assertTrue(batch_1 and batch_2 and batch_1 != batch_2)
            batch_1._run()
            batch_2._run()
            lane_1.commit()
            lane_2.commit()
            # the end of the round
            self.assertTrue(env_1["aftersales.job"]._run_pending())
            lane_1.commit()
        agents = self._agents_by_claim()
        by_batch = [[agents[claim_id] for claim_id in self.claim_ids[start:start + 3]]
                    for start in (0, 3, 6)]
        # every claim called back once; each batch in turn; the two concurrent batches both
        # start after the latest agent committed before them (the first batch's last, the
        # first agent): the second agent gets one more, the turn goes on
        self.assertEqual(len(agents), 9)
        self.assertEqual(by_batch, [[first, second, first], [second, first, second],
                                    [second, first, second]])
        counts = [list(agents.values()).count(agent) for agent in (first, second)]
        self.assertEqual(counts, [4, 5])
        with closing(self.registry.cursor()) as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.company
            self.assertEqual(env["aftersales.callback"]._get_next_agents(company, 2),
                             [env["res.users"].browse(first), env["res.users"].browse(second)])
