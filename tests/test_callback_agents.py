from odoo import SUPERUSER_ID
from odoo.tests import Form, new_test_user, tagged

from .common import load_translations
from .common_claim import AftersalesClaimCommon
from .test_product_archive import _load_migration


@tagged("post_install", "-at_install")
class TestCallbackAgents(AftersalesClaimCommon):
    """Satisfaction call-backs go to the hotline's outbound agents in turn (handbook, section 2:
    satisfaction collection is outbound work), else to the company's call-back agent, never to
    OdooBot."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"callback_user_id": False, "callback_delay_days": 3})
        cls.Team = cls.env["aftersales.team"]
        cls.Team.search([]).outbound_agent_ids = False
        groups = "base.group_user,aftersales.group_aftersales_user"
        cls.agent_a = new_test_user(cls.env, login="outbound_a", name="Agent A", groups=groups)
        cls.agent_b = new_test_user(cls.env, login="outbound_b", name="Agent B", groups=groups)
        # six machines of dealer A, one claim each
        cls.lots = cls.lot_a | cls.env["stock.lot"].create([
            {"name": f"SN-A-{n}", "product_id": cls.machine.id, "dealer_id": cls.dealer_a.id,
             "dealer_delivery_date": cls.lot_a.dealer_delivery_date}
            for n in range(2, 7)
        ])
        for lot in cls.lots[1:]:
            cls._register(lot, cls.end_user_a, 100)

    def _settle(self, lot, user=None):
        """A claim on ``lot`` submitted and approved (settled on approval) by ``user``."""
        user = user or self.as_user
        claim = self._create_claim(lot=lot, reviewer_id=self.as_user.id)
        claim.with_user(user).action_submit()
        claim.with_user(user).action_approve()
        self.assertEqual(claim.state, "settled")
        return claim

    def test_round_robin_among_outbound_agents(self):
        """The manager names Agent A and Agent B outbound agents of the hotline team on its
        form. Three claims settled one after the other: call-backs for A, B, A (each with its
        call-back activity for that agent); a fourth settled with two more in one batch:
        B, A, B (the turn goes on after the latest call-back's agent)."""
        team = self.Team.create({"name": "Test Hotline", "company_id": self.company.id})
        with Form(team.with_user(self.as_manager)) as form:
            form.outbound_agent_ids.add(self.agent_a)
            form.outbound_agent_ids.add(self.agent_b)
        claims = [self._settle(lot) for lot in self.lots[:3]]
        agents = [claim.callback_ids.user_id for claim in claims]
        self.assertEqual(agents, [self.agent_a, self.agent_b, self.agent_a])
        self.assertEqual(
            [claim.callback_ids.activity_ids.user_id for claim in claims], agents
        )
        # a work queue, not three e-mails: no assignment notification per call-back
        self.assertFalse(self.env["mail.message"].search([
            ("model", "=", "aftersales.callback"),
            ("res_id", "in", self.env["aftersales.claim"].concat(*claims).callback_ids.ids),
            ("message_type", "=", "user_notification"),
        ]))
        # a batch: three claims approved together continue the turn, B, A, B
        batch = self.env["aftersales.claim"].browse(
            [self._create_claim(lot=lot, reviewer_id=self.as_user.id).id for lot in self.lots[3:]]
        )
        batch.with_user(self.as_user).action_submit()
        batch.with_user(self.as_user).action_approve()
        self.assertEqual(
            [claim.callback_ids.user_id for claim in batch.sorted("id")],
            [self.agent_b, self.agent_a, self.agent_b],
        )

    def test_fallback_to_settings_agent_never_odoobot(self):
        """No team has outbound agents: the call-back agent of the Settings takes it. Settled
        by OdooBot (a scheduled job, no reviewer) with no agent anywhere: the call-back waits
        unassigned, with no activity for OdooBot. Before: OdooBot was the agent."""
        settings = Form(self.env["res.config.settings"])
        settings.callback_user_id = self.agent_b
        settings.save().execute()
        claim = self._settle(self.lot_a)
        self.assertEqual(claim.callback_ids.user_id, self.agent_b)
        self.assertEqual(claim.callback_ids.activity_ids.user_id, self.agent_b)

        self.company.callback_user_id = False
        bot = self.env(user=SUPERUSER_ID)
        claim = self._create_claim(lot=self.lots[1], reviewer_id=False)
        claim.with_env(bot).action_submit()
        claim.with_env(bot).action_approve()
        self.assertEqual(claim.state, "settled")
        self.assertEqual(len(claim.callback_ids), 1)
        self.assertFalse(claim.callback_ids.user_id)
        self.assertFalse(claim.callback_ids.activity_ids)

    def test_migration_reassigns_odoobot_callbacks(self):
        """Two planned call-backs that an earlier version gave OdooBot (with OdooBot's
        activity) and one answered: after the update, the planned ones are Agent A's and Agent
        B's (in turn), each with its activity for that agent; the answered one is left."""
        self.Team.create({"name": "Test Hotline", "company_id": self.company.id,
                          "outbound_agent_ids": [self.agent_a.id, self.agent_b.id]})
        Callback = self.env["aftersales.callback"]
        # the demo data's own stranded call-backs are out of this test's count
        Callback.search([("user_id", "=", SUPERUSER_ID)]).user_id = self.as_user
        planned = Callback.create([
            {"lot_id": lot.id, "user_id": SUPERUSER_ID} for lot in self.lots[:2]
        ])
        done = Callback.create({"lot_id": self.lots[2].id, "user_id": SUPERUSER_ID,
                                "product_quality_score": 4, "service_quality_score": 4})
        done.action_done()
        # what the earlier version scheduled: OdooBot's activities
        self.env["mail.activity"].create([{
            "activity_type_id": self.env.ref(
                "aftersales.mail_activity_type_satisfaction_callback").id,
            "res_model_id": self.env["ir.model"]._get_id("aftersales.callback"),
            "res_id": callback.id,
            "user_id": SUPERUSER_ID,
            "automated": True,
        } for callback in planned])
        _load_migration("18.0.1.6.0", "post-callback_agents").reassign_odoobot_callbacks(self.env)
        self.assertEqual([callback.user_id for callback in planned], [self.agent_a, self.agent_b])
        self.assertEqual(
            [callback.activity_ids.user_id for callback in planned], [self.agent_a, self.agent_b]
        )
        self.assertEqual(done.user_id.id, SUPERUSER_ID)

    def test_activity_in_the_agents_language(self):
        """Agent B works in Chinese: the call-back activity the reviewer's approval (in English)
        gives B reads in Chinese, summary and note (回访终端用户 ...), Agent A's in English."""
        load_translations(self.env, ["zh_CN"])
        self.agent_b.lang = "zh_CN"
        callback_type = self.env.ref("aftersales.mail_activity_type_satisfaction_callback")
        team = self.Team.create({"name": "Test Hotline", "company_id": self.company.id})
        team.outbound_agent_ids = self.agent_a | self.agent_b
        to_a, to_b = (self._settle(lot).callback_ids.activity_ids for lot in self.lots[:2])
        self.assertEqual(to_a.user_id, self.agent_a)
        self.assertEqual(to_b.user_id, self.agent_b)
        self.assertEqual(to_a.summary, callback_type.summary)
        self.assertEqual(to_b.summary, callback_type.with_context(lang="zh_CN").summary)
        self.assertIn("回访终端用户", to_b.summary)
        self.assertTrue(to_a.note.startswith("<p>Call "), to_a.note)
        self.assertNotIn("Call ", to_b.note)
