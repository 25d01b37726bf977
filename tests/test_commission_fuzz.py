"""The commission invariant, fuzzed (issue #8, item 10).

Random sequences of accounting operations on attributed invoices; after each sequence
every beneficiary's non-void commission lines must add up to what the sequence itself
says is due: rule x share x money received, each payment with its own late deduction,
net of money paid back. The expected amount is computed here, from the operations
(``Oracle``), never from the engine. After the operations the nightly recompute runs
and must change nothing. ``REGRESSION_SCENARIOS`` are fixed scenarios (bugs found by
the fuzzing, DOMAIN §6) whose oracle figures are also checked against hand figures.

Operations (``OP_WEIGHTS``): partial / full / over-payments (bank or cash, early, on
time or late, in the invoice's or the company's currency), early-discount payments,
payments with a write-off, bad-debt entries, goodwill credit notes, credit notes
refunded in cash (or later, with a write-off of the rest), credit notes without origin,
unreconcile, cancel, removing one payment or credit note from an invoice, re-applying
outstanding payments, one payment for two invoices, invoices and credit notes reset to
draft (optionally changed) and posted again. Features (``FEATURES``): foreign currency
with moving rates, negative (down-payment) lines, line discounts, 13 % tax, early
discount and instalment terms, 70/30, 100/0 and 10/80/10 shares, a salesperson whose
lines wait for the monthly quota. Each scenario runs in a savepoint rolled back at the
end (about 1-1.5 s per scenario on 2 shared cores).

Reproduce a run:
``ASM_FUZZ_SEED=<seed> make test ARGS="tests/test_commission_fuzz.py"``; one scenario
only: add ``ASM_FUZZ_ONLY=<index>``. ``ASM_FUZZ_SCENARIOS`` sets how many scenarios run
(default 200); ``ASM_FUZZ_VERBOSE=1`` prints every scenario and what each operation
did; ``ASM_FUZZ_EXCLUDE=kind,feature`` leaves operation kinds or features out.

Rounding: the engine rounds each line (per payment, invoice line and beneficiary) to the
cent, the oracle does not round at all. The exact-cent invariant is therefore not
reachable once an invoice has several lines or payments (three lines earning 0.333 each
are booked 0.33 + 0.33 + 0.33); a beneficiary's total may differ from the oracle by at
most two cents per earning or clawback line booked for them (``ROUNDING_PER_LINE``):
the line's gross is its part of the rounded gross of all roles, split so that the parts
add up (largest remainder: under one cent from its exact share of the rounded total,
plus at most half a cent of that total's rounding), and its amount is that gross less
the late deduction, rounded again (half a cent). Seen: 3,517.19 at 1 % split 10/80/10
gives 3.52/28.13/3.52 (exact 28.1375), 60 days late -20 % -> 22.50 where the oracle
says 22.5101. Reversal lines negate a line exactly and add no error.
"""

import logging
import os
import random
import time
import traceback
from dataclasses import dataclass, field
from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import UserError, ValidationError

from .commission_common import CommissionCase

_logger = logging.getLogger(__name__)

#: The rule of the fixture (CommissionCase): 1 % of the collected untaxed amount.
RULE_RATE = 1.0
#: Late brackets of the fixture (DOMAIN §6), longest delay first: (more than, -%).
LATE_BRACKETS = ((180, 100.0), (60, 50.0), (30, 20.0))
TAX_PCT = 13.0
ROUNDING_PER_LINE = 0.02
FIRST_INVOICE_DATE = date(2025, 2, 1)
TERM_DAYS = 28
#: Foreign currency per unit of company currency, from each date on.
FOREIGN_RATES = (
    (date(2025, 1, 1), 0.92),
    (date(2025, 2, 10), 1.08),
    (date(2025, 3, 1), 0.87),
    (date(2025, 3, 20), 1.12),
    (date(2025, 4, 15), 0.95),
    (date(2025, 6, 1), 1.21),
    (date(2025, 8, 1), 0.81),
    (date(2025, 10, 1), 1.04),
    (date(2026, 1, 1), 0.99),
)
#: Operation kinds and their weights in a drawn sequence.
OP_WEIGHTS = {
    "pay": 30,  # partial, full or over-payment; early / on time / late; bank or cash
    "pay_epd": 5,  # paid within the early-discount days: the discount is not money
    "writeoff": 7,  # part paid, the rest written off (not money)
    "baddebt": 4,  # the residual written off by a miscellaneous entry (not money)
    "goodwill": 7,  # credit note set against the invoice (not money)
    "credit_other": 4,  # a credit note without origin used on the invoice (not money)
    "refund": 11,  # credit note, the part not set against the invoice paid in cash
    "unreconcile": 10,  # a payment unreconciled (stays as outstanding credit)
    "cancel": 7,  # a payment reset to draft and cancelled
    "redraft": 6,  # the invoice reset to draft and posted again
    "reapply": 18,  # an outstanding payment reconciled again (re-payment)
    "unmatch": 7,  # one payment removed from one invoice (the invoice's widget)
    "pay_both": 6,  # one payment for both invoices of the scenario
    "refund_open": 6,  # an open credit note paid back in cash (rest maybe written off)
    "redraft_cn": 4,  # a credit note reset to draft and posted again
}
#: Scenario features besides the operations (each can be excluded like an operation).
FEATURES = (
    "foreign_currency",
    "negative_lines",
    "line_discounts",
    "tax",
    "early_discount",
    "instalments",
    "service_share",
    "grouped_early_discount",  # one payment for two invoices within discount days
    "business_salesperson",  # lines on hold until the monthly quota is met
)
#: Operation kinds or features left out of the drawn scenarios because of an engine
#: bug that is not fixed yet (see /work/helpers/FUZZ_FINDINGS.md). Empty: everything
#: is fuzzed. ``ASM_FUZZ_EXCLUDE=kind,feature`` excludes more for one run.
EXCLUDED = frozenset()
#: Payment terms of the drawn invoices.
TERMS = {
    "plain": f"due after {TERM_DAYS} days",
    "early_discount": f"2 % early discount within 10 days, net {TERM_DAYS} days",
    "instalments": f"50 % after {TERM_DAYS} days, 50 % after {TERM_DAYS + 30} days",
}
#: Shares (referrer, salesperson, service) drawn per scenario (DOMAIN §5).
SHARE_SPLITS = ((70.0, 30.0, 0.0), (100.0, 0.0, 0.0), (10.0, 80.0, 10.0))
ROLES = ("referrer", "salesperson", "service")


def _scenario(lines, ops, tax=False, foreign=False, shares=(70.0, 30.0, 0.0), **kw):
    """A hand-written scenario with one invoice (or ``invoices=[...]``)."""
    invoices = kw.pop("invoices", None) or [
        {"lines": lines, "tax": tax, "terms": kw.pop("terms", "plain")}
    ]
    return {
        "business": False,
        "foreign": foreign,
        "shares": dict(zip(ROLES, shares, strict=True)),
        "invoices": invoices,
        "ops": ops,
    }


