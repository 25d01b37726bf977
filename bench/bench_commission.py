#!/usr/bin/env python3
"""Benchmark of the commission engine: line generation and monthly statements.

Usage, on a database where ``all_staff_marketing`` is installed (a throwaway copy is
best; by default everything is rolled back at the end anyway):

    bash scripts/bench.sh [--scale 0.25]        # copies a template DB, installs, runs
    python3 bench/bench_commission.py -c .odoo/odoo.conf -d <db> [--scale 0.25]

Options: ``--scale F`` multiplies every size (default 1.0), ``--batch N``
reconciliations per engine batch (default 2000), ``--commit`` keeps the data.

Data set at scale 1: 2,000 employees in 20 departments (2 business departments with a
monthly quota), 20 salespeople, 50,000 customers, 200,000 posted customer invoices
(1 or 2 lines, amounts from 1,000 to 900,000, first deals 7:3 and follow-ups 1:1:8,
2 % at employee price, 5 % landmark, 20 % direct), 300,000 payments (half of the
invoices paid in one payment, half in two: 60 % + 40 %), due dates + an exponential
delay (about 28 % more than 30 days late, 12 % more than 60, a few more than 180) and
4,000 credit notes of half an invoice refunded in cash. Invoices, payments and their
reconciliations are inserted with plain SQL (only the columns the engine reads; a
payment entry is its receivable line and its bank line, so that it is money), the
configuration (rules with tiers, multipliers, brackets) with the ORM.

Measured (each ratio from figures of the same run):
1. the SQL read floor: one plain aggregate over the same rows (reconciliation x
   invoice line), best of 3;
2. cold-queue generation: every reconciliation queued with one INSERT (the hook's
   own ``asm.commission.queue._enqueue``), then ``_process_batch(limit=--batch)`` in
   a loop until the queue is empty (before that API existed:
   ``asm.commission.engine._apply_rules_to_past``; the path measured is printed):
   time, lines/s, SQL queries, ratio to the read floor (target <= 10x) and to
3. the SQL write floor: a plain ``INSERT ... SELECT`` of the same lines into
   asm_commission_line (rolled back; target: generation <= 1.5x that);
4. with ``--indexes``: the indexes and foreign keys of asm_commission_line, what
   each index and the foreign keys cost that insert (on a bare copy of the table),
   and what deleting a journal entry costs without an index on payment_move_id;
5. the background job with an empty queue at that size (target < 1 s), and the
   back-application of rules again (must create nothing: idempotency);
6. statements: ``asm.statement._generate_statements`` month after month, time and
   queries of each month and of the busiest one.

Reproduce: ``BENCH_DB=asm_bench bash scripts/bench.sh bench/bench_commission.py
--scale 0.1 --indexes`` (or ``make bench ARGS="bench/bench_commission.py --scale
0.1"``); every script prints the command it ran.
"""

import argparse
import sys
import time
from contextlib import contextmanager
from datetime import date
from unittest.mock import patch

import odoo
from odoo import SUPERUSER_ID, Command, api
from odoo.tools import config
from odoo.tools.date_utils import end_of

BASE = {"employees": 2000, "customers": 50000, "invoices": 200000}
REPEAT = 3  # best of, for the index costs


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo config file")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--commit", action="store_true", help="keep the data")
    parser.add_argument("--profile", help="write a cProfile of the generation here")
    parser.add_argument(
        "--checksum",
        action="store_true",
        help="print a checksum of the generated lines (to compare two versions of "
        "the engine on the same data set)",
    )
    parser.add_argument(
        "--indexes",
        action="store_true",
        help="also time the plain insert without each index / the foreign keys",
    )
    return parser.parse_args()


class Clock:
    """Wall time and SQL query count of a block."""

    def __init__(self, cr):
        self.cr = cr

    def __enter__(self):
        self.queries = self.cr.sql_log_count
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
        self.queries = self.cr.sql_log_count - self.queries


def log(msg):
    print(msg, flush=True)


