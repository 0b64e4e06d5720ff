from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.tools import clean_context


class AccountMove(models.Model):
    _inherit = "account.move"

    aftersales_claim_ids = fields.One2many(
        "aftersales.claim", "refund_move_id", string="Warranty Claims", readonly=True
    )
    aftersales_claim_count = fields.Integer(compute="_compute_aftersales_claim_count")

    aftersales_gift_statement_id = fields.Many2one(
        "aftersales.statement",
        string="Gift Credit Statement",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The dealer statement that granted gift credit on this paid invoice.",
    )

    def _compute_aftersales_claim_count(self):
        counts = dict(
            self.env["aftersales.claim"].sudo()._read_group(
                [("refund_move_id", "in", self.ids)], ["refund_move_id"], ["__count"]
            )
        )
        for move in self:
            move.aftersales_claim_count = counts.get(move, 0)

    @api.constrains("partner_id", "move_type")
    def _check_aftersales_parts(self):
        self.filtered(lambda move: move.move_type in ("out_invoice", "out_refund")).line_ids._check_aftersales_parts()

    def action_view_aftersales_claims(self):
        self.ensure_one()
        return self.env["aftersales.claim"]._action_view_claims(
            [("refund_move_id", "=", self.id)], {"create": False}
        )

    # dealer credit notes of warranty claims, created and posted in batches
    @api.model
    def _create_aftersales_refunds(self, vals_list):
        """Create the dealer credit notes of a batch of claims, in the order of ``vals_list``.

        Odoo synchronises an invoice's tax and payment term lines after each step of its
        creation (the lines, then a flag it writes on the new moves), diffing every line
        before and after. Claims give their credit notes' lines with their amounts, so the
        credit notes are created without that synchronisation, and their tax and payment term
        lines are then added for the whole batch with the very methods the synchronisation
        uses (``_get_rounded_base_and_tax_lines``, ``_prepare_tax_lines``, ``needed_terms``),
        in the order it applies them; the balance is checked as Odoo checks it. A credit note
        that would need more than these lines (another currency, cash rounding, an early
        payment discount, a line discount) is created the usual way.
        """
        plain = self._aftersales_plain_refunds_mask(vals_list)
        moves = [None] * len(vals_list)
        for is_plain in (False, True):
            indexes = [index for index, value in enumerate(plain) if value is is_plain]
            if not indexes:
                continue
            batch = [vals_list[index] for index in indexes]
            created = self._create_aftersales_plain_refunds(batch) if is_plain else self.create(batch)
            for index, move in zip(indexes, created):
                moves[index] = move.id
        return self.browse(moves)

    @api.model
    def _aftersales_plain_refunds_mask(self, vals_list):
        """For each credit note's values: whether Odoo would give it only tax and payment term
        lines. Partners are read together (their payment terms are company-dependent)."""
        mask = [False] * len(vals_list)
        by_company = defaultdict(list)
        for index, vals in enumerate(vals_list):
            by_company[vals.get("company_id") or self.env.company.id].append(index)
        for company_id, indexes in by_company.items():
            company = self.env["res.company"].browse(company_id)
            partners = self.env["res.partner"].with_company(company).browse(
                [vals_list[index]["partner_id"] for index in indexes]
            )
            for index, partner in zip(indexes, partners):
                vals = vals_list[index]
                term = self.env["account.payment.term"].browse(vals.get("invoice_payment_term_id"))
                term = term or partner.property_payment_term_id
                mask[index] = bool(
                    vals.get("move_type") == "out_refund"
                    and vals.get("invoice_date")
                    and vals.get("currency_id", company.currency_id.id) == company.currency_id.id
                    and not vals.get("invoice_cash_rounding_id")
                    and not term.early_discount
                    and not any(command[2].get("discount") for command in vals.get("invoice_line_ids", []))
                )
        return mask

    @api.model
    def _create_aftersales_plain_refunds(self, vals_list):
        skip_sync = {"skip_invoice_sync": True, "skip_invoice_line_sync": True}
        Line = self.env["account.move.line"].with_context(clean_context(self.env.context), **skip_sync)
        AccountTax = self.env["account.tax"]
        if not self.env["account.analytic.distribution.model"].sudo().search_count([], limit=1):
            # Odoo would search the distribution models for every line and find none
            for vals in vals_list:
                for command in vals.get("invoice_line_ids", []):
                    command[2].setdefault("analytic_distribution", False)
        container = {"records": self.browse()}
        with self._check_balanced(container):
            moves = self.with_context(**skip_sync).create(vals_list)
            container["records"] = moves
            # taxes (Odoo: _sync_tax_lines), for the moves whose lines bear any
            tax_lines = []
            for move in moves.filtered(lambda m: m.line_ids.tax_ids):
                base_lines, existing_tax_lines = move._get_rounded_base_and_tax_lines(round_from_tax_lines=False)
                AccountTax._add_accounting_data_in_base_lines_tax_details(
                    base_lines, move.company_id, include_caba_tags=move.always_tax_exigible
                )
                results = AccountTax._prepare_tax_lines(base_lines, move.company_id, tax_lines=existing_tax_lines)
                for base_line, to_update in results["base_lines_to_update"]:
                    line = base_line["record"]
                    if any(line._fields[fname].convert_to_write(line[fname], line) != value
                           for fname, value in to_update.items()):
                        line.write(to_update)  # a tax included in the price: the base amount
                tax_lines += [
                    {**tax_line_vals, "display_type": "tax", "move_id": move.id}
                    for tax_line_vals in results["tax_lines_to_add"]
                ]
            if tax_lines:
                Line.create(tax_lines)
            # payment terms (Odoo: _sync_dynamic_line on needed_terms), once the taxes are known
            terms = self._sync_dynamic_line_needed_values(moves.mapped("needed_terms"))
            Line.create([{**key, **values, "display_type": "payment_term"} for key, values in terms.items()])
        return moves

    def _post_aftersales_refunds(self):
        """Post the dealer credit notes just created for claims.

        Creating them computed their taxes and payment terms. Posting does not change their
        amounts when they are in the company currency and dated (``invoice_date``), so it skips
        the resynchronisation Odoo runs at each of its writes on them (one per credit note),
        as the Point of Sale does for the invoices it posts. Any other move is posted as usual.
        """
        self._aftersales_subscribe_partners()
        dated = self.filtered(
            lambda move: move.invoice_date and move.currency_id == move.company_currency_id
        )
        if dated:
            dated.with_context(skip_invoice_sync=True, aftersales_sequence_memo=True).action_post()
        if self - dated:
            (self - dated).action_post()
        return True

    def _get_next_sequence_format(self):
        """While a batch of credit notes is posted, the numbering format (read from the journal's
        last number) is read once per journal, type and date instead of once per credit note.
        Odoo's own increment then numbers them: the first takes the lock on its number and the
        following ones count on from its transaction cache, which ignores the format's last
        number anyway. Both caches end with the transaction."""
        if not self.env.context.get("aftersales_sequence_memo"):
            return super()._get_next_sequence_format()
        memo = self.env.cr.precommit.data.setdefault("aftersales.sequence_formats", {})
        key = (self.journal_id.id, self.move_type, self.date, bool(self.origin_payment_id))
        if key not in memo:
            memo[key] = super()._get_next_sequence_format()
        format_string, format_values = memo[key]
        return format_string, dict(format_values)

    def _aftersales_subscribe_partners(self):
        """Make each credit note's partner a follower, as posting does, for the whole batch in
        one insert: posting subscribes them one credit note at a time, and then finds them
        subscribed. Same followers and subtypes as ``message_subscribe`` gives."""
        Followers = self.env["mail.followers"].sudo()
        moves = self.filtered(lambda move: move.is_invoice() and move.partner_id.active)
        if not moves:
            return
        default, _internal, external = self.env["mail.message.subtype"].default_subtypes(self._name)
        existing = {
            (res_id, partner_id)
            for _id, res_id, partner_id, _subtypes in Followers._get_subscription_data(
                [(self._name, moves.ids)], moves.partner_id.ids
            )
        }
        Followers.with_context(default_partner_id=False).create([
            {
                "res_model": self._name,
                "res_id": move.id,
                "partner_id": move.partner_id.id,
                "subtype_ids": [Command.set((external if move.partner_id.partner_share else default).ids)],
            }
            for move in moves
            if (move.id, move.partner_id.id) not in existing
        ])
