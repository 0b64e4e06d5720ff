import re
from datetime import date, timedelta

from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tests import tagged

from .common_claim import AftersalesClaimCommon


@tagged("post_install", "-at_install")
class TestClaimSubmission(AftersalesClaimCommon):
    def _claims(self):
        return self.env["aftersales.claim"].search_count([])

    def test_numbering_per_company(self):
        """Claims filed together are numbered from the sequence of their own company: a company
        with a claim sequence of its own uses it, the others share the add-on's."""
        other = self.env["res.company"].create({"name": "Test Other Company"})
        self.env["ir.sequence"].create({
            "name": "Other claims", "code": "aftersales.claim", "prefix": "OTH/",
            "padding": 3, "company_id": other.id,
        })
        self.env.user.company_ids |= other
        here, there = self.env["aftersales.claim"].create([
            {"dealer_id": self.dealer_a.id},
            {"dealer_id": self.dealer_a.id, "company_id": other.id},
        ])
        self.assertRegex(here.name, r"^CLM/\d{4}/\d{5}$")
        self.assertEqual(there.name, "OTH/001")
        kept = self.env["aftersales.claim"].create({"dealer_id": self.dealer_a.id, "name": "CLM-OLD-1"})
        self.assertEqual(kept.name, "CLM-OLD-1", "a number given is kept")

    def test_filing_and_submitting(self):
        claim = self._create_claim(reviewer_id=self.as_user.id)
        self.assertRegex(claim.name, r"^CLM/\d{4}/\d{5}$")
        self.assertEqual(claim.state, "draft")
        self.assertEqual(claim.product_id, self.machine, "the product comes from the machine")
        self.assertEqual(claim.end_user_id, self.end_user_a)
        self.assertEqual(claim.end_user_name, "End User of A")
        self.assertEqual(claim.end_user_phone, "+1 555 0101")
        self.assertTrue(claim.is_in_warranty)
        self.assertEqual(claim.amount_claimed, 130.0)
        self.assertTrue(claim.can_be_submitted)
        self.assertFalse(claim.can_be_approved)

        claim.action_submit()
        self.assertEqual(claim.state, "submitted")
        self.assertTrue(claim.submit_date)
        self.assertEqual(
            claim.review_deadline,
            claim._get_review_deadline(self.company, self.today),
        )
        self.assertGreater(claim.review_deadline, self.today)
        activity = claim.activity_ids
        self.assertEqual(activity.activity_type_id,
                         self.env.ref("aftersales.mail_activity_type_claim_review"))
        self.assertEqual(activity.user_id, self.as_user)
        self.assertEqual(activity.date_deadline, claim.review_deadline)
        self.assertFalse(claim.can_be_submitted)
        self.assertEqual(claim.with_user(self.as_user).can_be_approved, True)
        with self.assertRaisesMessage(UserError, "is Submitted and cannot be submitted"):
            claim.action_submit()

    def test_review_deadline_counts_working_days(self):
        calendar = self.env["resource.calendar"].create({"name": "Mon-Fri", "tz": "UTC"})
        self.company.resource_calendar_id = calendar
        self.company.claim_review_days = 5
        friday = date(2024, 1, 5)
        # five working days after Friday 5 January: Monday 8 ... Friday 12
        self.assertEqual(self.env["aftersales.claim"]._get_review_deadline(self.company, friday),
                         date(2024, 1, 12))
        # a public holiday on Wednesday 10 January moves it to Monday 15
        self.env["resource.calendar.leaves"].create({
            "name": "Holiday", "calendar_id": calendar.id,
            "date_from": "2024-01-10 00:00:00", "date_to": "2024-01-10 23:59:59",
        })
        self.assertEqual(self.env["aftersales.claim"]._get_review_deadline(self.company, friday),
                         date(2024, 1, 15))
        self.company.resource_calendar_id = False
        self.assertEqual(self.env["aftersales.claim"]._get_review_deadline(self.company, friday),
                         date(2024, 1, 10), "without a working schedule: calendar days")

    def test_unknown_serial(self):
        before = self._claims()
        with self.assertRaisesMessage(UserError, "Serial number NO-SUCH-SN is not in the product archive"):
            self._create_claim(lot=self.env["stock.lot"], serial_number="NO-SUCH-SN")
        self.assertEqual(self._claims(), before)

    def test_serial_number_is_looked_up(self):
        claim = self._create_claim(lot=self.env["stock.lot"], serial_number=" SN-A-1 ",
                                   product_id=self.machine.id)
        self.assertEqual(claim.lot_id, self.lot_a)

    def test_serial_of_another_product(self):
        other = self.env["product.product"].create({
            "name": "Test Pump", "type": "consu", "is_storable": True, "tracking": "serial",
            "aftersales_part_class": "finished", "warranty_months": 12,
        })
        before = self._claims()
        with self.assertRaisesMessage(UserError, "SN-A-1 belongs to Test Generator, not to Test Pump"):
            self._create_claim(lot=self.env["stock.lot"], serial_number="SN-A-1",
                               product_id=other.id)
        self.assertEqual(self._claims(), before)
        # the same mistake made in the form: the product changed after the serial
        claim = self._create_claim()
        claim.product_id = other
        with self.assertRaisesMessage(UserError, "SN-A-1 belongs to Test Generator, not to Test Pump"):
            claim.action_submit()
        self.assertEqual(claim.state, "draft")

    def test_machine_of_another_dealer(self):
        claim = self._create_claim(dealer=self.dealer_b)
        with self.assertRaisesMessage(UserError, "Machine SN-A-1 was not delivered to Dealer B"):
            claim.action_submit()
        self.assertEqual(claim.state, "draft")
        self.assertFalse(claim.submit_date)

    def test_serving_dealer_may_claim(self):
        self.end_user_a.aftersales_dealer_id = self.dealer_b
        claim = self._create_claim(dealer=self.dealer_b)
        claim.action_submit()
        self.assertEqual(claim.state, "submitted")

    def test_contact_is_not_a_dealer(self):
        with self.assertRaisesMessage(ValidationError,
                                      re.escape(f"{self.contact_a.display_name} is not a dealer")):
            self._create_claim(dealer=self.contact_a)

    def test_failure_date_in_the_future(self):
        before = self._claims()
        with self.assertRaisesMessage(ValidationError, "lies in the future"):
            self._create_claim(failure_date=self.today + timedelta(days=1))
        self.assertEqual(self._claims(), before)

    def test_failure_date_before_delivery(self):
        with self.assertRaisesMessage(ValidationError, "before machine SN-A-1 was delivered"):
            self._create_claim(failure_date=self.today - timedelta(days=300))
        claim = self._create_claim()
        with self.assertRaisesMessage(ValidationError, "before machine SN-A-1 was delivered"):
            claim.failure_date = self.today - timedelta(days=300)
        self.assertEqual(claim.failure_date, self.failure_date)

    def test_failure_outside_warranty_only_as_goodwill(self):
        old = self.env["stock.lot"].create({
            "name": "SN-A-OLD", "product_id": self.machine.id, "dealer_id": self.dealer_a.id,
            "dealer_delivery_date": self.today - timedelta(days=500),
        })
        self._register(old, self.end_user_a, 450)
        claim = self._create_claim(lot=old, failure_date=self.today - timedelta(days=30))
        self.assertFalse(claim.is_in_warranty)
        with self.assertRaisesMessage(UserError, "outside the warranty of machine SN-A-OLD.*goodwill"):
            claim.action_submit()
        self.assertEqual(claim.state, "draft")
        claim.claim_type = "goodwill"
        claim.action_submit()
        self.assertEqual(claim.state, "submitted")

    def test_failure_before_registration_only_as_goodwill(self):
        claim = self._create_claim(failure_date=self.today - timedelta(days=150))
        with self.assertRaisesMessage(UserError, "before machine SN-A-1 was registered"):
            claim.action_submit()

    def test_unregistered_machine(self):
        lot = self.env["stock.lot"].create({
            "name": "SN-A-NEW", "product_id": self.machine.id, "dealer_id": self.dealer_a.id,
            "dealer_delivery_date": self.today - timedelta(days=20),
        })
        claim = self._create_claim(lot=lot, claim_type="goodwill",
                                   end_user_name="Walk-in", end_user_phone="123")
        with self.assertRaisesMessage(UserError, "SN-A-NEW is not registered to an end user yet"):
            claim.action_submit()

    def test_missing_end_user_contact(self):
        claim = self._create_claim()
        claim.write({"end_user_phone": False, "end_user_email": False})
        with self.assertRaisesMessage(UserError, "phone number or e-mail"):
            claim.action_submit()
        claim.end_user_name = " "
        with self.assertRaisesMessage(UserError, "end user's name"):
            claim.action_submit()
        self.assertEqual(claim.state, "draft")

    def test_missing_machine_and_lines_all_reported(self):
        claim = self.env["aftersales.claim"].create({"dealer_id": self.dealer_a.id})
        with self.assertRaisesMessage(UserError, r"(?s)Enter the serial number.*Add at least one line"):
            claim.action_submit()

    def test_duplicate_failure(self):
        first = self._create_claim()
        first.action_submit()
        second = self._create_claim()
        with self.assertRaisesMessage(UserError, f"already has claim {first.name}"):
            second.action_submit()
        first.action_cancel()
        second.action_submit()
        self.assertEqual(second.state, "submitted")

    def test_repeat_part_is_flagged(self):
        first = self._create_claim(failure_date=self.today - timedelta(days=60))
        first.action_submit()
        again = self._create_claim(
            failure_date=self.today - timedelta(days=5),
            line_ids=self._lines([(self.part, 1.0), (self.module, 1.0)]),
        )
        again.action_submit()
        part_line, module_line = again.line_ids.filtered(lambda l: l.line_type == "part")
        self.assertTrue(part_line.is_repeat_part)
        self.assertFalse(module_line.is_repeat_part)
        self.assertTrue(again.has_repeat_part)
        self.assertIn(again, self.env["aftersales.claim"].search([("has_repeat_part", "=", True)]))
        self.assertNotIn(first, self.env["aftersales.claim"].search([("has_repeat_part", "=", True)]))
        # outside the window: no flag
        self.company.claim_repeat_part_days = 30
        late = self._create_claim(failure_date=self.today - timedelta(days=1))
        late.action_submit()
        self.assertTrue(late.line_ids.filtered(lambda l: l.product_id == self.part).is_repeat_part,
                        "4 days after the second claim")
        self.company.claim_repeat_part_days = 0
        later = self._create_claim(failure_date=self.today)
        later.action_submit()
        self.assertFalse(later.has_repeat_part)

    def test_negative_quantities_hours_and_usage(self):
        before = self.env["aftersales.claim.line"].search_count([])
        with self.assertRaisesMessage(ValidationError, "quantity .* must be positive"):
            self._create_claim(line_ids=self._lines([(self.part, -1.0)]))
        with self.assertRaisesMessage(ValidationError, "must be positive, not -2"):
            self._create_claim(line_ids=self._lines(hours=-2.0))
        with self.assertRaisesMessage(ValidationError, "usage at failure cannot be negative"):
            self._create_claim(usage=-5)
        self.assertEqual(self.env["aftersales.claim.line"].search_count([]), before)

    def test_line_product_must_match_its_type(self):
        with self.assertRaisesMessage(ValidationError, "Test Filter cannot be claimed as Labour"):
            self._create_claim(line_ids=[Command.create(
                {"line_type": "labour", "product_id": self.part.id, "quantity": 1})])
        with self.assertRaisesMessage(ValidationError, "cannot be claimed as Part"):
            self._create_claim(line_ids=[Command.create(
                {"line_type": "part", "product_id": self.fee_labour.id, "quantity": 1})])
        with self.assertRaisesMessage(ValidationError, "Test Generator cannot be claimed as Part"):
            self._create_claim(line_ids=[Command.create(
                {"line_type": "part", "product_id": self.machine.id, "quantity": 1})])
        claim = self._create_claim(line_ids=[Command.create(
            {"line_type": "other", "product_id": self.fee_diagnosis.id, "quantity": 1})])
        self.assertEqual(claim.amount_claimed, self.fee_diagnosis.lst_price)

    def test_prices_from_dealer_pricelist_at_claim_date(self):
        pricelist = self.env["product.pricelist"].create({
            "name": "Dealer settlement",
            "item_ids": [
                Command.create({
                    "applied_on": "0_product_variant", "product_id": self.part.id,
                    "compute_price": "fixed", "fixed_price": 15.0,
                    "date_start": "2024-01-01 00:00:00", "date_end": "2024-12-31 23:59:59",
                }),
                Command.create({
                    "applied_on": "0_product_variant", "product_id": self.part.id,
                    "compute_price": "fixed", "fixed_price": 16.0,
                    "date_start": "2025-01-01 00:00:00",
                }),
            ],
        })
        self.dealer_a.property_product_pricelist = pricelist
        claim = self._create_claim(
            date=date(2024, 6, 1),
            line_ids=self._lines([(self.part, 2.0)], hours=1.5, km=100),
        )
        part, labour, travel = claim.line_ids
        self.assertEqual(part.price_unit, 15.0, "the 2024 dealer price")
        self.assertEqual(part.amount_claimed, 30.0)
        self.assertEqual(labour.amount_claimed, 67.5, "1.5 h x 45")
        self.assertEqual(travel.amount_claimed, 60.0, "100 km x 0.60")
        claim.date = date(2025, 3, 1)
        self.assertEqual(part.price_unit, 16.0, "re-priced at the new claim date")
        self.assertEqual(claim.amount_claimed, 32.0 + 67.5 + 60.0)

    def test_prices_of_a_batch_of_claims(self):
        """Claims filed together are priced as if filed one by one: each line at its own
        dealer's price list, claim date and quantity."""
        Item = Command.create
        pricelist_a, pricelist_b = self.env["product.pricelist"].create([
            {"name": "Dealer A settlement", "item_ids": [
                Item({"applied_on": "0_product_variant", "product_id": self.part.id,
                      "compute_price": "fixed", "fixed_price": 15.0}),
                Item({"applied_on": "0_product_variant", "product_id": self.part.id,
                      "compute_price": "fixed", "fixed_price": 12.0, "min_quantity": 3}),
            ]},
            {"name": "Dealer B settlement", "item_ids": [
                Item({"applied_on": "3_global", "compute_price": "percentage",
                      "percent_price": 10.0}),
            ]},
        ])
        self.dealer_a.property_product_pricelist = pricelist_a
        self.dealer_b.property_product_pricelist = pricelist_b
        claim_a, claim_b = self.env["aftersales.claim"].create([
            {"dealer_id": self.dealer_a.id, "lot_id": self.lot_a.id,
             "failure_date": self.failure_date,
             "line_ids": self._lines([(self.part, 1.0), (self.part, 4.0), (self.module, 1.0)])},
            {"dealer_id": self.dealer_b.id, "lot_id": self.lot_b.id,
             "failure_date": self.failure_date,
             "line_ids": self._lines([(self.part, 1.0), (self.module, 2.0)])},
        ])
        parts_a = claim_a.line_ids.filtered(lambda line: line.line_type == "part")
        parts_b = claim_b.line_ids.filtered(lambda line: line.line_type == "part")
        self.assertEqual(parts_a.mapped("price_unit"), [15.0, 12.0, 300.0],
                         "4 filters reach the quantity price; the module has no dealer A rule")
        self.assertEqual(parts_b.mapped("price_unit"), [18.0, 270.0], "10% off for dealer B")
        for line in parts_a | parts_b:
            self.assertEqual(line._get_part_unit_price(), line.price_unit, "priced alone alike")

    def test_part_price_without_any_pricelist(self):
        self.env["product.pricelist"].search([]).action_archive()
        self.env.invalidate_all()
        claim = self._create_claim()
        self.assertFalse(self.dealer_a.property_product_pricelist)
        # the hook falls back to the product's sales price when the dealer has no price list
        self.assertEqual(claim.line_ids[:1].price_unit, 20.0)

    def test_prices_in_the_claims_company(self):
        """A claim is priced at the dealer's price list in the claim's company, whatever company
        the user works in; the dealer's contact buys at the dealer's list."""
        sister = self.env["res.company"].create({"name": "Sister Manufacturing Co"})
        Item = Command.create
        list_a, list_b = self.env["product.pricelist"].create([
            {"name": "Dealer A terms", "item_ids": [
                Item({"applied_on": "0_product_variant", "product_id": self.part.id,
                      "compute_price": "fixed", "fixed_price": 15.0})]},
            {"name": "Dealer A terms at the sister company", "company_id": sister.id, "item_ids": [
                Item({"applied_on": "0_product_variant", "product_id": self.part.id,
                      "compute_price": "fixed", "fixed_price": 17.5})]},
        ])
        self.dealer_a.property_product_pricelist = list_a
        self.dealer_a.with_company(sister).property_product_pricelist = list_b
        self.assertEqual(self.dealer_a._get_aftersales_pricelist(), list_a)
        self.assertEqual(self.dealer_a._get_aftersales_pricelist(sister), list_b)
        self.assertEqual(self.contact_a._get_aftersales_pricelist(sister), list_b)
        self.assertFalse(self.env["res.partner"]._get_aftersales_pricelist(sister))
        lot = self.env["stock.lot"].create({
            "name": "SN-A-SISTER", "product_id": self.machine.id, "dealer_id": self.dealer_a.id,
            "company_id": sister.id, "dealer_delivery_date": self.today - timedelta(days=200),
        })
        # filed by a user working in this company, for the sister company
        self.assertEqual(self.env.company, self.company)
        claim_b = self.env["aftersales.claim"].create({
            "company_id": sister.id, "dealer_id": self.dealer_a.id, "lot_id": lot.id,
            "failure_date": self.failure_date, "line_ids": self._lines([(self.part, 2.0)], hours=0),
        })
        claim_a = self._create_claim(line_ids=self._lines([(self.part, 2.0)], hours=0))
        self.assertEqual(claim_b.line_ids.price_unit, 17.5, "the sister company's list")
        self.assertEqual(claim_a.line_ids.price_unit, 15.0, "this company's list")
        self.assertEqual(claim_b.with_company(sister).line_ids._get_part_unit_price(), 17.5)
        self.assertEqual(claim_b.line_ids._get_part_unit_price(), 17.5)

    def test_return_required_defaults(self):
        claim = self._create_claim(line_ids=self._lines(
            [(self.part, 1.0), (self.module, 1.0)]))
        wear, module, labour = claim.line_ids
        self.assertEqual(
            (wear.return_required, module.return_required, labour.return_required),
            (False, True, False),
        )
        self.assertEqual((wear.is_in_service_bom, labour.is_in_service_bom), (True, False))

    def test_settings(self):
        settings = self.env["res.config.settings"].create({
            "claim_review_days": 3,
            "claim_credit_trigger": "receipt",
            "claim_return_days": 14,
            "claim_repeat_part_days": 60,
        })
        settings.execute()
        self.assertRecordValues(self.company, [{
            "claim_review_days": 3, "claim_credit_trigger": "receipt",
            "claim_return_days": 14, "claim_repeat_part_days": 60,
        }])
        arch = self.env["res.config.settings"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="claim_credit_trigger"', arch)
        with self.assertRaisesMessage(ValidationError, "cannot be negative"):
            self.company.claim_return_days = -1


@tagged("post_install", "-at_install")
class TestSerialLookup(AftersalesClaimCommon):
    """The archive's one serial lookup (``stock.lot._aftersales_find_machine``) and its dealer
    rule, used by claims, the dealer portal and the service desk: case and surrounding spaces
    ignored, an exact match first, no wildcards, the selling or serving dealer."""

    def find(self, serial, **kwargs):
        return self.env["stock.lot"]._aftersales_find_machine(serial, **kwargs)

    def test_case_and_spaces_ignored(self):
        for typed in ("SN-A-1", " sn-a-1 ", "Sn-A-1\t"):
            with self.subTest(typed=typed):
                self.assertEqual(self.find(typed), (self.lot_a, False))
        # the claim, the service desk: the same rule
        claim = self._create_claim(lot=self.env["stock.lot"], serial_number=" sn-a-1 ")
        self.assertEqual(claim.lot_id, self.lot_a)
        self.assertEqual(self.env["aftersales.request"]._lookup_caller("sn-a-1")["lot_id"], self.lot_a)

    def test_exact_match_first(self):
        """Odoo allows serials that differ only in case: typed exactly, one of them is meant;
        typed otherwise, the serial is ambiguous."""
        lower = self.env["stock.lot"].create({
            "name": "sn-a-1", "product_id": self.machine.id, "dealer_id": self.dealer_a.id,
            "dealer_delivery_date": self.today - timedelta(days=200),
        })
        self.assertEqual(self.find("SN-A-1"), (self.lot_a, False))
        self.assertEqual(self.find("sn-a-1"), (lower, False))
        machines, problem = self.find("Sn-a-1")
        self.assertEqual((machines, problem), (self.lot_a | lower, "several"))
        with self.assertRaisesMessage(UserError, "exists for several products"):
            self._create_claim(lot=self.env["stock.lot"], serial_number="Sn-a-1")
        # the service desk then asks the caller which machine it is
        self.assertNotIn("lot_id", self.env["aftersales.request"]._lookup_caller("Sn-a-1"))

    def test_no_wildcards(self):
        for typed in ("SN-A-%", "SN_A_1", "%", "_", "SN-A-1%", ""):
            with self.subTest(typed=typed):
                self.assertEqual(self.find(typed), (self.env["stock.lot"], "unknown"))

    def test_only_machines_of_the_users_companies(self):
        sister = self.env["res.company"].create({"name": "Sister Manufacturing Co"})
        foreign = self.env["stock.lot"].create({
            "name": "SN-SISTER-1", "product_id": self.machine.id, "company_id": sister.id,
        })
        Lot = self.env["stock.lot"]
        here = Lot.with_context(allowed_company_ids=[self.company.id])
        self.assertEqual(here._aftersales_find_machine("SN-SISTER-1"), (Lot, "unknown"))
        self.assertEqual(here._aftersales_find_machine("SN-SISTER-1", product=self.machine), (Lot, "unknown"))
        both = Lot.with_context(allowed_company_ids=[self.company.id, sister.id])
        self.assertEqual(both._aftersales_find_machine("sn-sister-1"), (foreign, False))
        # an After-Sales user of this company alone
        self.assertEqual(Lot.with_user(self.as_user)._aftersales_find_machine("SN-SISTER-1")[1], "unknown")
        # a serial of another kind (a part's lot) is no machine
        part_lot = self.env["stock.lot"].create({"name": "LOT-FILTER-1", "product_id": self.module.id})
        self.assertFalse(part_lot.is_machine)
        self.assertEqual(here._aftersales_find_machine("LOT-FILTER-1")[1], "unknown")

    def test_product_and_dealer(self):
        pump = self.env["product.product"].create({
            "name": "Test Pump", "type": "consu", "is_storable": True, "tracking": "serial",
            "aftersales_part_class": "finished", "warranty_months": 12,
        })
        self.assertEqual(self.find("SN-A-1", product=pump), (self.lot_a, "other_product"))
        self.assertEqual(self.find("SN-A-1", product=self.machine), (self.lot_a, False))
        self.assertEqual(self.find("SN-A-1", dealer=self.dealer_a), (self.lot_a, False))
        self.assertEqual(self.find("SN-A-1", dealer=self.contact_a), (self.lot_a, False), "its contact")
        self.assertEqual(self.find("SN-A-1", dealer=self.dealer_b), (self.lot_a, "other_dealer"))
        self.assertEqual(self.find("SN-A-1", dealer=self.env["res.partner"]), (self.lot_a, "other_dealer"))
        # the same serial on a pump of dealer B: each dealer finds its own machine
        pump_b = self.env["stock.lot"].create({
            "name": "SN-A-1", "product_id": pump.id, "dealer_id": self.dealer_b.id,
            "dealer_delivery_date": self.today - timedelta(days=20),
        })
        self.assertEqual(self.find("SN-A-1"), (self.lot_a | pump_b, "several"))
        self.assertEqual(self.find("SN-A-1", dealer=self.dealer_b), (pump_b, False))
        self.assertEqual(self.find("SN-A-1", product=pump), (pump_b, False))

    def test_selling_or_serving_dealer(self):
        lot = self.lot_a
        self.assertTrue(lot._aftersales_is_dealer_of(self.dealer_a), "the selling dealer")
        self.assertTrue(lot._aftersales_is_dealer_of(self.contact_a), "a contact of the selling dealer")
        self.assertFalse(lot._aftersales_is_dealer_of(self.dealer_b))
        self.assertFalse(lot._aftersales_is_dealer_of(self.env["res.partner"]))
        self.end_user_a.aftersales_dealer_id = self.dealer_b
        self.assertTrue(lot._aftersales_is_dealer_of(self.dealer_b), "the serving dealer")
        self.assertTrue(lot._aftersales_is_dealer_of(self.contact_b), "a contact of the serving dealer")
        # delivered to a contact of the dealer: still the dealer's machine
        lot.dealer_id = self.contact_a
        self.assertTrue(lot._aftersales_is_dealer_of(self.dealer_a))
        # a portal user of the dealer reads no other dealer's machine, but the rule still answers
        self.assertTrue(lot.with_user(self.portal_b)._aftersales_is_dealer_of(self.dealer_b))
