from contextlib import closing
from datetime import timedelta

from psycopg2.errors import LockNotAvailable, SerializationFailure

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestClaimConcurrency(TransactionCase):
    """Two reviewers decide on the same claim at the same moment, each in their own database
    transaction (two real cursors, as two HTTP requests would have). The data they share must
    be committed, so this test commits it and removes it again afterwards."""

    def setUp(self):
        super().setUp()
        self.addCleanup(self._remove_committed_data)
        with closing(self.registry.cursor()) as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            today = fields.Date.context_today(env.user)
            Partner = env["res.partner"]
            self.dealer = Partner.create({
                "name": "Concurrency Dealer", "is_company": True, "is_dealer": True,
                "claim_settlement_mode": "per_claim",
            })
            self.end_user = Partner.create({
                "name": "Concurrency End User", "is_end_user": True, "phone": "+1 555 0142",
                "aftersales_dealer_id": self.dealer.id,
            })
            self.product = env["product.product"].create({
                "name": "Concurrency Generator", "type": "consu", "is_storable": True,
                "tracking": "serial", "aftersales_part_class": "finished", "warranty_months": 24,
            })
            self.lot = env["stock.lot"].create({
                "name": "SN-CONCURRENCY-1", "product_id": self.product.id,
                "dealer_id": self.dealer.id, "dealer_delivery_date": today - timedelta(days=60),
            })
            self.lot._register_end_user(self.end_user, today - timedelta(days=30))
            labour = env.ref("aftersales.product_fee_labour")
            self.claims = env["aftersales.claim"].create([
                {
                    "dealer_id": self.dealer.id,
                    "lot_id": self.lot.id,
                    "failure_date": today - timedelta(days=days),
                    "line_ids": [Command.create(
                        {"line_type": "labour", "product_id": labour.id, "quantity": 2.0})],
                }
                for days in (3, 2)
            ])
            self.claims.action_submit()
            env.company.claim_credit_trigger = "approval"
            cr.commit()
            # what the test's own (older) transaction cannot see: plain ids and names
            self.claim_ids = self.claims.ids
            self.claim_names = dict(zip(self.claims.ids, self.claims.mapped("name")))
            self.partner_ids = [self.end_user.id, self.dealer.id]
            self.lot_id, self.product_id = self.lot.id, self.product.id

    def _remove_committed_data(self):
        with closing(self.registry.cursor()) as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            claims = env["aftersales.claim"].browse(getattr(self, "claim_ids", [])).exists()
            moves = claims.refund_move_id
            ids = tuple(claims.ids) or (0,)
            # the satisfaction call-backs of the approved claims, with their agents' activities
            callback_ids = tuple(env["aftersales.callback"].with_context(active_test=False).search(
                [("claim_id", "in", claims.ids)]).ids) or (0,)
            for table, model_column in (("mail_message", "model"), ("mail_followers", "res_model"),
                                        ("mail_activity", "res_model")):
                cr.execute(
                    f"DELETE FROM {table} WHERE {model_column} = 'aftersales.callback' AND res_id IN %s",
                    [callback_ids],
                )
            cr.execute("DELETE FROM aftersales_callback WHERE id IN %s", [callback_ids])
            cr.execute("DELETE FROM mail_message WHERE model = 'aftersales.claim' AND res_id IN %s", [ids])
            cr.execute("DELETE FROM mail_followers WHERE res_model = 'aftersales.claim' AND res_id IN %s", [ids])
            cr.execute("DELETE FROM mail_activity WHERE res_model = 'aftersales.claim' AND res_id IN %s", [ids])
            cr.execute("DELETE FROM aftersales_claim WHERE id IN %s", [ids])
            moves.button_draft()
            moves.with_context(force_delete=True).unlink()
            if hasattr(self, "lot_id"):
                env["stock.lot"].browse(self.lot_id).unlink()
                env["product.product"].browse(self.product_id).unlink()
                env["res.partner"].browse(self.partner_ids).unlink()
            cr.commit()

    def _credit_notes(self, claim_id):
        with closing(self.registry.cursor()) as cr:
            cr.execute(
                "SELECT COUNT(*) FROM account_move WHERE move_type = 'out_refund' AND invoice_origin = %s",
                [self.claim_names[claim_id]],
            )
            return cr.fetchone()[0]

    def test_second_reviewer_is_refused_while_the_first_decides(self):
        claim_id = self.claim_ids[0]
        with closing(self.registry.cursor()) as cr1, closing(self.registry.cursor()) as cr2:
            claim1 = api.Environment(cr1, SUPERUSER_ID, {})["aftersales.claim"].browse(claim_id)
            claim2 = api.Environment(cr2, SUPERUSER_ID, {})["aftersales.claim"].browse(claim_id)
            # the first reviewer approves: the claim is credited, not committed yet
            claim1.action_approve()
            self.assertEqual(claim1.state, "settled")
            # the second reviewer acts at the same moment (approves, or credits the claim as a
            # receipt would): refused at once, nothing written
            attempts = {
                "approve": claim2.action_approve,
                "reject": lambda: claim2._action_reject("Too late"),
                "credit": claim2._create_refunds,
            }
            for name, attempt in attempts.items():
                with self.subTest(attempt=name), mute_logger("odoo.sql_db"):
                    with self.assertRaises(LockNotAvailable):
                        attempt()
                    cr2.rollback()
            cr1.commit()
            # the server retries the refused request: it now finds the claim settled
            claim2.env.invalidate_all()
            with self.assertRaisesRegex(UserError, "is Settled and cannot be reviewed"):
                claim2.action_approve()
            with self.assertRaisesRegex(UserError, "is Settled: only an approved"):
                claim2.action_settle()
            cr2.rollback()
        self.assertEqual(self._credit_notes(claim_id), 1)

    def test_second_reviewer_with_an_older_snapshot_is_refused(self):
        claim_id = self.claim_ids[1]
        with closing(self.registry.cursor()) as cr1, closing(self.registry.cursor()) as cr2:
            claim1 = api.Environment(cr1, SUPERUSER_ID, {})["aftersales.claim"].browse(claim_id)
            claim2 = api.Environment(cr2, SUPERUSER_ID, {})["aftersales.claim"].browse(claim_id)
            # both reviewers open the submitted claim
            self.assertEqual(claim1.state, "submitted")
            self.assertEqual(claim2.state, "submitted")
            claim1.action_approve()
            cr1.commit()
            # the second still sees the claim as it was, and approves it too: refused
            self.assertFalse(claim2.refund_move_id)
            with mute_logger("odoo.sql_db"), self.assertRaises(SerializationFailure):
                claim2.action_approve()
            cr2.rollback()
            claim2.env.invalidate_all()
            with self.assertRaisesRegex(UserError, "is Settled and cannot be reviewed"):
                claim2.action_approve()
            cr2.rollback()
        self.assertEqual(self._credit_notes(claim_id), 1)
