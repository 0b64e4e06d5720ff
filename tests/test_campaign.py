from datetime import timedelta

from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import Form, tagged

from .common import BrowserCase
from .common_claim import AftersalesClaimCommon


@tagged("post_install", "-at_install")
class TestCampaign(AftersalesClaimCommon):
    """Service campaigns: machines chosen, activated, claimed once, contacted, reminded; read by
    dealers for their own machines only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Lot = cls.env["stock.lot"]
        day = cls.today
        cls.lot_a.production_date = day - timedelta(days=300)
        cls.lot_b.production_date = day - timedelta(days=250)
        cls.lot_stock.production_date = day - timedelta(days=40)
        # out of warranty: registered 500 days ago on a 12-month warranty
        cls.lot_old = Lot.create({
            "name": "SN-A-0", "product_id": cls.machine.id, "dealer_id": cls.dealer_a.id,
            "dealer_delivery_date": day - timedelta(days=700),
            "production_date": day - timedelta(days=720),
        })
        cls._register(cls.lot_old, cls.end_user_a, 500)
        cls.other_machine = cls.env["product.product"].create({
            "name": "Test Pump", "type": "consu", "is_storable": True, "tracking": "serial",
            "aftersales_part_class": "finished",
        })
        cls.lot_pump = Lot.create({
            "name": "SN-A-2", "product_id": cls.other_machine.id, "dealer_id": cls.dealer_a.id,
        })
        cls.campaign = cls._create_campaign()
        cls.campaign.action_activate()
        cls.rows = cls.campaign.machine_ids
        cls.row_a = cls.rows.filtered(lambda r: r.lot_id == cls.lot_a)
        cls.row_b = cls.rows.filtered(lambda r: r.lot_id == cls.lot_b)
        cls.row_old = cls.rows.filtered(lambda r: r.lot_id == cls.lot_old)

    @classmethod
    def _create_campaign(cls, **values):
        vals = {
            "title": "Filter recall",
            "campaign_type": "safety_recall",
            "product_ids": [Command.set(cls.machine.ids)],
            "selection_mode": "serial_range",
            "serial_from": "SN-A-0",
            "serial_to": "SN-T",  # SN-STOCK-1 too: no dealer, no end user
            "labour_hours": 1.0,
            "labour_product_id": cls.fee_labour.id,
            "date_start": cls.today - timedelta(days=10),
            "date_end": cls.today + timedelta(days=60),
            "line_ids": [Command.create({"product_id": cls.part.id, "quantity": 1.0})],
        }
        vals.update(values)
        return cls.env["aftersales.campaign"].create(vals)

    def _file(self, row):
        """A campaign claim for ``row`` as the back office files it, submitted."""
        action = row.action_create_claim()
        claim = self.env["aftersales.claim"].browse(action["res_id"])
        claim.action_submit()
        return claim

    # ------------------------------------------------------------ selection
    def test_selection_modes(self):
        Lot = self.env["stock.lot"]
        campaign = self._create_campaign()
        cases = [
            ({"selection_mode": "serial_list", "serial_list": "SN-A-1\nSN-B-1, SN-A-2"},
             self.lot_a | self.lot_b),  # SN-A-2 is a pump, not a product of the campaign
            ({"selection_mode": "serial_range", "serial_from": "SN-A-1", "serial_to": "SN-B-1"},
             self.lot_a | self.lot_b),
            ({"selection_mode": "production_date",
              "production_date_from": self.today - timedelta(days=310),
              "production_date_to": self.today - timedelta(days=30)},
             self.lot_a | self.lot_b | self.lot_stock),
            ({"selection_mode": "filter", "lot_domain": "[('dealer_id', '=', %d)]" % self.dealer_a.id},
             self.lot_a | self.lot_old),
        ]
        for values, expected in cases:
            with self.subTest(mode=values["selection_mode"]):
                campaign.write(values)
                self.assertEqual(Lot.search(campaign._get_machine_domain()), expected)

    def test_activation_lists_machines_with_dealer_and_end_user(self):
        self.assertEqual(self.campaign.state, "active")
        self.assertEqual(self.rows.lot_id, self.lot_a | self.lot_b | self.lot_stock | self.lot_old)
        self.assertEqual(self.row_a.dealer_id, self.dealer_a)
        self.assertEqual(self.row_a.end_user_id, self.end_user_a)
        self.assertEqual(self.row_b.end_user_id, self.end_user_b)
        self.assertEqual(self.campaign.machine_count, 4)
        self.assertEqual(self.campaign.open_count, 4)
        # 1 filter at 20 + 1 h of labour at 45, priced as a claim, for 4 machines
        self.assertAlmostEqual(self.campaign.amount_estimate_unit, 65.0)
        self.assertAlmostEqual(self.campaign.amount_estimate, 4 * 65.0)
        self.assertEqual(self.lot_a.open_campaign_count, 1)

    def test_activation_refusals(self):
        campaign = self._create_campaign(serial_from="X-1", serial_to="X-9")
        with self.assertRaisesMessage(UserError, "affects no machine"):
            campaign.action_activate()
        self.assertEqual(campaign.state, "draft")
        self.assertFalse(campaign.machine_ids)
        campaign.write({"selection_mode": "serial_list", "serial_list": "SN-A-1 SN-NOPE"})
        with self.assertRaisesMessage(UserError, "SN-NOPE"):
            campaign.action_activate()
        self.assertFalse(campaign.machine_ids)

    def test_activation_queries_flat_in_the_machines(self):
        """Two campaigns over dealer A's machines, one and ten: the same queries."""
        self.env["stock.lot"].create([
            {"name": f"SN-A-X{n}", "product_id": self.machine.id, "dealer_id": self.dealer_a.id}
            for n in range(8)
        ])
        counts = []
        # the first activation of the run fills Odoo's caches (sequence, views...): not counted
        for serials in ("SN-A-0", "SN-A-1", "SN-A-0 SN-A-1 " + " ".join(f"SN-A-X{n}" for n in range(8))):
            campaign = self._create_campaign(selection_mode="serial_list", serial_list=serials)
            self.env.flush_all()
            self.env.invalidate_all()
            start = self.env.cr.sql_log_count
            campaign.action_activate()
            self.env.flush_all()
            counts.append(self.env.cr.sql_log_count - start)
            self.assertEqual(len(campaign.machine_ids), len(serials.split()))
        self.assertEqual(counts[1], counts[2], counts)

    def test_form_and_reset(self):
        # an After-Sales user (not a manager) opens, activates and resets a campaign
        with Form(self.env["aftersales.campaign"].with_user(self.as_user)) as form:
            form.title = "Upgrade"
            form.campaign_type = "optional"
            form.product_ids.add(self.machine)
            form.selection_mode = "serial_list"
            form.serial_list = "SN-B-1"
            form.labour_hours = 0.5
        campaign = form.record
        self.assertTrue(campaign.name.startswith("SC/"))
        self.assertTrue(campaign.can_be_activated)
        campaign.action_activate()
        self.assertEqual(campaign.machine_ids.lot_id, self.lot_b)
        campaign.action_reset_to_draft()
        self.assertFalse(campaign.machine_ids)
        self.assertEqual(campaign.state, "draft")

    # --------------------------------------------------------------- claims
    def test_campaign_claim_out_of_warranty(self):
        self.assertEqual(self.lot_old.warranty_state, "expired")
        claim = self._file(self.row_old)
        self.assertEqual(claim.claim_type, "campaign")
        self.assertEqual(claim.state, "submitted")
        self.assertEqual(
            sorted(claim.line_ids.mapped(lambda l: (l.line_type, l.product_id, l.quantity))),
            sorted([("part", self.part, 1.0), ("labour", self.fee_labour, 1.0)]),
        )
        self.assertAlmostEqual(claim.amount_claimed, 65.0)
        self.assertTrue(claim.with_user(self.as_user).can_be_approved)
        claim.with_user(self.as_user).action_approve()
        self.assertEqual(claim.state, "settled")  # credited as claims are
        self.assertTrue(claim.refund_move_id)
        self.assertEqual(self.row_old.state, "done")
        self.assertEqual(self.row_old.claim_id, claim)
        self.assertEqual(self.row_old.done_date, self.today)
        self.assertEqual(self.campaign.done_count, 1)
        self.assertAlmostEqual(self.campaign.progress, 25.0)
        self.assertAlmostEqual(self.campaign.amount_cost, 65.0)
        self.assertEqual(self.lot_old.open_campaign_count, 0)

    def test_machine_done_once(self):
        first = self._file(self.row_a)
        second = self.env["aftersales.claim"].create(self.campaign._prepare_claim_vals(self.row_a))
        with self.assertRaisesMessage(UserError, "already has campaign claim"):
            second.action_submit()
        first.action_approve()
        with self.assertRaisesMessage(UserError, "already done"):
            self.row_a._create_claim()
        with self.assertRaisesMessage(UserError, "already done"):
            second.action_submit()
        # two submitted together: the second approval is refused, nothing written
        claims = self._file(self.row_b) | self.env["aftersales.claim"].create(
            self.campaign._prepare_claim_vals(self.row_b)
        )
        claims[1].with_context(tracking_disable=True).write({"state": "submitted"})
        with self.assertRaisesMessage(UserError, "done once"):
            claims.action_approve()
        self.assertEqual(claims.mapped("state"), ["submitted", "submitted"])
        self.assertEqual(self.row_b.state, "open")

    def test_campaign_claim_in_the_claim_form(self):
        """The back office files a campaign claim on the claim form: kit and labour filled."""
        with Form(self.env["aftersales.claim"].with_user(self.as_user)) as form:
            form.dealer_id = self.dealer_b
            form.lot_id = self.lot_b
            form.claim_type = "campaign"
            form.campaign_id = self.campaign
        claim = form.record
        self.assertEqual(
            sorted(claim.line_ids.mapped(lambda l: (l.line_type, l.product_id, l.quantity))),
            sorted([("part", self.part, 1.0), ("labour", self.fee_labour, 1.0)]),
        )
        self.assertEqual(claim.failure_date, self.today)
        claim.action_submit()
        self.assertEqual(claim.state, "submitted")

    def test_campaign_claim_rules(self):
        claim = self.env["aftersales.claim"].create(self.campaign._prepare_claim_vals(self.row_a))
        claim.date = self.today + timedelta(days=61)
        with self.assertRaisesMessage(UserError, "outside campaign"):
            claim.action_submit()
        # a machine of the product not in the campaign
        other = self.env["aftersales.claim"].create(dict(
            self.campaign._prepare_claim_vals(self.row_a), lot_id=self.lot_pump.id,
        ))
        with self.assertRaisesMessage(UserError, "not affected by campaign"):
            other.action_submit()
        # the machine's dealer only: dealer B cannot file for dealer A's machine
        self.assertFalse(self.lot_a._aftersales_is_dealer_of(self.dealer_b))
        with self.assertRaisesMessage(UserError, "only the selling or serving dealer"):
            self.row_a._create_claim(self.dealer_b)
        self.campaign.action_close()
        with self.assertRaisesMessage(UserError, "not active"):
            self.row_b.action_create_claim()

    def test_duplicate_check_skipped_for_campaign_claims_only(self):
        warranty = self._create_claim(failure_date=self.today)
        warranty.action_submit()
        campaign_claim = self._file(self.row_a)  # same machine, same day: no duplicate
        self.assertEqual(campaign_claim.state, "submitted")
        twin = self._create_claim(failure_date=self.today)
        with self.assertRaisesMessage(UserError, "a failure is claimed once"):
            twin.action_submit()

    def test_warning_on_normal_claim(self):
        claim = self._create_claim()
        self.assertIn(self.campaign.name, claim.campaign_warning)
        claim.action_submit()
        notes = claim.message_ids.filtered(lambda m: self.campaign.name in (m.body or ""))
        self.assertTrue(notes)
        campaign_claim = self._file(self.row_a)
        self.assertFalse(campaign_claim.campaign_warning)  # a campaign claim: none
        campaign_claim.action_approve()
        claim.invalidate_recordset(["campaign_warning"])
        self.assertFalse(claim.campaign_warning)  # the machine is done
        other = self._create_claim(dealer=self.dealer_b, lot=self.lot_b)
        self.assertIn(self.campaign.name, other.campaign_warning)
        self.campaign.action_close()
        other.invalidate_recordset(["campaign_warning"])
        self.assertFalse(other.campaign_warning)  # closed: no open campaign

    # -------------------------------------------------- contacts, reminders
    def test_contact_end_users(self):
        team = self.env["aftersales.team"].create({"name": "Hotline", "leader_id": self.as_user.id})
        self.env["aftersales.team"].search([("id", "!=", team.id)]).sequence = 50
        team.sequence = 1
        self.campaign.action_contact_end_users()
        requests = self.campaign.request_ids
        # lot_stock has no end user
        self.assertEqual(requests.lot_id, self.lot_a | self.lot_b | self.lot_old)
        self.assertEqual(set(requests.mapped("request_type")), {"campaign"})
        self.assertEqual(set(requests.mapped("channel")), {"outbound_call"})
        request_b = requests.filtered(lambda r: r.lot_id == self.lot_b)
        self.assertEqual(request_b.dealer_id, self.dealer_b)
        self.assertEqual(request_b.end_user_id, self.end_user_b)
        self.assertIn("Dealer B", request_b.description)
        self.assertEqual(request_b.user_id, self.as_user)
        self.assertTrue(request_b.activity_ids)
        with self.assertRaisesMessage(UserError, "contacted already"):
            self.campaign.action_contact_end_users()

    def test_contact_end_users_in_background(self):
        self.env["ir.config_parameter"].sudo().set_param("aftersales.job_batch_size", "1")
        action = self.campaign.action_contact_end_users()
        self.assertEqual(action["tag"], "display_notification")
        job = self.env["aftersales.job"].search(
            [("res_model", "=", "aftersales.campaign"), ("res_id", "=", self.campaign.id)]
        )
        self.assertEqual(job.unit_count, 3)
        self.assertFalse(self.campaign.request_ids)

    def test_remind_dealers(self):
        self._file(self.row_b).action_approve()
        self.campaign.action_remind_dealers()
        messages = self.campaign.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertEqual(len(messages), 1)  # dealer B has no open machine left
        self.assertEqual(messages.partner_ids, self.dealer_a)
        self.assertIn("SN-A-1", messages.body)
        self.assertIn("SN-A-0", messages.body)
        self.assertNotIn("SN-B-1", messages.body)
        # the weekly scheduled action reminds the same way
        self.env["aftersales.campaign"]._cron_remind_dealers()
        self.assertEqual(
            len(self.campaign.message_ids.filtered(lambda m: m.message_type == "comment")), 2
        )

    def test_progress_per_dealer(self):
        self._file(self.row_a).action_approve()
        groups = {
            dealer: (count, done)
            for dealer, count, done in self.env["aftersales.campaign.machine"]._read_group(
                [("campaign_id", "=", self.campaign.id)], ["dealer_id"], ["__count", "done_count:sum"]
            )
        }
        self.assertEqual(groups[self.dealer_a], (2, 1))
        self.assertEqual(groups[self.dealer_b], (1, 0))
        action = self.campaign.action_view_dealer_progress()
        self.assertEqual(action["views"][0][1], "pivot")

    # ---------------------------------------------------------------- access
    def test_dealer_reads_its_own_machines_only(self):
        draft = self._create_campaign(title="Not yet")
        Row = self.env["aftersales.campaign.machine"]
        rows_a = Row.with_user(self.portal_a).search([])
        self.assertEqual(rows_a, self.row_a | self.row_old)
        self.assertEqual(Row.with_user(self.portal_b).search([]), self.row_b)
        # what the portal lists: the dealer's open machines of active campaigns
        self.assertEqual(Row.with_user(self.portal_a)._get_dealer_open_rows(self.contact_a), rows_a)
        self.assertFalse(Row.with_user(self.portal_a)._get_dealer_open_rows(self.dealer_b))
        with self.assertRaises(AccessError):
            self.row_b.with_user(self.portal_a).read(["lot_id"])
        Campaign = self.env["aftersales.campaign"]
        self.assertEqual(Campaign.with_user(self.portal_a).search([]), self.campaign)
        self.assertNotIn(draft, Campaign.with_user(self.portal_a).search([]))
        self.assertEqual(
            self.campaign.with_user(self.portal_a).line_ids.product_id, self.part
        )
        # a dealer without machines in the campaign reads neither it nor its kit
        self.row_b.unlink()
        self.assertFalse(Campaign.with_user(self.portal_b).search([]))
        self.assertFalse(self.env["aftersales.campaign.line"].with_user(self.portal_b).search([]))
        with self.assertRaises(AccessError):
            Row.with_user(self.portal_a).create({
                "campaign_id": self.campaign.id, "company_id": self.campaign.company_id.id,
                "lot_id": self.lot_pump.id, "product_id": self.other_machine.id,
            })

    def test_multi_company(self):
        company_2 = self.env["res.company"].create({"name": "Campaign Co 2"})
        campaign_2 = self._create_campaign(company_id=company_2.id).with_company(company_2)
        with self.assertRaisesMessage(UserError, "affects no machine"):
            campaign_2.action_activate()  # company 1's machines are not company 2's
        with self.assertRaises(AccessError):
            campaign_2.with_user(self.as_user).read(["title"])
        self.assertNotIn(
            campaign_2, self.env["aftersales.campaign"].with_user(self.as_user).search([])
        )


@tagged("post_install", "-at_install")
class TestCampaignUi(BrowserCase):
    """The back office follows the demo recall in the web client (a database with demo data)."""

    def test_campaign_tour(self):
        self.start_tour("/odoo", "aftersales_campaign_tour", login="admin")
        recall = self.env.ref("aftersales.campaign_compressor_recall_demo")
        lot = self.env.ref("aftersales.lot_compressor_1002_demo")
        claim = recall.claim_ids.filtered(lambda c: c.lot_id == lot)
        self.assertEqual(claim.state, "draft")
        self.assertEqual(claim.claim_type, "campaign")
