#!/usr/bin/env python3
"""Benchmark: what the commission hook adds to registering a payment.

Usage, on a throwaway database where ``all_staff_marketing`` is installed::

    BENCH_DB=asm_bench bash scripts/bench.sh bench/bench_payment.py [--payments 1000]
    python3 bench/bench_payment.py -c .odoo/odoo.conf -d <db> [--payments 1000]

Set-up (ORM, rolled back at the end): the configuration of ``bench_commission.py``
(4 rules with tiers, 3 multipliers) for 40 employees, and 2 x N posted customer
invoices of one or two product lines, every one attributed to a referrer (first deal,
70 / 30 / 0 shares) so that every payment has commissions to compute.

Measured: N payments registered one by one with the real ``account.payment.register``
wizard (what the "Register Payment" button runs: payment, posting, reconciliation),
half of them with the addon's reconciliation hook (``account.partial.reconcile``
create/unlink of all_staff_marketing) and half with that override skipped, in
alternating rounds so that caches and the machine's load hit both sides alike.
Printed: ms and SQL queries per payment on each side, the overhead in ms and %, and
what the hook left behind (commission lines, queued reconciliations).
"""

import argparse
import random
import sys
import time
from datetime import date, timedelta

from bench_commission import Clock, build_configuration, log, open_env

from odoo import Command, api

HOOK_MODULE = "odoo.addons.all_staff_marketing.models.account_partial_reconcile"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo config file")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--payments", type=int, default=1000, help="per side x 2")
    parser.add_argument("--rounds", type=int, default=10)
    return parser.parse_args()


class HookSwitch:
    """Skip (or not) the addon's override of reconciliation create/unlink."""

    def __init__(self, env):
        self.cls = type(env["account.partial.reconcile"])
        self.addon_cls = next(
            klass for klass in self.cls.__mro__ if klass.__module__ == HOOK_MODULE
        )
        self.saved = {
            name: self.cls.__dict__[name]
            for name in ("create", "unlink")
            if name in self.cls.__dict__
        }

    def disable(self):
        addon_cls = self.addon_cls

        @api.model_create_multi
        def create(self, vals_list):
            return super(addon_cls, self).create(vals_list)

        def unlink(self):
            return super(addon_cls, self).unlink()

        self.cls.create = create
        self.cls.unlink = unlink

    def enable(self):
        for name in ("create", "unlink"):
            if name in self.saved:
                setattr(self.cls, name, self.saved[name])
            elif name in self.cls.__dict__:
                delattr(self.cls, name)


def build_invoices(env, count, employees, users, products):
    rng = random.Random(42)
    customers = env["res.partner"].create(
        [{"name": f"Bench payer {i}", "is_company": True} for i in range(50)]
    )
    vals_list = []
    for i in range(count):
        lines = [(rng.choice(products), rng.randint(1000, 90000))]
        if i % 2:
            lines.append((rng.choice(products), rng.randint(1000, 90000)))
        invoice_date = date(2025, 1, 1) + timedelta(days=rng.randrange(300))
        vals_list.append(
            {
                "move_type": "out_invoice",
                "partner_id": rng.choice(customers).id,
                "invoice_date": invoice_date,
                "invoice_date_due": invoice_date + timedelta(days=30),
                "invoice_user_id": rng.choice(users).id,
                "referrer_id": rng.choice(employees).id,
                "referral_mode": "handoff",
                "referral_deal_type": "first",
                "service_employee_id": rng.choice(employees).id,
                "referrer_share": 70,
                "salesperson_share": 30,
                "service_share": 0,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "quantity": 1,
                            "price_unit": price,
                            "tax_ids": [Command.clear()],
                        }
                    )
                    for product, price in lines
                ],
            }
        )
    moves = env["account.move"]
    for start in range(0, count, 200):
        batch = env["account.move"].create(vals_list[start : start + 200])
        batch.action_post()
        moves |= batch
    return moves


