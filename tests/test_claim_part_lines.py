from lxml import etree

from odoo.exceptions import ValidationError
from odoo.fields import Command
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common_claim import AftersalesClaimCommon


@tagged("post_install", "-at_install")
class TestClaimPartLines(AftersalesClaimCommon):
    """A part line claims a spare part: the machine's service BOM parts first, then the other
    serviceable spare parts; a desk is refused. Fee lines keep their fee products. The service
    BOM of Test Generator holds Test Filter, Test Engine Module and Test Controller (core IP);
    Test Fuse is a serviceable part outside it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Product = cls.env["product.product"]
        cls.desk = Product.create({"name": "Test Office Desk", "type": "consu", "lst_price": 750.0})
        # sorts before every BOM part: Odoo alone would offer it first
        cls.air_filter = Product.create({
            "name": "Test Air Filter", "type": "consu", "aftersales_part_class": "wear",
            "is_serviceable_part": True, "lst_price": 9.0,
        })
        cls.loose_bolt = Product.create({
            "name": "Test Loose Bolt", "type": "consu", "aftersales_part_class": "standard",
            "is_serviceable_part": False, "lst_price": 1.0,
        })

    def _offered(self, claim, line_type, name="Test"):
        """The products the claim form's line offers when the user types ``name``: the line's
        product domain and context, as the web client evaluates and sends them."""
        view = etree.fromstring(claim.get_view(view_type="form")["arch"])
        [product_node] = view.xpath("//field[@name='line_ids']//field[@name='product_id']")
        line_field = self.env["aftersales.claim.line"]._fields["product_id"]
        values = {
            "line_type": line_type,
            "service_bom_part_ids": claim.service_bom_part_ids.ids,
            "parent": claim,
        }
        domain = safe_eval(line_field.domain, values)
        context = safe_eval(product_node.get("context"), values)
        Product = self.env["product.product"].with_user(self.as_user).with_context(**context)
        return [pid for pid, _name in Product.name_search(name, domain, limit=100)]

    def test_part_lines_offer_service_bom_parts_first(self):
        """Typing 'Test' on a part line offers Test Engine Module and Test Filter (the BOM, by
        name), then Test Air Filter and Test Fuse (serviceable, outside the BOM): not the desk,
        not the unserviceable bolt, not the core IP controller, not the machine itself."""
        claim = self._create_claim()
        ours = self.module | self.part | self.air_filter | self.off_bom_part | self.desk \
            | self.loose_bolt | self.core_ip | self.machine
        offered = [pid for pid in self._offered(claim, "part") if pid in ours.ids]
        self.assertEqual(
            offered,
            [self.module.id, self.part.id, self.air_filter.id, self.off_bom_part.id],
        )

    def test_fee_lines_offer_fee_products(self):
        """A labour line still offers the labour fee, never a part."""
        claim = self._create_claim()
        offered = self._offered(claim, "labour", name="")
        self.assertIn(self.fee_labour.id, offered)
        self.assertFalse({self.part.id, self.desk.id} & set(offered))

    def test_desk_is_refused(self):
        """A desk (no part class, 750.00) saved on a part line is refused, naming the desk and
        the fix; nothing is saved."""
        claim = self._create_claim()
        form = Form(claim.with_user(self.as_user))
        with form.line_ids.new() as line:
            line.product_id = self.desk
        with self.assertRaisesMessage(
            ValidationError,
            r"Test Office Desk is not a spare part of the service BOM of Test Generator nor a "
            r"serviceable spare part",
        ):
            form.save()
        self.assertNotIn(self.desk, claim.line_ids.product_id)

    def test_unserviceable_part_outside_bom_is_refused(self):
        """A standard part not flagged serviceable and not in the BOM is refused; once in the
        machine's service BOM, the same part is accepted (priced 1 x 1.00 = 1.00)."""
        claim = self._create_claim()
        bolt_line = {"line_type": "part", "product_id": self.loose_bolt.id, "quantity": 1.0}
        with self.assertRaisesMessage(ValidationError, "Test Loose Bolt is not a spare part"):
            claim.write({"line_ids": [Command.create(bolt_line)]})
        self.machine.product_tmpl_id.service_bom_ids.line_ids = [
            Command.create({"product_id": self.loose_bolt.id})
        ]
        claim.write({"line_ids": [Command.create(bolt_line)]})
        line = claim.line_ids.filtered(lambda l: l.product_id == self.loose_bolt)
        self.assertTrue(line.is_in_service_bom)
        self.assertEqual(line.amount_claimed, 1.0)

    def test_submitted_lines_are_read_only_in_the_form(self):
        """The claim form's lines: 'Add a line' and the delete icons only on a draft (the
        options' domains on the state); a reviewer still edits Part Confirmed and Return
        Required on a submitted claim."""
        claim = self._create_claim()
        view = etree.fromstring(claim.get_view(view_type="form")["arch"])
        [lines] = view.xpath("//field[@name='line_ids']")
        options = safe_eval(lines.get("options"))
        self.assertEqual(options["create"], [("state", "=", "draft")])
        self.assertEqual(options["delete"], [("state", "=", "draft")])
        self.assertTrue(claim.filtered_domain(options["create"]))
        claim.action_submit()
        self.assertFalse(claim.filtered_domain(options["create"]))
        self.assertFalse(claim.filtered_domain(options["delete"]))
        self.assertEqual(lines.get("readonly"), "state not in ('draft', 'submitted')")
        # what the reviewer edits during the review stays editable on the submitted claim
        form = Form(claim.with_user(self.as_user))
        with form.line_ids.edit(0) as row:
            row.return_required = True
        form.save()
        self.assertTrue(claim.line_ids[0].return_required)
