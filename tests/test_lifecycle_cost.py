from datetime import datetime, timedelta

import numpy

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common_claim import AftersalesClaimCommon
from ..models.aftersales_claim import CAMPAIGN_CLAIM_TYPE


@tagged("post_install", "-at_install")
class TestLifecycleCost(AftersalesClaimCommon):
    """Life-cycle cost of a product's machines: every source counted once in its year of life
    and cause, cost per machine-year over the machines' ages, growth ranking, the machine and
    product figures, improvement plans, the management report page, access and companies."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Product = cls.env["product.product"]
        cls.gen = Product.create({
            "name": "Life Generator", "type": "consu", "is_storable": True, "tracking": "serial",
            "aftersales_part_class": "finished", "warranty_months": 12,
        })
        cls.flat = Product.create({
            "name": "Flat Pump", "type": "consu", "is_storable": True, "tracking": "serial",
            "aftersales_part_class": "finished", "warranty_months": 12,
        })
        cls.env["aftersales.service.bom"].create([
            {"product_tmpl_id": product.product_tmpl_id.id,
             "line_ids": [Command.create({"product_id": p.id}) for p in cls.part | cls.module]}
            for product in cls.gen | cls.flat
        ])
        today = cls.today
        Lot = cls.env["stock.lot"]
        # ages: 3.5 years (year 4 of its life), 1.5 years (year 2), 100 days (year 1), and one
        # only produced 400 days ago, registered and delivered never (year 2, from production)
        cls.start_old = today - timedelta(days=1280)
        cls.start_mid = today - timedelta(days=550)
        cls.lot_old, cls.lot_mid, cls.lot_new, cls.lot_prod = Lot.create([
            {"name": "LC-OLD", "product_id": cls.gen.id, "dealer_id": cls.dealer_a.id,
             "dealer_delivery_date": cls.start_old, "end_user_id": cls.end_user_a.id,
             "registration_date": cls.start_old + timedelta(days=30)},
            {"name": "LC-MID", "product_id": cls.gen.id, "dealer_id": cls.dealer_a.id,
             "dealer_delivery_date": cls.start_mid, "end_user_id": cls.end_user_a.id,
             "registration_date": cls.start_mid + timedelta(days=10)},
            {"name": "LC-NEW", "product_id": cls.gen.id, "dealer_id": cls.dealer_a.id,
             "dealer_delivery_date": today - timedelta(days=100)},
            {"name": "LC-PROD", "product_id": cls.gen.id,
             "production_date": today - timedelta(days=400)},
        ])
        cls.lot_flat_1, cls.lot_flat_2 = Lot.create([
            {"name": "LC-FLAT-1", "product_id": cls.flat.id, "dealer_id": cls.dealer_a.id,
             "dealer_delivery_date": today - timedelta(days=800), "end_user_id": cls.end_user_a.id,
             "registration_date": today - timedelta(days=790)},
            {"name": "LC-FLAT-2", "product_id": cls.flat.id, "dealer_id": cls.dealer_a.id,
             "dealer_delivery_date": today - timedelta(days=800), "end_user_id": cls.end_user_a.id,
             "registration_date": today - timedelta(days=790)},
        ])

        def claim(lot, days_after_start, start, cause, lines, **values):
            return cls._create_claim(
                lot=lot, claim_type="goodwill", cause_category=cause, line_ids=lines,
                failure_date=start + timedelta(days=days_after_start),
                date=start + timedelta(days=days_after_start + 2), **values,
            )

        # year 1 of LC-OLD: 2 filters (40) + 2 h labour (90) claimed; labour approved at 45
        cls.claim_y1 = claim(cls.lot_old, 100, cls.start_old, "material", cls._lines())
        # year 3 of LC-OLD: submitted, not decided: its claimed 300 + 4 x 45 = 480 counts
        cls.claim_y3 = claim(cls.lot_old, 800, cls.start_old, "wear",
                             cls._lines([(cls.module, 1.0)], hours=4.0))
        # year 4 of LC-OLD: 1 module + 2 h = 390, approved in full
        cls.claim_y4 = claim(cls.lot_old, 1200, cls.start_old, "design",
                             cls._lines([(cls.module, 1.0)], hours=2.0))
        # not counted: a draft and a rejected claim
        cls.claim_draft = claim(cls.lot_mid, 400, cls.start_mid, "wear", cls._lines())
        cls.claim_rejected = claim(cls.lot_mid, 30, cls.start_mid, "operation", cls._lines())
        # the flat pump: one 130 claim in year 1 and one in year 2
        cls.flat_claims = (
            claim(cls.lot_flat_1, 100, today - timedelta(days=800), "material", cls._lines())
            | claim(cls.lot_flat_2, 500, today - timedelta(days=800), "material", cls._lines())
        )
        submitted = cls.claim_y1 | cls.claim_y3 | cls.claim_y4 | cls.claim_rejected | cls.flat_claims
        submitted.action_submit()
        cls.claim_y1._action_approve({cls.claim_y1.line_ids[1].id: 45.0}, "Standard time")
        (cls.claim_y4 | cls.flat_claims)._action_approve()
        cls.claim_rejected._action_reject("Misuse")

        # call-back after the year-1 claim: 15 of hotline time, cause of the claim
        Callback = cls.env["aftersales.callback"]
        # (the settlement planned it; the other claims' planned call-backs cost nothing yet)
        cls.callback = Callback.search([("claim_id", "=", cls.claim_y1.id)])
        cls.callback.write({
            "state": "unreachable", "service_cost": 15.0,
            "call_date": datetime.combine(cls.start_old + timedelta(days=130), datetime.min.time()),
        })
        # a call-back cancelled: no cost
        Callback.create({
            "lot_id": cls.lot_old.id, "state": "cancelled",
            "call_date": datetime.combine(cls.start_old + timedelta(days=140), datetime.min.time()),
        }).service_cost = 99.0

        # field service in year 2 of LC-MID charged by invoice: 2 h at 45 + 1 filter at 20
        Request = cls.env["aftersales.request"]
        cls.invoice = cls._invoice([(cls.fee_labour, 2.0, 45.0), (cls.part, 1.0, 20.0)])
        cls.visit = Request.create({
            "subject": "Visit", "request_type": "field_service", "lot_id": cls.lot_mid.id,
            "visit_start": datetime.combine(cls.start_mid + timedelta(days=500), datetime.min.time()),
        })
        cls.visit.invoice_id = cls.invoice
        # a visit settled by a claim (the year-4 one) is counted in the claim, not again
        cls.settled_visit = Request.create({
            "subject": "Settled visit", "request_type": "field_service", "lot_id": cls.lot_old.id,
            "visit_start": datetime.combine(cls.start_old + timedelta(days=1200), datetime.min.time()),
        })
        cls.settled_visit.write({
            "settlement_claim_id": cls.claim_y4.id,
            "invoice_id": cls._invoice([(cls.fee_labour, 10.0, 45.0)]).id,
        })

        # factory repair of LC-MID in its year 2: one module at its cost (120)
        cls.module.standard_price = 120.0
        warehouse = cls.env["stock.warehouse"]._get_aftersales_main_warehouse(cls.env.company)
        cls.env["stock.quant"]._update_available_quantity(cls.module, warehouse.lot_stock_id, 1.0)
        repair_request = Request.create({
            "subject": "Back to the factory", "request_type": "repair", "lot_id": cls.lot_mid.id,
        })
        cls.repair = cls.env["repair.order"].create({
            "picking_type_id": warehouse.repair_type_id.id,
            "product_id": cls.gen.id,
            "lot_id": cls.lot_mid.id,
            "aftersales_request_id": repair_request.id,
            "move_ids": [Command.create({
                "product_id": cls.module.id, "product_uom_qty": 1.0, "repair_line_type": "add",
            })],
        })
        cls.repair.action_validate()
        cls.repair.action_repair_start()
        cls.repair.move_ids.quantity = 1.0
        cls.repair.move_ids.picked = True
        cls.repair.action_repair_end()
        cls.repair.move_ids.write({
            "date": datetime.combine(cls.start_mid + timedelta(days=450), datetime.min.time())
        })
        cls.env.flush_all()

    @classmethod
    def _invoice(cls, lines):
        return cls.env["account.move"].create({
            "move_type": "out_invoice",
            "partner_id": cls.dealer_a.id,
            "invoice_line_ids": [
                Command.create({"product_id": p.id, "quantity": q, "price_unit": price})
                for p, q, price in lines
            ],
        })

    def _events(self, domain):
        return {
            (lot.name, year, source, cause): amount
            for lot, year, source, cause, amount in self.env[
                "aftersales.lifecycle.cost.report"
            ]._read_group(domain, ["lot_id", "life_year", "source", "cause_category"], ["amount:sum"])
        }

    def _curve(self, product, user=None):
        Report = self.env["aftersales.lifecycle.year.report"]
        if user:
            Report = Report.with_user(user)
        return {
            year: (machines, cost, per_year)
            for year, machines, cost, per_year in Report._read_group(
                [("product_id", "=", product.id)], ["life_year"],
                ["machine_count:sum", "cost:sum", "cost_per_machine_year:avg"],
            )
        }

    def test_each_source_once_in_its_year_and_cause(self):
        self.assertEqual(self.lot_old.life_start_date, self.start_old, "delivery first")
        self.assertEqual(self.lot_prod.life_start_date, self.today - timedelta(days=400))
        self.assertEqual(self._events([("product_id", "=", self.gen.id)]), {
            # approved amounts once approved: 40 + 45
            ("LC-OLD", 1, "claim_part", "material"): 40.0,
            ("LC-OLD", 1, "claim_labour", "material"): 45.0,
            ("LC-OLD", 1, "callback", "material"): 15.0,
            # submitted: the claimed amounts
            ("LC-OLD", 3, "claim_part", "wear"): 300.0,
            ("LC-OLD", 3, "claim_labour", "wear"): 180.0,
            # the claim of the settled visit, and not its invoice of 450
            ("LC-OLD", 4, "claim_part", "design"): 300.0,
            ("LC-OLD", 4, "claim_labour", "design"): 90.0,
            # the invoiced visit (parts and fees) and the factory repair's part at cost
            ("LC-MID", 2, "field_service", False): 110.0,
            ("LC-MID", 2, "factory_repair", False): 120.0,
        })
        # a repair whose request was invoiced is in the invoice
        self.repair.aftersales_request_id.invoice_id = self._invoice([(self.fee_labour, 1.0, 45.0)])
        self.env.flush_all()
        events = self._events([("lot_id", "=", self.lot_mid.id)])
        self.assertEqual(events[("LC-MID", 2, "factory_repair", False)], 45.0)

    def test_campaign_claims_are_campaign_work(self):
        # the submitted claim of year 3 made a campaign claim: sent back to the dealer, its type
        # changed, submitted again (a campaign claim's own submission checks: test_campaign)
        self.claim_y3._action_send_back("Is this the campaign's work?")
        self.claim_y3.claim_type = CAMPAIGN_CLAIM_TYPE
        self.claim_y3.state = "submitted"
        self.env.flush_all()
        events = self._events([("lot_id", "=", self.lot_old.id), ("life_year", "=", 3)])
        self.assertEqual(events, {("LC-OLD", 3, "campaign", "wear"): 480.0})

    def test_cost_per_machine_year(self):
        curve = self._curve(self.gen)
        # machines that reached each year: 4 in year 1, LC-OLD, LC-MID and LC-PROD in year 2,
        # LC-OLD alone in years 3 and 4
        self.assertEqual(curve, {
            1: (4, 100.0, 25.0),
            2: (3, 230.0, 230.0 / 3),
            3: (1, 480.0, 480.0),
            4: (1, 390.0, 390.0),
        })
        # over several years: total cost over total machine-years
        total = self.env["aftersales.lifecycle.year.report"]._read_group(
            [("product_id", "=", self.gen.id)], [], ["cost_per_machine_year:avg"]
        )[0][0]
        self.assertAlmostEqual(total, 1200.0 / 9)
        self.assertAlmostEqual(self.gen.product_tmpl_id.lifecycle_cost_per_machine_year, 1200.0 / 9, places=2)

    def test_growth_ranking(self):
        expected = numpy.polyfit([1, 2, 3, 4], [25.0, 230.0 / 3, 480.0, 390.0], 1)[0]
        self.assertAlmostEqual(self.gen.product_tmpl_id.lifecycle_cost_growth, expected, places=2)
        # the flat pump: 65 per machine-year in years 1 and 2, nothing in year 3: falling
        self.assertAlmostEqual(self.flat.product_tmpl_id.lifecycle_cost_growth, -32.5, places=2)
        action = self.env.ref("aftersales.aftersales_lifecycle_growth_action")
        ranked = self.env["aftersales.lifecycle.year.report"].search(
            eval(action.domain) + [("product_id", "in", (self.gen | self.flat).ids)]
        )
        self.assertEqual(ranked.product_id, self.gen | self.flat)
        self.assertEqual(ranked[0].product_id, self.gen, "fastest growth first")
        self.assertEqual(ranked[0].life_year, 4)

    def test_machine_form(self):
        lot = Form(self.lot_old)
        self.assertEqual(lot.lifecycle_cost, 970.0)
        self.assertEqual(self.lot_old.with_user(self.as_user).lifecycle_cost, 970.0)
        html = str(lot.lifecycle_cost_html)
        for text in ("Claim parts", "Call-back", "390.00", "480.00"):
            self.assertIn(text, html)
        self.assertFalse(self.lot_new.lifecycle_cost)
        self.assertFalse(self.lot_new.lifecycle_cost_html)
        action = self.lot_old.with_user(self.as_user).action_view_lifecycle_cost()
        rows = self.env["aftersales.lifecycle.cost.report"].with_user(self.as_user).search(
            action["domain"]
        )
        self.assertEqual(sum(rows.mapped("amount")), 970.0)
        # one grouped query for the machines of a list
        lots = self.lot_old | self.lot_mid | self.lot_new
        lots.invalidate_recordset(["lifecycle_cost"])
        with self.assertQueryCount(__system__=3):
            self.assertEqual(lots.mapped("lifecycle_cost"), [970.0, 230.0, 0.0])

    def test_improvement_plan(self):
        date = self.today - timedelta(days=365)
        plan = Form(self.env["aftersales.improvement.plan"].with_user(self.as_user))
        plan.name = "Sealed module"
        plan.date = date
        with plan.line_ids.new() as line:
            line.product_tmpl_id = self.gen.product_tmpl_id
        plan = plan.save()
        self.assertEqual(plan.product_ids, self.gen.product_tmpl_id)
        line = plan.line_ids
        # lived before the date: LC-OLD 915 days, LC-MID 185, LC-PROD 35; from it: 365 each,
        # and LC-NEW 100
        self.assertAlmostEqual(line.machine_years_before, (915 + 185 + 35) / 365.25, places=1)
        self.assertAlmostEqual(line.machine_years_after, (365 * 3 + 100) / 365.25, places=1)
        # before: year 1 and 3 of LC-OLD (100 + 480); after: its year 4 and LC-MID's year 2
        self.assertEqual((line.cost_before, line.cost_after), (580.0, 620.0))
        before = 580.0 / ((915 + 185 + 35) / 365.25)
        after = 620.0 / ((365 * 3 + 100) / 365.25)
        self.assertAlmostEqual(line.cost_per_machine_year_before, before, places=2)
        self.assertAlmostEqual(line.cost_per_machine_year_after, after, places=2)
        self.assertAlmostEqual(line.change, 100 * (after - before) / before, places=1)
        # the flow: started only with products, reset, done
        with self.assertRaisesMessage(UserError, "cannot be marked done"):
            plan.action_done()
        plan.action_start()
        plan.action_done()
        self.assertEqual(plan.state, "done")
        # prompted by complaints, not by any request
        complaint = self.env["aftersales.request"].create({
            "subject": "Modules again", "request_type": "complaint", "lot_id": self.lot_old.id,
        })
        plan.request_ids = complaint
        with self.assertRaisesMessage(ValidationError, "not complaints"):
            plan.request_ids |= self.visit
        self.assertEqual(plan.request_ids, complaint)
        # or by a campaign, linked on the form
        campaign = self.env["aftersales.campaign"].create({
            "title": "Module recall", "campaign_type": "safety_recall",
            "product_ids": [Command.set(self.gen.ids)], "selection_mode": "serial_list",
            "serial_list": "LC-OLD", "labour_hours": 1.0,
            "date_start": self.today, "date_end": self.today + timedelta(days=30),
        })
        with Form(plan) as edit:
            edit.campaign_ids.add(campaign)
        self.assertEqual(plan.campaign_ids, campaign)
        empty = self.env["aftersales.improvement.plan"].create({"name": "Nothing yet"})
        with self.assertRaisesMessage(UserError, "add the products"):
            empty.action_start()

    def test_management_report_page(self):
        wizard = self.env["aftersales.cost.report.print"].create({})
        data = wizard._get_lifecycle_report_data()
        curves = dict(data["curves"])
        self.assertEqual(curves[self.gen][3], (1, 480.0))
        self.assertEqual(
            [row["product"] for row in data["growing"] if row["product"] in self.gen | self.flat],
            [self.gen, self.flat],
        )
        html = self.env["ir.actions.report"]._render_qweb_html(
            "aftersales.action_report_aftersales_management", wizard.ids
        )[0].decode()
        for text in ("Life-Cycle Cost", "Fastest-growing products", "Life Generator", "480.00"):
            self.assertIn(text, html)

    def test_access_and_companies(self):
        plan = self.env["aftersales.improvement.plan"].create({
            "name": "Plan", "line_ids": [Command.create({"product_tmpl_id": self.gen.product_tmpl_id.id})],
        })
        for model in ("aftersales.lifecycle.cost.report", "aftersales.lifecycle.year.report",
                      "aftersales.improvement.plan", "aftersales.improvement.plan.product"):
            with self.assertRaises(AccessError):
                self.env[model].with_user(self.portal_a).search([])
        with self.assertRaises(AccessError):
            plan.with_user(self.portal_a).read(["name"])
        # another company's machine and plan stay in it
        other = self.env["res.company"].create({"name": "Other Machines Co"})
        lot = self.env["stock.lot"].with_company(other).create({
            "name": "LC-OTHER", "product_id": self.gen.id, "company_id": other.id,
            "dealer_delivery_date": self.today - timedelta(days=50),
        })
        callback = self.env["aftersales.callback"].with_company(other).create({
            "company_id": other.id, "lot_id": lot.id, "end_user_id": self.end_user_b.id,
            "state": "unreachable",
            "call_date": datetime.combine(self.today, datetime.min.time()),
        })
        callback.service_cost = 7.0
        other_plan = self.env["aftersales.improvement.plan"].with_company(other).create({
            "name": "Other plan", "company_id": other.id,
        })
        self.env.flush_all()
        user = self.as_user
        self.assertEqual(user.company_ids, self.env.company)
        Events = self.env["aftersales.lifecycle.cost.report"].with_user(user)
        self.assertFalse(Events.search([("lot_id", "=", lot.id)]))
        self.assertEqual(self._curve(self.gen, user)[1][0], 4, "the other company's machine apart")
        self.assertEqual(
            self.env["aftersales.lifecycle.year.report"].sudo().search_count(
                [("product_id", "=", self.gen.id), ("company_id", "=", other.id)]
            ), 1,
        )
        self.assertEqual(
            self.env["aftersales.improvement.plan"].with_user(user).search(
                [("id", "in", (plan | other_plan).ids)]
            ),
            plan,
        )
        self.assertTrue(other_plan.exists())
