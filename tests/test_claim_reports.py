from datetime import timedelta

from odoo.tests import tagged

from .common_claim import AftersalesClaimCommon


@tagged("post_install", "-at_install")
class TestClaimReports(AftersalesClaimCommon):
    def test_claim_pdf(self):
        claim = self._create_claim()
        claim.action_submit()
        claim._action_approve({claim.line_ids[1].id: 45.0}, "Labour above the standard time")
        self.env.company.external_report_layout_id = self.env.ref("web.external_layout_standard")
        html = self.env["ir.actions.report"]._render_qweb_html(
            "aftersales.report_aftersales_claim", claim.ids
        )[0].decode()
        for text in (claim.name, "SN-A-1", "End User of A", "Labour above the standard time",
                     claim.refund_move_id.name, "Approved"):
            self.assertIn(text, html)
        pdf, report_type = self.env["ir.actions.report"].with_context(
            force_report_rendering=True
        )._render_qweb_pdf("aftersales.action_report_aftersales_claim", claim.ids)
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        self.assertEqual(claim._get_report_base_filename(),
                         "Warranty Claim %s" % claim.name.replace("/", "-"))

    def test_failure_rate(self):
        """Three machines of the product in warranty this month and one warranty claim."""
        other = self.env["stock.lot"].create({
            "name": "SN-A-2", "product_id": self.machine.id, "dealer_id": self.dealer_a.id,
            "dealer_delivery_date": self.today - timedelta(days=40),
        })
        self._register(other, self.end_user_a, 20)
        claim = self._create_claim(failure_date=self.today)
        claim.action_submit()
        rejected = self._create_claim(lot=other, failure_date=self.today)
        rejected.action_submit()
        rejected._action_reject("Not a failure")
        self.env.flush_all()
        Report = self.env["aftersales.failure.rate.report"]
        [(machines, claims, rate)] = Report._read_group(
            [("product_id", "=", self.machine.id), ("month", "=", self.today.replace(day=1))],
            [], ["machine_count:sum", "claim_count:sum", "failure_rate:avg"])
        self.assertEqual((machines, claims), (3, 1), "SN-A-1, SN-B-1 and SN-A-2; one claim")
        self.assertAlmostEqual(rate, 100.0 / 3)
        # several months together: claims over machine-months, not an average of rates
        [(machines, claims, rate)] = Report._read_group(
            [("product_id", "=", self.machine.id)], [],
            ["machine_count:sum", "claim_count:sum", "failure_rate:avg"])
        self.assertAlmostEqual(rate, 100.0 * claims / machines)
        self.assertGreater(machines, 3)
