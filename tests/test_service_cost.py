from datetime import datetime, time

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import AftersalesCommon
from .common_request import AftersalesRequestCommon


@tagged("post_install", "-at_install")
class TestServiceCostOnce(AftersalesRequestCommon):
    """Routine service cost is service of working machines; service on failed machines is the
    measured non-conforming cost, shown beside routine x the amplification factor, never added
    to it (domain.md section 1)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"callback_duration": 0.25, "callback_user_id": False})
        cls.env["aftersales.team"].search([]).outbound_agent_ids = False
        cls.machine.service_cost_factor = 1.5
        # noon of today (UTC): the visits, the claims and the call-back fall in one month
        cls.visit = datetime.combine(cls.today, time(12, 0))
        cls.month = cls.today.replace(day=1)

    def _visit(self, lot, hours, cause=None):
        """A field-service visit to ``lot`` opened on the request form (its cause changed there
        when ``cause`` is given), then dispatched and settled."""
        with Form(self.env["aftersales.request"].with_user(self.as_user)) as form:
            form.subject = "Visit"
            form.team_id = self.team
            form.request_type = "field_service"
            form.lot_id = lot
            self.assertEqual(form.service_cause, "failure", "a call-out follows a failure")
            if cause:
                form.service_cause = cause
            form.engineer_id = self.engineer
            form.visit_start = self.visit
            form.hours_spent = hours
            with form.part_line_ids.new() as line:
                line.product_id = self.module
        request = form.record
        request.action_dispatch()
        request.action_settle()
        return request

    def test_routine_and_failed_machine_service_counted_once(self):
        """Factor 1.5, labour 45 an hour, call-out 35, in one month:
        - routine (working machines) = 300:
          paid inspection of the expired SN-B-OLD, 2 h: 2 x 45 + 35 = 125 (the module on the
          same invoice is a part, not service); maintenance visit of SN-B-1 under warranty,
          settled by a claim, 1 h: 45 + 35 = 80; routine entered by hand 95;
        - measured non-conforming (failed machines) = 200:
          failure visit of SN-B-OLD, 1 h, invoiced: 45 + 35 = 80; warranty claim of SN-A-1,
          2 h of labour: 90 (its 2 filters are parts); its call-back, 0.25 h x 45 = 11.25;
          failed-machine service entered by hand 18.75;
        - model: 300 x 1.5 = 450 beside the measured 200 (factor 200 / 300 = 0.67);
          service quality 300 + 450 = 750 (the 200 is in neither); + conforming 250 = 1000
          for 3 machines in the field = 333.33 a machine; the claim's approved 130 is the
          warranty cost, for reference.
        Before: the claims' fees (90 + 80) and the call-back were routine (276.25 with the 95
        entered), the invoiced visits nowhere, and 276.25 x 1.5 came on top."""
        inspection = self._visit(self.lot_old, 2.0, cause="routine")
        self.assertTrue(inspection.invoice_id)
        maintenance = self._visit(self.lot_b, 1.0, cause="routine")
        maintenance.settlement_claim_id.with_user(self.as_user).action_submit()
        self.assertEqual(maintenance.settlement_claim_id.state, "submitted")
        failure = self._visit(self.lot_old, 1.0)
        self.assertEqual(failure.service_cause, "failure")
        self.assertTrue(failure.invoice_id)
        claim = self._create_claim(reviewer_id=self.as_user.id)
        claim.with_user(self.as_user).action_submit()
        claim.with_user(self.as_user).action_approve()
        self.assertEqual(claim.state, "settled")
        claim.callback_ids.write({"product_quality_score": 4, "service_quality_score": 4})
        claim.callback_ids.action_done()
        self.assertAlmostEqual(claim.callback_ids.service_cost, 11.25)
        self.env["aftersales.service.cost"].create([
            {"product_id": self.machine.id, "period_date": self.today, "cost_type": cost_type,
             "amount": amount}
            for cost_type, amount in (("routine", 95.0), ("failure", 18.75), ("conforming", 250.0))
        ])
        self.env.flush_all()
        row = self.env["aftersales.cost.report"].search(
            [("product_id", "=", self.machine.id), ("month", "=", self.month)]
        )
        self.assertEqual(len(row), 1)
        expected = {
            "machine_count": 3, "routine_cost": 300.0, "cost_factor": 1.5,
            "nonconforming_cost": 450.0, "measured_nonconforming_cost": 200.0,
            "actual_factor": 0.67, "service_quality_cost": 750.0, "conforming_cost": 250.0,
            "satisfaction_cost": 1000.0, "cost_per_machine": 333.33, "warranty_cost": 130.0,
        }
        for fname, value in expected.items():
            self.assertAlmostEqual(row[fname], value, places=2, msg=fname)
        # the monthly management report prints the same figures
        wizard = self.env["aftersales.cost.report.print"].with_user(self.as_user).create(
            {"month": self.today}
        )
        printed = next(r for r in wizard._get_report_data()["products"] if r["product"] == self.machine)
        self.assertEqual(
            [printed[f] for f in ("routine_cost", "nonconforming_cost", "measured_nonconforming_cost",
                                  "service_quality_cost", "satisfaction_cost")],
            [300.0, 450.0, 200.0, 750.0, 1000.0],
        )
        self.assertAlmostEqual(printed["actual_factor"], 200.0 / 300.0)
        html = self.env["ir.actions.report"]._render_qweb_html(
            "aftersales.action_report_aftersales_management", wizard.ids
        )[0].decode()
        self.assertIn("Non-conf. (measured)", html)
        # the desk reclassifies the inspection as a failure visit: 125 moves across, nothing lost
        inspection.service_cause = "failure"
        self.env.flush_all()
        row.invalidate_recordset()
        self.assertAlmostEqual(row.routine_cost, 175.0)
        self.assertAlmostEqual(row.measured_nonconforming_cost, 325.0)
        self.assertAlmostEqual(row.service_quality_cost, 175.0 * 2.5)

    def test_cause_follows_the_type(self):
        """Complaints, call-outs and factory repairs follow a failure; maintenance reminders,
        questions and call-backs are routine."""
        causes = {
            request_type: self._create_request(request_type=request_type).service_cause
            for request_type in ("complaint", "field_service", "repair", "maintenance", "question")
        }
        self.assertEqual(causes, {
            "complaint": "failure", "field_service": "failure", "repair": "failure",
            "maintenance": "routine", "question": "routine",
        })


@tagged("post_install", "-at_install")
class TestAmplificationFactor(AftersalesCommon):
    """A product's service cost amplification factor, entered or worked out from its three
    scored criteria with the company's weights:
    factor = (wI x importance + wF x frequency + wS x size) / (wI + wF + wS)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        cls.company = cls.env.company
        cls.company.write({
            "amplification_weight_importance": 0.4,
            "amplification_weight_frequency": 0.3,
            "amplification_weight_size": 0.3,
        })

    def _save_weights(self, importance, frequency, size):
        with Form(self.env["res.config.settings"].with_user(self.admin)) as settings:
            settings.amplification_weight_importance = importance
            settings.amplification_weight_frequency = frequency
            settings.amplification_weight_size = size
        settings.record.execute()

    def test_factor_from_criteria(self):
        """Scores 5, 3, 2 with the weights 0.4, 0.3, 0.3: 2.0 + 0.9 + 0.6 = 3.5. Weights saved
        as 0.5, 0.3, 0.2: 2.5 + 0.9 + 0.4 = 3.8, for a product of the company and for one
        shared by all companies alike. Back to Entered: the 3.8 stays, then 2.25 is typed and
        no weight moves it any more."""
        products = self.env["product.template"]
        for company in (self.company, False):
            Template = self.env["product.template"].with_context(
                default_company_id=company and company.id
            )
            with Form(Template) as form:
                form.name = "Crane %s" % bool(company)
                form.aftersales_part_class = "finished"
                self.assertEqual(form.service_cost_factor_mode, "entered")
                self.assertEqual(form.service_cost_factor, 1.0)
                form.service_cost_factor_mode = "criteria"
                form.amplification_importance = 5
                form.amplification_frequency = 3
                form.amplification_size = 2
                self.assertAlmostEqual(form.service_cost_factor, 3.5)
            products |= form.record
        self.assertEqual(products.mapped("company_id"), self.company)
        self.assertEqual(products.mapped("service_cost_factor"), [3.5, 3.5])
        self._save_weights(0.5, 0.3, 0.2)
        self.assertEqual(self.company.amplification_weight_importance, 0.5)
        products.invalidate_recordset()
        self.assertEqual(products.mapped("service_cost_factor"), [3.8, 3.8])
        # the analysis reads the stored factor
        self.assertAlmostEqual(
            self.env["product.template"].search_read(
                [("id", "in", products.ids)], ["service_cost_factor"])[0]["service_cost_factor"], 3.8
        )
        with Form(products[0]) as form:
            form.service_cost_factor_mode = "entered"
            self.assertAlmostEqual(form.service_cost_factor, 3.8)
            form.service_cost_factor = 2.25
        self.assertEqual(products[0].service_cost_factor, 2.25)
        self._save_weights(0.2, 0.2, 0.6)
        products.invalidate_recordset()
        # 0.2 x 5 + 0.2 x 3 + 0.6 x 2 = 2.8 on the product still set from criteria
        self.assertEqual(products.mapped("service_cost_factor"), [2.25, 2.8])

    def test_created_from_criteria_and_weights_need_not_sum_to_one(self):
        """Created with its scores (no form): 4, 4, 1 -> 0.4 x 4 + 0.3 x 4 + 0.3 x 1 = 3.1.
        Weights 4, 3, 3 are the same shares: still 3.1. All the weight moved to size in one save
        (0, 0, 1): the factor is the size score, 1.0."""
        product = self.env["product.product"].create({
            "name": "Hoist", "aftersales_part_class": "finished", "service_cost_factor_mode": "criteria",
            "amplification_importance": 4, "amplification_frequency": 4, "amplification_size": 1,
        })
        self.assertEqual(product.service_cost_factor, 3.1)
        self.assertEqual(self.env["product.product"].create({"name": "Plain"}).service_cost_factor, 1.0)
        self._save_weights(4.0, 3.0, 3.0)
        product.invalidate_recordset()
        self.assertEqual(product.service_cost_factor, 3.1)
        self._save_weights(0.0, 0.0, 1.0)
        product.invalidate_recordset()
        self.assertEqual(product.service_cost_factor, 1.0)

    def test_bad_input_is_refused(self):
        product = self.env["product.template"].create({
            "name": "Lift", "aftersales_part_class": "finished", "service_cost_factor_mode": "criteria",
        })
        self.assertEqual(product.service_cost_factor, 3.0)  # 3, 3, 3 by default
        with self.assertRaisesMessage(
            ValidationError, r"Lift: the size and weight score must lie between 1 and 5 \(6 given\)"
        ):
            product.amplification_size = 6
        self.assertEqual(product.amplification_size, 3)
        with self.assertRaisesMessage(ValidationError, "amplification criteria cannot be negative"):
            self._save_weights(0.5, 0.6, -0.1)
        with self.assertRaisesMessage(ValidationError, "at least one amplification criterion a weight"):
            self._save_weights(0.0, 0.0, 0.0)
        self.assertEqual(self.company.amplification_weight_importance, 0.4)
        self.assertEqual(product.service_cost_factor, 3.0)