def pay(env, invoice):
    wizard = (
        env["account.payment.register"]
        .with_context(active_model="account.move", active_ids=invoice.ids)
        .create({"payment_date": invoice.invoice_date + timedelta(days=20)})
    )
    return wizard._create_payments()


def run(env, args):
    cr = env.cr
    company = env.ref("base.main_company")
    with Clock(cr) as setup:
        company, employees, users, products = build_configuration(
            env, {"employees": 40}
        )
        # one more on each side for the warm-up
        invoices = build_invoices(
            env, 2 * (args.payments + 1), employees, users, products
        )
        env.flush_all()
        cr.execute("ANALYZE account_move, account_move_line, account_partial_reconcile")
    log(f"set-up: {len(invoices)} attributed invoices posted in {setup.seconds:.1f} s")
    cr.execute("SELECT count(*) FROM asm_commission_line")
    lines_before = cr.fetchone()[0]
    switch = HookSwitch(env)
    per_round = max(args.payments // args.rounds, 1)
    half = args.payments + 1
    todo = {"hook": list(invoices[:half]), "off": list(invoices[half:])}
    totals = {"hook": [0.0, 0], "off": [0.0, 0]}
    done = {"hook": 0, "off": 0}
    # warm-up: one payment each, not counted (first wizard load, caches)
    for side in ("hook", "off"):
        (switch.enable if side == "hook" else switch.disable)()
        pay(env, todo[side].pop())
    switch.enable()
    for rnd in range(args.rounds):
        order = ("hook", "off") if rnd % 2 == 0 else ("off", "hook")
        for side in order:
            (switch.enable if side == "hook" else switch.disable)()
            batch = todo[side][:per_round]
            todo[side] = todo[side][per_round:]
            try:
                for invoice in batch:
                    with Clock(cr) as one:
                        pay(env, invoice)
                        env.flush_all()
                    totals[side][0] += one.seconds
                    totals[side][1] += one.queries
                    done[side] += 1
                env.invalidate_all()
            finally:
                switch.enable()
    ms = {side: totals[side][0] / done[side] * 1000 for side in totals}
    queries = {side: totals[side][1] / done[side] for side in totals}
    cr.execute("SELECT count(*) FROM asm_commission_line")
    lines_after = cr.fetchone()[0]
    cr.execute("SELECT count(*) FROM asm_commission_queue")
    queued = cr.fetchone()[0]
    log(
        f"with the hook: {done['hook']} payments, {ms['hook']:.1f} ms and "
        f"{queries['hook']:.1f} SQL queries per payment"
    )
    log(
        f"hook skipped: {done['off']} payments, {ms['off']:.1f} ms and "
        f"{queries['off']:.1f} SQL queries per payment"
    )
    overhead = ms["hook"] - ms["off"]
    log(
        f"payment overhead of the addon's hook: {overhead:+.1f} ms per payment = "
        f"{overhead / ms['off'] * 100:+.1f} % (target <= 10 %), "
        f"{queries['hook'] - queries['off']:+.1f} queries"
    )
    log(
        f"left by the hook: {lines_after - lines_before} commission lines created "
        f"during the payments, {queued} reconciliations queued"
    )
    if hasattr(type(env["asm.commission.queue"]), "_process_batch"):
        with Clock(cr) as later:
            while env["asm.commission.queue"].sudo()._process_batch(limit=2000):
                pass
        cr.execute("SELECT count(*) FROM asm_commission_line")
        log(
            f"queue processed afterwards: {cr.fetchone()[0] - lines_after} lines in "
            f"{later.seconds:.2f} s, {later.queries} queries"
        )


def main():
    args = parse_args()
    with open_env(args) as env:
        if "asm.commission.engine" not in env:
            sys.exit(f"all_staff_marketing is not installed in {args.database}")
        run(env, args)


if __name__ == "__main__":
    log(f"command: {' '.join(sys.argv)}")
    start = time.perf_counter()
    main()
    log(f"total {time.perf_counter() - start:.0f} s")
