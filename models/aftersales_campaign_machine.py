from odoo import _, api, fields, models
from odoo.exceptions import UserError

MACHINE_STATES = [
    ("open", "Open"),
    ("done", "Done"),
]


class AftersalesCampaignMachine(models.Model):
    """A machine affected by a campaign: listed when the campaign is activated, with the dealer
    and end user it had then, and done once a campaign claim for it is approved."""

    _name = "aftersales.campaign.machine"
    _description = "Service Campaign Machine"
    _order = "campaign_id, dealer_id, lot_id"
    _check_company_auto = True
    _rec_name = "lot_id"

    campaign_id = fields.Many2one(
        "aftersales.campaign", string="Campaign", required=True, ondelete="cascade", index=True,
        check_company=True,
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    campaign_state = fields.Selection(related="campaign_id.state", string="Campaign State")
    campaign_type = fields.Selection(related="campaign_id.campaign_type")
    lot_id = fields.Many2one(
        "stock.lot", string="Machine", required=True, index=True, ondelete="cascade",
        check_company=True,
    )
    product_id = fields.Many2one("product.product", string="Product", required=True, index=True)
    dealer_id = fields.Many2one(
        "res.partner", string="Dealer", index=True,
        help="The dealer the machine was delivered to, when the campaign was activated.",
    )
    end_user_id = fields.Many2one(
        "res.partner", string="End User", index=True,
        help="The end user the machine was registered to, when the campaign was activated.",
    )
    state = fields.Selection(MACHINE_STATES, default="open", required=True, index=True)
    claim_id = fields.Many2one(
        "aftersales.claim", string="Campaign Claim", readonly=True, index="btree_not_null",
        help="The approved campaign claim that did the campaign's work on this machine.",
    )
    done_date = fields.Date(string="Done on", readonly=True)
    done_count = fields.Integer(
        string="Done (count)", compute="_compute_done_count", store=True, aggregator="sum",
        help="1 when done: summed, it gives the machines done per dealer or campaign.",
    )

    _sql_constraints = [
        (
            "campaign_lot_uniq",
            "unique(campaign_id, lot_id)",
            "A machine is listed once in a campaign.",
        ),
    ]

    @api.depends("state")
    def _compute_done_count(self):
        for row in self:
            row.done_count = 1 if row.state == "done" else 0

    # ----------------------------------------------------------------- actions
    def action_create_claim(self):
        """Open the campaign claim of this machine: the one in progress if there is one, else a
        new one filled with the campaign's kit and labour."""
        self.ensure_one()
        return self._action_open_claim(self._get_open_claim() or self._create_claim())

    def action_view_claim(self):
        """Open the claim that did the machine's campaign work (or the one in progress)."""
        self.ensure_one()
        claim = self.claim_id or self._get_open_claim()
        if not claim:
            raise UserError(_(
                "Machine %(machine)s has no campaign claim yet in campaign %(campaign)s.",
                machine=self.lot_id.name, campaign=self.campaign_id.display_name,
            ))
        return self._action_open_claim(claim)

    def _action_open_claim(self, claim):
        action = self.env["ir.actions.act_window"]._for_xml_id("aftersales.aftersales_claim_action")
        action.update({"res_id": claim.id, "views": [(False, "form")], "view_mode": "form"})
        return action

    # -------------------------------------------------------- business methods
    @api.model
    def _get_dealer_open_rows(self, dealer):
        """The machines of ``dealer`` (a dealer or its contact) still to do in active campaigns,
        by campaign: what the dealer portal lists, read with the caller's rights (a dealer's
        portal user reads its own rows only)."""
        return self.search([
            ("campaign_id.state", "=", "active"),
            ("state", "=", "open"),
            ("dealer_id.commercial_partner_id", "=", dealer.commercial_partner_id.id),
        ], order="campaign_id, lot_id")

    def _get_open_claim(self):
        """The campaign claim of this machine still in progress (draft or submitted), if any."""
        self.ensure_one()
        return self.env["aftersales.claim"].search([
            ("campaign_id", "=", self.campaign_id.id),
            ("lot_id", "=", self.lot_id.id),
            ("state", "in", ("draft", "submitted")),
        ], limit=1)

    def _create_claim(self, dealer=None):
        """Create the campaign claim of this machine for ``dealer`` (by default the machine's
        dealer): a draft, filled by ``aftersales.campaign._prepare_claim_vals``. The one way to
        file a campaign claim, from the back office or the dealer portal; refuses a machine done,
        a campaign not active or a dealer that neither sold nor serves the machine."""
        self.ensure_one()
        campaign = self.campaign_id
        if campaign.state != "active":
            raise UserError(_(
                "Campaign %(campaign)s is not active: no campaign claim can be filed for it.",
                campaign=campaign.display_name,
            ))
        if self.state == "done":
            raise UserError(_(
                "Machine %(machine)s is already done in campaign %(campaign)s (claim %(claim)s): "
                "a machine is done once.",
                machine=self.lot_id.name, campaign=campaign.display_name,
                claim=self.claim_id.name or "-",
            ))
        dealer = (dealer or self.dealer_id).commercial_partner_id
        if not dealer or not self.lot_id._aftersales_is_dealer_of(dealer):
            raise UserError(_(
                "Machine %(machine)s was not delivered to %(dealer)s and its end user is not "
                "served by it: only the selling or serving dealer files its campaign claim.",
                machine=self.lot_id.name, dealer=dealer.display_name or _("no dealer"),
            ))
        return self.env["aftersales.claim"].create(campaign._prepare_claim_vals(self, dealer))