#: (name, scenario, {role: amount computed by hand}); invoice dated 1 Feb 2025, due
#: 1 Mar 2025; operation arguments as drawn by ``_draw_op``.
REGRESSION_SCENARIOS = (
    (
        # DOMAIN §6: 60,000 on time -> 600; 40,000 75 days late -> 400 - 50 % = 200
        "domain example: 100,000, 60 % on time, the rest 75 days late",
        _scenario(
            [(100000.0, 0.0)],
            [("pay", 0, 0.6, 14, False, False), ("pay", 0, 1, 75, False, False)],
            shares=(100.0, 0.0, 0.0),
        ),
        {"referrer": 800.0, "salesperson": 0.0},
    ),
    (
        # paid 75 days late: 1,000 - 50 % = 500; half refunded in cash: -250
        "cash refund takes back what was earned, deduction included",
        _scenario(
            [(100000.0, 0.0)],
            [
                ("pay", 0, 1, 75, False, False),
                ("refund", 0, 0.5, 1, 80, False),
            ],
            shares=(100.0, 0.0, 0.0),
        ),
        {"referrer": 250.0},
    ),
    (
        # main's engine counted the write-off: 1 % x 38,989.60 x 70 % = 272.93
        "write-off is not money: 1 % x 22,613.97 paid",
        _scenario([(38989.6, 0.0)], [("writeoff", 0, 0.58, 0)]),
        {"referrer": 158.2978, "salesperson": 67.8419},
    ),
    (
        # 1 % x (22,443.29 - 10,423.89) x 50 % (125 days late)
        "negative line nets the base",
        _scenario(
            [(22443.29, 0.0), (-10423.89, 0.0)],
            [("pay", 0, 1, 125, False, False)],
            tax=True,
        ),
        {"referrer": 42.0679, "salesperson": 18.0291},
    ),
    (
        # base 20,748.82 / 0.92 = 22,552.96 at the invoice's rate; 38 days late -20 %;
        # paid at the rate 1.12: still 100 % of the invoice
        "foreign currency fully paid earns 100 %",
        _scenario(
            [(20748.82, 0.0)],
            [("pay", 0, 1, 38, False, False)],
            tax=True,
            foreign=True,
        ),
        {"referrer": 126.2966, "salesperson": 54.1270},
    ),
    (
        # #0 paid in full: 1 % x 14,103.38; #1 (16,933.15 untaxed, no tax) pays 98 %
        # (its 2 % early discount): 1 % x 16,933.15 x 0.98; total 306.9787
        "grouped payment: the early discount belongs to its invoice (F1)",
        _scenario(
            None,
            [("pay_both", 1, -12, True)],
            invoices=[
                {"lines": [(14103.38, 0.0)], "tax": True, "terms": "plain"},
                {
                    "lines": [(24190.21, 30.0)],
                    "tax": False,
                    "terms": "early_discount",
                },
            ],
        ),
        {"referrer": 214.8851, "salesperson": 92.0936},
    ),
)


class ScenarioFailure(Exception):
    """A scenario whose commission lines break the invariant (or the harness)."""


# ----------------------------------------------------------------------
# Drawing scenarios
# ----------------------------------------------------------------------
def _draw_days(rng):
    """Days from the due date: early, on time, each late bracket, its boundaries."""
    if rng.random() < 0.15:
        return rng.choice((0, 30, 31, 60, 61, 180, 181))
    low, high = rng.choice(((-25, -1), (0, 30), (31, 60), (61, 180), (181, 260)))
    return rng.randint(low, high)


def _draw_fraction(rng):
    return 1.0 if rng.random() < 0.25 else round(rng.uniform(0.05, 0.9), 2)


def _draw_op(rng, kind, n_invoices):
    inv = rng.randrange(n_invoices)
    if kind == "pay":
        frac = _draw_fraction(rng)
        if rng.random() < 0.1:  # over-payment: the rest stays as outstanding credit
            frac = round(rng.uniform(1.05, 1.6), 2)
        in_company_currency = rng.random() < 0.25
        cash = rng.random() < 0.3
        return (kind, inv, frac, _draw_days(rng), cash, in_company_currency)
    if kind == "pay_epd":
        return (kind, inv, rng.randint(0, 10), rng.random() < 0.3)
    if kind == "writeoff":
        return (kind, inv, round(rng.uniform(0.5, 0.99), 2), _draw_days(rng))
    if kind == "baddebt":
        return (kind, inv)
    if kind in ("goodwill", "credit_other"):
        return (kind, inv, round(rng.uniform(0.05, 0.6), 2), _draw_days(rng))
    if kind == "refund":
        frac = round(rng.uniform(0.05, 0.8), 2)
        in_company_currency = rng.random() < 0.25
        return (
            kind,
            inv,
            frac,
            _draw_fraction(rng),
            _draw_days(rng),
            in_company_currency,
        )
    if kind in ("unreconcile", "cancel"):
        return (kind, rng.randrange(8))
    if kind == "unmatch":
        return (kind, inv, rng.randrange(8))
    if kind == "pay_both":
        return (kind, _draw_fraction(rng), _draw_days(rng), rng.random() < 0.3)
    if kind == "redraft":
        change = 1 if rng.random() < 0.6 else rng.choice((0.9, 1.1, 1.25))
        return (kind, inv, change)
    if kind == "redraft_cn":
        return (kind, rng.randrange(8))
    if kind == "refund_open":
        return (
            kind,
            rng.randrange(8),
            _draw_fraction(rng),
            _draw_days(rng),
            rng.random() < 0.3,
        )
    return (kind, rng.randrange(8), inv)  # reapply


def draw_scenario(rng, excluded=EXCLUDED):
    """A scenario: shares, 1-2 invoices (currency, lines, tax, terms), 1-7 operations.

    Exclusions are applied after drawing, so a seed draws the same scenario whatever
    is excluded (minus the excluded parts).
    """
    invoices = []
    for _index in range(1 if rng.random() < 0.65 else 2):
        lines = [
            (
                round(rng.uniform(300, 40000), 2),
                rng.choice((5.0, 12.5, 30.0)) if rng.random() < 0.2 else 0.0,
            )
            for _line in range(rng.randint(1, 3))
        ]
        if rng.random() < 0.3:  # down payment / rebate deducted on the invoice
            net = sum(price * (1 - disc / 100) for price, disc in lines)
            lines.append((-round(net * rng.uniform(0.1, 0.5), 2), 0.0))
        invoices.append(
            {
                "lines": lines,
                "tax": rng.random() < 0.5,
                "terms": rng.choices(list(TERMS), (60, 20, 20))[0],
            }
        )
    kinds = list(OP_WEIGHTS)
    weights = list(OP_WEIGHTS.values())
    ops = []
    for position in range(rng.randint(1, 7)):
        kind = rng.choices(kinds, weights)[0]
        if position == 0:
            kind = rng.choices(("pay", "pay_epd", "pay_both"), (75, 15, 10))[0]
        ops.append(_draw_op(rng, kind, len(invoices)))
        if kind in ("unreconcile", "redraft") and rng.random() < 0.5:
            ops.append(_draw_op(rng, "reapply", len(invoices)))
        if kind in ("goodwill", "unmatch") and rng.random() < 0.4:
            ops.append(_draw_op(rng, "refund_open", len(invoices)))
    foreign = rng.random() < 0.35
    split = rng.choice(SHARE_SPLITS)
    if "service_share" in excluded and split[2]:
        split = SHARE_SPLITS[0]
    for inv in invoices:
        if "negative_lines" in excluded:
            inv["lines"] = [line for line in inv["lines"] if line[0] > 0]
        if "line_discounts" in excluded:
            inv["lines"] = [(price, 0.0) for price, _disc in inv["lines"]]
        if "tax" in excluded:
            inv["tax"] = False
        if inv["terms"] in excluded:
            inv["terms"] = "plain"
    business = rng.random() < 0.25
    return {
        "business": business and "business_salesperson" not in excluded,
        "foreign": foreign and "foreign_currency" not in excluded,
        "shares": dict(zip(ROLES, split, strict=True)),
        "invoices": invoices,
        "ops": [op for op in ops if op[0] not in excluded] or [ops[0]],
    }


