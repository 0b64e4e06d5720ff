from collections import OrderedDict, defaultdict

from odoo import _, http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request
from odoo.osv import expression

from .portal import AftersalesPortal, PAGE_SIZE

# {campaign type: (badge colour, icon)}: a safety recall stands out
CAMPAIGN_BADGES = {
    "safety_recall": ("danger", "fa-exclamation-triangle"),
    "mandatory": ("warning", "fa-wrench"),
    "optional": ("info", "fa-arrow-circle-up"),
}
# {machine state: badge colour}
MACHINE_BADGES = {"open": "warning", "done": "success"}


class AftersalesCampaignPortal(AftersalesPortal):
    """Service campaigns on the dealer portal: the dealer's campaigns, each with its affected
    machines, and the campaign claim of a machine filed from there.

    A dealer reads its campaigns and machines through the portal rules of the campaign models
    (active or closed campaigns, the rows of its own machines); the claim is created by the
    model's one way of filing a campaign claim (``aftersales.campaign.machine._create_claim``)
    as superuser, after the row was found with the dealer's rules. A campaign has tens of
    thousands of machines: its page counts the dealer's rows and reads one page of them, its
    number of queries does not grow with the number of machines."""

    # -------------------------------------------------------------------- home
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "aftersales_campaign_counter" in counters:
            # the dealer's machines still to do in active campaigns (the rows' portal rule keeps
            # the dealer to its own)
            dealer = self._aftersales_dealer()
            values["aftersales_campaign_counter"] = request.env["aftersales.campaign.machine"].search_count(
                [("state", "=", "open"), ("campaign_id.state", "=", "active")]
            ) if dealer else 0
        return values

    # ----------------------------------------------------------------- helpers
    def _aftersales_campaign_badges(self, campaigns):
        """{campaign id: (type label, colour, icon)} in the user's language."""
        labels = self._aftersales_selection(campaigns, "campaign_type")
        return {
            campaign.id: (labels[campaign.campaign_type], *CAMPAIGN_BADGES[campaign.campaign_type])
            for campaign in campaigns
        }

    def _aftersales_dealer_counts(self, campaigns):
        """{campaign id: {"open": n, "done": n}} of the dealer's machines in ``campaigns``: one
        grouped count with the dealer's rules."""
        counts = defaultdict(lambda: {"open": 0, "done": 0})
        for campaign, state, count in request.env["aftersales.campaign.machine"]._read_group(
            [("campaign_id", "in", campaigns.ids)], ["campaign_id", "state"], ["__count"]
        ):
            counts[campaign.id][state] = count
        return counts

    def _aftersales_open_campaigns_of(self, lots):
        """{machine id: campaigns as superuser} of the active campaigns in which ``lots`` are the
        dealer's and not done yet: the rows searched with the dealer's rules, one query for all
        the machines of a page; the campaigns' names and types read with one more."""
        # the machine archive's own rule of an open campaign, run as the dealer
        rows = request.env["stock.lot"].browse(lots.ids)._get_open_campaign_rows().sudo()
        rows.campaign_id.fetch(["name", "title", "campaign_type"])
        campaigns = defaultdict(lambda: request.env["aftersales.campaign"].sudo())
        for row in rows:
            campaigns[row.lot_id.id] |= row.campaign_id
        return campaigns

    # --------------------------------------------------------- machine badges
    def _aftersales_machine_page(self, lot_sudo, **extra):
        # the machine's open campaigns, as a badge linking to each
        campaigns = self._aftersales_open_campaigns_of(lot_sudo)[lot_sudo.id]
        extra.setdefault("open_campaigns", campaigns)
        extra.setdefault("campaign_badges", self._aftersales_campaign_badges(campaigns))
        return super()._aftersales_machine_page(lot_sudo, **extra)

    @http.route()
    def portal_my_machines(self, *args, **kw):
        response = super().portal_my_machines(*args, **kw)
        qcontext = getattr(response, "qcontext", None)
        if qcontext and "machines" in qcontext:
            open_campaigns = self._aftersales_open_campaigns_of(qcontext["machines"])
            campaigns = request.env["aftersales.campaign"].sudo().union(*open_campaigns.values())
            qcontext["open_campaigns"] = open_campaigns
            qcontext["campaign_badges"] = self._aftersales_campaign_badges(campaigns)
        return response

    # --------------------------------------------------------------- campaigns
    @http.route(
        ["/my/campaigns", "/my/campaigns/page/<int:page>"], type="http", auth="user", website=True,
        readonly=True,
    )
    def portal_my_campaigns(self, page=1, filterby="all", **kw):
        dealer = self._aftersales_dealer()
        if not dealer:
            return self._aftersales_not_found()
        filters = OrderedDict([
            ("all", {"label": _("All"), "domain": []}),
            ("active", {"label": _("Active"), "domain": [("state", "=", "active")]}),
            ("closed", {"label": _("Closed"), "domain": [("state", "=", "closed")]}),
        ])
        filterby = filterby if filterby in filters else "all"
        # the campaigns' portal rule: active or closed, with machines of the dealer
        campaigns, pager = self._aftersales_list_page(
            request.env["aftersales.campaign"], filters[filterby]["domain"],
            "state, date_start desc, id desc", page, "/my/campaigns", {"filterby": filterby},
            ["name", "title", "campaign_type", "state", "date_start", "date_end"],
        )
        values = self._prepare_portal_layout_values()
        values.update({
            "campaigns": campaigns,
            "campaign_badges": self._aftersales_campaign_badges(campaigns),
            "state_labels": self._aftersales_selection(campaigns, "state"),
            "dealer_counts": self._aftersales_dealer_counts(campaigns),
            "page_name": "aftersales_campaign",
            "pager": pager,
            "default_url": "/my/campaigns",
            "searchbar_filters": filters,
            "filterby": filterby,
        })
        return request.render("aftersales.portal_my_campaigns", values)

    def _aftersales_campaign_filters(self):
        return OrderedDict([
            ("all", {"label": _("All"), "domain": []}),
            ("open", {"label": _("To Do"), "domain": [("state", "=", "open")]}),
            ("done", {"label": _("Done"), "domain": [("state", "=", "done")]}),
        ])

    def _aftersales_campaign_page(self, campaign_sudo, dealer, page=1, search=None, filterby="all",
                                  sortby="state", **extra):
        """The campaign's page: its reason and work, and one page of the dealer's machines in
        it. Queries: the rows counted and one page of them read (with the dealer's rules), the
        page's machines, end users and claims read for those rows only."""
        filters = self._aftersales_campaign_filters()
        sortings = {
            "state": {"label": _("To Do First"), "order": "state desc, id"},
            "serial": {"label": _("Serial Number"), "order": "lot_id, id"},
        }
        filterby = filterby if filterby in filters else "all"
        sortby = sortby if sortby in sortings else "state"
        Row = request.env["aftersales.campaign.machine"]
        domain = [("campaign_id", "=", campaign_sudo.id)] + filters[filterby]["domain"]
        if search and search.strip():
            domain = expression.AND([domain, [("lot_id.name", "ilike", search.strip())]])
        url = f"/my/campaigns/{campaign_sudo.id}"
        rows, pager = self._aftersales_list_page(
            Row, domain, sortings[sortby]["order"], page, url,
            {"search": search, "filterby": filterby, "sortby": sortby},
            ["lot_id", "end_user_id", "state", "claim_id", "done_date"],
            step=PAGE_SIZE,
        )
        # searched with the dealer's rules; the serials, end users and claims of the page read as
        # superuser, and only them
        rows = rows.sudo()
        rows.lot_id.fetch(["name"])
        rows.end_user_id.fetch(["name"])
        # the claims of the page's machines in this campaign: the one that did the work, or the
        # one in progress (draft or submitted)
        claims = request.env["aftersales.claim"].sudo().search_fetch(
            [("campaign_id", "=", campaign_sudo.id), ("lot_id", "in", rows.lot_id.ids),
             "|", ("id", "in", rows.claim_id.ids), ("state", "in", ("draft", "submitted"))],
            ["name", "lot_id", "state", "sent_back_question", "dealer_id"],
            order="id desc",
        )
        row_claims = {}
        for claim in claims:
            row_claims.setdefault(claim.lot_id.id, claim)
        for row in rows.filtered("claim_id"):
            row_claims[row.lot_id.id] = row.claim_id
        counts = self._aftersales_dealer_counts(campaign_sudo)[campaign_sudo.id]
        lines = campaign_sudo.line_ids
        lines.fetch(["product_id", "quantity", "note"])
        self._aftersales_prefetch_product_names(lines.product_id | campaign_sudo.labour_product_id)
        lines.product_id.product_tmpl_id.fetch(["uom_id"])
        values = self._prepare_portal_layout_values()
        values.update({
            "campaign": campaign_sudo,
            "campaign_badges": self._aftersales_campaign_badges(campaign_sudo),
            "lines": lines,
            # the kit and labour of one machine priced as the dealer's claim of today is
            "estimate": campaign_sudo._get_claim_estimate(dealer),
            "currency": campaign_sudo.currency_id,
            "rows": rows,
            "row_claims": row_claims,
            "claim_badges": self._aftersales_claim_badges(
                request.env["aftersales.claim"].sudo().union(*row_claims.values())
            ),
            "machine_labels": self._aftersales_selection(Row, "state"),
            "machine_badges": MACHINE_BADGES,
            "dealer": dealer,
            "done_count": counts["done"],
            "machine_count": counts["done"] + counts["open"],
            "page_name": "aftersales_campaign",
            "pager": pager,
            "default_url": url,
            "searchbar_inputs": {"serial": {"input": "serial", "label": _("Search in Serial Number")}},
            "search_in": "serial",
            "search": search,
            "searchbar_filters": filters,
            "filterby": filterby,
            "searchbar_sortings": sortings,
            "sortby": sortby,
        })
        values.update(extra)
        return request.render("aftersales.portal_my_campaign", values)

    def _aftersales_dealer_campaign(self, campaign_id):
        """The campaign as superuser if the logged-in dealer may read it, else None."""
        if not self._aftersales_dealer():
            return None
        # searched with the dealer's rules, not checked as Odoo checks a record's access: the
        # campaigns' portal rule goes through their machines, which that check
        # (``filtered_domain``) would read one by one, all of the campaign's 20,000
        campaign = request.env["aftersales.campaign"].search([("id", "=", campaign_id)])
        return campaign.sudo() or None

    @http.route(
        ["/my/campaigns/<int:campaign_id>", "/my/campaigns/<int:campaign_id>/page/<int:page>"],
        type="http", auth="user", website=True, readonly=True,
    )
    def portal_my_campaign(self, campaign_id, page=1, search=None, filterby="all", sortby="state", **kw):
        campaign_sudo = self._aftersales_dealer_campaign(campaign_id)
        if campaign_sudo is None:
            return self._aftersales_not_found()
        return self._aftersales_campaign_page(
            campaign_sudo, self._aftersales_dealer(), page=page, search=search, filterby=filterby,
            sortby=sortby,
        )

    @http.route(
        ["/my/campaigns/<int:campaign_id>/machines/<int:row_id>/claim"], type="http", auth="user",
        website=True, methods=["POST"],
    )
    def portal_my_campaign_claim(self, campaign_id, row_id, **post):
        """File the campaign claim of one of the dealer's machines in the campaign (or open its
        claim in progress) and go to the claim's page, where the dealer submits it."""
        dealer = self._aftersales_dealer()
        campaign_sudo = self._aftersales_dealer_campaign(campaign_id)
        if campaign_sudo is None:
            return self._aftersales_not_found()
        # the row searched with the dealer's rules: another dealer's row is not found
        row = request.env["aftersales.campaign.machine"].search(
            [("id", "=", row_id), ("campaign_id", "=", campaign_sudo.id)]
        ).sudo()
        if not row or row.dealer_id.commercial_partner_id != dealer:
            return self._aftersales_not_found()
        claim = row._get_open_claim()
        if claim and claim.dealer_id == dealer:
            return request.redirect(f"/my/claims/{claim.id}")
        try:
            with request.env.cr.savepoint():
                claim = row._create_claim(dealer)
        except (UserError, ValidationError) as error:
            return self._aftersales_campaign_page(
                campaign_sudo, dealer, search=post.get("search"), error=error.args[0]
            )
        return request.redirect(f"/my/claims/{claim.id}?success=saved")
