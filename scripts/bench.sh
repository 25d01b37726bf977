#!/usr/bin/env bash
# Benchmark of the commission engine on a throwaway database (see bench/*.py).
#   TEST_DB=<db> bash scripts/bench.sh [--scale 0.25] [--batch 2000]
# Copies $TEST_DB (a database of scripts/test.sh, default asm_test) to $BENCH_DB
# (default asm_bench), installs the addons there, runs bench/bench_commission.py (which
# rolls its data back) and drops the copy.
source "$(dirname "$0")/lib.sh"
setup_all
SOURCE_DB="${TEST_DB:-asm_test}"
BENCH_DB="${BENCH_DB:-asm_bench}"
db_exists "$SOURCE_DB" || die "database $SOURCE_DB not found: run 'TEST_DB=$SOURCE_DB bash scripts/test.sh' first."
odoo_cli db -c "$ODOO_CONF" duplicate -f "$SOURCE_DB" "$BENCH_DB" >/dev/null
trap 'odoo_cli db -c "$ODOO_CONF" drop "$BENCH_DB" >/dev/null 2>&1 || true' EXIT
odoo_cli -c "$ODOO_CONF" -d "$BENCH_DB" -i "$ADDONS" --without-demo=all --stop-after-init \
  --log-level=warn >/dev/null 2>&1 || die "installing $ADDONS on $BENCH_DB failed."
"$PYTHON" "$REPO/bench/bench_commission.py" -c "$ODOO_CONF" -d "$BENCH_DB" "$@"