def shrink_candidates(scenario):
    """Smaller variants of a scenario, simplest cuts first."""
    ops, invoices = scenario["ops"], scenario["invoices"]
    for position in range(len(ops) if len(ops) > 1 else 0):
        yield {**scenario, "ops": ops[:position] + ops[position + 1 :]}
    for position in range(len(invoices) if len(invoices) > 1 else 0):
        yield {**scenario, "invoices": invoices[:position] + invoices[position + 1 :]}
    if scenario["foreign"]:
        yield {**scenario, "foreign": False}
    if scenario["business"]:
        yield {**scenario, "business": False}
    if scenario["shares"]["service"]:
        yield {**scenario, "shares": dict(zip(ROLES, SHARE_SPLITS[0], strict=True))}
    for position, inv in enumerate(invoices):
        variants = [{**inv, "tax": False}] if inv["tax"] else []
        if inv["terms"] != "plain":
            variants.append({**inv, "terms": "plain"})
        for drop in range(len(inv["lines"]) if len(inv["lines"]) > 1 else 0):
            lines = inv["lines"][:drop] + inv["lines"][drop + 1 :]
            if sum(price for price, _disc in lines) > 100:
                variants.append({**inv, "lines": lines})
        if any(disc for _price, disc in inv["lines"]):
            variants.append(
                {**inv, "lines": [(price, 0.0) for price, _disc in inv["lines"]]}
            )
        for variant in variants:
            yield {
                **scenario,
                "invoices": [*invoices[:position], variant, *invoices[position + 1 :]],
            }


def describe_op(op):
    kind, args = op[0], op[1:]
    if kind == "pay":
        inv, frac, days, cash, in_company_currency = args
        what = (
            "the residual"
            if frac == 1
            else f"{frac:.0%} of the residual" + (" (over-payment)" if frac > 1 else "")
        )
        how = ("cash" if cash else "bank") + (
            ", in company currency" if in_company_currency else ""
        )
        return f"pay(inv#{inv}, {what}, due{days:+d}d, {how})"
    if kind == "pay_epd":
        first = ", 40 % paid first" if args[2] else ""
        return (
            f"pay_within_early_discount_days(inv#{args[0]}, invoice "
            f"date+{args[1]}d{first})"
        )
    if kind == "writeoff":
        inv, frac, days = args
        return (
            f"writeoff(inv#{inv}, pay {frac:.0%} of the residual, write the rest "
            f"off, due{days:+d}d)"
        )
    if kind == "baddebt":
        return f"bad_debt_misc_entry(inv#{args[0]}, the residual)"
    if kind == "goodwill":
        inv, frac, days = args
        return (
            f"goodwill_credit_note(inv#{inv}, {frac:.0%} of untaxed, set against "
            f"it, due{days:+d}d)"
        )
    if kind == "credit_other":
        inv, frac, days = args
        return (
            f"credit_note_without_origin(used on inv#{inv}, {frac:.0%} of its "
            f"untaxed, due{days:+d}d)"
        )
    if kind == "refund":
        inv, frac, pay_frac, days, in_company_currency = args
        how = ", in company currency" if in_company_currency else ""
        return (
            f"credit_note_refunded_in_cash(inv#{inv}, {frac:.0%} of untaxed, "
            f"{pay_frac:.0%} of its open amount paid back, due{days:+d}d{how})"
        )
    if kind == "unmatch":
        return (
            f"remove_payment_or_credit_note_from_invoice(inv#{args[0]}, "
            f"pick {args[1]})"
        )
    if kind == "pay_both":
        frac, days, cash = args
        what = "the residuals" if frac == 1 else f"{frac:.0%} of the residuals"
        journal = "cash" if cash else "bank"
        return f"one_payment_for_both_invoices({what}, due{days:+d}d, {journal})"
    if kind in ("unreconcile", "cancel"):
        return f"{kind}(payment pick {args[0]})"
    if kind == "redraft":
        inv, change = args
        what = "" if change == 1 else f", first line price x {change}"
        return f"reset_to_draft_and_repost(inv#{inv}{what})"
    if kind == "redraft_cn":
        return f"reset_credit_note_to_draft_and_repost(pick {args[0]})"
    if kind == "refund_open":
        pick, pay_frac, days, writeoff = args
        rest = ", rest written off" if writeoff else ""
        return (
            f"pay_back_open_credit_note(pick {pick}, {pay_frac:.0%} of its open "
            f"amount{rest}, due{days:+d}d)"
        )
    return f"reapply_outstanding(payment pick {args[0]}, inv#{args[1]})"


#: Operations whose argument at this position is an invoice index (taken modulo the
#: number of invoices when run).
INVOICE_ARG = {
    "pay": 1,
    "pay_epd": 1,
    "writeoff": 1,
    "baddebt": 1,
    "goodwill": 1,
    "credit_other": 1,
    "refund": 1,
    "unmatch": 1,
    "redraft": 1,
    "reapply": 2,
}


def describe_scenario(scenario):
    currency = "foreign currency" if scenario["foreign"] else "company currency"
    shares = ", ".join(
        f"{role} {share:g} %" for role, share in scenario["shares"].items()
    )
    seller = (
        "salesperson in a business department (quota)"
        if scenario["business"]
        else "salesperson outside business departments"
    )
    rows = [f"  {currency}; shares {shares}; {seller}"]
    for index, inv in enumerate(scenario["invoices"]):
        tax = f"{TAX_PCT:g} % tax" if inv["tax"] else "no tax"
        lines = ", ".join(
            f"{price}" + (f" -{disc:g} %" if disc else "")
            for price, disc in inv["lines"]
        )
        terms = TERMS[inv["terms"]]
        rows.append(f"  invoice #{index}: lines [{lines}], {tax}, {terms}")
    n_invoices = len(scenario["invoices"])
    for number, op in enumerate(scenario["ops"], 1):
        position = INVOICE_ARG.get(op[0])
        if position:  # show the invoice the operation really works on
            op = (*op[:position], op[position] % n_invoices, *op[position + 1 :])
        rows.append(f"  {number}. {describe_op(op)}")
    return "\n".join(rows)


# ----------------------------------------------------------------------
# The oracle: what is due, from the operations alone
# ----------------------------------------------------------------------
def late_deduction(days_late):
    for days_over, deduction in LATE_BRACKETS:
        if days_late > days_over:
            return deduction
    return 0.0


@dataclass
class Entry:
    """What one reconciliation of money with an invoice (or its credit note) earns."""

    payment: int
    invoice: int
    fraction: float  # money / invoice total; negative for money paid back
    amounts: dict  # role -> amount (company currency, not rounded)
    line: int = 0  # the invoice's (credit note's) receivable line it settled


