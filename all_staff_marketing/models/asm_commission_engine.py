# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import math
import time
from collections import defaultdict, namedtuple

import psycopg2

import odoo.modules.module
from odoo import api, fields, models
from odoo.http import request
from odoo.tools import SQL, config, float_compare, float_round, split_every

from .account_journal import MONEY_JOURNAL_TYPES

#: One side of a reconciliation that moves money for commissions.
#: kind 'earn': money received on an attributed invoice; 'clawback': money paid back
#: on a credit note of an attributed invoice. ``reconciled``: the reconciled amount on
#: the invoice (credit note) side, in that document's currency ``side_currency_id``
#: (``reconciled_company``: in company currency); ``factor``: the part of it that is
#: money (``money_factor``).
PartialEvent = namedtuple(
    "PartialEvent",
    "partial_id kind invoice_id side_currency_id reconciled reconciled_company factor "
    "payment_move_id pay_date maturity",
)
#: An invoice line as the engine needs it (amounts in company currency): ``untaxed``
#: its own untaxed amount (after its own discount), ``net`` its base once the
#: invoice's negative lines are netted (``net_line_bases``).
#: ``ref``: how generated line keys name it ("l<id>", "l<id>p<product id>" for the
#: parts of a down-payment line); ``below_cost``: sold at or below cost after the
#: line's own discount (for down-payment parts: their order lines).
InvoiceLine = namedtuple(
    "InvoiceLine",
    "id ref product_id name untaxed net cost below_cost categ_path product_tmpl_id",
)

#: What a clawback copies from the last line of its group (``name``: of that line;
#: ``line_product_id``: the product of its invoice line), as the ORM would read them.
LastLine = namedtuple(
    "LastLine",
    "name department_id product_id rule_id rate tier_label multiplier uplift_pct share "
    "line_product_id",
)


def split_by_shares(amount, shares, rounding):
    """Split ``amount`` by percentage ``shares``; the rounded parts add up exactly.

    Largest remainder on the currency's rounding: the parts add up to ``amount`` times
    the sum of the shares (so to ``amount`` when the shares add up to 100).
    """
    sign = -1 if amount < 0 else 1
    units = math.floor(abs(amount) / rounding + 0.5)
    target = math.floor(units * sum(shares) / 100 + 0.5)
    raw = [units * share / 100 for share in shares]
    parts = [math.floor(value + 1e-9) for value in raw]
    order = sorted(range(len(raw)), key=lambda i: (parts[i] - raw[i], i))
    for i in order[: max(target - sum(parts), 0)]:
        parts[i] += 1
    return [sign * part * rounding for part in parts]


def allocate(amount, weights, rounding):
    """Spread ``amount`` over ``weights`` (>= 0) in proportion; the parts add up.

    Largest remainder on the currency's rounding. All weights 0: all parts 0.
    """
    total = sum(weights)
    if total <= 0:
        return [0.0] * len(weights)
    return split_by_shares(
        amount, [100 * weight / total for weight in weights], rounding
    )


def net_line_bases(untaxed, rounding):
    """Base of each invoice line once the invoice is netted.

    Negative lines (down-payment deductions, discounts, rebates) reduce the positive
    lines of the same invoice in proportion to them and earn nothing themselves: the
    bases add up to the invoice's untaxed total. Example: 100,000 and -30,000 ->
    70,000 and 0.
    """
    positive = [max(value, 0.0) for value in untaxed]
    net_total = sum(untaxed)
    if net_total <= 0:
        return [0.0] * len(untaxed)
    return allocate(net_total, positive, rounding)


def money_factor(liquidity, settled):
    """Part of a counterpart entry that is money, between 0 and 1.

    ``liquidity``: signed total of its bank/cash lines; ``settled``: signed total of
    its lines on the account it settles invoices with (opposite signs for money
    received or paid back). A payment of 95,000 that settles 100,000 with a 5,000
    write-off: 0.95. Money beyond what is settled (written off as income) does not
    count.
    """
    if not settled:
        return 0.0
    return min(max(-liquidity / settled, 0.0), 1.0)


def paid_fraction(reconciled, factor, total):
    """Part of a document of ``total`` paid in money by ``reconciled`` x ``factor``."""
    if total <= 0:
        return 0.0
    return min(max(reconciled * factor / total, 0.0), 1.0)


