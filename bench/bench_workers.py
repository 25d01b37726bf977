#!/usr/bin/env python3
"""Benchmark: 1, 2 and 4 worker processes draining the same commission queue.

Usage, on a throwaway database where ``all_staff_marketing`` is installed (the data
set is COMMITTED: worker processes need to see it)::

    BENCH_DB=asm_bench bash scripts/bench.sh bench/bench_workers.py [--scale 0.1]
    python3 bench/bench_workers.py -c .odoo/odoo.conf -d <db> [--scale 0.1]

The data set is the one of ``bench_commission.py`` (same ``--scale``). For each
number of workers (``--workers 1,2,4``): every commission line is deleted and every
reconciliation queued again (one INSERT), then N processes (multiprocessing, spawn),
each with its own registry cursor, loop ``asm.commission.queue._process_batch`` (or,
before it exists, the same claim-process-dequeue steps with ``FOR UPDATE SKIP
LOCKED``) and commit after every batch, until nothing is left to claim. A deadlock or
serialization failure rolls the batch back and retries it (counted).

Printed: wall time from the start signal to the last worker's end, lines/s, speed-up
over one worker; then the line count and the sum of amounts of each run, which must
be identical (the script exits with an error otherwise).
"""

import argparse
import multiprocessing
import sys
import time

import psycopg2.errors
from bench_commission import (
    BASE,
    Clock,
    build_configuration,
    build_documents,
    drain_queue,
    fill_queue,
    has_queue_api,
    line_totals,
    log,
    open_env,
    pending,
    process_batch,
)

import odoo
from odoo import SUPERUSER_ID, api
from odoo.tools import config

RETRIED = (psycopg2.errors.DeadlockDetected, psycopg2.errors.SerializationFailure)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo config file")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--workers", default="1,2,4")
    return parser.parse_args()


def worker(config_file, database, batch, barrier, results):
    """One worker process: claim, process and commit batches until none is left."""
    config.parse_config(["-c", config_file, "-d", database, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(database)
    batches = retries = 0
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        barrier.wait()
        start = time.perf_counter()
        while True:
            try:
                claimed = process_batch(env, batch)
                cr.commit()
            except RETRIED:
                cr.rollback()
                env.invalidate_all()
                retries += 1
                continue
            env.invalidate_all()
            if claimed:
                batches += 1
                continue
            # nothing claimable: the rest (if any) is held by the other workers
            if not drain_queue(env, batch):
                cr.commit()
                break
            cr.commit()
        results.put((batches, retries, time.perf_counter() - start))


def reset(env):
    """No commission line, every reconciliation queued: a cold queue."""
    cr = env.cr
    cr.execute("DELETE FROM asm_commission_line")
    cr.execute("DELETE FROM asm_commission_queue")
    queued = fill_queue(env)
    cr.execute("ANALYZE asm_commission_line")
    cr.commit()
    return queued


def run_workers(args, count):
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(count + 1)
    results = ctx.Queue()
    procs = [
        ctx.Process(
            target=worker,
            args=(args.config, args.database, args.batch, barrier, results),
        )
        for _i in range(count)
    ]
    for proc in procs:
        proc.start()
    barrier.wait()  # every registry is loaded: the clock starts now
    start = time.perf_counter()
    stats = [results.get() for _proc in procs]
    seconds = time.perf_counter() - start
    for proc in procs:
        proc.join()
    if any(proc.exitcode for proc in procs):
        sys.exit(f"a worker failed: exit codes {[proc.exitcode for proc in procs]}")
    return seconds, stats


def main():
    args = parse_args()
    log(f"command: {' '.join(sys.argv)}")
    sizes = {key: max(int(value * args.scale), 10) for key, value in BASE.items()}
    with open_env(args, commit=True) as env:
        if "asm.commission.engine" not in env:
            sys.exit(f"all_staff_marketing is not installed in {args.database}")
        with Clock(env.cr) as setup:
            company, employees, users, products = build_configuration(env, sizes)
            payments, refunds = build_documents(
                env, sizes, company, employees, users, products
            )
        log(
            f"scale {args.scale}: {sizes['invoices']} invoices, {payments} payments, "
            f"{refunds} refunds paid (built and committed in {setup.seconds:.1f} s)"
        )
        path = (
            "asm.commission.queue._process_batch"
            if has_queue_api(env)
            else "fallback: claim FOR UPDATE SKIP LOCKED + "
            "asm.commission.engine._process_new_partials (no _process_batch yet)"
        )
    log(f"measured path: {path}, batches of {args.batch}, commit after each batch")
    runs = []
    for count in [int(n) for n in args.workers.split(",")]:
        with open_env(args, commit=True) as env:
            queued = reset(env)
        seconds, stats = run_workers(args, count)
        with open_env(args, commit=True) as env:
            lines, amount = line_totals(env.cr)
            left = pending(env.cr)
            env.cr.execute(
                "SELECT kind, count(*), sum(amount) FROM asm_commission_line "
                "GROUP BY kind ORDER BY kind"
            )
            kinds = {kind: (n, total) for kind, n, total in env.cr.fetchall()}
            env.cr.execute(
                "SELECT state, count(*), sum(amount) FROM asm_commission_line "
                "GROUP BY state ORDER BY state"
            )
            states = tuple(env.cr.fetchall())
        runs.append(
            (count, seconds, lines, amount, tuple(sorted(kinds.items())), states)
        )
        log(
            f"{count} worker(s): {queued} reconciliations -> {lines} lines in "
            f"{seconds:.1f} s = {lines / seconds:,.0f} lines/s "
            f"(speed-up {runs[0][1] / seconds:.2f}x); batches per worker "
            f"{[s[0] for s in stats]}, retried {sum(s[1] for s in stats)}; "
            f"sum of amounts {amount}; {left} left in the queue; by kind {kinds}; "
            f"by state {states}"
        )
    figures = {run[2:] for run in runs}
    if len(figures) != 1:
        sys.exit(
            "the runs differ (line count, sum of amounts, by kind, by state): "
            f"{sorted(figures)}"
        )
    log(
        f"identical in every run: {runs[0][2]} lines, sum of amounts {runs[0][3]}, "
        f"by kind {runs[0][4]}, by state {runs[0][5]}"
    )


if __name__ == "__main__":
    main()