@dataclass
class Oracle:
    """Ledger of live money events per invoice; removing a reconciliation removes
    exactly what it earned (a reversal), clawbacks take back the same part of what
    was earned (net) as the part of the received money that is paid back."""

    shares: dict  # role -> share (%)
    bases: list = field(default_factory=list)  # untaxed, company currency
    totals: list = field(default_factory=list)  # total incl. tax, invoice currency
    entries: list = field(default_factory=list)

    def add_invoice(self, base, total):
        self.bases.append(base)
        self.totals.append(total)

    def earn(self, payment, invoice, money, pay_date, due, line=0):
        """Money received on the instalment of ``invoice`` due on ``due``."""
        fraction = money / self.totals[invoice]
        kept = 1 - late_deduction((pay_date - due).days) / 100
        amounts = {
            role: self.bases[invoice] * RULE_RATE / 100 * share / 100 * fraction * kept
            for role, share in self.shares.items()
        }
        self.entries.append(Entry(payment, invoice, fraction, amounts, line))

    def claw(self, payment, invoice, money, line=0):
        mine = [entry for entry in self.entries if entry.invoice == invoice]
        received = sum(entry.fraction for entry in mine)
        if received <= 1e-12:
            return
        part = min(money / self.totals[invoice] / received, 1.0)
        amounts = {
            role: -part * sum(entry.amounts[role] for entry in mine)
            for role in self.shares
        }
        self.entries.append(Entry(payment, invoice, -part * received, amounts, line))

    def remove(self, payment, invoice=None, line=None):
        """Forget what a payment earned (on one invoice, on one receivable line)."""
        self.entries = [
            entry
            for entry in self.entries
            if not (
                entry.payment == payment
                and invoice in (None, entry.invoice)
                and line in (None, entry.line)
            )
        ]

    def expected(self):
        return {
            role: sum(entry.amounts[role] for entry in self.entries)
            for role in self.shares
        }


# ----------------------------------------------------------------------
# Running a scenario on Odoo
# ----------------------------------------------------------------------
@dataclass
class Payment:
    record: object
    inbound: bool
    invoice: int
    pay_date: date
    money: float  # money moved, in the payment's currency
    face: float  # amount of its receivable line (money + write-off or discount)
    credit_note: object = None
    applied: set = field(default_factory=set)
    live: bool = True
    # early-payment discounts it wrote off, by invoice that got them, and the part
    # of them charged to the invoices it is reconciled with now
    granted: dict = field(default_factory=dict)
    charged: dict = field(default_factory=dict)


