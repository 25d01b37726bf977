# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime
import json
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_amount, format_date, split_every
from odoo.tools.date_utils import end_of
from odoo.tools.sql import create_index, drop_index

BENEFICIARY_ROLES = [
    ("referrer", "Referrer"),
    ("salesperson", "Salesperson"),
    ("service", "Customer Service"),
    ("event", "Event Reward"),
]
LINE_KINDS = [
    ("earn", "Payment received"),
    ("clawback", "Refund (clawback)"),
    ("reversal", "Reversal"),
    ("event", "Event reward"),
    ("award", "Manual award"),
    ("manual", "Manual adjustment"),
    ("pk_fee", "PK entry fee"),
    ("pk_refund", "PK entry fee refund"),
    ("pk_prize", "PK prize"),
]
#: Column types whose values JSON carries exactly to ``_insert_lines``: numbers as
#: their shortest repr (what the arrays send too), text, ISO dates.
JSON_COLUMN_TYPES = (
    "int4",
    "numeric",
    "float8",
    "double precision",
    "varchar",
    "text",
    "date",
    "timestamp",
)


def _json_value(value):
    if isinstance(value, datetime.date):  # and datetime
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not sent as JSON")


def _json_rows(vals_list, null_fnames):
    """``vals_list`` as a JSON array of objects (False: null in ``null_fnames``), or
    None when a value has no exact JSON form (NaN, infinity, another type)."""
    try:
        return json.dumps(
            [
                {
                    fname: None if value is False and fname in null_fnames else value
                    for fname, value in vals.items()
                }
                for vals in vals_list
            ],
            default=_json_value,
            allow_nan=False,
        )
    except (TypeError, ValueError):
        return None


#: Fields only the system sets on a line (a manual adjustment never has them).
SYSTEM_LINE_FIELDS = (
    "statement_id",
    "key",
    "invoice_id",
    "invoice_line_id",
    "payment_move_id",
    "partial_id",
    "reversed_line_id",
    "award_id",
    "event_reward_id",
    "rule_id",
)
#: What a manager fills in on a manual adjustment (the line form, kind "manual").
MANUAL_ADJUSTMENT_FIELDS = (
    "name",
    "employee_id",
    "role",
    "date",
    "company_id",
    "partner_id",
    "base_amount",
    "rate",
    "share",
    "multiplier",
    "gross_amount",
    "amount",
    "reason",
    "kind",
)
#: Statement states in which lines are frozen (see asm.statement).
FROZEN_STATEMENT_STATES = ("approved", "paid")


