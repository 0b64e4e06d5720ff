from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestFeeSchedule(TransactionCase):
    def test_fee_schedule_report(self):
        fees = self.env["product.template"].search([("aftersales_fee_type", "!=", False)])
        self.assertTrue(fees)
        html = self.env["ir.actions.report"]._render_qweb_html(
            "aftersales.report_fee_schedule", fees.ids
        )[0].decode()
        self.assertIn("Service Charge Standard", html)
        self.assertIn("Service labour (per hour)", html)
        self.env.company.external_report_layout_id = self.env.ref("web.external_layout_standard")
        action = fees[:1].action_print_fee_schedule()
        self.assertEqual(action["report_name"], "aftersales.report_fee_schedule")
        self.assertEqual(action["context"]["active_ids"], fees[:1].ids)
        # from the list's header button, with nothing selected, it prints the whole schedule
        action = self.env["product.template"].action_print_fee_schedule()
        self.assertEqual(action["context"]["active_ids"], fees.ids)