class ScenarioRunner:
    """Runs a scenario's operations on Odoo and tells the oracle what money moved.

    The oracle only learns facts the test decides or reads from the accounting
    (amounts paid, residuals, dates), never anything from commission lines.
    """

    def __init__(self, case, scenario, excluded=EXCLUDED):
        self.case = case
        self.excluded = excluded
        self.env = case.fenv
        self.scenario = scenario
        self.currency = case.foreign if scenario["foreign"] else case.currency
        self.oracle = Oracle(shares=scenario["shares"])
        business = scenario["business"]
        self.seller_user = case.user_business if business else case.user_seller
        self.seller = case.business_seller if business else case.salesperson
        self.invoices = []
        self.payments = []
        self.credit_notes = []  # (invoice index, credit note) with an origin
        # invoices as they are now (a reset invoice may be changed before re-posting)
        self.specs = [
            {**spec, "lines": list(spec["lines"])} for spec in scenario["invoices"]
        ]
        self.notes = []

    # helpers ---------------------------------------------------------
    def _round(self, amount):
        return self.currency.round(amount)

    def _same(self, amount, other):
        return self.currency.compare_amounts(amount, other) == 0

    def _check(self, condition, message):
        if not condition:
            raise ScenarioFailure(f"harness check failed: {message}")

    def _receivable(self, move):
        return move.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )

    def _index(self, inv):
        return inv % len(self.invoices)

    def _date(self, invoice, days):
        return max(
            invoice.invoice_date, invoice.invoice_date_due + timedelta(days=days)
        )

    def _wizard(self, move, vals):
        return (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=move.ids)
            .create(vals)
        )

    def _taxes(self, with_tax):
        return [Command.set(self.case.tax13.ids if with_tax else [])]

    def _open_lines(self, move):
        """{receivable line id: (open amount, due date)} of a document."""
        return {
            line.id: (abs(line.amount_residual_currency), line.date_maturity)
            for line in self._receivable(move)
        }

    def _settle(self, number, index, move, before, factor, pay_date):
        """Tell the oracle what a payment settled on ``move`` since ``before``.

        Per instalment (receivable line): the settled amount times ``factor`` (the
        part of the payment that is money) earns, late by its own due date; on a
        credit note it is money paid back. Returns the amount settled.
        """
        after = self._open_lines(move)
        settled = 0.0
        for line_id, (open_before, due) in sorted(
            before.items(), key=lambda item: item[1][1]
        ):
            amount = self._round(open_before - after.get(line_id, (open_before,))[0])
            if amount <= 0:
                continue
            settled += amount
            if move.move_type == "out_invoice":
                self.oracle.earn(number, index, amount * factor, pay_date, due, line_id)
            else:
                self.oracle.claw(number, index, amount * factor, line_id)
        return self._round(settled)

    def _add_payment(self, payment, index, **values):
        self.payments.append(Payment(payment, invoice=index, **values))
        return len(self.payments) - 1

    def _create_invoices(self):
        case = self.case
        shares = self.scenario["shares"]
        vals_list = []
        for index, spec in enumerate(self.scenario["invoices"]):
            invoice_date = FIRST_INVOICE_DATE + timedelta(days=7 * index)
            vals = {
                "move_type": "out_invoice",
                "partner_id": case.customer.id,
                "currency_id": self.currency.id,
                "invoice_date": invoice_date,
                "invoice_user_id": self.seller_user.id,
                "referrer_id": case.referrer.id,
                "referral_mode": "handoff",
                "referral_deal_type": "first",
                "service_employee_id": case.service.id,
                "referrer_share": shares["referrer"],
                "salesperson_share": shares["salesperson"],
                "service_share": shares["service"],
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": case.product.id,
                            "quantity": 1,
                            "price_unit": price,
                            "discount": disc,
                            "tax_ids": self._taxes(spec["tax"]),
                        }
                    )
                    for price, disc in spec["lines"]
                ],
            }
            if spec["terms"] == "plain":
                vals["invoice_date_due"] = invoice_date + timedelta(days=TERM_DAYS)
            else:
                vals["invoice_payment_term_id"] = case.terms[spec["terms"]].id
            vals_list.append(vals)
        moves = self.env["account.move"].create(vals_list)
        moves.action_post()
        for index, (spec, move) in enumerate(
            zip(self.scenario["invoices"], moves, strict=True)
        ):
            untaxed, total = self._totals(spec)
            due = FIRST_INVOICE_DATE + timedelta(
                days=7 * index
                + TERM_DAYS
                + (30 if spec["terms"] == "instalments" else 0)
            )
            self._check(
                self._same(move.amount_untaxed, untaxed)
                and self._same(move.amount_total, total)
                and move.invoice_date_due == due,
                f"invoice {move.amount_untaxed}/{move.amount_total} due "
                f"{move.invoice_date_due}, expected {untaxed}/{total} due {due}",
            )
            # the base in company currency is the accounting's (invoice rate)
            self.oracle.add_invoice(move.amount_untaxed_signed, total)
            self.invoices.append(move)

    def _totals(self, spec):
        """(untaxed, total) of an invoice spec, taxes rounded per line."""
        subtotals = [
            self._round(price * (1 - disc / 100)) for price, disc in spec["lines"]
        ]
        untaxed = self._round(sum(subtotals))
        tax = (
            sum(self._round(sub * TAX_PCT / 100) for sub in subtotals)
            if spec["tax"]
            else 0.0
        )
        return untaxed, self._round(untaxed + tax)

    def _credit_note(self, index, fraction, days, origin=True):
        invoice = self.invoices[index]
        spec = self.specs[index]
        net = sum(price * (1 - disc / 100) for price, disc in spec["lines"])
        refund_date = self._date(invoice, days)
        credit_note = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": self.case.customer.id,
                "currency_id": self.currency.id,
                "invoice_date": refund_date,
                "invoice_date_due": refund_date,
                "reversed_entry_id": invoice.id if origin else False,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.case.product.id,
                            "quantity": 1,
                            "price_unit": self._round(max(net, 1.0) * fraction),
                            "tax_ids": self._taxes(spec["tax"]),
                        }
                    )
                ],
            }
        )
        credit_note.action_post()  # with an origin, Odoo sets it against its residual
        if origin:
            self.credit_notes.append((index, credit_note))
        return credit_note, refund_date

    # operations ------------------------------------------------------
    def op_pay(self, inv, frac, days, cash, in_company_currency):
        index = self._index(inv)
        invoice = self.invoices[index]
        residual = invoice.amount_residual
        if residual < 1:
            return "skipped: nothing left to pay"
        pay_date = self._date(invoice, days)
        journal = self.case.cash_journal if cash else self.case.bank_journal
        vals = {"payment_date": pay_date, "journal_id": journal.id}
        if in_company_currency and self.currency != self.case.currency:
            vals["currency_id"] = self.case.currency.id
            wizard = self._wizard(invoice, vals)  # amount: the residual, converted
            if frac != 1:
                wizard.amount = max(self.case.currency.round(wizard.amount * frac), 1)
            currency = self.case.currency
        else:
            amount = residual if frac == 1 else max(self._round(residual * frac), 1.0)
            wizard = self._wizard(invoice, {**vals, "amount": amount})
            currency = self.currency
        amount = wizard.amount
        before = self._open_lines(invoice)
        payment = wizard._create_payments()
        number = self._add_payment(
            payment,
            index,
            inbound=True,
            pay_date=pay_date,
            money=amount,
            face=amount,
            applied={index},
        )
        applied = self._settle(number, index, invoice, before, 1.0, pay_date)
        if currency == self.currency:
            self._check(
                self._same(applied, min(amount, residual)),
                f"{applied} applied after paying {amount} on {residual}",
            )
        return f"paid {amount} {currency.name} on {pay_date}: {applied} applied"

    def op_pay_epd(self, inv, days, partly_first):
        index = self._index(inv)
        invoice = self.invoices[index]
        notes = []
        if partly_first and invoice.payment_state == "not_paid":
            # a first instalment within the discount days: Odoo then grants no
            # discount on the rest, which is paid in full without one
            notes.append(self.op_pay(inv, 0.4, days - TERM_DAYS, False, False))
        pay_date = invoice.invoice_date + timedelta(days=days)
        residual = invoice.amount_residual
        if residual < 1:
            return "skipped: nothing left to pay"
        wizard = self._wizard(
            invoice,
            {"payment_date": pay_date, "journal_id": self.case.bank_journal.id},
        )
        if not wizard.early_payment_discount_mode:
            notes.append(
                "no early discount: "
                + self.op_pay(inv, 1, days - TERM_DAYS, False, False)
            )
            return "; ".join(notes)
        amount = wizard.amount
        before = self._open_lines(invoice)
        payment = wizard._create_payments()
        self._check(
            self.currency.is_zero(invoice.amount_residual),
            f"residual {invoice.amount_residual} after an early-discount payment",
        )
        number = self._add_payment(
            payment,
            index,
            inbound=True,
            pay_date=pay_date,
            money=amount,
            face=residual,
            applied={index},
            granted={index: residual - amount},
            charged={index: residual - amount},
        )
        self._settle(number, index, invoice, before, amount / residual, pay_date)
        return f"paid {amount} on {pay_date}, discount {self._round(residual - amount)}"

    def op_writeoff(self, inv, frac, days):
        index = self._index(inv)
        invoice = self.invoices[index]
        residual = invoice.amount_residual
        if residual < 2:
            return "skipped: nothing left to pay"
        amount = self._round(residual * frac)
        pay_date = self._date(invoice, days)
        wizard = self._wizard(
            invoice,
            {
                "amount": amount,
                "payment_date": pay_date,
                "journal_id": self.case.bank_journal.id,
                "payment_difference_handling": "reconcile",
                "writeoff_account_id": self.case.writeoff_account.id,
                "writeoff_label": "Write-off",
            },
        )
        before = self._open_lines(invoice)
        payment = wizard._create_payments()
        self._check(
            self.currency.is_zero(invoice.amount_residual),
            f"residual {invoice.amount_residual} after a write-off",
        )
        number = self._add_payment(
            payment,
            index,
            inbound=True,
            pay_date=pay_date,
            money=amount,
            face=residual,
            applied={index},
        )
        self._settle(number, index, invoice, before, amount / residual, pay_date)
        written = self._round(residual - amount)
        return f"paid {amount} on {pay_date}, wrote off {written}"

    def op_baddebt(self, inv):
        invoice = self.invoices[self._index(inv)]
        lines = self._receivable(invoice).filtered(lambda aml: not aml.reconciled)
        if not lines:
            return "skipped: nothing left to write off"
        account = lines.account_id
        common = {
            "partner_id": self.case.customer.id,
            "currency_id": self.currency.id,
            "name": "Bad debt",
        }
        balance = sum(lines.mapped("amount_residual"))
        amount_currency = sum(lines.mapped("amount_residual_currency"))
        entry = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": self.case.misc_journal.id,
                "date": invoice.invoice_date_due + timedelta(days=200),
                "line_ids": [
                    Command.create(
                        {
                            **common,
                            "account_id": account.id,
                            "balance": -balance,
                            "amount_currency": -amount_currency,
                        }
                    ),
                    Command.create(
                        {
                            **common,
                            "account_id": self.case.writeoff_account.id,
                            "balance": balance,
                            "amount_currency": amount_currency,
                        }
                    ),
                ],
            }
        )
        entry.action_post()
        (
            entry.line_ids.filtered(lambda aml: aml.account_id == account) | lines
        ).reconcile()
        self._check(
            self.currency.is_zero(invoice.amount_residual),
            f"residual {invoice.amount_residual} after a bad-debt entry",
        )
        return f"wrote off {amount_currency} with {entry.name}"

    def op_goodwill(self, inv, frac, days):
        credit_note, _date = self._credit_note(self._index(inv), frac, days)
        used = self._round(credit_note.amount_total - credit_note.amount_residual)
        return f"credit note {credit_note.amount_total}, {used} set against the invoice"

    def op_credit_other(self, inv, frac, days):
        index = self._index(inv)
        invoice = self.invoices[index]
        if invoice.payment_state in ("paid", "in_payment"):
            return "skipped: the invoice is paid"
        credit_note, _date = self._credit_note(index, frac, days, origin=False)
        before = invoice.amount_residual
        invoice.js_assign_outstanding_line(self._receivable(credit_note).id)
        used = self._round(before - invoice.amount_residual)
        return f"credit note {credit_note.amount_total}: {used} used on the invoice"

    def op_refund(self, inv, frac, pay_frac, days, in_company_currency):
        index = self._index(inv)
        credit_note, refund_date = self._credit_note(index, frac, days)
        used = self._round(credit_note.amount_total - credit_note.amount_residual)
        note = f"credit note {credit_note.amount_total}, {used} set against the invoice"
        if credit_note.amount_residual < 1:
            return note
        pay_date = refund_date + timedelta(days=1)
        paid = self._pay_back(
            index, credit_note, pay_frac, pay_date, in_company_currency, False
        )
        return f"{note}, {paid}"

    def op_refund_open(self, pick, pay_frac, days, writeoff):
        options = [
            (index, credit_note)
            for index, credit_note in self.credit_notes
            if credit_note.amount_residual >= 1
        ]
        if not options:
            return "skipped: no open credit note"
        index, credit_note = options[pick % len(options)]
        pay_date = self._date(self.invoices[index], days)
        pay_date = max(pay_date, credit_note.invoice_date)
        paid = self._pay_back(index, credit_note, pay_frac, pay_date, False, writeoff)
        return f"credit note {credit_note.name} of inv#{index}: {paid}"

    def _pay_back(self, index, credit_note, pay_frac, pay_date, in_company, writeoff):
        """Pay (part of) a credit note's open amount back in cash; with ``writeoff``
        the rest is written off (not money)."""
        open_amount = credit_note.amount_residual
        amount = (
            open_amount
            if pay_frac == 1
            else max(self._round(open_amount * pay_frac), 1)
        )
        vals = {"payment_date": pay_date, "journal_id": self.case.cash_journal.id}
        same_currency = not in_company or self.currency == self.case.currency
        writeoff = writeoff and same_currency and amount < open_amount
        if same_currency:
            vals["amount"] = amount
            if writeoff:
                vals.update(
                    payment_difference_handling="reconcile",
                    writeoff_account_id=self.case.writeoff_account.id,
                    writeoff_label="Write-off",
                )
            wizard = self._wizard(credit_note, vals)
        else:
            vals["currency_id"] = self.case.currency.id
            wizard = self._wizard(credit_note, vals)  # the open amount, converted
            if pay_frac != 1:
                wizard.amount = self.case.currency.round(wizard.amount * pay_frac)
            amount = wizard.amount
        before = self._open_lines(credit_note)
        payment = wizard._create_payments()
        face = open_amount if writeoff else amount
        number = self._add_payment(
            payment,
            index,
            inbound=False,
            pay_date=pay_date,
            money=amount,
            face=face,
            credit_note=credit_note,
            applied={index},
        )
        settled = self._settle(
            number, index, credit_note, before, amount / face, pay_date
        )
        if same_currency:
            self._check(
                self._same(settled, face), f"{settled} settled, expected {face}"
            )
        rest = f", {self._round(open_amount - amount)} written off" if writeoff else ""
        return f"{amount} paid back on {pay_date}{rest}"

    def op_unreconcile(self, pick):
        applied = [i for i, pay in enumerate(self.payments) if pay.live and pay.applied]
        if not applied:
            return "skipped: no reconciled payment"
        number = applied[pick % len(applied)]
        payment = self.payments[number]
        self._receivable(payment.record.move_id).remove_move_reconcile()
        payment.applied = set()
        payment.charged = {}
        self.oracle.remove(number)
        return f"unreconciled payment #{number}"

    def op_cancel(self, pick):
        live = [i for i, pay in enumerate(self.payments) if pay.live]
        if not live:
            return "skipped: no payment"
        number = live[pick % len(live)]
        payment = self.payments[number]
        payment.record.action_draft()
        payment.record.action_cancel()
        payment.applied = set()
        payment.charged = {}
        payment.live = False
        self.oracle.remove(number)
        return f"cancelled payment #{number}"

    def op_unmatch(self, inv, pick):
        index = self._index(inv)
        invoice = self.invoices[index]
        by_move = {
            pay.record.move_id.id: number
            for number, pay in enumerate(self.payments)
            if pay.live and pay.inbound
        }
        # payments and credit notes set against the invoice (a credit note's
        # number is None: it is not money, the oracle has nothing to remove)
        options = [
            (by_move.get(partial.credit_move_id.move_id.id), line, partial)
            for line in self._receivable(invoice)
            for partial in line.matched_credit_ids
            if partial.credit_move_id.move_id.id in by_move
            or partial.credit_move_id.move_id.move_type == "out_refund"
        ]
        # a payment matched twice with the same instalment cannot be told apart
        pairs = [(number, line.id) for number, line, _partial in options]
        options = [
            (number, line, partial)
            for number, line, partial in options
            if pairs.count((number, line.id)) == 1
        ]
        if not options:
            return "skipped: no payment on this invoice"
        number, line, partial = options[pick % len(options)]
        counterpart = partial.credit_move_id.move_id
        invoice.js_remove_outstanding_partial(partial.id)
        if number is None:
            return f"credit note {counterpart.name} removed from the invoice"
        self.oracle.remove(number, index, line.id)
        self.payments[number].charged.pop(index, None)
        payment_line = self._receivable(self.payments[number].record.move_id)
        if not payment_line.matched_debit_ids:
            self.payments[number].applied = set()
        return f"payment #{number} removed from the instalment due {line.date_maturity}"

    def op_pay_both(self, frac, days, cash):
        """One payment for both invoices (Odoo's grouped payment)."""
        if len(self.invoices) < 2:
            return "skipped: only one invoice"
        open_invoices = [
            (index, invoice)
            for index, invoice in enumerate(self.invoices)
            if invoice.amount_residual >= 1
        ]
        if len(open_invoices) < 2:
            return "skipped: not two open invoices"
        moves = self.invoices[0] | self.invoices[1]
        pay_date = self._date(self.invoices[0], days)
        if "grouped_early_discount" in self.excluded:
            pay_date = max(pay_date, self.invoices[1].invoice_date + timedelta(days=11))
        journal = self.case.cash_journal if cash else self.case.bank_journal
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=moves.ids)
            .create(
                {
                    "payment_date": pay_date,
                    "journal_id": journal.id,
                    "group_payment": True,
                }
            )
        )
        if frac != 1:
            wizard.amount = max(self._round(wizard.amount * frac), 1)
        amount = wizard.amount
        # a full payment within the discount days gets each eligible invoice's
        # early discount (2 % of its total, terms "included"): not money, and it
        # belongs to that invoice only
        discounts = {
            index: self._round(invoice.amount_residual * 0.02)
            if frac == 1
            and self.scenario["invoices"][index]["terms"] == "early_discount"
            and invoice.payment_state == "not_paid"
            and pay_date <= invoice.invoice_date + timedelta(days=10)
            else 0.0
            for index, invoice in open_invoices
        }
        befores = {index: self._open_lines(invoice) for index, invoice in open_invoices}
        payment = wizard._create_payments()
        granted = {index: disc for index, disc in discounts.items() if disc}
        number = self._add_payment(
            payment,
            0,
            inbound=True,
            pay_date=pay_date,
            money=amount,
            face=amount + sum(granted.values()),
            applied=set(),
            granted=granted,
            charged=dict(granted),
        )
        settled = []
        total = 0.0
        for index, invoice in open_invoices:
            residual = sum(open_amount for open_amount, _due in befores[index].values())
            factor = (residual - discounts[index]) / residual
            applied = self._settle(
                number, index, invoice, befores[index], factor, pay_date
            )
            total += applied
            if applied:
                self.payments[number].applied.add(index)
            settled.append(f"{applied} on {invoice.name}")
        self._check(
            frac != 1 or self._same(total - amount, sum(discounts.values())),
            f"paid {amount}, settled {total}, expected discounts {discounts}",
        )
        discount = sum(discounts.values())
        return f"paid {amount} on {pay_date} (discount {discount}): " + ", ".join(
            settled
        )

    def op_redraft(self, inv, change):
        index = self._index(inv)
        invoice = self.invoices[index]
        invoice.button_draft()
        for number, payment in enumerate(self.payments):
            if payment.inbound and index in payment.applied:
                payment.applied.discard(index)
                payment.charged.pop(index, None)
                self.oracle.remove(number, index)
        note = f"invoice #{index} reset to draft and posted again"
        if change != 1:
            spec = self.specs[index]
            price, disc = spec["lines"][0]
            spec["lines"][0] = (self._round(price * change), disc)
            first = invoice.invoice_line_ids.sorted("sequence")[:1]
            first.price_unit = spec["lines"][0][0]
            note += f", its first line changed to {spec['lines'][0][0]}"
        invoice.action_post()
        if change != 1:
            untaxed, total = self._totals(self.specs[index])
            self._check(
                self._same(invoice.amount_untaxed, untaxed)
                and self._same(invoice.amount_total, total),
                f"changed invoice {invoice.amount_untaxed}/{invoice.amount_total}, "
                f"expected {untaxed}/{total}",
            )
            self.oracle.bases[index] = invoice.amount_untaxed_signed
            self.oracle.totals[index] = total
        return note

    def op_redraft_cn(self, pick):
        if not self.credit_notes:
            return "skipped: no credit note"
        index, credit_note = self.credit_notes[pick % len(self.credit_notes)]
        credit_note.button_draft()
        for number, payment in enumerate(self.payments):
            if payment.credit_note == credit_note and payment.applied:
                payment.applied = set()
                self.oracle.remove(number)
        credit_note.action_post()  # Odoo sets it against the invoice's residual again
        used = self._round(credit_note.amount_total - credit_note.amount_residual)
        return f"credit note {credit_note.name} of inv#{index} reposted, {used} used"

    def _early_discount_factor(self, payment, line, open_before, index):
        """Money part of an early-discount payment re-applied to invoice ``index``.

        The discount it wrote off is not money and belongs to the invoices that
        granted it: re-applied to an invoice whose own discount was open on the
        payment date, that discount is charged to it (what is left of it); to any
        other invoice, only the part of the discount that what stays open on the
        payment could no longer carry.
        """
        open_after = abs(line.amount_residual_currency)
        applied = open_before - open_after
        if applied <= 0:
            return 1.0
        discount = sum(payment.granted.values())
        left = max(discount - sum(payment.charged.values()), 0.0)
        own = 0.0
        term = self._receivable(self.invoices[index])[:1]
        if (
            term.discount_date
            and term.discount_date >= payment.pay_date
            and term.discount_amount_currency
        ):
            full = abs(term.amount_currency - term.discount_amount_currency)
            own = max(full - payment.charged.get(index, 0.0), 0.0)
        charge = min(left, applied, max(own, left - open_after, 0.0))
        payment.charged[index] = payment.charged.get(index, 0.0) + charge
        scale = payment.money / (payment.face - discount)
        return (applied - charge) / applied * scale

    def op_reapply(self, pick, inv):
        candidates = []
        for number, payment in enumerate(self.payments):
            if not payment.live:
                continue
            line = self._receivable(payment.record.move_id)
            if not line.currency_id.is_zero(line.amount_residual_currency):
                candidates.append((number, line))
        if not candidates:
            return "skipped: no outstanding payment"
        number, line = candidates[pick % len(candidates)]
        payment = self.payments[number]
        index = self._index(inv) if payment.inbound else payment.invoice
        target = self.invoices[index] if payment.inbound else payment.credit_note
        residual = target.amount_residual
        if residual < 0.01:
            return f"skipped: payment #{number} has no open document to go to"
        before = self._open_lines(target)
        open_before = abs(line.amount_residual_currency)
        target.js_assign_outstanding_line(line.id)
        payment.applied.add(index)
        factor = payment.money / payment.face
        if payment.granted:
            factor = self._early_discount_factor(payment, line, open_before, index)
        applied = self._settle(number, index, target, before, factor, payment.pay_date)
        self._check(
            0 < applied <= residual,
            f"{applied} applied to a residual of {residual}",
        )
        return f"payment #{number}: {applied} reconciled with {target.name}"

    # ---------------------------------------------------------------------
    def run(self):
        self._create_invoices()
        for op in self.scenario["ops"]:
            handler = getattr(self, f"op_{op[0]}")
            try:
                with self.env.cr.savepoint():
                    note = handler(*op[1:])
                    # the queue job runs between the users' operations (the oracle
                    # follows the history: a payment removed after a refund was
                    # computed against it still diluted that clawback)
                    self._run_job()
            except (UserError, ValidationError) as error:
                note = f"refused by Odoo: {error}"
            self.notes.append(note)
        self._run_job()
        mismatches, n_lines = self.compare()
        if not mismatches:
            # the nightly safety net must find nothing missing and change nothing
            self.env["asm.commission.engine"]._recompute(self.case.company)
            mismatches, n_lines = self.compare()
            mismatches = [f"after the nightly recompute: {m}" for m in mismatches]
        return mismatches, n_lines

    def _run_job(self):
        """The commission queue job, as the cron runs it after each commit."""
        self.env["asm.commission.engine"]._cron_recompute()

    def compare(self):
        self.env.flush_all()
        case = self.case
        employees = {
            "referrer": case.referrer,
            "salesperson": self.seller,
            "service": case.service,
        }
        lines = self.env["asm.commission.line"].search_fetch(
            [("invoice_id", "in", [move.id for move in self.invoices])],
            ["employee_id", "amount", "kind", "state"],
        )
        expected = self.oracle.expected()
        mismatches = []
        for role, employee in employees.items():
            mine = lines.filtered(
                lambda line, employee=employee: line.employee_id == employee
                and line.state != "void"
            )
            got = sum(mine.mapped("amount"))
            booked = len(mine.filtered(lambda line: line.kind != "reversal"))
            tolerance = ROUNDING_PER_LINE * max(booked, 1) + 1e-6
            if abs(got - expected[role]) > tolerance:
                mismatches.append(
                    f"{role} {employee.name}: expected {expected[role]:.4f}, got "
                    f"{got:.2f} (diff {got - expected[role]:+.4f}, tolerance "
                    f"{tolerance:.2f} for {booked} lines)"
                )
        beneficiaries = case.referrer | self.seller | case.service
        others = lines.filtered(
            lambda line: line.employee_id not in beneficiaries
            and line.state != "void"
            and line.amount
        )
        if others:
            mismatches.append(f"lines for non-beneficiaries: {others.mapped('name')}")
        return mismatches, len(lines)


