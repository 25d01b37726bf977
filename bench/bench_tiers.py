#!/usr/bin/env python3
"""Benchmark: the nightly customer-tier recomputation over a large database.

Usage (from the repository root). The source database needs the addon installed:
a partial test run leaves one (a full run ends by uninstalling), e.g.
``TEST_DB=asm_attr bash scripts/test.sh tests/test_install.py``, then::

    python3 bench/bench_tiers.py -c .odoo/odoo.conf -d asm_attr
    python3 bench/bench_tiers.py -c .odoo/odoo.conf -d asm_attr \
        --customers 100000 --lines 1000000 --keep

The source database is never modified: it is copied to ``<db>_bench_tiers`` (dropped
at the end unless ``--keep``). Into the copy the script inserts, with plain SQL (it is a
bench, not business code), N customers and M posted customer-invoice lines: 5 lines
per invoice (4 product lines + 1 receivable line), one invoice in ten a credit note,
dates spread over the last 18 months. It then times
``res.company._asm_recompute_customer_tiers()`` (first run: every customer gets a tier;
second run: nothing changed) and prints the wall time and the number of SQL queries.
"""

import argparse
import sys
import time
from contextlib import closing, nullcontext
from unittest.mock import patch

import odoo
from odoo import SUPERUSER_ID, api
from odoo.tools import SQL, config

LINES_PER_MOVE = 5  # 4 product lines + 1 receivable line


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo config file")
    parser.add_argument("-d", "--database", required=True, help="source database")
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the copy")
    parser.add_argument(
        "--show-queries", action="store_true", help="print each query's first line"
    )
    return parser.parse_args()


def seed(env, n_customers, n_lines):
    """Insert the customers, invoices and invoice lines with set-based SQL."""
    cr = env.cr
    company = env.ref("base.main_company")
    journal = env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
    )
    income = journal.default_account_id
    receivable = env["account.account"].search(
        [
            ("account_type", "=", "asset_receivable"),
            ("company_ids", "in", company.ids),
        ],
        limit=1,
    )
    if not (journal and income and receivable):
        sys.exit("the source database has no sales journal / accounts (no chart)")
    n_moves = n_lines // LINES_PER_MOVE
    params = {
        "company": company.id,
        "currency": company.currency_id.id,
        "journal": journal.id,
        "income": income.id,
        "receivable": receivable.id,
        "n_customers": n_customers,
        "n_moves": n_moves,
    }
    cr.execute(
        """
        CREATE TEMP TABLE bench_partner AS
        WITH inserted AS (
            INSERT INTO res_partner (name, complete_name, is_company, active, type,
                                     autopost_bills, customer_rank, create_date,
                                     write_date, create_uid, write_uid)
            SELECT 'Bench customer ' || g, 'Bench customer ' || g, true, true,
                   'contact', 'ask', 1, now(), now(), 1, 1
              FROM generate_series(1, %(n_customers)s) g
            RETURNING id
        )
        SELECT (row_number() OVER (ORDER BY id)) - 1 AS k, id FROM inserted
        """,
        params,
    )
    cr.execute(
        "UPDATE res_partner p SET commercial_partner_id = p.id "
        "FROM bench_partner b WHERE b.id = p.id"
    )
    # invoices: customer g % N, amounts so that the three tiers all occur
    cr.execute(
        """
        CREATE TEMP TABLE bench_move AS
        SELECT g AS n,
               p.id AS partner_id,
               CASE WHEN g %% 10 = 0 THEN 'out_refund' ELSE 'out_invoice' END
                   AS move_type,
               (current_date - (g * 7919 %% 540)::int)::date AS date,
               round((((g * 104729) %% 1000000) + 1)::numeric * 0.9, 2) AS line_amount
          FROM generate_series(1::bigint, %(n_moves)s) g
          JOIN bench_partner p ON p.k = g %% %(n_customers)s
        """,
        params,
    )
    cr.execute(
        """
        INSERT INTO account_move (name, move_type, state, journal_id, company_id,
                                  currency_id, partner_id, commercial_partner_id,
                                  date, invoice_date, auto_post,
                                  amount_untaxed, amount_untaxed_signed,
                                  amount_total, amount_total_signed,
                                  create_date, write_date, create_uid, write_uid)
        SELECT 'BENCH/' || n, move_type, 'posted', %(journal)s, %(company)s,
               %(currency)s, partner_id, partner_id, date, date, 'no',
               4 * line_amount,
               CASE WHEN move_type = 'out_refund' THEN -4 ELSE 4 END * line_amount,
               4 * line_amount,
               CASE WHEN move_type = 'out_refund' THEN -4 ELSE 4 END * line_amount,
               now(), now(), 1, 1
          FROM bench_move
        RETURNING id
        """,
        params,
    )
    cr.execute(
        """
        ALTER TABLE bench_move ADD COLUMN move_id int;
        UPDATE bench_move b SET move_id = m.id
          FROM account_move m WHERE m.name = 'BENCH/' || b.n
        """
    )
    # 4 product lines (credit on invoices) + 1 receivable line per move
    cr.execute(
        """
        INSERT INTO account_move_line (move_id, journal_id, company_id, currency_id,
                                       company_currency_id, partner_id, account_id,
                                       display_type, parent_state, date,
                                       balance, amount_currency, debit, credit,
                                       price_unit, quantity, price_subtotal,
                                       create_date, write_date, create_uid, write_uid)
        SELECT b.move_id, %(journal)s, %(company)s, %(currency)s, %(currency)s,
               b.partner_id,
               CASE WHEN l.k < 5 THEN %(income)s ELSE %(receivable)s END,
               CASE WHEN l.k < 5 THEN 'product' ELSE 'payment_term' END,
               'posted', b.date,
               s.sign * CASE WHEN l.k < 5 THEN -1 ELSE 4 END * b.line_amount,
               s.sign * CASE WHEN l.k < 5 THEN -1 ELSE 4 END * b.line_amount,
               GREATEST(s.sign * CASE WHEN l.k < 5 THEN -1 ELSE 4 END
                        * b.line_amount, 0),
               GREATEST(-s.sign * CASE WHEN l.k < 5 THEN -1 ELSE 4 END
                        * b.line_amount, 0),
               b.line_amount, 1, b.line_amount,
               now(), now(), 1, 1
          FROM bench_move b
          CROSS JOIN generate_series(1, 5) AS l(k)
          CROSS JOIN LATERAL (
              SELECT CASE WHEN b.move_type = 'out_refund' THEN -1 ELSE 1 END AS sign
          ) s
        """,
        params,
    )
    cr.execute("ANALYZE res_partner; ANALYZE account_move; ANALYZE account_move_line")
    cr.execute(
        "SELECT count(*) FROM account_move_line WHERE move_id IN "
        "(SELECT move_id FROM bench_move)"
    )
    return company, cr.fetchone()[0]


