from collections import defaultdict

import numpy as np
from markupsafe import Markup

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_round

from .product_template import SALEABLE_PART_CLASSES
from .res_company import DOUBLE_RULE_RATIO, PRICELIST_MODES

# Parts whose prices one transaction of a background apply writes; an apply of no more runs at
# once. A run over more serviceable parts than PRICING_COMPUTE_AT_ONCE is computed in the
# background (the solve is one piece of work: one batch).
PRICING_BATCH = 1000
PRICING_COMPUTE_AT_ONCE = 2000


class AftersalesPricingRun(models.Model):
    """A proposal of spare-part prices under the double rule, kept for history and continuity.

    How part prices are found (every mode):

    * core IP parts are never priced;
    * zero-profit classes (standard and wear parts, a fixed principle) are priced at cost, in
      every price list: never marked up, never discounted;
    * every other serviceable part is priced at cost x its markup ``m_p``.

    The list the double rule is solved on: the dealer settlement list in the formula and
    two-lists modes (the market guide price then adds the market uplift to the classes it
    applies to, modules by default); the market guide list itself in the level-discount mode,
    whose levels buy at market x (1 - discount), so that a discount scales the parts and the
    finished product alike and the ratio holds at every level (only the zero-profit parts, kept
    at cost, are not scaled: a finished product of market price ``P`` with zero-profit parts of
    cost ``Z`` reaches ``R + d Z / ((1 - d) P)`` at a level of discount ``d``; the price check
    shows it per level).

    For each finished product ``f`` with price ``P_f`` in that list the parts of its service BOM should
    add up to ``R x P_f`` (the double rule). With ``q_fp`` the BOM quantities, ``c_p`` the costs and
    ``Z_f`` the zero-profit parts' cost, that is one linear equation per finished product:
    ``sum_p q_fp c_p m_p = R P_f - Z_f``, i.e. ``A m = b``.

    A part shared by several BOMs gets one price, so the equations are coupled. Among all markups
    that satisfy them, we take the one closest to a single uniform markup ``m0`` (continuity: one
    formula for every part), in the cost-weighted least-squares sense::

        minimise  sum_p c_p (m_p - m0)^2   subject to  A m = b

    ``m0`` is the uniform markup that best fits all BOMs on its own (least squares). The Lagrange
    solution is ``m = m0 + Q^T lambda`` with ``(A C^-1 A^T) lambda = b - A m0``, where
    ``A C^-1 A^T = (Q * c) Q^T`` is a small matrix (finished products x finished products). A
    pseudo-inverse handles BOMs that cannot all be met (e.g. two identical BOMs with different
    targets): it then gives the least-squares compromise. Markups are never below 1 (no part is
    sold under cost); the achieved ratio of each finished product is shown against the tolerance.
    """

    _name = "aftersales.pricing.run"
    _description = "Spare-Parts Pricing Run"
    _inherit = ["mail.thread", "mail.activity.mixin", "aftersales.job.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, copy=False, readonly=True, default=lambda self: _("New"))
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, readonly=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        [("draft", "Draft"), ("computed", "Computed"), ("applied", "Applied"), ("cancel", "Cancelled")],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    mode = fields.Selection(
        PRICELIST_MODES,
        required=True,
        default=lambda self: self.env.company.aftersales_pricelist_mode,
        tracking=True,
    )
    target_ratio = fields.Float(
        digits=(4, 2), required=True, readonly=True, default=DOUBLE_RULE_RATIO,
        help="The double rule of the handbook, a fixed principle.",
    )
    tolerance = fields.Float(
        string="Tolerance (%)", digits=(5, 2),
        default=lambda self: self.env.company.aftersales_double_rule_tolerance,
    )
    market_uplift = fields.Float(
        string="Market Uplift (%)", digits=(5, 2),
        default=lambda self: self.env.company.aftersales_market_uplift,
    )
    rounding = fields.Float(
        digits=(12, 4), default=lambda self: self.env.company.aftersales_price_rounding
    )
    base_markup = fields.Float(
        string="Uniform Markup", digits=(12, 4), readonly=True,
        help="The single markup on cost that fits all service BOMs best; part markups deviate from "
        "it only as much as the double rule of their finished products requires.",
    )
    date_computed = fields.Datetime(readonly=True, copy=False)
    date_applied = fields.Datetime(readonly=True, copy=False)
    applied_uid = fields.Many2one("res.users", string="Applied By", readonly=True, copy=False)
    line_ids = fields.One2many("aftersales.pricing.run.line", "run_id", string="Parts", readonly=True)
    product_line_ids = fields.One2many(
        "aftersales.pricing.run.product", "run_id", string="Finished Products", readonly=True
    )
    part_count = fields.Integer(string="Priced Parts", compute="_compute_counts")
    out_of_tolerance_count = fields.Integer(string="Out of Tolerance", compute="_compute_counts")
    can_be_computed = fields.Boolean(compute="_compute_can_be")
    can_be_applied = fields.Boolean(compute="_compute_can_be")
    can_be_cancelled = fields.Boolean(compute="_compute_can_be")

    @api.depends("line_ids", "product_line_ids.is_within_tolerance")
    def _compute_counts(self):
        for run in self:
            run.part_count = len(run.line_ids)
            run.out_of_tolerance_count = len(
                run.product_line_ids.filtered(lambda line: not line.is_within_tolerance)
            )

    @api.depends("state", "mode")
    def _compute_can_be(self):
        for run in self:
            run.can_be_computed = run.state in ("draft", "computed")
            run.can_be_applied = run.state == "computed" and run.mode != "two_lists"
            run.can_be_cancelled = run.state in ("draft", "computed")

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", _("New")) == _("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code("aftersales.pricing.run") or _("New")
        return super().create(vals_list)

    def write(self, vals):
        frozen = {"mode", "target_ratio", "tolerance", "market_uplift", "rounding"} & set(vals)
        if frozen and any(run.state in ("applied", "cancel") for run in self):
            raise UserError(_("An applied or cancelled pricing run cannot be changed: start a new run."))
        return super().write(vals)

    def unlink(self):
        if any(run.state == "applied" for run in self):
            raise UserError(_("An applied pricing run is kept for history and cannot be deleted."))
        return super().unlink()

    # ------------------------------------------------------------------ actions

    def action_compute(self):
        self._check_no_running_job()
        for run in self:
            if not run.can_be_computed:
                raise UserError(_("%(run)s: only a draft or computed run can be computed.", run=run.name))
        Job = self.env["aftersales.job"]
        for run in self:
            parts = self.env["product.product"].with_company(run.company_id).search_count(
                [("aftersales_part_class", "in", SALEABLE_PART_CLASSES), ("is_serviceable_part", "=", True)]
            )
            start = Job._run_or_queue(
                run, "_job_compute", run,
                name=_("Compute %(run)s", run=run.name), batch_size=1,
                done_method="_job_compute_done", key=run._get_aftersales_job_key(),
                background=parts > Job._get_batch_size(PRICING_COMPUTE_AT_ONCE),
            )
            if start.job and len(self) == 1:
                return start.job._action_queued()
        return True

    def _job_compute(self, runs):
        """The background compute's one batch: the proposal of the run."""
        runs._compute_proposal()
        return {"parts": sum(len(run.line_ids) for run in runs)}

    def _job_compute_done(self, job, counts):
        return _("%(run)s computed: %(parts)s parts priced, %(out)s finished products out of "
                 "tolerance.", run=self.name, parts=counts.get("parts", 0),
                 out=self.out_of_tolerance_count)

    def action_apply(self):
        """Write the proposal into the price lists: at once for a run of up to one batch of
        parts, else as a background job (``aftersales.job``) whose batches write the prices of
        ``PRICING_BATCH`` parts each, the run applied when the last one is done."""
        if not self.env.user.has_group("aftersales.group_aftersales_manager"):
            raise AccessError(_("Only After-Sales managers can apply a pricing run to the price lists."))
        self._check_no_running_job()
        for run in self:
            if run.state == "applied":
                raise UserError(_("%(run)s has already been applied.", run=run.name))
            if run.mode == "two_lists":
                raise UserError(
                    _(
                        "%(run)s: in the 'two lists kept by hand' mode the price lists are maintained "
                        "by hand; the run only checks them and has nothing to apply.",
                        run=run.name,
                    )
                )
            if run.state != "computed":
                raise UserError(_("%(run)s: compute the run before applying it.", run=run.name))
        summaries = []
        for run in self:
            start = self.env["aftersales.job"]._run_or_queue(
                run, "_job_apply_prices", run.line_ids,
                name=_("Apply %(run)s", run=run.name), batch_size=PRICING_BATCH,
                done_method="_job_apply_done", key=run._get_aftersales_job_key(),
            )
            if start.job:
                if len(self) == 1:
                    return start.job._action_queued()
                continue
            summaries.append(start.summary)
            run.message_post(body=Markup("<br/>").join(start.summary.split("\n")),
                             subtype_xmlid="mail.mt_note")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": _("Prices applied"),
                "message": summaries[0].replace("\n", " ") if len(self) == 1 else _(
                    "%(count)s pricing runs applied: see each run's history.", count=len(self)
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _job_apply_prices(self, lines):
        """One batch of the apply: the prices of ``lines`` written into the price lists
        (``_apply_prices``); counts per price list."""
        counts = {}
        for pricelist, figures in self._apply_prices(lines).items():
            for what, figure in zip(("created", "updated", "unchanged"), figures):
                counts[f"{pricelist.id}:{what}"] = figure
        return counts

    def _job_apply_done(self, job, counts):
        """After the last batch: the levels' lists brought in line, the run applied; what Apply
        changed, a line per price list."""
        self.ensure_one()
        if self.mode == "market_level":
            # Creates the lists levels lack and repairs rules changed by hand; lists already
            # right are not written (their rules follow the market list by formula).
            self.env["aftersales.dealer.level"].with_company(self.company_id).search(
                [("company_id", "in", [False, self.company_id.id])]
            )._sync_pricelist()
        self.write({"state": "applied", "date_applied": fields.Datetime.now(),
                    "applied_uid": self.env.uid})
        changes = {}
        for key, figure in counts.items():
            pricelist_id, what = key.split(":")
            pricelist = self.env["product.pricelist"].browse(int(pricelist_id))
            changes.setdefault(pricelist, {})[what] = figure
        return "\n".join(self._get_apply_summary({
            pricelist: (figures.get("created", 0), figures.get("updated", 0), figures.get("unchanged", 0))
            for pricelist, figures in changes.items()
        }))

    def action_cancel(self):
        if any(not run.can_be_cancelled for run in self):
            raise UserError(_("An applied pricing run cannot be cancelled."))
        self.write({"state": "cancel"})
        return True

    # ------------------------------------------------------------------ engine

    def _round(self, amount):
        return float_round(amount, precision_rounding=self.rounding or self.currency_id.rounding)

    def _get_solved_pricelist(self):
        """The price list the double rule is solved on: the market guide list in the
        level-discount mode (the levels' lists follow it less their discount), else the dealer
        settlement list."""
        self.ensure_one()
        company = self.company_id
        if self.mode == "market_level":
            return company.aftersales_market_pricelist_id
        return company.aftersales_dealer_pricelist_id

    def _compute_proposal(self):
        self.ensure_one()
        company = self.company_id
        company._aftersales_ensure_pricelists()
        dealer_list = company.aftersales_dealer_pricelist_id
        market_list = company.aftersales_market_pricelist_id
        solved_list = self._get_solved_pricelist()
        market_level = self.mode == "market_level"
        zero_profit = company._get_aftersales_zero_profit_classes()
        uplift_classes = company._get_aftersales_market_uplift_classes()

        boms = self.env["aftersales.service.bom"].search([("company_id", "=", company.id)])
        bom_parts = boms._get_part_quantities()
        finished = self.env["product.product"].concat(*bom_parts)
        reference_prices = solved_list._get_aftersales_prices(finished)
        unpriced = finished.filtered(lambda p: reference_prices.get(p.id, 0.0) <= 0.0)
        if unpriced:
            raise UserError(
                _(
                    "These finished products have no price in %(pricelist)s, so the double rule "
                    "has no target for them. Give each a price there (or a sales price):\n%(products)s",
                    pricelist=solved_list.display_name,
                    products="\n".join(f"- {name}" for name in unpriced.mapped("display_name")),
                )
            )

        Product = self.env["product.product"].with_company(company)
        parts = Product.search(
            [("aftersales_part_class", "in", SALEABLE_PART_CLASSES), ("is_serviceable_part", "=", True)]
        )
        parts = self._fetch_products(parts.concat(*(p for q in bom_parts.values() for p in q)))
        parts = parts.filtered(
            lambda p: p.aftersales_part_class in SALEABLE_PART_CLASSES and p.is_serviceable_part
        )
        costs = {p.id: p.standard_price for p in parts}
        class_of = {p.id: p.aftersales_part_class for p in parts}
        is_zero = {pid: class_of[pid] in zero_profit for pid in costs}

        # Equations A m = b over the marked-up parts that have a cost.
        marked = [pid for pid in costs if not is_zero[pid] and costs[pid] > 0]
        col = {pid: i for i, pid in enumerate(marked)}
        finished_ids = finished.ids
        Q = np.zeros((len(finished_ids), len(marked)))
        b = np.zeros(len(finished_ids))
        for i, product in enumerate(finished):
            zero_cost = 0.0
            for part, qty in bom_parts[product].items():
                if part.id in col:
                    Q[i, col[part.id]] += qty
                elif part.id in costs and is_zero[part.id]:
                    zero_cost += qty * costs[part.id]
            b[i] = self.target_ratio * reference_prices[product.id] - zero_cost
        c = np.array([costs[pid] for pid in marked])
        markups = self._solve_markups(Q, c, b)
        markup_of = dict(zip(marked, markups[0])) if marked else {}
        self.base_markup = markups[1]

        current_prices = (dealer_list | market_list)._get_aftersales_prices_by_list(parts)
        current_dealer, current_market = current_prices[dealer_list.id], current_prices[market_list.id]
        uplift = 1.0 + self.market_uplift / 100.0
        line_vals = []
        proposed = {}
        for part in parts:
            cost = costs[part.id]
            if is_zero[part.id]:
                method, markup = "zero_profit", 1.0
            elif cost <= 0:
                method, markup = "no_cost", 0.0
            else:
                method, markup = "formula", markup_of[part.id]
            price = self._round(cost * markup)
            proposed[part.id] = price
            if market_level:  # the solved price is the market guide price; no dealer list is kept
                dealer_price, market_price = 0.0, price
            elif class_of[part.id] in uplift_classes and not is_zero[part.id]:
                dealer_price, market_price = price, self._round(price * uplift)
            else:  # zero profit, or a class the uplift does not apply to
                dealer_price, market_price = price, price
            line_vals.append({
                "run_id": self.id,
                "product_id": part.id,
                "part_class": class_of[part.id],
                "method": method,
                "cost": cost,
                "markup": markup,
                "current_dealer_price": 0.0 if market_level else current_dealer.get(part.id, 0.0),
                "proposed_dealer_price": dealer_price,
                "current_market_price": current_market.get(part.id, 0.0),
                "proposed_market_price": market_price,
            })

        current_solved = current_market if market_level else current_dealer
        Bom = self.env["aftersales.service.bom"]
        product_vals = []
        for product in finished:
            reference_price = reference_prices[product.id]
            current = Bom._get_double_rule_check(
                bom_parts[product], current_solved, reference_price, self.target_ratio, self.tolerance
            )
            check = Bom._get_double_rule_check(
                bom_parts[product], proposed, reference_price, self.target_ratio, self.tolerance
            )
            product_vals.append({
                "run_id": self.id,
                "product_id": product.id,
                "dealer_price": reference_price,
                "target_amount": self.target_ratio * reference_price,
                "current_parts_total": current["parts_total"],
                "proposed_parts_total": check["parts_total"],
                "current_ratio": current["ratio"],
                "proposed_ratio": check["ratio"],
                "is_within_tolerance": check["is_within_tolerance"],
                "missing_part_ids": [Command.set(check["missing"].ids)],
            })
        self.line_ids.unlink()
        self.product_line_ids.unlink()
        self.env["aftersales.pricing.run.line"].create(line_vals)
        self.env["aftersales.pricing.run.product"].create(product_vals)
        self.write({"state": "computed", "date_computed": fields.Datetime.now()})

    def _fetch_products(self, products):
        """Load what the engine reads of ``products`` in two queries (not one per 1,000 records)."""
        Product = self.env["product.product"].with_company(self.company_id).with_context(active_test=False)
        products = Product.search_fetch([("id", "in", products.ids)], ["product_tmpl_id", "standard_price"])
        self.env["product.template"].with_context(active_test=False).search_fetch(
            [("id", "in", products.product_tmpl_id.ids)], ["aftersales_part_class", "is_serviceable_part"]
        )
        return products

    @api.model
    def _solve_markups(self, Q, c, b):
        """Return (markups per column of Q, uniform markup m0). See the class docstring.

        Markups are never below 1: a part the solution would price under cost is fixed at cost and
        the others are solved again (an active-set iteration), so the BOMs still meet their targets
        whenever that is possible.
        """
        if not Q.size:
            return np.zeros(0), 1.0
        markups = np.ones(Q.shape[1])
        free = np.ones(Q.shape[1], dtype=bool)
        base = None
        for _iteration in range(50):
            Qf, cf = Q[:, free], c[free]
            target = b - (Q[:, ~free] * c[~free]).sum(axis=1)  # parts fixed at cost
            A = Qf * cf  # a_fp = q_fp c_p
            row_cost = A.sum(axis=1)
            denominator = float(row_cost @ row_cost)
            m0 = max(1.0, float(row_cost @ target) / denominator) if denominator else 1.0
            base = m0 if base is None else base
            lam = np.linalg.pinv(A @ Qf.T) @ (target - row_cost * m0)  # A C^-1 A^T = (Q*c) Q^T
            solution = m0 + Qf.T @ lam
            markups[free] = solution
            below = solution < 1.0 - 1e-9
            if not below.any():
                break
            clamped = np.flatnonzero(free)[below]
            free[clamped] = False
            markups[clamped] = 1.0
            if not free.any():
                break
        return np.maximum(markups, 1.0), base

    def _get_apply_summary(self, changes):
        """What Apply changed: one sentence per price list (``changes`` from ``_apply_prices``)."""
        self.ensure_one()
        lines = [
            # env._: a comprehension's frame has no env for _() to find the language in
            self.env._(
                "%(pricelist)s: prices created %(created)s, updated %(updated)s, unchanged %(unchanged)s.",
                pricelist=pricelist.display_name, created=created, updated=updated,
                unchanged=unchanged,
            )
            for pricelist, (created, updated, unchanged) in changes.items()
        ]
        if self.mode == "market_level":
            lines.append(_("The dealer levels' lists follow the market guide list less their discount."))
        return lines

    def _apply_prices(self, lines):
        """Write the proposal of ``lines`` into the real price lists; only changed prices are
        written.

        Formula mode: the dealer settlement and market guide lists. Level-discount mode: the
        market guide list, the list the double rule was solved on (the levels' lists are then
        brought in line by ``_job_apply_done``: the market list less the level's discount, the
        zero-profit parts at the market list's price, i.e. at cost, see
        ``aftersales.dealer.level._sync_pricelist``).

        :return: {price list: (prices created, updated, unchanged)} of the lists written
        """
        self.ensure_one()
        company = self.company_id
        lines = self.env["aftersales.pricing.run.line"].search_fetch(
            [("id", "in", lines.ids)], ["product_id", "proposed_dealer_price", "proposed_market_price"],
        )
        changes = {}
        if self.mode != "market_level":
            dealer_list = company.aftersales_dealer_pricelist_id
            changes[dealer_list] = self._write_fixed_prices(
                dealer_list,
                {line.product_id.id: line.proposed_dealer_price
                 for line in lines if line.proposed_dealer_price > 0},
            )
        market_list = company.aftersales_market_pricelist_id
        changes[market_list] = self._write_fixed_prices(
            market_list,
            {line.product_id.id: line.proposed_market_price for line in lines if line.proposed_market_price > 0},
        )
        return changes

    @api.model
    def _write_fixed_prices(self, pricelist, prices):
        """Set fixed variant prices on ``pricelist`` through the ORM, so that the item's company
        rule, Odoo's create normalisation and access rights apply: one ``write`` per distinct new
        price for the items that differ, one ``create`` for the parts without an item, nothing
        when every price is already right.

        The core IP guard is called on every part first: the items' own constraint covers the
        items created, not a new price written on an item that exists (a part made a core IP
        part after the run was computed).

        :param prices: {product id: price}
        :return: (prices created, prices updated, prices unchanged)
        """
        self.env["product.product"].browse(prices)._check_aftersales_core_ip(
            _("Price list %(pricelist)s", pricelist=pricelist.display_name)
        )
        Item = self.env["product.pricelist.item"]
        items = Item.search_fetch(
            [
                ("pricelist_id", "=", pricelist.id),
                ("applied_on", "=", "0_product_variant"),
                ("product_id", "in", list(prices)),
                ("compute_price", "=", "fixed"),
                ("min_quantity", "<=", 1),
                ("date_start", "=", False),
                ("date_end", "=", False),
            ],
            ["product_id", "fixed_price"],
        )
        to_write = defaultdict(list)  # new price: [item ids]
        seen = set()
        for item in items:  # in the rule order: the item that applies to a part comes first
            pid = item.product_id.id
            if pid in seen:
                continue
            seen.add(pid)
            if pricelist.currency_id.compare_amounts(item.fixed_price, prices[pid]):
                to_write[prices[pid]].append(item.id)
        for price, item_ids in to_write.items():
            Item.browse(item_ids).write({"fixed_price": price})
        # The template given here, read for all new parts at once: Odoo's create would otherwise
        # look it up one part at a time.
        new_parts = self.env["product.product"].browse([pid for pid in prices if pid not in seen])
        Item.create([
            {
                "pricelist_id": pricelist.id,
                "applied_on": "0_product_variant",
                "product_id": part.id,
                "product_tmpl_id": part.product_tmpl_id.id,
                "compute_price": "fixed",
                "fixed_price": prices[part.id],
            }
            for part in new_parts
        ])
        updated = sum(len(item_ids) for item_ids in to_write.values())
        return len(new_parts), updated, len(seen) - updated