# ----------------------------------------------------------------------
class TestCommissionFuzz(CommissionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.fenv = env(
            context=dict(
                env.context,
                tracking_disable=True,
                mail_create_nolog=True,
                mail_notrack=True,
            )
        )
        company = cls.company
        # The scenarios are dated in 2025: keep their months open for the quota, so a
        # business seller's lines stay on hold (counted) instead of being judged
        # against a closed month (tests/test_commission_quota_grace.py covers that).
        company.asm_quota_grace_days = 100_000
        cls.user_business = cls._new_user(
            "asm_fuzz_biz", "base.group_user,all_staff_marketing.group_participant"
        )
        cls.business_seller = env["hr.employee"].create(
            {
                "name": "Bo Business Seller",
                "department_id": cls.dept_sales.id,
                "user_id": cls.user_business.id,
            }
        )
        cls.tax13 = env["account.tax"].create(
            {
                "name": "VAT 13 % (fuzz)",
                "amount": TAX_PCT,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "company_id": company.id,
            }
        )
        code = "EUR" if cls.currency.name != "EUR" else "USD"
        cls.foreign = (
            env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "=", code)])
        )
        cls.foreign.active = True
        env["res.currency.rate"].search(
            [
                ("currency_id", "=", cls.foreign.id),
                ("company_id", "in", [company.id, False]),
            ]
        ).unlink()
        env["res.currency.rate"].create(
            [
                {
                    "currency_id": cls.foreign.id,
                    "company_id": company.id,
                    "name": day,
                    "rate": rate,
                }
                for day, rate in FOREIGN_RATES
            ]
        )
        Journal = env["account.journal"]
        cls.bank_journal = Journal.search(
            [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
        )
        cls.cash_journal = Journal.search(
            [("type", "=", "cash"), ("company_id", "=", company.id)], limit=1
        )
        cls.writeoff_account = env["account.account"].search(
            [
                ("account_type", "=", "expense"),
                ("company_ids", "in", company.id),
            ],
            limit=1,
        )
        cls.misc_journal = Journal.search(
            [("type", "=", "general"), ("company_id", "=", company.id)], limit=1
        )
        assert cls.bank_journal and cls.cash_journal and cls.misc_journal
        assert cls.writeoff_account
        Term = env["account.payment.term"]
        cls.terms = {
            "early_discount": Term.create(
                {
                    "name": "2 % within 10 days, net 28 (fuzz)",
                    "early_discount": True,
                    "discount_percentage": 2,
                    "discount_days": 10,
                    "early_pay_discount_computation": "included",
                    "line_ids": [
                        Command.create(
                            {
                                "value": "percent",
                                "value_amount": 100,
                                "nb_days": TERM_DAYS,
                            }
                        )
                    ],
                }
            ),
            "instalments": Term.create(
                {
                    "name": "50 % at 28 days, 50 % at 58 days (fuzz)",
                    "line_ids": [
                        Command.create(
                            {"value": "percent", "value_amount": 50, "nb_days": days}
                        )
                        for days in (TERM_DAYS, TERM_DAYS + 30)
                    ],
                }
            ),
        }

    def _run(self, scenario, runner_out=None):
        """Run ``scenario`` in a savepoint rolled back at the end."""
        savepoint = self.env.cr.savepoint()
        runner = ScenarioRunner(self, scenario, self.excluded)
        try:
            mismatches, n_lines = runner.run()
        except ScenarioFailure as error:
            mismatches, n_lines = [str(error)], 0
        except Exception:  # any crash is a failing scenario
            mismatches = ["crash:\n" + traceback.format_exc(limit=6)]
            n_lines = 0
        finally:
            savepoint.close(rollback=True)
        if runner_out is not None:
            runner_out.append(runner)
        return mismatches, runner.notes, n_lines

    def _shrink(self, scenario, budget=30):
        """Greedy shrinking: drop operations, invoices, lines, tax and the foreign
        currency one at a time while the scenario still fails."""
        changed = True
        while changed and budget > 0:
            changed = False
            for candidate in shrink_candidates(scenario):
                budget -= 1
                if self._run(candidate)[0]:
                    scenario = candidate
                    changed = True
                    break
                if budget <= 0:
                    break
        return scenario

    def test_commission_invariant_regressions(self):
        """Fixed scenarios (bugs the fuzzing found, DOMAIN §6): the oracle agrees with
        the figures computed by hand, and the engine with the oracle."""
        self.excluded = EXCLUDED
        for name, scenario, by_hand in REGRESSION_SCENARIOS:
            with self.subTest(name):
                runners = []
                mismatches, notes, _lines = self._run(scenario, runners)
                expected = runners[0].oracle.expected()
                for role, amount in by_hand.items():
                    self.assertAlmostEqual(expected[role], amount, delta=0.005)
                self.assertFalse(
                    mismatches,
                    f"{name}\n{describe_scenario(scenario)}\n"
                    + "\n".join(notes + mismatches),
                )

    def test_commission_invariant_fuzzed(self):
        seed = int(
            os.environ.get("ASM_FUZZ_SEED") or random.SystemRandom().randrange(10**9)
        )
        count = int(os.environ.get("ASM_FUZZ_SCENARIOS") or 200)
        only = os.environ.get("ASM_FUZZ_ONLY")
        verbose = bool(os.environ.get("ASM_FUZZ_VERBOSE"))
        excluded = EXCLUDED | set(
            filter(None, os.environ.get("ASM_FUZZ_EXCLUDE", "").split(","))
        )
        self.excluded = excluded
        unknown = excluded - set(OP_WEIGHTS) - set(FEATURES) - set(TERMS)
        self.assertFalse(unknown, f"ASM_FUZZ_EXCLUDE: unknown kinds {unknown}")
        indexes = [int(only)] if only else list(range(count))
        banner = (
            f"commission fuzz: ASM_FUZZ_SEED={seed} ASM_FUZZ_SCENARIOS={count}"
            f" excluded={sorted(excluded)}"
        )
        print(banner)  # the seed must be visible to reproduce a failure
        _logger.info(banner)
        failures = []
        refused = 0
        done = dict.fromkeys(OP_WEIGHTS, 0)
        skipped = dict.fromkeys(OP_WEIGHTS, 0)
        n_lines = 0
        started = time.perf_counter()
        for index in indexes:
            scenario = draw_scenario(random.Random(f"{seed}/{index}"), excluded)
            mismatches, notes, lines = self._run(scenario)
            if verbose:
                print(f"scenario {index}:\n{describe_scenario(scenario)}")
                print("\n".join(f"     -> {note}" for note in notes))
            n_lines += lines
            refused += sum(note.startswith("refused") for note in notes)
            for op, note in zip(scenario["ops"], notes, strict=False):
                if not note.startswith(("refused", "skipped")):
                    done[op[0]] += 1
                else:
                    skipped[op[0]] += 1
            if mismatches:
                failures.append((index, scenario, mismatches, notes))
        elapsed = time.perf_counter() - started
        stats = (
            f"commission fuzz: {len(indexes)} scenarios in {elapsed:.1f} s "
            f"({elapsed / len(indexes):.2f} s per scenario), {n_lines} commission "
            f"lines, {refused} operations refused by Odoo, {len(failures)} failing; "
            f"operations run: {done}, skipped or refused: {skipped}"
        )
        print(stats)
        _logger.info(stats)
        if not failures:
            return
        reports = []
        for index, scenario, mismatches, notes in failures[:3]:
            minimal = self._shrink(scenario)
            min_mismatches, min_notes, _lines = self._run(minimal)
            if not min_mismatches:  # flaky shrink: report the original
                minimal, min_mismatches, min_notes = scenario, mismatches, notes
            steps = "\n".join(f"     -> {note}" for note in min_notes)
            reports.append(
                f"ASM_FUZZ_SEED={seed} ASM_FUZZ_ONLY={index} (scenario {index}, "
                f"shrunk from {len(scenario['ops'])} operations to:)\n"
                f"{describe_scenario(minimal)}\n"
                f"  what happened:\n{steps}\n  " + "\n  ".join(min_mismatches)
            )
        more = [
            f"  scenario {index}: {mismatches[0]}"
            for index, _scenario, mismatches, _notes in failures[3:]
        ]
        message = (
            f"{len(failures)} of {len(indexes)} scenarios break the invariant "
            f"(seed {seed}).\n\n" + "\n\n".join(reports)
        )
        if more:
            message += "\n\nalso failing:\n" + "\n".join(more)
        print(message)
        self.fail(message)