class AsmCommissionLine(models.Model):
    """One earned (or clawed back) amount for one employee; never edited once stated.

    Lines are created by the engine (``asm.commission.engine``) from reconciled
    payments, by events and by manual awards. Each generated line has a ``key`` that
    is unique in the database: generating twice (cron, button, two users at once)
    never duplicates a line. Corrections are new lines (reversal, clawback), never
    edits of lines in an approved statement.
    """

    _name = "asm.commission.line"
    _description = "Commission Line"
    _inherit = ["mail.thread", "asm.guard.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True
    # Allow-list (asm.guard.mixin): a manager records manual adjustments (checked
    # further by ``_check_manual_adjustments``); nobody edits a line.
    _asm_create_allow = {
        "all_staff_marketing.group_manager": MANUAL_ADJUSTMENT_FIELDS,
    }
    _asm_write_allow = {}
    _asm_system_fields = (
        *SYSTEM_LINE_FIELDS,
        "name",
        "company_id",
        "employee_id",
        "date",
        "role",
        "partner_id",
        "base_amount",
        "rate",
        "tier_label",
        "multiplier",
        "share",
        "days_late",
        "deduction_pct",
        "gross_amount",
        "amount",
        "reason",
        "share_note",
        "state",
        "kind",
        "product_id",
        "lead_id",
        "paid_ratio",
        "collected_amount",
        "netted_amount",
        "credited_amount",
        "uplift_pct",
    )

    # Indexes (issue 9, bench/bench_commission.py --indexes): a generated line pays
    # for every index it enters, so only the read paths below keep one. Mostly-null
    # columns get partial indexes (btree_not_null): a payment line never enters them.
    # No index: company_id (every line of a company matches the multi-company rule;
    # a company is never deleted), state (3 values; statements and the quota job
    # read a large share of the table in one linear pass), partner_id (no list
    # filter or job reads lines by customer; a customer with lines has invoices and
    # cannot be deleted), product_id, rule_id, department_id.
    name = fields.Char(string="Description", required=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    # index (composite (employee_id, date), see init): record rules (own lines:
    # employee_id.user_id; team), the quota job (employees' lines of a month),
    # statements' lines per employee
    employee_id = fields.Many2one(
        "hr.employee",
        string="Employee",
        required=True,
        check_company=True,
        tracking=True,
    )
    department_id = fields.Many2one(
        "hr.department", related="employee_id.department_id", store=True
    )
    # index: the list's order (date desc, id desc) reads the first page of a
    # million lines backwards in the index instead of sorting them all
    date = fields.Date(required=True, index=True, default=fields.Date.context_today)
    role = fields.Selection(BENEFICIARY_ROLES, required=True, default="referrer")
    partner_id = fields.Many2one("res.partner", string="Customer", check_company=True)
    # index: the invoice's Commissions button and count, the engine's earlier lines
    # of an invoice (clawbacks, weights), deleting an invoice (ON DELETE SET NULL)
    invoice_id = fields.Many2one(
        "account.move", string="Invoice", index="btree_not_null", check_company=True
    )
    # index (new, issue 9): deleting any journal entry (a draft invoice, a cancelled
    # payment) sets this to null through the foreign key; without the index each
    # deletion scanned every line (87 ms at 105,000 lines, 1.9 ms with it)
    payment_move_id = fields.Many2one(
        "account.move",
        string="Payment",
        index="btree_not_null",
        check_company=True,
        help="Journal entry of the payment (or credit note) that triggered this line.",
    )
    base_amount = fields.Monetary(
        currency_field="currency_id",
        help="Collected untaxed amount, margin or event amount the rate applies to.",
    )
    # rates, multipliers, shares and ratios do not add up: no group total
    rate = fields.Float(string="Rate (%)", digits=(16, 4), aggregator=None)
    tier_label = fields.Char(string="Tier", help="Contract-size tier that applied.")
    multiplier = fields.Float(default=1.0, digits=(16, 4), aggregator=None)
    share = fields.Float(string="Share (%)", default=100.0, aggregator=None)
    days_late = fields.Integer(aggregator="max")
    deduction_pct = fields.Float(string="Late Deduction (%)", aggregator=None)
    gross_amount = fields.Monetary(
        currency_field="currency_id", help="Amount before the late-payment deduction."
    )
    amount = fields.Monetary(
        string="Net Amount", currency_field="currency_id", tracking=True
    )
    reason = fields.Char(help="Why the line earns nothing, is on hold or void.")
    share_note = fields.Char(
        help="Why this employee holds this share, when it is not their own: e.g. the "
        "customer-service share of a deal without a customer-service employee, "
        "redirected as the company's settings say.",
    )
    state = fields.Selection(
        [
            ("to_confirm", "To Confirm"),
            ("on_hold", "On Hold"),
            ("payable", "Payable"),
            ("void", "Void"),
        ],
        required=True,
        default="payable",
        tracking=True,
    )
    # index (null until stated): a statement's lines and totals; deleting a statement
    statement_id = fields.Many2one(
        "asm.statement",
        string="Statement",
        index="btree_not_null",
        ondelete="restrict",
        tracking=True,
    )
    # --- commission engine ---
    kind = fields.Selection(
        LINE_KINDS,
        required=True,
        default="manual",
        help="What produced the line: a payment, a refund, the reversal of an earlier "
        "line, an event, a manual award or a manual adjustment.",
    )
    key = fields.Char(
        readonly=True,
        copy=False,
        help="Technical: what the line was generated from. Unique, so generating "
        "twice never duplicates a line.",
    )
    rule_id = fields.Many2one("asm.commission.rule", string="Rule", ondelete="restrict")
    # index: deleting invoice lines (every edit of a draft invoice) sets this to null
    # through the foreign key, one lookup per deleted line
    invoice_line_id = fields.Many2one(
        "account.move.line",
        string="Invoice Line",
        ondelete="set null",
        index="btree_not_null",
    )
    product_id = fields.Many2one("product.product", string="Product")
    # index: unreconciling (the queue's 'reverse' rows, _reverse_partials) and the
    # back-application's "no line yet" test
    partial_id = fields.Integer(
        string="Reconciliation",
        index="btree_not_null",
        help="Technical: id of the reconciliation (account.partial.reconcile) that "
        "produced the line; kept after that reconciliation is removed.",
    )
    # index (mostly null): whether a line was reversed already; the self foreign key
    reversed_line_id = fields.Many2one(
        "asm.commission.line",
        string="Reverses",
        ondelete="restrict",
        index="btree_not_null",
        readonly=True,
    )
    # index (null on payment lines): a lead's event lines; deleting a lead
    lead_id = fields.Many2one(
        "crm.lead", string="Lead", ondelete="set null", index="btree_not_null"
    )
    event_reward_id = fields.Many2one(
        "asm.event.reward", string="Event Reward", ondelete="restrict"
    )
    # index (null on payment lines): an award's lines; deleting an award
    award_id = fields.Many2one(
        "asm.award", string="Award", ondelete="restrict", index="btree_not_null"
    )
    paid_ratio = fields.Float(
        string="Paid Part",
        digits=(16, 8),
        aggregator=None,
        help="Part of the invoice total (taxes included, in the invoice currency) "
        "paid in money by this payment (negative: paid back). Write-offs, "
        "credit notes and exchange differences are not money.",
    )
    collected_amount = fields.Monetary(
        currency_field="currency_id",
        help="Untaxed amount of the invoice line collected by this payment: the line "
        "times the paid part, less its share of the invoice's deductions.",
    )
    netted_amount = fields.Monetary(
        string="Deductions Netted",
        currency_field="currency_id",
        help="Share of the invoice's negative lines (down-payment deductions, "
        "discounts, rebates) that reduces this line's collected amount, times the "
        "paid part.",
    )
    credited_amount = fields.Monetary(
        string="Credited to Quota",
        currency_field="currency_id",
        help="Collected amount credited to the employee (collected x share) for the "
        "monthly quota of business departments.",
    )
    uplift_pct = fields.Float(
        string="Landmark Uplift (%)",
        aggregator=None,
        help="Extra percentage for landmark projects.",
    )
    rule_note = fields.Char(
        string="Why This Rule",
        compute="_compute_rule_note",
        help="Rules match the invoice date: the rule that applied and why a rule "
        "valid only from a later date did not.",
    )
    explanation = fields.Char(
        compute="_compute_explanation",
        help="Why the amount is what it is: days late and deduction, the reason of "
        "a void or on-hold line, who holds a redirected share.",
    )
    invoice_pending = fields.Boolean(
        string="Being Computed",
        compute="_compute_invoice_pending",
        help="More payments of this line's invoice wait in the commission queue: "
        "their lines appear within seconds.",
    )

    _sql_constraints = [
        (
            "key_uniq",
            "unique(key)",
            "This commission line was already generated.",
        )
    ]

    def init(self):
        # indexes of earlier versions that no read path needs (company_id, state,
        # partner_id) or that the composite below replaces (employee_id): Odoo
        # keeps an index the field no longer asks for, so drop them here
        for column in ("company_id", "state", "partner_id", "employee_id"):
            drop_index(self.env.cr, f"{self._table}__{column}_index", self._table)
        # an employee's lines (record rules, statements) and their lines of one
        # month (the quota's credited total): one composite index serves both
        create_index(
            self.env.cr,
            "asm_commission_line_employee_date_index",
            self._table,
            ["employee_id", "date"],
        )
        # the quota decisions read the on-hold lines only (a small part of the
        # table): a partial index, which other lines never enter
        create_index(
            self.env.cr,
            "asm_commission_line_on_hold_index",
            self._table,
            ["employee_id", "date"],
            where="state = 'on_hold'",
        )

    def _compute_invoice_pending(self):
        # system read: the queue is technical, the flag is not
        pending = (
            self.env["asm.commission.queue"]
            .sudo()
            ._get_pending_invoice_ids(self.sudo().invoice_id.ids)
        )
        for line in self:
            line.invoice_pending = line.sudo().invoice_id.id in pending

    @api.depends("rule_id", "invoice_id.invoice_date")
    def _compute_rule_note(self):
        for line in self:
            invoice_date = line.sudo().invoice_id.invoice_date
            if not line.rule_id or not invoice_date:
                line.rule_note = False
                continue
            line.rule_note = self.env._(
                "First rule, by sequence, valid on the invoice date %(date)s whose "
                "filters all match; rules valid only from a later date do not apply "
                "to this invoice.",
                date=format_date(self.env, invoice_date),
            )

    @api.depends("days_late", "deduction_pct", "reason", "share_note")
    def _compute_explanation(self):
        for line in self:
            parts = []
            if line.days_late > 0 and line.deduction_pct:
                parts.append(
                    self.env._(
                        "Paid %(days)s days late: -%(pct)s %%",
                        days=line.days_late,
                        pct=f"{line.deduction_pct:g}",
                    )
                )
            elif line.days_late > 0:
                parts.append(
                    self.env._(
                        "Paid %(days)s days late: no deduction", days=line.days_late
                    )
                )
            parts += [text for text in (line.reason, line.share_note) if text]
            line.explanation = "; ".join(parts)

    # ------------------------------------------------------------------
    # Freezing: lines of approved/paid statements never change
    # ------------------------------------------------------------------
    def _check_not_frozen(self):
        frozen = self.filtered(
            lambda line: line.statement_id.state in FROZEN_STATEMENT_STATES
        )
        if frozen:
            raise UserError(
                self.env._(
                    "Commission line %(line)s belongs to statement %(statement)s, "
                    "which is approved: it cannot change. Corrections go to the next "
                    "statement: record them as new lines (a reversal or a manual "
                    "adjustment).",
                    line=frozen[0].name,
                    statement=frozen[0].statement_id.display_name,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            # the allow-list (asm.guard.mixin) refuses any state but the default
            self._check_manual_adjustments(vals_list)
        return super().create(vals_list)

    @api.model
    def _check_manual_adjustments(self, vals_list):
        """A user creates manual adjustments only: a manager, with a reason."""
        if not self.env.user.has_group("all_staff_marketing.group_manager"):
            raise AccessError(
                self.env._("Only commission managers can record a manual adjustment.")
            )
        for vals in vals_list:
            system = [fname for fname in SYSTEM_LINE_FIELDS if vals.get(fname)]
            if vals.get("kind", "manual") != "manual" or system:
                raise UserError(
                    self.env._(
                        "Commission lines are generated by the system; a user only "
                        "records manual adjustments (kind 'Manual adjustment', no "
                        "statement, invoice, payment, award or key)."
                    )
                )
            employee = self.env["hr.employee"].sudo().browse(vals.get("employee_id"))
            if employee.user_id == self.env.user:
                raise UserError(
                    self.env._(
                        "You cannot record a manual adjustment for yourself: another "
                        "manager must record it."
                    )
                )
            if not (vals.get("reason") or "").strip():
                raise UserError(
                    self.env._(
                        "A manual adjustment needs a reason: say what it corrects "
                        "and why."
                    )
                )

    @api.model
    def _asm_get_guard_hint(self):
        return self.env._(
            "commission lines are never edited: record a correction as a new manual "
            "adjustment line with its reason (it goes to the next statement)"
        )

    def write(self, vals):
        # a user writes nothing (asm.guard.mixin); system steps (engine, quotas,
        # statements) are bulk writes whose trail is the line itself (reason, key,
        # reversal lines): not one message per line
        self = self.with_context(tracking_disable=True)
        self._check_not_frozen()
        if vals.get("statement_id"):
            statement = self.env["asm.statement"].browse(vals["statement_id"])
            if statement.state in FROZEN_STATEMENT_STATES:
                raise UserError(
                    self.env._(
                        "Statement %(statement)s is approved: no line can be added. "
                        "Corrections go to the next statement.",
                        statement=statement.display_name,
                    )
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_frozen_or_generated(self):
        self._check_not_frozen()
        generated = self.filtered("key")
        if generated:
            raise UserError(
                self.env._(
                    "Commission line %(line)s was generated from a payment or an "
                    "event and cannot be deleted; record a correction instead (it "
                    "goes to the next statement).",
                    line=generated[0].name,
                )
            )

    # ------------------------------------------------------------------
    # Idempotent insertion
    # ------------------------------------------------------------------
    @api.model
    def _insert_lines(self, vals_list):
        """Insert generated lines, skipping those whose ``key`` already exists.

        One ``INSERT ... ON CONFLICT (key) DO NOTHING`` per batch: the unique index on
        ``key`` is what guarantees that concurrent runs never duplicate a line. Values
        must be complete (this is a system step: no defaults, no access check) and
        carry the stored related ``department_id``. Returns the inserted lines.

        The rows travel as one JSON parameter (``json_populate_recordset``):
        PostgreSQL parses one value much faster than one array constant per value
        (``unnest``, about half of the insert's time for a batch of the engine);
        values JSON cannot carry exactly (not a number, other types) fall back to
        the arrays.
        """
        if not vals_list:
            return self.browse()
        self.env.flush_all()
        fnames = sorted(set().union(*vals_list))
        columns = SQL(", ").join(SQL.identifier(fname) for fname in fnames)
        casts = [self._fields[fname].column_type[1] for fname in fnames]
        # False means NULL except in boolean columns
        nulls = [self._fields[fname].type != "boolean" for fname in fnames]
        null_fnames = {fname for fname, null in zip(fnames, nulls, strict=True) if null}
        # (the column types, as the arrays cast them: a sized varchar, truncated
        # by that cast, goes as arrays)
        as_json = all(cast.lower() in JSON_COLUMN_TYPES for cast in casts)
        uid = self.env.uid
        ids = []
        for batch in split_every(5000, vals_list, list):
            rows = _json_rows(batch, null_fnames) if as_json else None
            if rows is not None:
                source = SQL(
                    "SELECT %s FROM json_populate_recordset("
                    "NULL::asm_commission_line, %s::json)",
                    columns,
                    rows,
                )
            else:
                params = [
                    [
                        None if null and vals.get(fname) is False else vals.get(fname)
                        for vals in batch
                    ]
                    for fname, null in zip(fnames, nulls, strict=True)
                ]
                # cast: from the field definitions
                unnest = SQL(", ").join(
                    SQL("%s::%s[]", param, SQL(cast))
                    for cast, param in zip(casts, params, strict=True)
                )
                source = SQL("SELECT * FROM unnest(%s)", unnest)
            self.env.cr.execute(
                SQL(
                    """
                    INSERT INTO asm_commission_line
                        (%(columns)s, create_uid, write_uid, create_date, write_date)
                    SELECT rows.*, %(uid)s, %(uid)s,
                           now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
                      FROM (%(source)s) AS rows
                    ON CONFLICT (key) DO NOTHING
                    RETURNING id
                    """,
                    columns=columns,
                    uid=uid,
                    source=source,
                )
            )
            ids.extend(row[0] for row in self.env.cr.fetchall())
        # the cache of one2many fields listing lines (statement, award...) is stale
        for fname in fnames:
            for inverse in self.pool.field_inverses[self._fields[fname]]:
                self.env[inverse.model_name].invalidate_model([inverse.name])
        return self.browse(ids)

    # ------------------------------------------------------------------
    # Monthly quota of business departments (DOMAIN §1, §5)
    # ------------------------------------------------------------------
    @api.model
    def _get_initial_states(self, employees):
        """{employee id: (state, reason)} of new positive lines of ``employees``.

        Business-department staff wait for their monthly quota; lines that earn
        nothing or take back are never held. Override for another policy.
        """
        held = ("on_hold", self.env._("Waiting for the monthly quota"))
        return {
            employee.id: held
            if employee.department_id.asm_business
            else ("payable", False)
            for employee in employees
        }

    @api.model
    def _get_initial_state(self, employee, amount):
        """(state, reason) of a new line of ``employee`` earning ``amount``."""
        if amount <= 0:
            return "payable", False
        return self._get_initial_states(employee)[employee.id]

    @api.model
    def _update_quota_states(self, lines=None, close=False, today=None):
        """Release on-hold lines whose month's quota is met; void unmet closed months.

        The quota of a month is met when the collected amount credited to the employee
        in that month (all their lines of the month) reaches their department's
        monthly quota. With ``close``, months closed for the quota (``today`` is past
        the month's end plus the company's grace period, ``asm_quota_grace_days``)
        are decided: their still unmet on-hold lines become void with the reason.
        A line arriving late in a closed month is evaluated like the others: released
        if the month's quota is met with it, else void. ``lines``: only the
        employees of these lines (generation); else everybody (the daily cron and
        the queue job once the queue is empty).

        Set-based: one aggregate query finds the (employee, month) groups of on-hold
        lines outside statements with their credited total and quota, then one
        write per decision (the state change is tracked on each line).
        """
        employee_ids = None
        if lines is not None:
            if not lines:
                return
            self.env.flush_all()
            self.env.cr.execute(
                SQL(
                    """
                    SELECT DISTINCT employee_id FROM asm_commission_line
                     WHERE id = ANY(%s) AND state = 'on_hold'
                    """,
                    lines.ids,
                )
            )
            employee_ids = [row[0] for row in self.env.cr.fetchall()]
            if not employee_ids:
                return
        else:
            self.env.flush_all()
        # on-hold lines (partial index asm_commission_line_on_hold_index) grouped by
        # employee and month; the credited total of each group reads all the
        # employee's lines of that month (index on employee_id)
        self.env.cr.execute(
            SQL(
                """
                WITH held AS (
                    SELECT employee_id, company_id,
                           date_trunc('month', date)::date AS month,
                           array_agg(id ORDER BY id) AS ids
                      FROM asm_commission_line
                     WHERE state = 'on_hold' AND statement_id IS NULL
                       %(employees)s
                     GROUP BY employee_id, company_id, date_trunc('month', date)
                )
                SELECT h.employee_id, h.company_id, h.month, h.ids,
                       COALESCE((
                           SELECT SUM(l.credited_amount)
                             FROM asm_commission_line l
                            WHERE l.employee_id = h.employee_id
                              AND l.date >= h.month
                              AND l.date < h.month + interval '1 month'
                       ), 0.0),
                       CASE WHEN d.asm_business
                            THEN COALESCE(d.asm_monthly_quota, 0.0) ELSE 0.0 END
                  FROM held h
                  JOIN hr_employee e ON e.id = h.employee_id
                  LEFT JOIN hr_department d ON d.id = e.department_id
                 ORDER BY h.employee_id, h.month
                """,
                employees=SQL("AND employee_id = ANY(%s)", employee_ids)
                if employee_ids is not None
                else SQL(),
            )
        )
        groups = self.env.cr.fetchall()
        if not groups:
            return
        today = today or fields.Date.context_today(self)
        companies = self.env["res.company"].browse({row[1] for row in groups})
        to_release = []
        to_void = defaultdict(list)
        for _emp_id, company_id, month, ids, done, quota in groups:
            company = companies.browse(company_id)
            currency = company.currency_id
            if currency.compare_amounts(done, quota) >= 0:
                to_release += ids
            elif close and self._is_quota_month_closed(company, month, today):
                reason = self.env._(
                    "Monthly quota not met: %(done)s credited of %(quota)s in "
                    "%(month)s",
                    done=format_amount(self.env, done, currency),
                    quota=format_amount(self.env, quota, currency),
                    month=month.strftime("%Y-%m"),
                )
                to_void[reason] += ids
        if to_release:
            self.browse(to_release).write({"state": "payable", "reason": False})
        for reason, void_ids in to_void.items():
            self.browse(void_ids).write({"state": "void", "reason": reason})

    @api.model
    def _is_quota_month_closed(self, company, month, today):
        """True when the quota of ``month`` is decided in ``company`` on ``today``:
        the month ended more than the grace period ago."""
        grace = timedelta(days=company.asm_quota_grace_days)
        return end_of(month, "month") + grace < today

    @api.model
    def _cron_update_quota_states(self, today=None):
        """Daily: release met quotas and close months whose grace period is over.

        Months are not closed while payments wait in the commission queue: the
        queue job closes them once it has emptied the queue, so a month is judged
        on all its payments whatever order the workers computed them in.
        """
        idle = self.env["asm.commission.queue"].sudo()._is_idle()
        self._update_quota_states(close=idle, today=today)

    # ------------------------------------------------------------------
    # Event rewards (DOMAIN §5): lead grade reached, bid lost
    # ------------------------------------------------------------------
    @api.model
    def _prepare_flat_line_vals(self, employee, amount, **values):
        """Values of a line paying ``amount`` as such to ``employee`` (event reward,
        award, PK fee/refund/prize): no rate, share or multiplier applies.
        ``values``: the rest (name, kind, key, company_id, date, state...)."""
        return {
            "employee_id": employee.id,
            "department_id": employee.department_id.id,
            "role": "event",
            "base_amount": amount,
            "rate": 100.0,
            "multiplier": 1.0,
            "share": 100.0,
            "gross_amount": amount,
            "amount": amount,
            **values,
        }

    @api.model
    def _create_event_lines(self, event_type, leads, grade=False):
        """Create the reward lines of an event on ``leads``; idempotent.

        :param event_type: ``'grade'`` (a lead reached ``grade``, code 'c'/'b'/'a') or
            ``'lost'`` (the lead was lost with a reason that has a reward).
        The beneficiary is the lead's referrer. For every lead, the first active
        ``asm.event.reward`` (by sequence) of its company that matches the event and
        the referrer's department kind pays once: calling again creates nothing.
        Returns the created lines.
        """
        leads = leads.filtered("referrer_id")
        if not leads:
            return self.browse()
        rewards = self.env["asm.event.reward"]._get_rewards(
            event_type, leads.company_id | self.env.company
        )
        vals_list = []
        today = fields.Date.context_today(self)
        for lead in leads:
            employee = lead.referrer_id
            company = lead.company_id or employee.company_id
            reward = next(
                (
                    reward
                    for reward in rewards
                    if reward._matches_event(lead, employee, company, grade)
                ),
                None,
            )
            if not reward:
                continue
            amount = reward.amount
            # a CRM change is one person's word: someone else confirms the reward
            state, reason = self._get_event_confirmation_state(amount)
            vals_list.append(
                self._prepare_flat_line_vals(
                    employee,
                    amount,
                    name=self.env._(
                        "%(reward)s: %(lead)s", reward=reward.name, lead=lead.name
                    ),
                    kind="event",
                    key=f"event/{reward.id}/lead{lead.id}/emp{employee.id}",
                    company_id=company.id,
                    date=today,
                    partner_id=lead.partner_id.commercial_partner_id.id,
                    lead_id=lead.id,
                    event_reward_id=reward.id,
                    state=state,
                    reason=reason,
                )
            )
        lines = self._insert_lines(vals_list)
        self._update_quota_states(lines)
        return lines

    @api.model
    def _get_event_confirmation_state(self, amount):
        """(state, reason) of a new event reward line triggered by a CRM change."""
        if amount <= 0:
            return "payable", False
        return "to_confirm", self.env._(
            "Triggered by %(user)s: another officer or a manager confirms it (not "
            "its beneficiary, not %(user)s)",
            user=self.env.user.name,
        )

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------
    def _check_can_confirm_reward(self):
        """An officer of the beneficiary's team or a manager, who neither triggered
        the reward nor benefits from it."""
        if not self.env.user.has_group("all_staff_marketing.group_officer"):
            raise AccessError(
                self.env._("Only commission officers and managers confirm rewards.")
            )
        self.check_access("read")
        for line in self.sudo():
            if line.state != "to_confirm" or line.kind != "event":
                raise UserError(
                    self.env._(
                        "%(line)s is not an event reward waiting for confirmation.",
                        line=line.display_name,
                    )
                )
            if self.env.user in (line.create_uid | line.employee_id.user_id):
                raise UserError(
                    self.env._(
                        "You cannot confirm %(line)s: you triggered it or it pays "
                        "you. Another officer or a manager confirms it.",
                        line=line.display_name,
                    )
                )

    def action_confirm_reward(self):
        """Confirm event rewards: payable (or waiting for the quota) from now on."""
        self._check_can_confirm_reward()
        lines = self.sudo()
        states = lines._get_initial_states(lines.employee_id)
        confirmed = self.env._("Confirmed by %(user)s", user=self.env.user.name)
        by_state = defaultdict(lambda: lines.browse())
        for line in lines:
            by_state[states[line.employee_id.id]] |= line
        for (state, reason), group in by_state.items():
            group.write({"state": state, "reason": reason or confirmed})
        lines._update_quota_states(lines)
        return True

    def action_refuse_reward(self):
        """Refuse event rewards: void, with who refused them."""
        self._check_can_confirm_reward()
        self.sudo().write(
            {
                "state": "void",
                "reason": self.env._("Refused by %(user)s", user=self.env.user.name),
            }
        )
        return True

    @api.model
    def action_recompute(self):
        """Process the reconciliations queued after a failed hook (only adds)."""
        if not self.env.user.has_group("all_staff_marketing.group_manager"):
            raise UserError(
                self.env._("Only commission managers can recompute commissions.")
            )
        # system step: the engine reads invoices and payments the manager may not see
        created = (
            self.env["asm.commission.engine"].sudo()._recompute(self.env.companies)
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%(count)s commission line(s) added.", count=len(created)
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