def timed_recompute(env, company, show_queries=False):
    env.invalidate_all()
    cr = env.cr
    seen = []
    execute = type(cr).execute

    def logged_execute(self, query, params=None, log_exceptions=True):
        text = getattr(query, "code", query)
        seen.append(" ".join(str(text).split())[:110])
        return execute(self, query, params, log_exceptions)

    queries = cr.sql_log_count
    start = time.perf_counter()
    with (
        patch.object(type(cr), "execute", logged_execute)
        if show_queries
        else (nullcontext())
    ):
        company._asm_recompute_customer_tiers()
        env.flush_all()
    wall = time.perf_counter() - start
    for text in seen:
        print("   ", text)
    return wall, cr.sql_log_count - queries


def drop_copy(name):
    """Drop the throwaway copy (plain DROP: nothing of ours is connected to it)."""
    odoo.modules.registry.Registry.delete(name)
    odoo.sql_db.close_db(name)
    with closing(odoo.sql_db.db_connect("postgres").cursor()) as cr:
        cr._cnx.autocommit = True
        cr.execute(SQL("DROP DATABASE IF EXISTS %s", SQL.identifier(name)))


def main():
    args = parse_args()
    config.parse_config(["-c", args.config, "--log-level=warn"])
    copy = f"{args.database}_bench_tiers"
    drop_copy(copy)
    print(f"copying {args.database} to {copy} ...", flush=True)
    odoo.service.db.exp_duplicate_database(args.database, copy)
    try:
        registry = odoo.modules.registry.Registry.new(copy)
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            if "asm_customer_tier" not in env["res.partner"]._fields:
                sys.exit(f"all_staff_marketing is not installed in {args.database}")
            start = time.perf_counter()
            company, n_lines = seed(env, args.customers, args.lines)
            print(
                f"seeded {args.customers:,} customers, {n_lines:,} posted invoice "
                f"lines in {time.perf_counter() - start:.1f} s",
                flush=True,
            )
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env["res.company"].browse(company.id)
            for label in (
                "first run (every customer tiered)",
                "second run (no change)",
            ):
                wall, queries = timed_recompute(env, company, args.show_queries)
                print(f"{label}: {wall:.2f} s wall, {queries} SQL queries")
            cr.execute(
                """
                SELECT asm_customer_tier->>%s AS tier, count(*)
                  FROM res_partner WHERE asm_customer_tier ? %s
                 GROUP BY 1 ORDER BY 1
                """,
                [str(company.id), str(company.id)],
            )
            print("tiers:", ", ".join(f"{t}: {n:,}" for t, n in cr.fetchall()))
            cr.execute("SELECT count(*) FROM asm_customer_tier_log")
            print(f"tier history rows: {cr.fetchone()[0]:,}")
    finally:
        if not args.keep:
            drop_copy(copy)


if __name__ == "__main__":
    main()
