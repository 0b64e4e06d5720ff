from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import AftersalesCommon


@tagged("post_install", "-at_install")
class TestPartnerArchive(AftersalesCommon):
    def test_end_user_cannot_be_dealer(self):
        with self.assertRaisesMessage(ValidationError, "cannot be both a dealer and an end user"):
            self.end_user_a.is_dealer = True
        self.assertFalse(self.end_user_a.is_dealer)
        with self.assertRaisesMessage(ValidationError, "cannot be both"):
            self.env["res.partner"].create(
                {"name": "Both", "is_dealer": True, "is_end_user": True, "phone": "1"}
            )

    def test_end_user_needs_phone_or_email(self):
        with self.assertRaisesMessage(ValidationError, "phone number or an e-mail"):
            self.env["res.partner"].create({"name": "Anonymous", "is_end_user": True})
        with self.assertRaisesMessage(ValidationError, "phone number or an e-mail"):
            self.end_user_a.phone = False
        self.assertEqual(self.end_user_a.phone, "+1 555 0101")
        mobile_only = self.env["res.partner"].create(
            {"name": "Mobile Only", "is_end_user": True, "mobile": "+1 555 0111"}
        )
        self.assertTrue(mobile_only.is_end_user)

    def test_serving_dealer_must_be_dealer(self):
        with self.assertRaisesMessage(ValidationError, "is not a dealer"):
            self.end_user_a.aftersales_dealer_id = self.end_user_b
        self.assertEqual(self.end_user_a.aftersales_dealer_id, self.dealer_a)

    def test_dealer_code_unique(self):
        with self.assertRaisesMessage(ValidationError, "Dealer code T-A is already used"):
            self.env["res.partner"].create({"name": "Copycat", "is_dealer": True, "dealer_code": "T-A"})

    def test_dealer_level_discount_bounds(self):
        with self.assertRaisesMessage(ValidationError, "between 0 and 100"):
            self.level.settlement_discount = 120
        self.assertEqual(self.level.settlement_discount, 10.0)

    def test_counts(self):
        self._register(self.lot_a, self.end_user_a, 5)
        self.assertEqual(self.dealer_a.dealer_machine_count, 1)
        self.assertEqual(self.dealer_a.served_end_user_count, 1)
        self.assertEqual(self.end_user_a.owned_machine_count, 1)
        self.assertEqual(self.end_user_b.owned_machine_count, 0)
        self.assertEqual(self.level.dealer_count, 2)
        action = self.dealer_a.action_view_dealer_machines()
        self.assertEqual(self.env["stock.lot"].search(action["domain"]), self.lot_a)
        action = self.dealer_a.action_view_served_end_users()
        self.assertEqual(self.env["res.partner"].search(action["domain"]), self.end_user_a)

    def test_counts_are_batched(self):
        """The smart-button counts cost the same queries for 2 dealers as for 20."""
        Partner = self.env["res.partner"]
        few = self.dealer_a | self.dealer_b
        many = few | Partner.create(
            [{"name": f"Dealer {i}", "is_dealer": True, "is_company": True} for i in range(18)]
        )
        self.env.invalidate_all()
        with self.assertQueryCount(3):
            few.mapped("dealer_machine_count")
        self.env.invalidate_all()
        with self.assertQueryCount(3):
            many.mapped("dealer_machine_count")