# ----------------------------------------------------------------------------
# Data set
# ----------------------------------------------------------------------------
def build_configuration(env, sizes):
    company = env.ref("base.main_company")
    env["asm.commission.rule"].search([]).action_archive()
    env["asm.commission.multiplier"].search([]).action_archive()
    Dept = env["hr.department"]
    depts = Dept.create(
        [
            {
                "name": f"Bench department {i}",
                "company_id": company.id,
                "asm_business": i in (1, 2),
                "asm_monthly_quota": 150000 if i in (1, 2) else 0,
            }
            for i in range(20)
        ]
    )
    marketing = depts[0]
    job_manager = env["hr.job"].create({"name": "Bench manager"})
    employees = env["hr.employee"]
    for start in range(0, sizes["employees"], 500):
        employees |= employees.create(
            [
                {
                    "name": f"Bench employee {i}",
                    "company_id": company.id,
                    "department_id": depts[i % 20].id,
                    "job_id": job_manager.id if i % 20 == 7 else False,
                }
                for i in range(start, min(start + 500, sizes["employees"]))
            ]
        )
    users = env["res.users"].create(
        [{"name": f"Bench seller {i}", "login": f"bench_seller_{i}"} for i in range(20)]
    )
    for user, employee in zip(users, employees[-20:], strict=True):
        employee.user_id = user
    categs = env["product.category"].create(
        [{"name": f"Bench category {c}"} for c in "ABC"]
    )
    products = env["product.product"].create(
        [
            {
                "name": f"Bench product {i}",
                "categ_id": categs[i % 3].id,
                "standard_price": 0.0 if i % 4 else 50.0,
                "taxes_id": [Command.clear()],
            }
            for i in range(8)
        ]
    )
    # rules start today by default; the data set is dated 2025
    env["asm.commission.rule"].with_context(default_date_from=False).create(
        [
            {
                "name": "Direct close: 8 % of margin",
                "sequence": 5,
                "role": "referrer",
                "referral_mode": "direct",
                "base": "margin",
                "rate": 8,
            },
            {
                "name": "Follow-up: 1 % of collected",
                "sequence": 10,
                "deal_type": "followup",
                "rate": 1,
            },
            {
                "name": "Category C: 3 % of collected",
                "sequence": 15,
                "product_categ_id": categs[2].id,
                "rate": 3,
            },
            {
                "name": "Contract size 1 % / 1.5 %",
                "sequence": 20,
                "apply_multiplier": True,
                "landmark_uplift": 15,
                "tier_ids": [
                    Command.create({"amount_from": 0, "amount_to": 500000, "rate": 1}),
                    Command.create({"amount_from": 500000, "rate": 1.5}),
                ],
            },
        ]
    )
    env["asm.commission.multiplier"].create(
        [
            {
                "name": "Managers",
                "sequence": 1,
                "job_id": job_manager.id,
                "factor": 1.5,
            },
            {
                "name": "Marketing",
                "sequence": 2,
                "department_id": marketing.id,
                "factor": 2,
            },
            {"name": "Ordinary staff", "sequence": 3, "factor": 2.5},
        ]
    )
    return company, employees, users, products