class AsmCommissionEngine(models.AbstractModel):
    """Commission lines from money received: payments, refunds, unreconciliations.

    Creating or removing a reconciliation only queues it (``asm.commission.queue``);
    the queue job (``_cron_recompute``, triggered at once, run by any cron worker)
    calls ``_run_queue_rows``, which calls ``_process_partials`` (reconciliations
    created) and ``_reverse_partials`` (removed); ``_recompute`` is the managers'
    button running the queue at once. Everything works on batches: a fixed number of
    queries per
    batch, whatever the number of invoice lines and beneficiaries. Lines are inserted
    with ``asm.commission.line._insert_lines`` (unique keys), so every entry point can
    run any number of times.

    Money semantics (DOMAIN §6): the commission is the rule times the money actually
    received.

    * Money is what reaches a bank or cash account: of an entry of a bank or cash
      journal reconciled with an attributed invoice, only its liquidity part counts
      (``money_factor``): a payment of 95,000 settling 100,000 with a 5,000 write-off
      is 95 % money, an early-payment discount likewise. Entries of journals marked
      "Counts as Money" (e.g. netting) count in full.
    * Not money: credit notes of any kind (the reversal of the invoice or a goodwill
      credit note, reconciled with it or used on another invoice), write-offs,
      exchange differences, miscellaneous entries (bad debt). They produce no line.
    * The paid fraction is money / invoice total including taxes, in the invoice's
      currency: a fully paid foreign-currency invoice earns 100 % whatever the rate
      did. The base is the untaxed lines in company currency at the invoice's rate.
    * The invoice is netted before it is pro-rated (``net_line_bases``): negative
      lines (down-payment deductions, discounts) reduce the positive lines' bases.
    * Money paid back through a credit note of an attributed invoice (refund
      payment) takes back the same part of what was earned on that invoice.
    * Removing a reconciliation (unreconcile, payment cancelled or reset) reverses the
      lines it produced; registering the payment again produces new lines.
    """

    _name = "asm.commission.engine"
    _description = "Commission Engine"

    # ------------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------------
    @api.model
    def _process_partials(self, partial_ids, key_suffix=""):
        """Create the lines earned or clawed back by these reconciliations.

        ``key_suffix`` (a correction) makes the lines' keys differ from those of
        the lines they correct; an argument, never read from the context.

        Events keep their reconciliation order within each invoice (earnings and
        clawbacks in alternating phases): a clawback only takes back what was earned
        before it, exactly as if every reconciliation had been processed on its own,
        with one engine call per phase (usually two) for the whole batch.
        """
        line_model = self.env["asm.commission.line"]
        events = self._read_partial_events(partial_ids)
        if not events:
            return line_model
        lines = line_model
        # phases alternate earn (even) and clawback (odd); an event goes to the
        # first phase of its kind not before the last event of its invoice, so an
        # invoice's events keep their order and other invoices share the phases
        phases = defaultdict(list)
        last = {}
        for event in events:
            parity = 0 if event.kind == "earn" else 1
            before = last.get(event.invoice_id, 0)
            phase = before + (before % 2 != parity)
            phases[phase].append(event)
            last[event.invoice_id] = phase
        for phase in sorted(phases):
            if phase % 2 == 0:
                lines |= self._generate_earn_lines(phases[phase], key_suffix)
            else:
                lines |= self._generate_clawback_lines(phases[phase], key_suffix)
        return lines

    @api.model
    def _reverse_partials(self, partial_ids):
        """Reverse the lines produced by reconciliations that were removed."""
        originals = self.env["asm.commission.line"].search(
            [
                ("partial_id", "in", list(partial_ids)),
                ("kind", "in", ("earn", "clawback")),
            ]
        )
        return self._reverse_lines(
            originals, self.env._("Reversal: the payment was unreconciled or cancelled")
        )

    @api.model
    def _run_queue_rows(self, rows):
        """Run the engine on claimed queue rows [(id, partial id, operation)].

        In id order, consecutive rows of the same operation together. 'process' of a
        reconciliation that no longer exists creates nothing (nothing to read);
        'reverse' reverses the lines that exist, and only for reconciliations that
        are really gone. Quota months are not decided here but once the queue is
        empty (``asm.commission.queue._decide_quotas``). Returns the created lines.
        """
        line_model = self.env["asm.commission.line"]
        runs = []
        for _id, partial_id, operation in rows:
            if runs and runs[-1][0] == operation:
                runs[-1][1].append(partial_id)
            else:
                runs.append((operation, [partial_id]))
        created = line_model
        for operation, partial_ids in runs:
            if operation == "process":
                created |= self._process_partials(partial_ids)
            else:
                self.env.cr.execute(
                    "SELECT id FROM account_partial_reconcile WHERE id = ANY(%s)",
                    [partial_ids],
                )
                existing = {row[0] for row in self.env.cr.fetchall()}
                gone = [pid for pid in partial_ids if pid not in existing]
                if gone:
                    created |= self._reverse_partials(gone)
        # quota months are decided once the queue is empty
        # (asm.commission.queue._decide_quotas), not batch by batch
        return created

    @api.model
    def _recompute(self, companies=None, batch_size=2000):
        """Process the queue (``asm.commission.queue``) now, in this transaction.

        The button of managers: no commit, every ready row of ``companies``. History
        is never rescanned: a rule created later does not pay old payments (that is
        the explicit, logged ``asm.commission.backapply`` action). Returns the
        created lines.
        """
        queue = self.env["asm.commission.queue"].sudo()
        company_ids = companies.ids if companies is not None else None
        created = self.env["asm.commission.line"]
        done = 0
        while True:
            handled, lines = queue._run_batch(batch_size, company_ids=company_ids)
            if not handled:
                break
            done += handled
            created |= lines
        if done:
            queue._decide_quotas()
        return created

    @api.model
    def _cron_recompute(self, batch_size=2000, time_budget=None):
        """The queue job: process queued reconciliations batch after batch.

        As a cron job, each batch is committed (never in tests or when called from
        other code), so a crash keeps the work done and other workers see it. Stops
        when the queue is empty or after ``time_budget`` seconds (default: the
        ``asm.commission_job_budget`` system parameter, 240), reporting the rest to
        ``ir.cron._notify_progress`` so the cron runs again at once. Other workers
        claim other batches at the same time (``FOR UPDATE SKIP LOCKED``). Returns
        the number of rows handled.
        """
        queue = self.env["asm.commission.queue"].sudo()
        # commit between batches only as a cron job (never in tests, module data or
        # a request calling this method: a client's ``cron_id`` key is not enough,
        # a cron job runs outside any HTTP request)
        may_commit = (
            bool(self.env.context.get("cron_id"))
            and not request
            and not (config["test_enable"] or odoo.modules.module.current_test)
        )
        started = time.monotonic()
        done = 0
        conflicts = 0
        while True:
            try:
                handled = queue._process_batch(batch_size)
            except psycopg2.errors.SerializationFailure:
                # Odoo's transactions are REPEATABLE READ: rows another worker
                # deleted since this transaction began cannot be locked; start
                # again from a fresh snapshot
                conflicts += 1
                if not may_commit or conflicts > 10:
                    raise
                self.env.cr.rollback()
                continue
            done += handled
            if not handled:
                break  # an empty queue costs one query
            if may_commit:
                # a cron job owns its transaction: each batch done is kept and seen
                # by the other workers (Odoo's own crons do the same)
                self.env.cr.commit()  # pylint: disable=invalid-commit
            if time_budget is None:
                time_budget = float(
                    self.env["ir.config_parameter"]
                    .sudo()
                    .get_param("asm.commission_job_budget", 240)
                )
            if time.monotonic() - started > time_budget:
                remaining = queue._count_ready()
                self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
                return done
        if done:
            # the queue is empty: decide the quota months on everything computed
            # (another worker still computing decides after it)
            queue._decide_quotas()
            self.env["ir.cron"]._notify_progress(done=done, remaining=0)
        return done

    @api.model
    def _process_new_partials(self, partial_ids, close_months=True):
        """Process reconciliations once: lines, share notes, quota.

        Used by the back-application of rules (``_apply_rules_to_past``).
        ``close_months``: evaluate at once the lines dated in months already closed
        for the quota (a late payment).
        """
        line_model = self.env["asm.commission.line"]
        partial_ids = list(partial_ids)
        lines = self._process_partials(partial_ids)
        line_model._update_quota_states(lines, close=close_months)
        return lines

    @api.model
    def _apply_rules_to_past(self, company, date_from, batch_size=2000):
        """Apply today's rules to reconciliations dated from ``date_from`` that have
        no commission line at all; returns (reconciliations processed, lines).

        Safe to run any number of times: a reconciliation that produced any line
        (even one reversed later) is never processed again, and the unique line keys
        stop two runs at once from paying twice.
        """
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT p.id
                  FROM account_partial_reconcile p
                 WHERE p.company_id = %(company)s
                   AND p.max_date >= %(date_from)s
                   AND NOT EXISTS (SELECT 1 FROM asm_commission_line l
                                    WHERE l.partial_id = p.id)
                   AND EXISTS (%(attributed)s)
                 ORDER BY p.id
                """,
                company=company.id,
                date_from=date_from,
                attributed=self._sql_attributed_side("p"),
            )
        )
        partial_ids = [row[0] for row in self.env.cr.fetchall()]
        line_model = self.env["asm.commission.line"]
        created_ids = []
        for batch in split_every(batch_size, partial_ids, list):
            created_ids += self._process_new_partials(batch, close_months=False).ids
            self.env.invalidate_all()
        created = line_model.browse(created_ids)
        line_model._update_quota_states(created, close=True)
        return partial_ids, created

    # ------------------------------------------------------------------
    # Reading reconciliations
    # ------------------------------------------------------------------
    @api.model
    def _sql_attributed_side(self, alias):
        """SQL: the partial ``alias`` touches an attributed invoice or its refund."""
        return SQL(
            """
            SELECT 1
              FROM account_move_line sl
              JOIN account_move sm ON sm.id = sl.move_id
              LEFT JOIN account_move src ON src.id = sm.reversed_entry_id
             WHERE sl.id IN (%(alias)s.debit_move_id, %(alias)s.credit_move_id)
               AND sl.display_type = 'payment_term'
               AND ((sm.move_type = 'out_invoice' AND sm.referrer_id IS NOT NULL)
                 OR (sm.move_type = 'out_refund' AND src.referrer_id IS NOT NULL))
            """,
            alias=SQL.identifier(alias),
        )

    @api.model
    def _read_partial_events(self, partial_ids):
        """Commission events of reconciliations, as ``PartialEvent`` tuples.

        Only counterparts that can be money: entries (not invoices or credit notes)
        of bank and cash journals or of journals marked as money, never the exchange
        difference journal.
        """
        if not partial_ids:
            return []
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT p.id,
                       CASE WHEN sm.move_type = 'out_invoice' THEN 'earn'
                            ELSE 'clawback' END,
                       CASE WHEN sm.move_type = 'out_invoice' THEN sm.id
                            ELSE sm.reversed_entry_id END,
                       sm.currency_id,
                       CASE WHEN sl.id = p.debit_move_id THEN p.debit_amount_currency
                            ELSE p.credit_amount_currency END,
                       p.amount,
                       om.id, ol.date, sl.date_maturity,
                       ol.account_id, ol.balance,
                       j.type IN %(money_types)s
                  FROM account_partial_reconcile p
                 CROSS JOIN LATERAL (VALUES (p.debit_move_id, p.credit_move_id),
                                            (p.credit_move_id, p.debit_move_id))
                       AS side(line_id, other_id)
                  JOIN account_move_line sl ON sl.id = side.line_id
                  JOIN account_move sm ON sm.id = sl.move_id
                  JOIN account_move_line ol ON ol.id = side.other_id
                  JOIN account_move om ON om.id = ol.move_id
                  JOIN account_journal j ON j.id = om.journal_id
                  JOIN res_company c ON c.id = om.company_id
                  LEFT JOIN account_move src ON src.id = sm.reversed_entry_id
                 WHERE p.id = ANY(%(ids)s)
                   AND sl.display_type = 'payment_term'
                   AND sm.state = 'posted'
                   AND om.move_type = 'entry'
                   AND om.journal_id IS DISTINCT FROM c.currency_exchange_journal_id
                   AND (j.type IN %(money_types)s OR j.asm_counts_as_money)
                   AND (
                        (sm.move_type = 'out_invoice' AND sm.referrer_id IS NOT NULL)
                     OR (sm.move_type = 'out_refund' AND src.referrer_id IS NOT NULL)
                   )
                 ORDER BY p.id
                """,
                ids=list(partial_ids),
                money_types=MONEY_JOURNAL_TYPES,
            )
        )
        rows = self.env.cr.fetchall()
        factors = self._get_money_factors(
            {(row[6], row[9], row[10] > 0) for row in rows if row[11]}
        )
        return [
            PartialEvent(
                partial_id,
                kind,
                invoice_id,
                currency_id,
                abs(reconciled),
                reconciled_company,
                factors[move_id, account_id, balance > 0](partial_id)
                if liquid_journal
                else 1.0,
                move_id,
                pay_date,
                maturity,
            )
            for (
                partial_id,
                kind,
                invoice_id,
                currency_id,
                reconciled,
                reconciled_company,
                move_id,
                pay_date,
                maturity,
                account_id,
                balance,
                liquid_journal,
            ) in rows
        ]

    @api.model
    def _get_money_factors(self, keys):
        """{(move id, account id, debit?): function(partial id) -> money factor}.

        For each counterpart entry of a bank or cash journal and the side it settles
        invoices on (account and debit/credit), the part of a reconciliation that is
        money: its liquidity lines (the journal's account, outstanding
        receipts/payments accounts, bank and cash accounts) over what it settles on
        that side (``money_factor``). The early-payment discount the entry writes off
        (its lines on the company's cash discount accounts and their tax lines, when
        the entry was registered for or is reconciled with an invoice whose discount
        was open on its date) is charged to the invoices that granted it, also after
        the entry was unreconciled and re-applied (``_charge_early_discount``); the
        rest of the difference is spread in proportion. Two queries for all entries.
        """
        if not keys:
            return {}
        # no correlated subquery (costed once per row): with them a batch's
        # estimate passed PostgreSQL's jit_above_cost, and compiling the query
        # took ~0.7 s for 30 ms of work
        self.env.cr.execute(
            SQL(
                """
                WITH granted AS (
                SELECT DISTINCT m.id
                  FROM account_move m
                  JOIN account_move__account_payment rel
                    ON rel.payment_id = m.origin_payment_id
                  JOIN account_move_line il ON il.move_id = rel.invoice_id
                 WHERE m.id = ANY(%(ids)s)
                   AND il.display_type = 'payment_term'
                   AND il.discount_date >= m.date
                   AND il.discount_balance <> 0
                )
                SELECT l.move_id, l.account_id, l.balance, l.amount_currency,
                       l.currency_id,
                       (l.account_id = j.default_account_id
                        OR l.account_id = pay.outstanding_account_id
                        OR a.account_type IN ('asset_cash', 'liability_credit_card')
                        OR (m.journal_id, l.account_id) IN (
                               SELECT pml.journal_id, pml.payment_account_id
                                 FROM account_payment_method_line pml)),
                       l.account_id IN (
                           c.account_journal_early_pay_discount_loss_account_id,
                           c.account_journal_early_pay_discount_gain_account_id),
                       l.tax_repartition_line_id IS NOT NULL,
                       l.move_id IN (SELECT id FROM granted)
                  FROM account_move_line l
                  JOIN account_move m ON m.id = l.move_id
                  JOIN account_journal j ON j.id = m.journal_id
                  JOIN account_account a ON a.id = l.account_id
                  JOIN res_company c ON c.id = m.company_id
                  LEFT JOIN account_payment pay ON pay.id = m.origin_payment_id
                 WHERE l.move_id = ANY(%(ids)s)
                """,
                ids=list({key[0] for key in keys}),
            )
        )
        lines_by_move = defaultdict(list)
        for move_id, *line in self.env.cr.fetchall():
            lines_by_move[move_id].append(line)
        units = {}
        sums = {}
        for move_id, account_id, debit in keys:
            lines = lines_by_move[move_id]
            liquidity = [line for line in lines if line[4]]
            settled = [
                line
                for line in lines
                if not line[4] and line[0] == account_id and (line[1] > 0) == debit
            ]
            others = [line for line in lines if not line[4] and line not in settled]
            # the early-payment discount written off: cash discount lines and, with
            # them, the tax lines that reduce the taxes ("included" computation)
            discount_lines = [line for line in others if line[5]]
            if discount_lines:
                discount_lines += [line for line in others if line[6] and not line[5]]
            # amounts in the entry's own currency when it has one, else company's
            single = len({line[3] for line in liquidity + settled}) == 1
            column = 2 if single else 1
            units[move_id, account_id, debit] = single
            sums[move_id, account_id, debit] = (
                sum(line[column] for line in liquidity),
                sum(line[column] for line in settled),
                sum(line[column] for line in discount_lines),
            )
        partials = self._get_early_discounts(units)
        factors = {}
        for key, (liquidity, settled, written_off) in sums.items():
            plain = money_factor(liquidity, settled)
            sign = 1 if settled > 0 else -1
            # a discount only when the entry was registered for (or is reconciled
            # with) an invoice whose early discount was open on its date: a
            # write-off that merely uses the cash discount account is spread
            granted = any(line[7] for line in lines_by_move[key[0]]) or any(
                row[2] for row in partials.get(key, [])
            )
            discount = max(-sign * written_off, 0.0) if granted else 0.0
            # the discount was granted when the difference covers it
            if discount < 0.01 or abs(settled + liquidity) < discount - 0.01:
                factors[key] = lambda pid, f=plain: f
                continue
            scale = money_factor(liquidity, settled - sign * discount)
            kept = self._charge_early_discount(
                partials.get(key, []), abs(settled), discount
            )
            factors[key] = lambda pid, k=kept, f=scale: min(k.get(pid, 1.0) * f, 1.0)
        return factors

    @api.model
    def _charge_early_discount(self, partials, face, discount):
        """{partial id: part of it that is not discount} for one settling side.

        ``partials``: its reconciliations in creation order as (partial id,
        reconciled, full discount of the invoice line or 0, invoice line id);
        ``face``: what the side settles in all; ``discount``: the early-payment
        discount the entry wrote off. A reconciliation with an invoice line that
        granted a discount is charged that discount (what earlier reconciliations
        of the same line were not charged yet); any other reconciliation is charged
        only the part of the discount that what stays open could no longer hold
        (the payment re-applied to other invoices). The charges never exceed the
        discount: once the side is fully reconciled, the money adds up to the
        entry's money whatever the order. Example: 147,000 paid for 100,000 and
        50,000 (2 % each, 3,000 written off), unreconciled, re-applied to the
        100,000 first: charged 2,000 (0.98), then 1,000 on the 50,000 (0.98).
        """
        kept = {}
        open_face = face
        left = discount
        charged_lines = defaultdict(float)
        for pid, reconciled, granted, line_id in partials:
            after = open_face - reconciled
            own = max(granted - charged_lines[line_id], 0.0) if granted else 0.0
            charge = min(left, reconciled, max(own, left - max(after, 0.0), 0.0))
            if granted:
                charged_lines[line_id] += charge
            left -= charge
            open_face = after
            kept[pid] = (reconciled - charge) / reconciled if reconciled else 1.0
        return kept

    @api.model
    def _get_early_discounts(self, units):
        """{key: [(partial id, reconciled, discount granted, invoice line id)]}.

        ``units``: {(move id, account id, debit?): amounts in currency?}. The
        reconciliations of those entries' settling lines in creation order, with the
        reconciled amount and, when the invoice line's early-payment discount was
        still open on the entry's date, the line's whole discount (2,000 for 2 % of
        100,000), both in the entry's units.
        """
        self.env.cr.execute(
            SQL(
                """
                WITH sides AS (
                    -- each side on its own (indexed) column: an OR join of both
                    -- would read every reconciliation of the database
                    SELECT l.id AS line_id, p.id AS pid,
                           p.debit_amount_currency AS side,
                           p.credit_amount_currency AS other_side,
                           p.amount, p.credit_move_id AS other_id
                      FROM account_move_line l
                      JOIN account_partial_reconcile p ON p.debit_move_id = l.id
                     WHERE l.move_id = ANY(%(ids)s)
                     UNION ALL
                    SELECT l.id, p.id, p.credit_amount_currency,
                           p.debit_amount_currency, p.amount, p.debit_move_id
                      FROM account_move_line l
                      JOIN account_partial_reconcile p ON p.credit_move_id = l.id
                     WHERE l.move_id = ANY(%(ids)s)
                )
                SELECT l.move_id, l.account_id, l.balance > 0, s.pid,
                       s.side, s.other_side, s.amount, o.id,
                       CASE WHEN o.discount_date >= m.date
                             AND o.discount_balance <> 0 AND o.balance <> 0
                            THEN o.discount_balance / o.balance END,
                       o.amount_currency, o.balance
                  FROM sides s
                  JOIN account_move_line l ON l.id = s.line_id
                  JOIN account_move m ON m.id = l.move_id
                  JOIN account_move_line o ON o.id = s.other_id
                 ORDER BY s.pid
                """,
                ids=list({key[0] for key in units}),
            )
        )
        result = defaultdict(list)
        for (
            move_id,
            account_id,
            debit,
            pid,
            side,
            other_side,
            amount,
            line_id,
            kept,
            line_currency,
            line_balance,
        ) in self.env.cr.fetchall():
            key = (move_id, account_id, debit)
            if key not in units:
                continue
            in_currency = units[key]
            reconciled = abs(side) if in_currency else amount
            granted = 0.0
            if kept is not None and 0 < kept < 1:
                # the line's whole discount, converted like this reconciliation
                if not in_currency:
                    granted = abs(line_balance) * (1 - kept)
                elif other_side:
                    granted = abs(line_currency * side / other_side) * (1 - kept)
            result[key].append((pid, reconciled, granted, line_id))
        return result

    # ------------------------------------------------------------------
    # Facts about invoices (batched, lazily: only what active rules use)
    # ------------------------------------------------------------------
    @api.model
    def _get_salesperson_employees(self, invoices):
        """{(user id, company id): employee} for the invoices' salespeople."""
        employees = self.env["hr.employee"].search_fetch(
            [
                ("user_id", "in", invoices.invoice_user_id.ids),
                ("company_id", "in", invoices.company_id.ids),
            ],
            ["user_id", "company_id", "department_id", "job_id"],
            order="id",
        )
        result = {}
        for employee in employees:
            result.setdefault((employee.user_id.id, employee.company_id.id), employee)
        return result

    @api.model
    def _get_beneficiaries(self, invoice, salespeople):
        """[(employee, role, share)] of an attributed invoice (shares in %).

        No share vanishes: the share of a role without an employee in the company
        (no customer-service employee, salesperson user without an employee) goes to
        the employee the company's ``asm_orphan_share_policy`` names, under the
        missing role (so its line has its own key and says which share it is). With
        "the company keeps it" the referrer holds it on a void line with the reason
        (see ``asm.commission.rule._get_beneficiary_exclusion_reason``).
        """
        present = {
            "referrer": invoice.referrer_id,
            "salesperson": salespeople.get(
                (invoice.invoice_user_id.id, invoice.company_id.id),
                self.env["hr.employee"],
            ),
            "service": invoice.service_employee_id,
        }
        result = []
        for role, share in (
            ("referrer", invoice.referrer_share),
            ("salesperson", invoice.salesperson_share),
            ("service", invoice.service_share),
        ):
            if share <= 0:
                continue
            employee = present[role] or self._get_share_holder(invoice, role, present)
            if employee:
                result.append((employee, role, share))
        return result

    @api.model
    def _get_share_holder(self, invoice, role, present):
        """Employee who receives the share of ``role``, which has no employee."""
        policy = invoice.company_id.asm_orphan_share_policy
        if policy == "salesperson" and role != "salesperson" and present["salesperson"]:
            return present["salesperson"]
        return present["referrer"]

    @api.model
    def _get_share_redirect_note(self, invoice, employee, role):
        """Why ``employee`` holds the ``role`` share of ``invoice``, or False when
        the share is their own."""
        if role == "service" and employee != invoice.service_employee_id:
            missing = self.env._("the deal has no customer-service employee")
        elif role == "salesperson" and employee.user_id != invoice.invoice_user_id:
            missing = self.env._(
                "salesperson %(user)s has no employee in %(company)s",
                user=invoice.invoice_user_id.name or self.env._("(none)"),
                company=invoice.company_id.name,
            )
        else:
            return False
        role_field = self.env["asm.commission.line"]._fields["role"]
        label = dict(role_field._description_selection(self.env))[role]
        if invoice.company_id.asm_orphan_share_policy == "company":
            return self.env._(
                "%(role)s share kept by the company: %(missing)s",
                role=label,
                missing=missing,
            )
        return self.env._(
            "%(role)s share redirected to %(employee)s: %(missing)s",
            role=label,
            employee=employee.name,
            missing=missing,
        )

    @api.model
    def _get_invoice_orders(self, invoices):
        """{invoice id: sale orders} of the invoices, in one query."""
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT aml.move_id, sol.order_id
                  FROM sale_order_line_invoice_rel rel
                  JOIN account_move_line aml ON aml.id = rel.invoice_line_id
                  JOIN sale_order_line sol ON sol.id = rel.order_line_id
                 WHERE aml.move_id = ANY(%s)
                """,
                invoices.ids,
            )
        )
        rows = self.env.cr.fetchall()
        orders = self.env["sale.order"].browse({order_id for _inv, order_id in rows})
        orders.fetch(["amount_untaxed", "currency_id", "asm_landmark", "company_id"])
        by_id = {order.id: order for order in orders}
        result = defaultdict(lambda: self.env["sale.order"])
        for invoice_id, order_id in rows:
            result[invoice_id] |= by_id[order_id]
        return result

    @api.model
    def _get_contract_totals(self, invoices, invoice_orders):
        """{invoice id: order/contract total in company currency} for size tiers.

        The total of the invoice's sale orders when it has some, else the invoice's
        untaxed total.
        """
        totals = {}
        for invoice in invoices:
            orders = invoice_orders.get(invoice.id)
            if not orders:
                totals[invoice.id] = abs(invoice.amount_untaxed_signed)
                continue
            totals[invoice.id] = sum(
                order.currency_id._convert(
                    order.amount_untaxed,
                    invoice.company_id.currency_id,
                    invoice.company_id,
                    invoice.invoice_date or fields.Date.context_today(self),
                )
                for order in orders
            )
        return totals

    @api.model
    def _get_deal_shares(self, invoices, invoice_orders, totals):
        """{invoice id: deals paid by the invoice} for fixed amounts per deal.

        A fixed amount is earned once per sale order, spread over its invoices: an
        invoice's share is its untaxed total over its orders' total (a 30,000 down
        payment of a 100,000 order: 0.3), times the number of its orders. An invoice
        without an order is one deal.
        """
        shares = {}
        for invoice in invoices:
            orders = invoice_orders.get(invoice.id)
            if not orders:
                shares[invoice.id] = 1.0
                continue
            if all(order.currency_id == invoice.currency_id for order in orders):
                invoiced = invoice.amount_untaxed
                order_total = sum(orders.mapped("amount_untaxed"))
            else:
                invoiced = abs(invoice.amount_untaxed_signed)
                order_total = totals[invoice.id]
            part = min(invoiced / order_total, 1.0) if order_total > 0 else 1.0
            shares[invoice.id] = len(orders) * part
        return shares

    @api.model
    def _get_landmark_invoice_ids(self, invoices, invoice_orders):
        """Ids of invoices of landmark projects (flag on the invoice or its orders)."""
        landmark_ids = set()
        for invoice in invoices:
            orders = invoice_orders.get(invoice.id)
            if invoice.asm_landmark or (orders and any(orders.mapped("asm_landmark"))):
                landmark_ids.add(invoice.id)
        return landmark_ids

    @api.model
    def _prepare_deal_facts(self, invoices, compiled):
        """{invoice id: facts dict} with what the rules of ``compiled`` match on."""
        rule_model = self.env["asm.commission.rule"]
        tiers = (
            rule_model._get_customer_tiers(invoices)
            if any(rule.customer_tier for rule in compiled)
            else {}
        )
        grades = (
            rule_model._get_lead_grades(invoices)
            if any(rule.grade_index is not None for rule in compiled)
            else {}
        )
        facts = {}
        for invoice in invoices:
            facts[invoice.id] = {
                "company_id": invoice.company_id.id,
                "date": invoice.invoice_date,
                "customer_tier": tiers.get(invoice.id, False),
                "lead_grade": grades.get(invoice.id, False),
                "referral_mode": invoice.referral_mode,
                "deal_type": invoice.referral_deal_type,
                "categ_path": False,
                "product_tmpl_id": False,
            }
        return facts

    # ------------------------------------------------------------------
    # Earning lines
    # ------------------------------------------------------------------
    @api.model
    def _read_invoice_lines(self, invoices):
        """{invoice id: [InvoiceLine]} of the invoices' product lines, netted.

        Amounts in company currency (at the invoice's rate). Negative lines are kept
        with a net of 0: they only reduce the others (``net_line_bases``). A
        down-payment line stands for its order's products: it is split over them
        (``_split_down_payment``) so that each part earns under its product's rule.
        """
        # plain rows, not records: this runs on every line of every batch
        self.env["account.move.line"].flush_model(
            [
                "move_id",
                "display_type",
                "product_id",
                "name",
                "balance",
                "quantity",
                "asm_unit_cost",
                "price_subtotal",
                "is_downpayment",
                "sequence",
            ]
        )
        self.env["product.product"].flush_model(["product_tmpl_id"])
        self.env["product.template"].flush_model(["categ_id"])
        self.env["product.category"].flush_model(["parent_path"])
        self.env.cr.execute(
            SQL(
                """
                SELECT aml.id, aml.move_id, aml.product_id, aml.name, aml.balance,
                       aml.quantity, aml.asm_unit_cost, aml.price_subtotal,
                       aml.is_downpayment, categ.parent_path, pp.product_tmpl_id
                  FROM account_move_line aml
                  LEFT JOIN product_product pp ON pp.id = aml.product_id
                  LEFT JOIN product_template tmpl ON tmpl.id = pp.product_tmpl_id
                  LEFT JOIN product_category categ ON categ.id = tmpl.categ_id
                 WHERE aml.move_id = ANY(%s) AND aml.display_type = 'product'
                 ORDER BY aml.move_id, aml.sequence, aml.id
                """,
                invoices.ids,
            )
        )
        grouped = defaultdict(list)
        downpayment_ids = []
        for row in self.env.cr.fetchall():
            grouped[row[1]].append(row)
            if row[8]:
                downpayment_ids.append(row[0])
        downpayments = self.env["account.move.line"].browse(downpayment_ids)
        if downpayments:
            order_lines = downpayments.sale_line_ids.order_id.order_line
            order_lines.fetch(
                [
                    "company_id",
                    "product_id",
                    "product_uom",
                    "product_uom_qty",
                    "price_subtotal",
                    "display_type",
                    "is_downpayment",
                ]
            )
            order_lines.product_id.fetch(["categ_id", "product_tmpl_id"])
            order_lines.product_id.categ_id.fetch(["parent_path"])
        result = {}
        for invoice in invoices:
            lines = grouped[invoice.id]
            rounding = invoice.company_id.currency_id.rounding
            nets = net_line_bases([-(line[4] or 0.0) for line in lines], rounding)
            result[invoice.id] = facts = []
            for (
                line_id,
                _move_id,
                product_id,
                name,
                balance,
                quantity,
                unit_cost,
                price_subtotal,
                is_downpayment,
                categ_path,
                product_tmpl_id,
            ), net in zip(lines, nets, strict=True):
                untaxed = -(balance or 0.0)
                cost = (unit_cost or 0.0) * (quantity or 0.0)
                fact = InvoiceLine(
                    line_id,
                    f"l{line_id}",
                    product_id or False,
                    name or "",
                    untaxed,
                    net,
                    cost,
                    float_compare(untaxed, cost, precision_rounding=rounding) <= 0,
                    categ_path or False,
                    product_tmpl_id or False,
                )
                if is_downpayment and fact.untaxed > 0:
                    # company currency per unit of the invoice's currency
                    rate = fact.untaxed / price_subtotal if price_subtotal else 1
                    facts += self._split_down_payment(
                        fact,
                        downpayments.browse(line_id).sale_line_ids.order_id.order_line,
                        rounding,
                        rate,
                    )
                else:
                    facts.append(fact)
        return result

    @api.model
    def _split_down_payment(self, fact, order_lines, rounding, rate):
        """Parts of a down-payment line, one per product of its order, in proportion
        to the order's lines (a down payment is paid on the whole order).

        A part is at or below cost when its order lines are (price after their own
        discount, converted with ``rate``, against the product's current cost); it
        carries no cost itself: the final invoice's line carries the whole cost.
        """
        weights = defaultdict(float)
        costs = defaultdict(float)
        for order_line in order_lines:
            if (
                not order_line.display_type
                and not order_line.is_downpayment
                and order_line.price_subtotal > 0
            ):
                product = order_line.product_id.with_company(order_line.company_id)
                unit_cost = product.standard_price
                if order_line.product_uom and order_line.product_uom != product.uom_id:
                    unit_cost = product.uom_id._compute_price(
                        unit_cost, order_line.product_uom
                    )
                weights[order_line.product_id] += order_line.price_subtotal
                costs[order_line.product_id] += unit_cost * order_line.product_uom_qty
        if not weights:
            return [fact]
        products = list(weights)
        untaxed_parts = allocate(fact.untaxed, list(weights.values()), rounding)
        net_parts = allocate(fact.net, list(weights.values()), rounding)
        return [
            fact._replace(
                ref=f"{fact.ref}p{product.id}",
                product_id=product.id,
                name=f"{fact.name} ({product.display_name})",
                untaxed=untaxed,
                net=net,
                cost=0.0,
                below_cost=float_compare(
                    weights[product] * rate, costs[product], precision_rounding=rounding
                )
                <= 0,
                categ_path=product.categ_id.parent_path,
                product_tmpl_id=product.product_tmpl_id.id,
            )
            for product, untaxed, net in zip(
                products, untaxed_parts, net_parts, strict=True
            )
        ]

    @api.model
    def _get_event_ratio(self, event, invoice):
        """Part of ``invoice`` paid (or paid back) in money by ``event``.

        In the invoice's currency when the reconciled side is in it, so that a fully
        paid foreign-currency invoice is paid at exactly 100 %.
        """
        if event.side_currency_id == invoice.currency_id.id:
            return paid_fraction(event.reconciled, event.factor, invoice.amount_total)
        return paid_fraction(
            event.reconciled_company,
            event.factor,
            abs(invoice.amount_total_signed),
        )

    @api.model
    def _generate_earn_lines(self, events, key_suffix=""):
        """Lines for money received on attributed invoices: one per positive invoice
        line, beneficiary and payment.

        Everything is read in batch first; the loops below only touch plain values.
        """
        line_model = self.env["asm.commission.line"]
        rule_model = self.env["asm.commission.rule"]
        if not events:
            return line_model
        invoices = self.env["account.move"].browse(
            sorted({e.invoice_id for e in events})
        )
        invoices.fetch(
            [
                "name",
                "company_id",
                "currency_id",
                "commercial_partner_id",
                "invoice_date",
                "invoice_user_id",
                "amount_total",
                "amount_total_signed",
                "amount_untaxed",
                "amount_untaxed_signed",
                "asm_landmark",
                "referrer_id",
                "referral_mode",
                "referral_deal_type",
                "service_employee_id",
                "referrer_share",
                "salesperson_share",
                "service_share",
                "referral_excluded",
                "referral_exclusion_reason",
            ]
        )
        companies = invoices.company_id
        compiled = rule_model._get_compiled_rules(companies)
        if not compiled:
            return line_model
        lines_by_invoice = self._read_invoice_lines(invoices)

        salespeople = self._get_salesperson_employees(invoices)
        beneficiaries = {
            invoice.id: self._get_beneficiaries(invoice, salespeople)
            for invoice in invoices
        }
        employees = self.env["hr.employee"].union(
            *(emp for bens in beneficiaries.values() for emp, _role, _share in bens)
        )
        employees.fetch(["company_id", "department_id", "job_id"])
        employees.department_id.fetch(["parent_path", "asm_business"])
        initial_states = line_model._get_initial_states(employees)
        employee_info = {
            emp.id: (
                emp.department_id.id,
                emp.department_id.parent_path,
                initial_states[emp.id],
                ("payable", False),
            )
            for emp in employees
        }
        factors = (
            self.env["asm.commission.multiplier"]._get_factors(employees)
            if any(rule.multiplier for rule in compiled)
            else {}
        )
        need_fixed = any(rule.base == "fixed" for rule in compiled)
        need_totals = need_fixed or any(rule.tiers for rule in compiled)
        need_landmark = any(rule.landmark_uplift for rule in compiled)
        invoice_orders = (
            self._get_invoice_orders(invoices) if need_totals or need_landmark else {}
        )
        totals = (
            self._get_contract_totals(invoices, invoice_orders) if need_totals else {}
        )
        deal_shares = (
            self._get_deal_shares(invoices, invoice_orders, totals)
            if need_fixed
            else {}
        )
        landmark_ids = (
            self._get_landmark_invoice_ids(invoices, invoice_orders)
            if need_landmark
            else set()
        )
        schedules = self.env["asm.late.bracket"]._get_schedules(companies)
        get_deduction = self.env["asm.late.bracket"]._get_deduction
        deal_facts = self._prepare_deal_facts(invoices, compiled)
        below_cost = self.env._("Sold at or below cost")
        suffix = key_suffix or ""

        # per invoice: plain values, beneficiaries and the rule of each line x
        # beneficiary (first matching rule; cached by what rules look at)
        cache = {}
        chosen = {}
        inv_info = {}
        for invoice in invoices:
            facts = deal_facts[invoice.id]
            deal_key = tuple(facts.values())
            bens = []
            for employee, role, share in beneficiaries[invoice.id]:
                bens.append(
                    (
                        employee.id,
                        role,
                        share,
                        rule_model._get_beneficiary_exclusion_reason(
                            invoice, employee, role
                        ),
                        # why the employee holds a share not their own (written
                        # with the line: no second pass over the new lines)
                        role in ("salesperson", "service")
                        and self._get_share_redirect_note(invoice, employee, role),
                    )
                )
            # the others are netted into the positive lines
            paid_lines = [
                line for line in lines_by_invoice[invoice.id] if line.untaxed > 0
            ]
            for line in paid_lines:
                facts["categ_path"] = line.categ_path
                facts["product_tmpl_id"] = line.product_tmpl_id
                for index, (emp_id, role, *_rest) in enumerate(bens):
                    dept_path = employee_info[emp_id][1]
                    key = (
                        deal_key,
                        line.categ_path,
                        line.product_tmpl_id,
                        role,
                        dept_path,
                    )
                    if key not in cache:
                        cache[key] = rule_model._find_rule(
                            compiled, facts, role, dept_path
                        )
                    if cache[key]:
                        chosen[line.ref, index] = cache[key]
            excluded = invoice.referral_excluded and self.env._(
                "Excluded: %(reason)s",
                reason=invoice.referral_exclusion_reason
                or self.env._("no reward on this order"),
            )
            company = invoice.company_id
            inv_info[invoice.id] = (
                invoice,
                excluded,
                invoice.id in landmark_ids,
                schedules[company.id],
                totals.get(invoice.id, 0.0),
                bens,
                paid_lines,
                sum(line.net for line in paid_lines),
                # plain values for every line of the invoice
                {
                    "invoice_name": invoice.name,
                    "company_id": company.id,
                    "partner_id": invoice.commercial_partner_id.id,
                    "rounding": company.currency_id.rounding,
                },
            )
        fixed_weights = self._get_fixed_weights(lines_by_invoice, chosen)

        vals_list = []
        for event in events:
            (
                invoice,
                excluded,
                landmark,
                schedule,
                contract_total,
                bens,
                lines,
                net_total,
                plain,
            ) = inv_info[event.invoice_id]
            rounding = plain["rounding"]
            ratio = self._get_event_ratio(event, invoice)
            if not ratio:
                continue
            days_late = 0
            if event.maturity and event.pay_date:
                days_late = max((event.pay_date - event.maturity).days, 0)
            deduction = get_deduction(schedule, days_late)
            collected_parts = allocate(
                float_round(net_total * ratio, precision_rounding=rounding),
                [line.net for line in lines],
                rounding,
            )
            for line, collected in zip(lines, collected_parts, strict=True):
                netted = collected - float_round(
                    line.untaxed * ratio, precision_rounding=rounding
                )
                line_reason = excluded or (line.below_cost and below_cost)
                groups = defaultdict(list)
                for index, ben in enumerate(bens):
                    rule = chosen.get((line.ref, index))
                    if rule:
                        groups[rule].append(ben)
                for rule, members in groups.items():
                    if rule.base == "collected":
                        base = collected
                    elif rule.base == "margin":
                        base = max(line.net - line.cost, 0.0) * ratio
                    else:
                        weight = fixed_weights[invoice.id, rule.id, line.ref]
                        base = (
                            rule.fixed_amount * deal_shares[invoice.id] * weight * ratio
                        )
                    base = float_round(base, precision_rounding=rounding)
                    if rule.base == "fixed":
                        rate, tier_label = 100.0, False
                    else:
                        rate, tier_label = rule.rate_for(contract_total)
                    rule_amount = (
                        0.0
                        if line_reason
                        else float_round(base * rate / 100, precision_rounding=rounding)
                    )
                    parts = split_by_shares(
                        rule_amount, [ben[2] for ben in members], rounding
                    )
                    uplift = rule.landmark_uplift if landmark else 0.0
                    for (emp_id, role, share, ben_reason, note), part in zip(
                        members, parts, strict=True
                    ):
                        dept_id, _path, positive, other = employee_info[emp_id]
                        reason = line_reason or ben_reason
                        factor = factors.get(emp_id, 1.0) if rule.multiplier else 1.0
                        gross = (
                            0.0
                            if reason
                            else float_round(
                                part * factor * (1 + uplift / 100),
                                precision_rounding=rounding,
                            )
                        )
                        net = float_round(
                            gross * (1 - deduction / 100), precision_rounding=rounding
                        )
                        if reason:
                            state = "void"
                        else:
                            state, reason = positive if net > 0 else other
                        vals_list.append(
                            {
                                "name": f"{plain['invoice_name']}: {line.name}"[:200],
                                "kind": "earn",
                                "key": f"earn/p{event.partial_id}/{line.ref}"
                                f"/e{emp_id}/{role}{suffix}",
                                "company_id": plain["company_id"],
                                "employee_id": emp_id,
                                "department_id": dept_id,
                                "date": event.pay_date,
                                "role": role,
                                "partner_id": plain["partner_id"],
                                "invoice_id": event.invoice_id,
                                "invoice_line_id": line.id,
                                "product_id": line.product_id,
                                "payment_move_id": event.payment_move_id,
                                "partial_id": event.partial_id,
                                "rule_id": rule.id,
                                "paid_ratio": ratio,
                                "netted_amount": netted,
                                "collected_amount": collected,
                                "credited_amount": float_round(
                                    collected * share / 100,
                                    precision_rounding=rounding,
                                ),
                                "base_amount": base,
                                "rate": rate,
                                "tier_label": tier_label,
                                "multiplier": factor,
                                "uplift_pct": uplift,
                                "share": share,
                                "days_late": days_late,
                                "deduction_pct": deduction,
                                "gross_amount": gross,
                                "amount": net,
                                "state": state,
                                "reason": reason,
                                "share_note": note,
                            }
                        )
        return line_model._insert_lines(vals_list)

    @api.model
    def _get_fixed_weights(self, lines_by_invoice, chosen):
        """{(invoice id, rule id, line ref): weight} spreading an invoice's part of a
        fixed amount per deal over the invoice lines its rule matched, by net base."""
        matched = defaultdict(set)
        for (line_ref, _index), rule in chosen.items():
            if rule.base == "fixed":
                matched[rule.id].add(line_ref)
        weights = {}
        if not matched:
            return weights
        for invoice_id, inv_lines in lines_by_invoice.items():
            for rule_id, refs in matched.items():
                lines = [line for line in inv_lines if line.ref in refs]
                total = sum(line.net for line in lines)
                for line in lines:
                    weights[invoice_id, rule_id, line.ref] = (
                        line.net / total if total else 1 / len(lines)
                    )
        return weights

    # ------------------------------------------------------------------
    # Clawbacks and reversals
    # ------------------------------------------------------------------
    @api.model
    def _generate_clawback_lines(self, events, key_suffix=""):
        """Negative lines for money paid back on credit notes of attributed invoices.

        For each (invoice line, employee, role), the clawback takes back the same part
        of what was earned (net, not void) as the part of the received money that is
        paid back.
        """
        line_model = self.env["asm.commission.line"]
        if not events:
            return line_model
        invoices = self.env["account.move"].browse({e.invoice_id for e in events})
        self.env.cr.execute(
            SQL(
                """
                SELECT l.invoice_id, l.invoice_line_id, l.product_id, l.employee_id,
                       l.role,
                       COALESCE(SUM(l.amount) FILTER (WHERE l.state != 'void'), 0),
                       SUM(l.paid_ratio),
                       COALESCE(SUM(l.collected_amount), 0),
                       COALESCE(SUM(l.netted_amount), 0),
                       BOOL_AND(l.state = 'on_hold')
                           FILTER (WHERE l.state != 'void' AND l.amount != 0),
                       MAX(l.id)
                  FROM unnest(%(ids)s::int[]) AS inv(invoice)
                 -- one index lookup per invoice, whatever the (possibly stale)
                 -- statistics of lines inserted in this transaction
                 CROSS JOIN LATERAL (
                       SELECT * FROM asm_commission_line line
                        WHERE line.invoice_id = inv.invoice
                          AND line.invoice_line_id IS NOT NULL
                          AND line.kind IN ('earn', 'clawback', 'reversal')
                       OFFSET 0) l
                 GROUP BY 1, 2, 3, 4, 5
                 ORDER BY 1, 2, 3, 4, 5
                """,
                ids=invoices.ids,
            )
        )
        rows = self.env.cr.fetchall()
        # what the new lines copy from the last line of each group, as plain values;
        # one primary-key lookup per line (LATERAL ... OFFSET 0): the lines
        # inserted in this transaction are not analysed yet, and with such
        # statistics a plain join or "id = ANY" scanned the whole table
        line_model.flush_model(
            [
                "name",
                "employee_id",
                "product_id",
                "rule_id",
                "rate",
                "tier_label",
                "multiplier",
                "uplift_pct",
                "share",
                "invoice_line_id",
            ]
        )
        self.env["hr.employee"].flush_model(["department_id"])
        self.env["account.move.line"].flush_model(["product_id"])
        self.env.cr.execute(
            SQL(
                """
                SELECT l.id, l.name, emp.department_id, l.product_id, l.rule_id,
                       l.rate, l.tier_label, l.multiplier, l.uplift_pct, l.share,
                       aml.product_id
                  FROM unnest(%s::int[]) AS last(id)
                 CROSS JOIN LATERAL (SELECT * FROM asm_commission_line line
                                      WHERE line.id = last.id OFFSET 0) l
                  LEFT JOIN hr_employee emp ON emp.id = l.employee_id
                  LEFT JOIN account_move_line aml ON aml.id = l.invoice_line_id
                """,
                [row[-1] for row in rows],
            )
        )
        last_by_id = {
            row[0]: LastLine(
                row[1] if row[1] is not None else False,
                row[2] or False,
                row[3] or False,
                row[4] or False,
                row[5] or 0.0,
                row[6] if row[6] is not None else False,
                row[7] or 0.0,
                row[8] or 0.0,
                row[9] or 0.0,
                row[10] or False,
            )
            for row in self.env.cr.fetchall()
        }
        payment_names = {
            move.id: move.name
            for move in self.env["account.move"].browse(
                list({e.payment_move_id for e in events})
            )
        }
        groups = defaultdict(list)
        for (
            inv_id,
            line_id,
            product_id,
            emp_id,
            role,
            earned,
            paid,
            collected,
            netted,
            held,
            last_id,
        ) in rows:
            last = last_by_id[last_id]
            # parts of a down-payment line are named after their product
            ref = f"l{line_id}"
            if product_id and product_id != last.line_product_id:
                ref += f"p{product_id}"
            groups[inv_id].append(
                {
                    "line_id": line_id,
                    "ref": ref,
                    "employee_id": emp_id,
                    "role": role,
                    "earned": float(earned),
                    "paid": paid or 0.0,
                    "collected": float(collected),
                    "netted": float(netted),
                    "held": bool(held),
                    "last": last,
                }
            )
        suffix = key_suffix or ""
        vals_list = []
        for event in events:
            invoice = invoices.browse(event.invoice_id)
            currency = invoice.company_id.currency_id
            back = self._get_event_ratio(event, invoice)
            if not back:
                continue
            for group in groups[invoice.id]:
                if group["paid"] <= 1e-9:
                    continue
                part = min(back / group["paid"], 1.0)
                ratio = part * group["paid"]
                amount = -currency.round(group["earned"] * part)
                last = group["last"]
                collected = -currency.round(group["collected"] * part)
                netted = -currency.round(group["netted"] * part)
                group["earned"] += amount
                group["paid"] -= ratio
                group["collected"] += collected
                group["netted"] += netted
                vals_list.append(
                    {
                        "name": self.env._(
                            "Refund %(refund)s: %(line)s",
                            refund=payment_names[event.payment_move_id],
                            line=last.name,
                        )[:200],
                        "kind": "clawback",
                        "key": f"claw/p{event.partial_id}/{group['ref']}"
                        f"/e{group['employee_id']}/{group['role']}{suffix}",
                        "company_id": invoice.company_id.id,
                        "employee_id": group["employee_id"],
                        "department_id": last.department_id,
                        "date": event.pay_date,
                        "role": group["role"],
                        "partner_id": invoice.commercial_partner_id.id,
                        "invoice_id": invoice.id,
                        "invoice_line_id": group["line_id"],
                        "product_id": last.product_id,
                        "payment_move_id": event.payment_move_id,
                        "partial_id": event.partial_id,
                        "rule_id": last.rule_id,
                        "paid_ratio": -ratio,
                        "netted_amount": netted,
                        "collected_amount": collected,
                        "credited_amount": currency.round(collected * last.share / 100),
                        "base_amount": collected,
                        "rate": last.rate,
                        "tier_label": last.tier_label,
                        "multiplier": last.multiplier,
                        "uplift_pct": last.uplift_pct,
                        "share": last.share,
                        "gross_amount": amount,
                        "amount": amount,
                        "state": "on_hold" if group["held"] else "payable",
                        "reason": self.env._(
                            "Clawback: %(pct)s %% of the received amount paid back",
                            pct=round(part * 100, 2),
                        ),
                    }
                )
        return line_model._insert_lines(vals_list)

    @api.model
    def _reverse_lines(self, originals, reason):
        """New lines cancelling ``originals``; never edits a line of a statement.

        A reversed line not yet payable (on hold, outside any statement) is voided
        together with its reversal: nothing was due. Otherwise the reversal is payable
        and goes to the next statement.
        """
        line_model = self.env["asm.commission.line"]
        if not originals:
            return line_model
        already = line_model.search([("reversed_line_id", "in", originals.ids)])
        originals -= already.reversed_line_id
        today = fields.Date.context_today(self)
        vals_list = []
        to_void = line_model
        for line in originals:
            if line.state == "on_hold" and not line.statement_id:
                state = "void"
                to_void |= line
            elif line.state == "void":
                state = "void"
            else:
                state = "payable"
            vals_list.append(
                {
                    "name": self.env._("Reversal of %(line)s", line=line.name)[:200],
                    "kind": "reversal",
                    "key": f"rev/{line.key or line.id}",
                    "reversed_line_id": line.id,
                    "company_id": line.company_id.id,
                    "employee_id": line.employee_id.id,
                    "department_id": line.employee_id.department_id.id,
                    "date": today,
                    "role": line.role,
                    "partner_id": line.partner_id.id,
                    "invoice_id": line.invoice_id.id,
                    "invoice_line_id": line.invoice_line_id.id,
                    "product_id": line.product_id.id,
                    "payment_move_id": line.payment_move_id.id,
                    "partial_id": line.partial_id,
                    "rule_id": line.rule_id.id,
                    "lead_id": line.lead_id.id,
                    "paid_ratio": -line.paid_ratio,
                    "netted_amount": -line.netted_amount,
                    "collected_amount": -line.collected_amount,
                    "credited_amount": -line.credited_amount,
                    "base_amount": -line.base_amount,
                    "rate": line.rate,
                    "tier_label": line.tier_label,
                    "multiplier": line.multiplier,
                    "uplift_pct": line.uplift_pct,
                    "share": line.share,
                    "days_late": line.days_late,
                    "deduction_pct": line.deduction_pct,
                    "gross_amount": -line.gross_amount,
                    "amount": -line.amount,
                    "state": state,
                    "reason": reason,
                }
            )
        created = line_model._insert_lines(vals_list)
        to_void.write(
            {"state": "void", "reason": self.env._("Reversed before it was payable")}
        )
        return created
