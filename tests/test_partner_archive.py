from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, new_test_user, tagged

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


@tagged("post_install", "-at_install", "aftersales_performance")
class TestPartnerArchiveQueries(AftersalesCommon):
    def test_counts_are_batched(self):
        """The smart-button counts cost the same queries for 20 dealers as for 2: one
        aggregate per count, whatever the number of partners."""
        Partner = self.env["res.partner"]
        few = self.dealer_a | self.dealer_b
        many = few | Partner.create(
            [{"name": f"Dealer {i}", "is_dealer": True, "is_company": True} for i in range(18)]
        )
        counts = []
        for partners in (few, many):
            self.env.invalidate_all()
            start = self.env.cr.sql_log_count
            partners.mapped("dealer_machine_count")
            counts.append(self.env.cr.sql_log_count - start)
        self.assertEqual(counts[1], counts[0], "queries do not grow with the partners")
        self.assertLessEqual(counts[0], 3)


@tagged("post_install", "-at_install")
class TestBackOfficeKeepsTheArchive(AftersalesCommon):
    """After-Sales users (back-office staff) create and correct end users and dealers; a
    dealer's level and price list stay with After-Sales managers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the demo's back-office clerk: After-Sales and Inventory user, no contact-creation right
        cls.clerk = new_test_user(
            cls.env, login="clerk_archive",
            groups="base.group_user,aftersales.group_aftersales_user,stock.group_stock_user",
        )
        cls.assertFalse(cls, cls.clerk.has_group("base.group_partner_manager"))
        cls.other_level = cls.env["aftersales.dealer.level"].create(
            {"name": "Gold", "settlement_discount": 20.0}
        )

    def test_clerk_creates_and_corrects_end_users(self):
        form = Form(self.env["res.partner"].with_user(self.clerk))
        form.name = "Walk-in Owner"
        form.phone = "+1 555 0177"
        form.is_end_user = True
        form.aftersales_dealer_id = self.dealer_a
        owner = form.save()
        self.assertTrue(owner.is_end_user)
        self.assertEqual(owner.aftersales_dealer_id, self.dealer_a)
        with Form(self.end_user_a.with_user(self.clerk)) as correction:
            correction.phone = "+1 555 0102"
            correction.street = "1 Mill Road"
        self.assertEqual(self.end_user_a.phone, "+1 555 0102")
        self.assertEqual(self.end_user_a.street, "1 Mill Road")

    def test_clerk_registers_a_machine_to_a_new_end_user(self):
        """Register to End User with a newly typed end user, through the wizard's form."""
        action = self.lot_a.with_user(self.clerk).action_open_register()
        form = Form(self.env[action["res_model"]].with_user(self.clerk).with_context(**action["context"]))
        form.name = "Typed Owner"
        form.phone = "+1 555 0188"
        form.save().action_register()
        self.assertEqual(self.lot_a.end_user_id.name, "Typed Owner")
        self.assertTrue(self.lot_a.end_user_id.is_end_user)

    def test_clerk_edits_a_dealer_but_not_its_terms(self):
        with Form(self.dealer_a.with_user(self.clerk)) as dealer:
            dealer.phone = "+1 555 0900"
            dealer.dealer_code = "T-A2"
        self.assertEqual((self.dealer_a.phone, self.dealer_a.dealer_code), ("+1 555 0900", "T-A2"))
        # the level and the price list are read-only for the clerk in the form ...
        form = Form(self.dealer_a.with_user(self.clerk))
        self.assertFalse(form.can_edit_dealer_terms)
        with self.assertRaises(AssertionError):
            form.dealer_level_id = self.other_level
        # ... and refused through the API, with nothing written
        pricelist = self.env["product.pricelist"].create({"name": "Friends and family"})
        for vals in ({"dealer_level_id": self.other_level.id},
                     {"property_product_pricelist": pricelist.id},
                     {"phone": "+1 555 0999", "dealer_level_id": self.other_level.id}):
            with self.subTest(vals=vals), self.assertRaisesMessage(AccessError, "only After-Sales managers"):
                self.dealer_a.with_user(self.clerk).write(vals)
            self.dealer_a.invalidate_recordset()
            self.assertEqual(self.dealer_a.dealer_level_id, self.level)
            self.assertEqual(self.dealer_a.phone, "+1 555 0900")
        self.assertNotEqual(self.dealer_a.property_product_pricelist, pricelist)
        with self.assertRaisesMessage(AccessError, "only After-Sales managers"):
            self.env["res.partner"].with_user(self.clerk).create(
                {"name": "Leveled Dealer", "is_dealer": True, "dealer_level_id": self.other_level.id}
            )
        # a new dealer without terms is fine: it buys at the dealer settlement list
        dealer = self.env["res.partner"].with_user(self.clerk).create(
            {"name": "New Dealer", "is_company": True, "is_dealer": True, "dealer_code": "T-N"}
        )
        self.assertEqual(
            dealer.property_product_pricelist, self.env.company.aftersales_dealer_pricelist_id
        )
        # a contact of a dealer gets the dealer's list from Odoo, for the clerk too
        contact = self.env["res.partner"].with_user(self.clerk).create(
            {"name": "Carl of New", "parent_id": dealer.id}
        )
        self.assertEqual(contact.property_product_pricelist, dealer.property_product_pricelist)

    def test_manager_sets_the_terms(self):
        with Form(self.dealer_a.with_user(self.as_manager)) as dealer:
            self.assertTrue(dealer.can_edit_dealer_terms)
            dealer.dealer_level_id = self.other_level
        self.assertEqual(self.dealer_a.dealer_level_id, self.other_level)
