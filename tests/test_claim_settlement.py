from datetime import datetime, time, timedelta

from lxml import etree

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common_claim import AftersalesClaimCommon


@tagged("post_install", "-at_install")
class TestClaimSettlement(AftersalesClaimCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.claimed_parts = cls.warehouse.claimed_parts_location_id

    def _approve(self, claim, amounts=None, reason=None):
        if claim.state == "draft":
            claim.action_submit()
        if amounts:
            claim.with_user(self.as_user)._action_approve(
                {line.id: amount for line, amount in amounts.items()}, reason or "Reduced"
            )
        else:
            claim.with_user(self.as_user).action_approve()
        return claim

    def _receive(self, picking, quantities=None):
        """Validate the return receipt; ``quantities`` {product: qty} receives less (backorder)."""
        for move in picking.move_ids:
            if quantities and move.product_id in quantities:
                move.quantity = quantities[move.product_id]
            move.picked = True
        picking.with_context(skip_backorder=True).button_validate()
        self.assertEqual(picking.state, "done")

    def test_credit_note_on_approval(self):
        claim = self._approve(self._create_claim(
            line_ids=self._lines([(self.part, 2.0)], hours=2.0, km=50.0)))
        self.assertEqual(claim.state, "settled")
        self.assertTrue(claim.settle_date)
        move = claim.refund_move_id
        self.assertRecordValues(move, [{
            "move_type": "out_refund",
            "state": "posted",
            "partner_id": self.dealer_a.id,
            "invoice_origin": claim.name,
            "amount_untaxed": 160.0,  # 2 x 20 + 2 h x 45 + 50 km x 0.60
        }])
        self.assertEqual(move.aftersales_claim_ids, claim, "linked both ways")
        self.assertEqual(move.aftersales_claim_count, 1)
        self.assertEqual(sorted(move.invoice_line_ids.mapped("price_subtotal")), [30.0, 40.0, 90.0])
        self.assertEqual(move.action_view_aftersales_claims()["domain"],
                         [("refund_move_id", "=", move.id)])
        self.assertEqual(claim.action_view_refund()["res_id"], move.id)

    def _assert_credited_as_odoo_would(self, claim):
        """Compare the claim's credit note with one Odoo creates and posts itself from the same
        values (lines given without their amounts): every journal item, the totals and the
        followers. Returns both."""
        move = claim.refund_move_id
        vals = claim._prepare_refund_vals()
        for command in vals["invoice_line_ids"]:
            del command[2]["amount_currency"], command[2]["balance"]
        reference = self.env["account.move"].create(vals)
        reference.action_post()
        fields = ["display_type", "product_id", "account_id", "tax_ids", "tax_line_id",
                  "tax_tag_ids", "quantity", "price_unit", "amount_currency", "balance",
                  "price_subtotal", "price_total", "tax_base_amount", "date_maturity",
                  "analytic_distribution", "discount_date", "discount_balance"]

        def lines(move):
            return sorted(
                (tuple(line[fname] for fname in fields) for line in move.line_ids), key=str
            )

        self.assertEqual(lines(move), lines(reference))
        for fname in ("state", "amount_untaxed", "amount_tax", "amount_total",
                      "amount_residual", "invoice_date_due", "payment_state",
                      "invoice_payment_term_id", "journal_id"):
            self.assertEqual(move[fname], reference[fname], fname)

        def followers(move):
            return sorted((f.partner_id.id, tuple(f.subtype_ids.ids)) for f in move.message_follower_ids)

        self.assertIn(claim.dealer_id, move.message_partner_ids)
        self.assertEqual(followers(move), followers(reference))
        return move, reference

    def test_credit_note_as_odoo_computes_it(self):
        """The credited amounts given with the lines leave the credit note exactly as Odoo's
        own creation and posting make it from the lines alone, taxes and payment terms
        included; a tax included in the price corrects the given amount."""
        Tax = self.env["account.tax"]
        excluded, included = Tax.create([
            {"name": "Test 15%", "amount": 15.0, "type_tax_use": "sale"},
            {"name": "Test 20% incl.", "amount": 20.0, "type_tax_use": "sale",
             "price_include_override": "tax_included"},
        ])
        self.part.taxes_id = excluded
        self.module.taxes_id = included
        self.fee_labour.taxes_id = False
        # anglo-saxon accounting: posting adds the cost of goods sold lines of the module
        self.company.anglo_saxon_accounting = True
        self.module.categ_id = self.env["product.category"].create({
            "name": "Real-time valued modules", "property_valuation": "real_time",
        })
        self.module.standard_price = 120.0
        self.dealer_a.property_payment_term_id = self.env.ref("account.account_payment_term_30days")
        claim = self._approve(self._create_claim(
            line_ids=self._lines([(self.part, 2.0), (self.module, 1.0)], hours=1.5)))
        move, reference = self._assert_credited_as_odoo_would(claim)
        self.assertEqual(move.line_ids.filtered(lambda line: line.display_type == "cogs")
                         .mapped("balance"), [120.0, -120.0])
        self.assertEqual(move.amount_untaxed, 40.0 + 250.0 + 67.5, "300 incl. 20% is 250")
        self.assertEqual(move.amount_tax, 6.0 + 50.0)

    def test_credit_note_with_early_payment_discount(self):
        """A dealer whose payment term grants an early payment discount gets the credit note
        Odoo's own creation makes, discount lines included."""
        Tax = self.env["account.tax"]
        self.part.taxes_id = Tax.create({"name": "Test 15%", "amount": 15.0, "type_tax_use": "sale"})
        self.fee_labour.taxes_id = False
        term = self.env["account.payment.term"].create({
            "name": "2% 10 days, 30 days net", "early_discount": True, "discount_percentage": 2.0,
            "discount_days": 10, "early_pay_discount_computation": "mixed",
            "line_ids": [Command.create({"value": "percent", "value_amount": 100.0, "nb_days": 30})],
        })
        self.dealer_a.property_payment_term_id = term
        claim = self._approve(self._create_claim())
        move, _reference = self._assert_credited_as_odoo_would(claim)
        self.assertEqual(move.invoice_payment_term_id, term)
        self.assertTrue(move.line_ids.filtered(lambda line: line.display_type == "epd"))

    def test_credit_note_with_analytic_distribution_model(self):
        """An analytic distribution model applies to the credit note lines as Odoo applies it."""
        plan = self.env["account.analytic.plan"].create({"name": "After-sales"})
        analytic = self.env["account.analytic.account"].create({"name": "Warranty", "plan_id": plan.id})
        self.env["account.analytic.distribution.model"].create({
            "product_id": self.part.id, "analytic_distribution": {str(analytic.id): 100},
        })
        claim = self._approve(self._create_claim())
        move, _reference = self._assert_credited_as_odoo_would(claim)
        part_line = move.invoice_line_ids.filtered(lambda line: line.product_id == self.part)
        self.assertEqual(part_line.analytic_distribution, {str(analytic.id): 100})

    def test_numbering_of_a_batch(self):
        """Credit notes posted together are numbered on from the journal's last number, one
        after the other, as posted one by one; Odoo's own posting continues after them."""
        first = self._approve(self._create_claim(failure_date=self.failure_date - timedelta(days=1)))
        claims = self.env["aftersales.claim"].concat(*(
            self._create_claim(failure_date=self.failure_date - timedelta(days=days))
            for days in (2, 3, 4)
        ))
        claims.action_submit()
        claims.with_user(self.as_user).action_approve()
        last = first.refund_move_id
        moves = claims.refund_move_id.sorted("sequence_number")
        self.assertEqual(len(moves), 3)
        self.assertEqual(set(moves.mapped("sequence_prefix")), {last.sequence_prefix})
        self.assertEqual(moves.mapped("sequence_number"),
                         [last.sequence_number + 1, last.sequence_number + 2, last.sequence_number + 3])
        vals = first._prepare_refund_vals()
        later = self.env["account.move"].create(vals)
        later.action_post()
        self.assertEqual((later.sequence_prefix, later.sequence_number),
                         (last.sequence_prefix, last.sequence_number + 4))

    def test_warranty_cost_account(self):
        account = self.env["account.account"].create({
            "name": "Warranty costs", "code": "611900", "account_type": "expense",
        })
        self.company.claim_account_id = account
        move = self._approve(self._create_claim()).refund_move_id
        self.assertEqual(move.invoice_line_ids.account_id, account)
        self.assertEqual(move.amount_untaxed, 130.0)

    def test_never_credited_twice(self):
        claim = self._approve(self._create_claim())
        move = claim.refund_move_id
        with self.assertRaisesMessage(UserError, "is Settled: only an approved"):
            claim.action_settle()
        with self.assertRaisesMessage(UserError, r"cannot be credited \(again\): credit note"):
            claim._create_refunds()
        refunds = self.env["account.move"].search([("invoice_origin", "=", claim.name)])
        self.assertEqual(refunds, move)
        claim.action_close()
        self.assertEqual(claim.state, "closed")

    def test_partial_approval_amounts(self):
        claim = self._create_claim(line_ids=self._lines([(self.part, 3.0)], hours=2.0))
        part_line, labour_line = claim.line_ids
        self._approve(claim, {part_line: 50.0, labour_line: 45.0}, "Two filters were enough")
        self.assertEqual(claim.amount_approved, 95.0)
        self.assertEqual(claim.review_note, "Two filters were enough")
        move = claim.refund_move_id
        self.assertEqual(move.amount_untaxed, 95.0)
        labour_credit, part_credit = move.invoice_line_ids.sorted("price_subtotal")
        # 45 over 2 hours is exactly 22.50 an hour; 50 over 3 filters is credited as one sum
        self.assertRecordValues(labour_credit, [{"quantity": 2.0, "price_unit": 22.5,
                                                 "price_subtotal": 45.0}])
        self.assertRecordValues(part_credit, [{"quantity": 1.0, "price_unit": 50.0,
                                               "price_subtotal": 50.0}])

    def test_return_receipt_into_claimed_parts(self):
        claim = self._approve(self._create_claim(
            line_ids=self._lines([(self.module, 1.0), (self.part, 1.0)])))
        picking = claim.return_picking_ids
        deadline = self.today + timedelta(days=30)
        self.assertEqual(len(picking), 1)
        self.assertRecordValues(picking, [{
            "partner_id": self.dealer_a.id,
            "picking_type_id": self.warehouse.in_type_id.id,
            "location_id": self.dealer_a.property_stock_customer.id,
            "location_dest_id": self.claimed_parts.id,
            "origin": claim.name,
            "state": "assigned",
            "scheduled_date": datetime.combine(deadline, time(12)),
        }])
        self.assertEqual(picking.move_ids.product_id, self.module,
                         "the wear part need not come back")
        returned = claim.line_ids.filtered("return_required")
        self.assertEqual(returned.mapped("return_deadline"), [deadline])
        self.assertEqual(claim.return_state, "waiting")
        self.assertEqual(claim.return_picking_count, 1)
        self.assertEqual(claim.state, "settled", "credited on approval (company default)")
        self._receive(picking)
        self.assertEqual(claim.return_state, "received")
        Quant = self.env["stock.quant"]
        self.assertEqual(Quant._get_available_quantity(self.module, self.claimed_parts), 1.0)

    def test_credit_on_receipt_of_the_returned_parts(self):
        self.company.claim_credit_trigger = "receipt"
        claim = self._approve(self._create_claim(
            line_ids=self._lines([(self.module, 2.0)], hours=1.0)))
        self.assertEqual(claim.state, "approved")
        self.assertFalse(claim.refund_move_id)
        self.assertFalse(claim.with_user(self.as_user).can_be_settled)
        with self.assertRaisesMessage(UserError, "credited when its returned parts are received"):
            claim.action_settle()
        # one module comes back now, the other later (backorder): still waiting
        self._receive(claim.return_picking_ids, {self.module: 1.0})
        self.assertEqual(len(claim.return_picking_ids), 2)
        self.assertEqual(claim.return_state, "waiting")
        self.assertFalse(claim.refund_move_id)
        backorder = claim.return_picking_ids.filtered(lambda p: p.state != "done")
        # the storekeeper who receives the last module needs no rights on claims
        storekeeper = new_test_user(self.env, login="storekeeper", groups="stock.group_stock_user")
        self._receive(backorder.with_user(storekeeper))
        self.assertEqual(claim.return_state, "received")
        self.assertEqual(claim.state, "settled")
        self.assertEqual(claim.refund_move_id.amount_untaxed, 2 * 300.0 + 45.0)

    def test_cancelled_return_can_be_credited_by_hand(self):
        self.company.claim_credit_trigger = "receipt"
        claim = self._approve(self._create_claim(line_ids=self._lines([(self.module, 1.0)])))
        claim.return_picking_ids.action_cancel()
        self.assertEqual(claim.return_state, "none")
        self.assertTrue(claim.with_user(self.as_user).can_be_settled)
        claim.with_user(self.as_user).action_settle()
        self.assertEqual(claim.state, "settled")
        self.assertEqual(claim.refund_move_id.amount_untaxed, 390.0)

    def test_monthly_dealer_waits_for_its_statement(self):
        self.dealer_a.claim_settlement_mode = "monthly"
        claim = self._approve(self._create_claim())
        self.assertEqual(claim.state, "approved")
        self.assertFalse(claim.refund_move_id)
        self.assertFalse(claim.with_user(self.as_user).can_be_settled)
        with self.assertRaisesMessage(UserError, "settled by monthly statement"):
            claim.action_settle()
        waiting = self.env["aftersales.claim"].search([
            ("state", "in", ("approved", "partially_approved")),
            ("dealer_id.claim_settlement_mode", "=", "monthly"),
        ])
        self.assertIn(claim, waiting)
        # the dealer moves to per-claim settlement: the claim can be credited from its form
        self.dealer_a.claim_settlement_mode = "per_claim"
        claim.invalidate_recordset()
        self.assertTrue(claim.with_user(self.as_user).can_be_settled)
        claim.with_user(self.as_user).action_settle()
        self.assertEqual(claim.refund_move_id.amount_untaxed, 130.0)

    def test_statement_dealers_in_waiting_filter_and_pdf(self):
        """Dealers settled by monthly or quarterly statement alike: their approved claims show
        in the claims' "waiting for statement" filter and the claim PDF says where the approved
        amount is credited."""
        search_view = self.env.ref("aftersales.aftersales_claim_view_search")
        [waiting_filter] = etree.fromstring(search_view.arch).xpath(
            "//filter[@name='waiting_statement']"
        )
        waiting_domain = safe_eval(waiting_filter.get("domain"), {"uid": self.env.uid})
        for days_before, mode in ((0, "monthly"), (1, "quarterly")):
            with self.subTest(mode=mode):
                self.dealer_a.claim_settlement_mode = mode
                claim = self._approve(self._create_claim(
                    failure_date=self.failure_date - timedelta(days=days_before)
                ))
                self.assertEqual(claim.state, "approved")
                Claim = self.env["aftersales.claim"]
                self.assertIn(claim, Claim.search(waiting_domain))
                self.assertNotIn(claim, Claim.search([("is_settled_by_statement", "=", False)]))
                html = self.env["ir.actions.report"]._render_qweb_html(
                    "aftersales.report_aftersales_claim", claim.ids
                )[0].decode()
                self.assertIn(f"The approved amount is credited on your {mode} statement.", html)

    def test_nothing_to_credit(self):
        """One filter given free of charge (price 0), no labour: 1 x 0 = 0 to credit."""
        self.part.lst_price = 0.0
        claim = self._approve(self._create_claim(
            line_ids=self._lines([(self.part, 1.0)], hours=0)))
        self.assertEqual(claim.state, "settled")
        self.assertFalse(claim.refund_move_id)
        self.assertIn("nothing to credit", claim.message_ids[0].body)

    def test_rejected_claim_cannot_be_settled(self):
        claim = self._create_claim()
        claim.action_submit()
        claim._action_reject("Misuse")
        with self.assertRaisesMessage(UserError, "is Rejected: only an approved"):
            claim.action_settle()
        with self.assertRaisesMessage(UserError, "is Rejected and cannot be credited"):
            claim._create_refunds()
        self.assertFalse(claim.refund_move_id)
        self.assertFalse(self.env["account.move"].search([("invoice_origin", "=", claim.name)]))

    def test_reviewer_without_accounting_rights_settles(self):
        """Reviewers need no invoicing rights: approval creates the credit note for them."""
        self.assertFalse(self.as_user.has_group("account.group_account_invoice"))
        claim = self._approve(self._create_claim())
        self.assertEqual(claim.refund_move_id.create_uid, self.as_user)
        claim.with_user(self.as_user).read(["refund_move_id", "return_picking_count", "state"])

    def _tracking(self, claim):
        """The claim's tracking messages: type, subtype, author and tracked values, the credit
        note's name replaced by a marker (each claim has its own)."""
        refund_name = claim.refund_move_id.display_name
        messages = claim.message_ids.filtered("tracking_value_ids").sorted("id")
        return [
            (message.message_type, message.subtype_id, message.author_id, message.body, sorted(
                (value.field_id.name,
                 value.old_value_char, "<credit note>" if value.new_value_char == refund_name else value.new_value_char,
                 value.old_value_integer,
                 "<credit note>" if value.new_value_integer == claim.refund_move_id.id else value.new_value_integer,
                 value.old_value_float, value.new_value_float, value.currency_id)
                for value in message.tracking_value_ids
            ))
            for message in messages
        ]

    def test_tracking_of_a_batch_as_one_by_one(self):
        """Claims submitted and approved together (the list's buttons) log the same chatter
        tracking as a claim submitted and approved alone, one message per claim and step: the
        state, the approved amount and the credit note."""
        # one reviewer for all (the company's default), as the claims' reviewers are compared
        self.company.claim_reviewer_id = self.as_user
        alone, first, second = (
            self._create_claim(failure_date=self.failure_date - timedelta(days=days))
            for days in (2, 3, 4)
        )
        batch = first | second
        # filed earlier (a transaction of its own): the creation is not tracked
        self.env.flush_all()
        self.env.cr.precommit.clear()
        for claims in (alone, batch):
            claims = claims.with_context(tracking_disable=False)
            claims.action_submit()
            self.env.cr.precommit.run()
            claims.with_user(self.as_user).action_approve()
            self.env.cr.precommit.run()
        expected = self._tracking(alone)
        self.assertEqual(len(expected), 2, "submitted, then approved and credited")
        self.assertIn("state", [value[0] for value in expected[1][4]])
        self.assertIn("<credit note>", [value[2] for value in expected[1][4]])
        approved = [value for value in expected[1][4] if value[0] == "amount_approved"]
        self.assertEqual([(value[5], value[6]) for value in approved], [(0.0, 130.0)])
        for claim in batch:
            self.assertEqual(self._tracking(claim), expected, claim.name)


@tagged("post_install", "-at_install", "aftersales_performance")
class TestClaimSettlementQueries(AftersalesClaimCommon):
    """The queries of approving and crediting claims, against Odoo's own creation and posting
    of the same credit notes measured in the same test: Odoo's count varies with the modules
    installed and the database (demo data, chart of accounts), the claims' own share must not
    grow with the claims of a batch."""

    def _submitted_claims(self, count, first_day):
        self.company.claim_reviewer_id = self.as_user  # who approves them: no change of reviewer
        # the call-backs go to the approver too: the followers and activities Odoo's mail
        # adds for another user (the demo's hotline agents) are mail's cost, not the claims'
        self.env["aftersales.team"].search([("company_id", "=", self.company.id)]).write(
            {"outbound_agent_ids": [Command.set(self.as_user.ids)]}
        )
        claims = self.env["aftersales.claim"].concat(*(
            self._create_claim(failure_date=self.failure_date - timedelta(days=first_day + n))
            for n in range(count)
        ))
        claims.action_submit()
        # the review activities their reviewer gets are marked done by mail's own
        # activity_feedback (a message and an unlink per activity): not the settlement's share
        claims.activity_ids.unlink()
        return claims.with_context(tracking_disable=False)

    def _count_queries(self, function):
        """Queries of ``function``, with cold caches and its tracking written, as at commit."""
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.env.invalidate_all()
        start = self.env.cr.sql_log_count
        function()
        self.env.flush_all()
        self.env.cr.precommit.run()
        return self.env.cr.sql_log_count - start

    def test_settlement_queries_follow_odoo(self):
        """Approving (and so crediting) n claims costs what Odoo's creation and posting of
        their n credit notes costs, plus a fixed share for the batch and 5 queries a claim
        (its credit note link, its tracking message, its satisfaction call-back and number)."""
        share = {}
        first_day = 0
        for count in (1, 2, 8):  # the first batch warms the caches up: not compared
            claims = self._submitted_claims(count, first_day)
            first_day += count
            ours = self._count_queries(claims.with_user(self.as_user).action_approve)
            self.assertEqual(set(claims.mapped("state")), {"settled"})
            self.assertEqual(len(claims.refund_move_id), count)
            vals_list = [claim._prepare_refund_vals() for claim in claims]
            Move = self.env["account.move"].with_context(tracking_disable=False)
            odoo = self._count_queries(lambda: Move.create(vals_list).action_post())
            share[count] = ours - odoo
        # 45, and 2 for the hotline's turn (its outbound agents, the latest call-back's agent)
        self.assertLessEqual(share[2], 47, "the claims' fixed share of a batch")
        self.assertLessEqual(share[8] - share[2], 6 * 5, "at most 5 queries more a claim than Odoo's")
