from lxml import etree

from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from ..models.aftersales_claim import CLAIM_STATES
from .common_claim import AftersalesClaimCommon


@tagged("post_install", "-at_install")
class TestClaimStateGroups(AftersalesClaimCommon):
    """The claim state groups live beside the claim's states (models/aftersales_claim.py); one
    claim of the test machine in each of the eight states, filed today, shows what each reader
    of a group counts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.claims = {}
        for state, _label in CLAIM_STATES:
            claim = cls._create_claim(failure_date=cls.today)
            # 100 approved of the 130 claimed (the labour line's 90 in full, 10 of the parts)
            for line in claim.line_ids:
                line.amount_approved = 90.0 if line.line_type == "labour" else 10.0
            claim.write({"state": state})  # staged straight into the state
            cls.claims[state] = claim
        cls.month = cls.today.replace(day=1)

    def _claims(self, *states):
        return self.env["aftersales.claim"].union(*(self.claims[state] for state in states))

    def test_approved_unsettled_filter(self):
        """Approved in full or in part and not settled: the claims' filter and the list of
        claims to credit read one field."""
        Claim = self.env["aftersales.claim"]
        mine = [("id", "in", self._claims(*self.claims).ids)]
        approved = self._claims("approved", "partially_approved")
        self.assertEqual(Claim.search(mine + [("is_approved_unsettled", "=", True)]), approved)
        self.assertEqual(
            Claim.search(mine + [("is_approved_unsettled", "!=", True)]),
            self._claims(*self.claims) - approved,
        )
        for claim in self._claims(*self.claims):
            self.assertEqual(claim.is_approved_unsettled, claim in approved, claim.state)
        search_view = self.env.ref("aftersales.aftersales_claim_view_search")
        [approved_filter] = etree.fromstring(search_view.arch).xpath("//filter[@name='approved']")
        self.assertEqual(Claim.search(mine + safe_eval(approved_filter.get("domain"))), approved)
        to_credit = self.env.ref("aftersales.aftersales_claim_action_to_credit")
        self.assertEqual(Claim.search(mine + safe_eval(to_credit.domain)), approved)

    def test_counted_and_paid_claims_in_the_analyses(self):
        """Filed and not turned down (submitted, approved, partially approved, settled, closed)
        count as failures and as service done on failed machines; the approved amounts of the
        claims approved once (approved, partially approved, settled, closed) are the warranty
        cost."""
        self.env.flush_all()
        domain = [("product_id", "=", self.machine.id), ("month", "=", self.month)]
        [(failures,)] = self.env["aftersales.failure.rate.report"]._read_group(
            domain, [], ["claim_count:sum"]
        )
        self.assertEqual(failures, 5)
        [(claims, warranty_cost, measured, routine)] = self.env["aftersales.cost.report"]._read_group(
            domain, [],
            ["claim_count:sum", "warranty_cost:sum", "measured_nonconforming_cost:sum", "routine_cost:sum"],
        )
        self.assertEqual(claims, 5)
        self.assertAlmostEqual(warranty_cost, 4 * 100.0)
        self.assertAlmostEqual(measured, 5 * 90.0, msg="2 h of labour at 45 on the 5 claims")
        self.assertAlmostEqual(routine, 0.0, msg="claims serve failed machines, never routine")