def build_documents(env, sizes, company, employees, users, products):
    """Customers, invoices, payments, refunds and reconciliations, in plain SQL."""
    cr = env.cr
    sale_journal = env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
    )
    bank_journal = env["account.journal"].search(
        [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
    )
    receivable = env["account.account"].search(
        [("account_type", "=", "asset_receivable"), ("company_ids", "in", company.id)],
        limit=1,
    )
    income = sale_journal.default_account_id
    currency = company.currency_id.id
    common = {
        "company": company.id,
        "currency": currency,
        "sale_journal": sale_journal.id,
        "bank_journal": bank_journal.id,
        "receivable": receivable.id,
        "income": income.id,
        "bank_account": bank_journal.default_account_id.id,
        "uid": SUPERUSER_ID,
    }
    cr.execute("SELECT setseed(0.42)")
    cr.execute(
        """
        INSERT INTO res_partner (name, complete_name, type, active, is_company,
                                 autopost_bills, create_date, write_date)
        SELECT 'Bench customer ' || g, 'Bench customer ' || g, 'contact', true, true,
               'ask', now(), now()
          FROM generate_series(1, %s) g
        RETURNING id
        """,
        [sizes["customers"]],
    )
    partners = [row[0] for row in cr.fetchall()]
    cr.execute(
        "UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)",
        [partners],
    )
    product_costs = {p.id: p.standard_price for p in products}
    cr.execute(
        "CREATE TEMP TABLE bench_product (id int, categ int, cost numeric) "
        "ON COMMIT DROP"
    )
    cr.execute(
        "INSERT INTO bench_product SELECT * FROM unnest(%s::int[], %s::int[], "
        "%s::numeric[])",
        [
            products.ids,
            [product.categ_id.id for product in products],
            [product_costs[product.id] for product in products],
        ],
    )
    # --- invoices -----------------------------------------------------------
    cr.execute(
        """
        CREATE TEMP TABLE bench_inv ON COMMIT DROP AS
        SELECT n, nextval('account_move_id_seq') AS move_id,
               nextval('account_move_line_id_seq') AS rec_line_id,
               (%(partners)s::int[])[1 + floor(random() * %(np)s)::int] AS partner_id,
               (%(employees)s::int[])[1 + floor(random() * %(ne)s)::int] AS referrer_id,
               (%(employees)s::int[])[1 + floor(random() * %(ne)s)::int] AS service_id,
               (%(users)s::int[])[1 + floor(random() * %(nu)s)::int] AS user_id,
               (%(products)s::int[])[1 + floor(random() * %(npr)s)::int] AS product1,
               (%(products)s::int[])[1 + floor(random() * %(npr)s)::int] AS product2,
               DATE '2025-01-01' + floor(random() * 334)::int AS invoice_date,
               round((1000 + random() ^ 3 * 899000)::numeric, 2) AS total,
               random() < 0.5 AS two_lines,
               random() < 0.7 AS first_deal,
               random() < 0.2 AS direct,
               random() < 0.02 AS excluded,
               random() < 0.05 AS landmark,
               0.3 + random() * 0.4 AS split
          FROM generate_series(1, %(n)s) n
        """,
        {
            **common,
            "n": sizes["invoices"],
            "partners": partners,
            "np": len(partners),
            "employees": employees.ids,
            "ne": len(employees),
            "users": users.ids,
            "nu": len(users),
            "products": products.ids,
            "npr": len(products),
        },
    )
    cr.execute(
        """
        ALTER TABLE bench_inv ADD COLUMN amount1 numeric, ADD COLUMN amount2 numeric;
        UPDATE bench_inv SET amount1 = CASE WHEN two_lines
                                            THEN round(total * split::numeric, 2)
                                            ELSE total END;
        UPDATE bench_inv SET amount2 = total - amount1;
        """
    )
    cr.execute(
        """
        INSERT INTO account_move (id, name, journal_id, company_id, currency_id, state,
            move_type, auto_post, date, invoice_date, invoice_date_due, partner_id,
            commercial_partner_id, invoice_user_id, amount_untaxed, amount_total,
            amount_untaxed_signed, amount_total_signed, amount_residual,
            payment_state, referrer_id, referral_mode, referral_deal_type,
            service_employee_id, referrer_share, salesperson_share, service_share,
            referral_excluded, referral_exclusion_reason, asm_landmark,
            create_uid, write_uid, create_date, write_date)
        SELECT move_id, 'BINV/' || n, %(sale_journal)s, %(company)s, %(currency)s,
               'posted', 'out_invoice', 'no', invoice_date, invoice_date,
               invoice_date + 30, partner_id, partner_id, user_id, total, total,
               total, total, 0, 'paid', referrer_id,
               CASE WHEN direct THEN 'direct' ELSE 'handoff' END,
               CASE WHEN first_deal THEN 'first' ELSE 'followup' END,
               service_id,
               CASE WHEN first_deal THEN 70 ELSE 10 END,
               CASE WHEN first_deal THEN 30 ELSE 80 END,
               CASE WHEN first_deal THEN 0 ELSE 10 END,
               excluded, CASE WHEN excluded THEN 'Employee price' END, landmark,
               %(uid)s, %(uid)s, now(), now()
          FROM bench_inv
        """,
        common,
    )
    cr.execute(
        """
        INSERT INTO account_move_line (move_id, account_id, company_id, journal_id,
            currency_id, company_currency_id, date, parent_state, display_type,
            partner_id, name, product_id, quantity, price_unit, price_subtotal,
            price_total, balance, debit, credit, amount_currency, asm_unit_cost,
            sequence, create_uid, write_uid, create_date, write_date)
        SELECT i.move_id, %(income)s, %(company)s, %(sale_journal)s, %(currency)s,
               %(currency)s, i.invoice_date, 'posted', 'product', i.partner_id,
               'Bench line', l.product_id, 1, l.amount, l.amount, l.amount,
               -l.amount, 0, l.amount, -l.amount, p.cost, l.seq,
               %(uid)s, %(uid)s, now(), now()
          FROM bench_inv i
         CROSS JOIN LATERAL (VALUES (i.product1, i.amount1, 10),
                                    (i.product2, i.amount2, 20))
               AS l(product_id, amount, seq)
          JOIN bench_product p ON p.id = l.product_id
         WHERE l.amount > 0
        """,
        common,
    )
    cr.execute(
        """
        INSERT INTO account_move_line (id, move_id, account_id, company_id, journal_id,
            currency_id, company_currency_id, date, date_maturity, parent_state,
            display_type, partner_id, name, balance, debit, credit, amount_currency,
            amount_residual, reconciled, sequence,
            create_uid, write_uid, create_date, write_date)
        SELECT rec_line_id, move_id, %(receivable)s, %(company)s, %(sale_journal)s,
               %(currency)s, %(currency)s, invoice_date, invoice_date + 30, 'posted',
               'payment_term', partner_id, '', total, total, 0, total, 0, true, 100,
               %(uid)s, %(uid)s, now(), now()
          FROM bench_inv
        """,
        common,
    )
    # --- payments: one or two per invoice, late or not -----------------------
    cr.execute(
        """
        CREATE TEMP TABLE bench_pay ON COMMIT DROP AS
        SELECT nextval('account_move_id_seq') AS move_id,
               nextval('account_move_line_id_seq') AS line_id,
               i.partner_id, i.rec_line_id, part.amount,
               i.invoice_date + 30 + (floor(-ln(1 - random()) * 35)::int - 15)
                   AS pay_date
          FROM bench_inv i
         CROSS JOIN LATERAL (
               SELECT i.total AS amount WHERE i.n % 2 = 0
               UNION ALL SELECT round(i.total * 0.6, 2) WHERE i.n % 2 = 1
               UNION ALL SELECT i.total - round(i.total * 0.6, 2) WHERE i.n % 2 = 1
         ) part
        """
    )
    # --- refunds: 2 % of the invoices paid at once, half refunded in cash ----
    cr.execute(
        """
        CREATE TEMP TABLE bench_refund ON COMMIT DROP AS
        SELECT nextval('account_move_id_seq') AS move_id,
               nextval('account_move_line_id_seq') AS rec_line_id,
               nextval('account_move_id_seq') AS pay_move_id,
               nextval('account_move_line_id_seq') AS pay_line_id,
               i.n, i.move_id AS invoice_id, i.partner_id,
               round(i.total / 2, 2) AS amount,
               p.pay_date + 30 AS refund_date
          FROM bench_inv i
          JOIN bench_pay p ON p.rec_line_id = i.rec_line_id
         WHERE i.n % 50 = 0
        """
    )
    cr.execute(
        """
        INSERT INTO account_move (id, name, journal_id, company_id, currency_id, state,
            move_type, auto_post, date, partner_id, commercial_partner_id,
            create_uid, write_uid, create_date, write_date)
        SELECT move_id, 'BPAY/' || move_id, %(bank_journal)s, %(company)s,
               %(currency)s, 'posted', 'entry', 'no', pay_date, partner_id,
               partner_id, %(uid)s, %(uid)s, now(), now()
          FROM bench_pay
        UNION ALL
        SELECT pay_move_id, 'BPAY/' || pay_move_id, %(bank_journal)s, %(company)s,
               %(currency)s, 'posted', 'entry', 'no', refund_date, partner_id,
               partner_id, %(uid)s, %(uid)s, now(), now()
          FROM bench_refund;
        INSERT INTO account_move (id, name, journal_id, company_id, currency_id, state,
            move_type, auto_post, date, invoice_date, invoice_date_due, partner_id,
            commercial_partner_id, reversed_entry_id, amount_untaxed, amount_total,
            amount_untaxed_signed, amount_total_signed, create_uid, write_uid,
            create_date, write_date)
        SELECT move_id, 'BREF/' || n, %(sale_journal)s, %(company)s, %(currency)s,
               'posted', 'out_refund', 'no', refund_date, refund_date, refund_date,
               partner_id, partner_id, invoice_id, amount, amount, -amount, -amount,
               %(uid)s, %(uid)s, now(), now()
          FROM bench_refund;
        INSERT INTO account_move_line (id, move_id, account_id, company_id, journal_id,
            currency_id, company_currency_id, date, date_maturity, parent_state,
            display_type, partner_id, name, balance, debit, credit, amount_currency,
            reconciled, create_uid, write_uid, create_date, write_date)
        SELECT line_id, move_id, %(receivable)s, %(company)s, %(bank_journal)s,
               %(currency)s, %(currency)s, pay_date, pay_date, 'posted', 'product',
               partner_id, 'Bench payment', -amount, 0, amount, -amount, true,
               %(uid)s, %(uid)s, now(), now()
          FROM bench_pay
        UNION ALL
        SELECT rec_line_id, move_id, %(receivable)s, %(company)s, %(sale_journal)s,
               %(currency)s, %(currency)s, refund_date, refund_date, 'posted',
               'payment_term', partner_id, '', -amount, 0, amount, -amount, true,
               %(uid)s, %(uid)s, now(), now()
          FROM bench_refund
        UNION ALL
        SELECT pay_line_id, pay_move_id, %(receivable)s, %(company)s,
               %(bank_journal)s, %(currency)s, %(currency)s, refund_date,
               refund_date, 'posted', 'product', partner_id, 'Bench refund payment',
               amount, amount, 0, amount, true, %(uid)s, %(uid)s, now(), now()
          FROM bench_refund;
        -- the money side of each payment: its bank (liquidity) line
        INSERT INTO account_move_line (move_id, account_id, company_id, journal_id,
            currency_id, company_currency_id, date, parent_state, display_type,
            partner_id, name, balance, debit, credit, amount_currency, reconciled,
            create_uid, write_uid, create_date, write_date)
        SELECT move_id, %(bank_account)s, %(company)s, %(bank_journal)s,
               %(currency)s, %(currency)s, pay_date, 'posted', 'product',
               partner_id, 'Bench payment (bank)', amount, amount, 0, amount, false,
               %(uid)s, %(uid)s, now(), now()
          FROM bench_pay
        UNION ALL
        SELECT pay_move_id, %(bank_account)s, %(company)s, %(bank_journal)s,
               %(currency)s, %(currency)s, refund_date, 'posted', 'product',
               partner_id, 'Bench refund payment (bank)', -amount, 0, amount, -amount,
               false, %(uid)s, %(uid)s, now(), now()
          FROM bench_refund;
        INSERT INTO account_partial_reconcile (debit_move_id, credit_move_id, amount,
            debit_amount_currency, credit_amount_currency, company_id,
            debit_currency_id, credit_currency_id, max_date,
            create_uid, write_uid, create_date, write_date)
        SELECT debit_id, credit_id, amount, amount, amount, %(company)s,
               %(currency)s, %(currency)s, day,
               %(uid)s, %(uid)s, now(), now()
          FROM (SELECT rec_line_id AS debit_id, line_id AS credit_id, amount,
                       pay_date AS day FROM bench_pay
                UNION ALL
                SELECT pay_line_id, rec_line_id, amount, refund_date FROM bench_refund
               ) p
         ORDER BY day
        """,
        common,
    )
    cr.execute("SELECT count(*) FROM bench_pay")
    payments = cr.fetchone()[0]
    cr.execute("SELECT count(*) FROM bench_refund")
    refunds = cr.fetchone()[0]
    cr.execute(
        "ANALYZE res_partner, account_move, account_move_line, "
        "account_partial_reconcile, asm_commission_line, hr_employee"
    )
    env.invalidate_all()
    return payments, refunds


# ----------------------------------------------------------------------------
# Measures
# ----------------------------------------------------------------------------
FLOOR_SQL = """
    SELECT count(*), sum(-il.balance * p.amount / m.amount_total_signed * 0.01)
      FROM account_partial_reconcile p
      JOIN account_move_line rl ON rl.id = p.debit_move_id
                               AND rl.display_type = 'payment_term'
      JOIN account_move m ON m.id = rl.move_id AND m.move_type = 'out_invoice'
      JOIN account_move_line il ON il.move_id = m.id AND il.display_type = 'product'
     WHERE m.referrer_id IS NOT NULL
"""


def line_columns(env):
    """Stored columns of asm_commission_line but id and key (for a plain copy)."""
    return ", ".join(
        name
        for name, field in env["asm.commission.line"]._fields.items()
        if field.store and field.column_type and name not in ("id", "key")
    )


def time_plain_insert(env):
    """A plain ``INSERT ... SELECT`` of every line into the line table, rolled back:
    what the database alone needs to write them (indexes, foreign keys, triggers)."""
    cr = env.cr
    columns = line_columns(env)
    cr.execute("SAVEPOINT plain_insert")
    with Clock(cr) as clock:
        cr.execute(
            f"INSERT INTO asm_commission_line ({columns}, key) "
            f"SELECT {columns}, key || '/copy' FROM asm_commission_line"
        )
    cr.execute("ROLLBACK TO SAVEPOINT plain_insert")
    return clock.seconds


def has_queue_api(env):
    return hasattr(type(env["asm.commission.queue"]), "_process_batch")


def fill_queue(env):
    """Queue every reconciliation, as the reconciliation hook would have: one insert."""
    cr = env.cr
    env.flush_all()
    if has_queue_api(env):
        # the hook's own insert (attributed reconciliations, with their invoice)
        cr.execute("SELECT id FROM account_partial_reconcile ORDER BY id")
        partials = env["account.partial.reconcile"].browse(r[0] for r in cr.fetchall())
        env["asm.commission.queue"].sudo()._enqueue(partials, "process")
        cr.execute("SELECT count(*) FROM asm_commission_queue")
        count = cr.fetchone()[0]
        cr.execute("ANALYZE asm_commission_queue")
        return count
    cr.execute(
        """
        INSERT INTO asm_commission_queue (partial_id, company_id, operation,
                                          create_uid, write_uid, create_date,
                                          write_date)
        SELECT id, company_id, 'process', %(uid)s, %(uid)s,
               now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
          FROM account_partial_reconcile
         ORDER BY id
        ON CONFLICT DO NOTHING
        """,
        {"uid": SUPERUSER_ID},
    )
    count = cr.rowcount
    cr.execute("ANALYZE asm_commission_queue")
    return count


def pending(cr):
    cr.execute("SELECT count(*) FROM asm_commission_queue WHERE error IS NULL")
    return cr.fetchone()[0]


def process_batch(env, limit):
    """One batch of the queue: ``asm.commission.queue._process_batch`` when it exists,
    else the same steps with the current engine (claim with SKIP LOCKED, process,
    dequeue). Returns a true value while it claimed something."""
    queue = env["asm.commission.queue"].sudo()
    if has_queue_api(env):
        return queue._process_batch(limit=limit)
    cr = env.cr
    env.flush_all()
    cr.execute(
        """
        SELECT partial_id FROM asm_commission_queue
         WHERE operation = 'process' AND error IS NULL
         ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED
        """,
        [limit],
    )
    partial_ids = [row[0] for row in cr.fetchall()]
    if partial_ids:
        engine = env["asm.commission.engine"].sudo()
        engine._process_new_partials(partial_ids, close_months=False)
    return len(partial_ids)


def drain_queue(env, limit):
    """Loop ``process_batch`` until the queue has nothing left, then decide the
    quota months (``_decide_quotas``, as the job does once the queue is empty);
    returns batches."""
    batches = 0
    left = None
    while True:
        if process_batch(env, limit):
            batches += 1
            env.invalidate_all()
            continue
        # an empty batch: stop unless rows are still pending and the queue moves
        now = pending(env.cr)
        if not now or now == left:
            decide_quotas(env)
            return batches
        left = now


def decide_quotas(env):
    """The job's last step once the queue is empty (when the API exists)."""
    queue = env["asm.commission.queue"].sudo()
    if hasattr(queue, "_decide_quotas"):
        queue._decide_quotas()


def line_totals(cr):
    cr.execute("SELECT count(*), coalesce(sum(amount), 0) FROM asm_commission_line")
    return cr.fetchone()


def line_checksum(cr):
    """Count, sums, count by state and md5 of every generated line's values."""
    cr.execute(
        """
        SELECT count(*), sum(amount), sum(gross_amount), sum(base_amount),
               md5(string_agg(concat_ws('|', key, amount, gross_amount, base_amount,
                                        credited_amount, collected_amount,
                                        netted_amount, paid_ratio, rate, multiplier,
                                        share, deduction_pct, days_late, state,
                                        reason, share_note, tier_label, name,
                                        employee_id, department_id, rule_id, date),
                              E'\\n' ORDER BY key))
          FROM asm_commission_line
        """
    )
    count, amount, gross, base, digest = cr.fetchone()
    cr.execute(
        "SELECT state, count(*) FROM asm_commission_line GROUP BY state ORDER BY state"
    )
    states = ", ".join(f"{state}={n}" for state, n in cr.fetchall())
    cr.execute(
        """
        SELECT md5(string_agg(concat_ws('|', key, amount, state, reason, share_note),
                              E'\\n' ORDER BY key))
          FROM asm_commission_line
        """
    )
    short = cr.fetchone()[0]
    return (
        f"{count} lines, amount {amount}, gross {gross}, base {base}, {states}, "
        f"md5(key|amount|state|reason|share_note) {short}, md5(all values) {digest}"
    )


def describe_line_table(cr):
    """The indexes and foreign keys of asm_commission_line (as ``\\d`` shows them)."""
    cr.execute(
        """
        SELECT c.relname, pg_get_indexdef(c.oid), x.indisprimary, x.indisunique,
               pg_relation_size(c.oid)
          FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
         WHERE x.indrelid = 'asm_commission_line'::regclass
         ORDER BY c.relname
        """
    )
    indexes = cr.fetchall()
    cr.execute(
        """
        SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
         WHERE conrelid = 'asm_commission_line'::regclass AND contype = 'f'
         ORDER BY conname
        """
    )
    fkeys = cr.fetchall()
    return indexes, fkeys


def measure_indexes(env, base):
    """What each index and the foreign keys cost a plain insert of every line.

    The full table is too noisy on a shared machine for one index out of 14, so the
    lines are inserted into a bare copy of the table (no index, no constraint), then
    into the copy with one index, and with all the foreign keys: each cost is the
    difference to the bare copy, best of ``REPEAT``. ``base``: the plain insert into
    the real table, measured just before.
    """
    cr = env.cr
    indexes, fkeys = describe_line_table(cr)
    log(f"asm_commission_line: {len(indexes)} indexes, {len(fkeys)} foreign keys")
    for name, definition, _pk, _uniq, size in indexes:
        log(f"  index {name}: {definition.split(' USING ')[1]} ({size >> 10} kB)")
    for name, definition in fkeys:
        log(f"  fkey  {name}: {definition}")
    cr.execute("SAVEPOINT lean")
    cr.execute(
        "CREATE TABLE bench_line (LIKE asm_commission_line INCLUDING DEFAULTS); "
        "ALTER TABLE bench_line ALTER COLUMN id DROP DEFAULT"
    )

    def insert():
        best = None
        for _i in range(REPEAT):
            cr.execute("TRUNCATE bench_line")
            start = time.perf_counter()
            cr.execute("INSERT INTO bench_line SELECT * FROM asm_commission_line")
            seconds = time.perf_counter() - start
            best = seconds if best is None else min(best, seconds)
        return best

    bare = insert()
    log(f"plain insert into a bare copy (no index, no constraint): {bare:.2f} s")
    costs = []
    for name, definition, _pk, _uniq, _size in indexes:
        copy = definition.replace(f"INDEX {name} ON", "INDEX bench_index ON").replace(
            "public.asm_commission_line ", "public.bench_line "
        )
        cr.execute(copy)
        seconds = insert()
        cr.execute("DROP INDEX bench_index")
        costs.append((seconds - bare, name))
    # an index the table does not have: payment_move_id (see below)
    cr.execute(
        "CREATE INDEX bench_index ON bench_line (payment_move_id) "
        "WHERE payment_move_id IS NOT NULL"
    )
    costs.append((insert() - bare, "(not present) index on payment_move_id"))
    cr.execute("DROP INDEX bench_index")
    for cost, name in sorted(costs, reverse=True):
        log(
            f"  cost of {name}: {cost:+.2f} s = {cost / base * 100:+.1f} % of the "
            "plain "
            "insert into the real table"
        )
    for name, definition in fkeys:
        cr.execute(f'ALTER TABLE bench_line ADD CONSTRAINT "b_{name}" {definition}')
    fk_cost = insert() - bare
    log(
        f"  cost of the {len(fkeys)} foreign keys together: {fk_cost:+.2f} s = "
        f"{fk_cost / base * 100:+.1f} %"
    )
    cr.execute("ROLLBACK TO SAVEPOINT lean")

    # foreign keys without an index: what a delete of the referenced row costs
    cr.execute(
        "SELECT journal_id, company_id, currency_id FROM account_move "
        "WHERE move_type = 'entry' LIMIT 1"
    )
    journal_id, company_id, currency_id = cr.fetchone()

    def delete_a_move():
        cr.execute(
            """
            INSERT INTO account_move (name, journal_id, company_id, currency_id,
                state, move_type, date, auto_post)
            VALUES ('/', %s, %s, %s, 'draft', 'entry', '2025-01-01', 'no')
            RETURNING id
            """,
            [journal_id, company_id, currency_id],
        )
        move_id = cr.fetchone()[0]
        start = time.perf_counter()
        cr.execute("DELETE FROM account_move WHERE id = %s", [move_id])
        return time.perf_counter() - start

    cr.execute("SAVEPOINT delete_move")
    index = [row[0] for row in indexes if "(payment_move_id)" in row[1]]
    if index:
        with_index = min(delete_a_move() for _i in range(3))
        cr.execute(f'DROP INDEX "{index[0]}"')
        without = min(delete_a_move() for _i in range(3))
    else:
        without = min(delete_a_move() for _i in range(3))
        cr.execute(
            "CREATE INDEX bench_payment_move ON asm_commission_line (payment_move_id)"
            " WHERE payment_move_id IS NOT NULL"
        )
        with_index = min(delete_a_move() for _i in range(3))
    cr.execute("ROLLBACK TO SAVEPOINT delete_move")
    log(
        f"deleting one draft account.move: {without * 1000:.1f} ms without an index "
        f"on payment_move_id (its foreign key ON DELETE SET NULL scans the lines), "
        f"{with_index * 1000:.1f} ms with one"
    )


def run(env, args):
    sizes = {key: max(int(value * args.scale), 10) for key, value in BASE.items()}
    cr = env.cr
    log(f"scale {args.scale}: {sizes}")
    with Clock(cr) as setup:
        company, employees, users, products = build_configuration(env, sizes)
        payments, refunds = build_documents(
            env, sizes, company, employees, users, products
        )
    log(
        f"data set: {len(employees)} employees, {sizes['customers']} customers, "
        f"{sizes['invoices']} invoices, {payments} payments, {refunds} refunds paid "
        f"(built in {setup.seconds:.1f} s)"
    )
    floor_times = []
    for _i in range(3):
        with Clock(cr) as floor:
            cr.execute(FLOOR_SQL)
            floor_rows, _sum = cr.fetchone()
        floor_times.append(floor.seconds)
    floor_s = min(floor_times)
    log(
        f"SQL read floor: {floor_rows} reconciliation x invoice line rows aggregated "
        f"in {floor_s:.3f} s ({floor_rows / floor_s:,.0f} rows/s)"
    )

    engine = env["asm.commission.engine"]
    queued = fill_queue(env)
    log(f"cold queue: {queued} reconciliations queued with one INSERT")
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    if has_queue_api(env):
        path = f"asm.commission.queue._process_batch(limit={args.batch}) in a loop"
        with Clock(cr) as gen:
            batches = drain_queue(env, args.batch)
    else:
        path = (
            "asm.commission.engine._apply_rules_to_past (fallback: "
            "asm.commission.queue._process_batch does not exist in this code)"
        )
        with Clock(cr) as gen:
            partials = engine._apply_rules_to_past(
                company, date(2000, 1, 1), batch_size=args.batch
            )[0]
            batches = -(-len(partials) // args.batch)
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile)
    env.flush_all()
    count, total = line_totals(cr)
    cr.execute("SELECT state, count(*) FROM asm_commission_line GROUP BY state")
    states = dict(cr.fetchall())
    log(f"measured path: {path}")
    if args.checksum:
        log(f"checksum: {line_checksum(cr)}")
    log(
        f"generation: {count} lines in {gen.seconds:.1f} s = {count / gen.seconds:,.0f}"
        f" lines/s; {batches} batches; {gen.queries} SQL queries "
        f"({gen.queries / max(count, 1) * 1000:.1f} per 1,000 lines); "
        f"sum of amounts {total}; states {states}; {pending(cr)} still queued"
    )
    log(
        f"ratio to the SQL read floor: {gen.seconds / floor_s:.1f}x (target <= 10x; "
        f"per row of the floor: {gen.seconds / floor_rows * 1e6:.1f} us vs "
        f"{floor_s / floor_rows * 1e6:.2f} us)"
    )
    write_s = time_plain_insert(env)
    log(
        f"SQL write floor: a plain INSERT ... SELECT of the same {count} lines into "
        f"asm_commission_line takes {write_s:.1f} s; generation is "
        f"{gen.seconds / write_s:.2f}x that (target <= 1.5x)"
    )
    if args.indexes:
        measure_indexes(env, write_s)
    # production tables are analysed by autovacuum between runs
    cr.execute("ANALYZE asm_commission_line, asm_commission_queue")
    env.invalidate_all()
    # the background job with nothing to do, at this size; its commits are held
    # back so that the bench still rolls back
    with patch.object(type(cr), "commit", lambda self: self.flush()):
        with Clock(cr) as noop:
            engine.sudo()._cron_recompute()
    log(
        f"no-op background run (asm.commission.engine._cron_recompute with an empty "
        f"queue, {count} lines in the table): {noop.seconds:.3f} s, {noop.queries} "
        "queries (target < 1 s)"
    )
    with Clock(cr) as again:
        recreated = engine._apply_rules_to_past(
            company, date(2000, 1, 1), batch_size=args.batch
        )[1]
    log(
        f"apply rules to past again: {len(recreated)} new lines in "
        f"{again.seconds:.1f} s, {again.queries} queries (idempotent)"
    )

    statement_model = env["asm.statement"]
    month_figures = []
    for month in range(1, 13):
        start = date(2025, month, 1)
        with Clock(cr) as stm:
            statements = statement_model._generate_statements(
                start, end_of(start, "month"), company
            )
            lines = sum(statements.mapped("line_count"))
        month_figures.append((month, len(statements), lines, stm.seconds, stm.queries))
        env.invalidate_all()
    for month, n_stm, n_lines, seconds, queries in month_figures:
        log(
            f"statements 2025-{month:02d}: {n_stm} statements, {n_lines} lines in "
            f"{seconds:.2f} s, {queries} queries"
        )
    busiest = max(month_figures, key=lambda fig: fig[2])
    log(
        f"a month's statements (busiest month 2025-{busiest[0]:02d}): {busiest[1]} "
        f"statements for {len(employees)} employees, {busiest[2]} lines, "
        f"{busiest[3]:.2f} s, {busiest[4]} queries"
    )


ENV_CONTEXT = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
}


_CONFIGURED = []  # the configuration is parsed once per process


@contextmanager
def open_env(args, commit=False):
    """An environment on ``args.database``; rolled back at the end unless
    ``commit`` (or ``--commit``)."""
    if not _CONFIGURED:
        config.parse_config(
            ["-c", args.config, "-d", args.database, "--log-level=warn"]
        )
        _CONFIGURED.append(args.database)
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, dict(ENV_CONTEXT))
        try:
            yield env
        finally:
            if commit or getattr(args, "commit", False):
                cr.commit()
            else:
                cr.rollback()
                log("rolled back: the database is unchanged")


def main():
    args = parse_args()
    log(f"command: {' '.join(sys.argv)}")
    with open_env(args) as env:
        if "asm.commission.engine" not in env:
            sys.exit(f"all_staff_marketing is not installed in {args.database}")
        run(env, args)


if __name__ == "__main__":
    main()
