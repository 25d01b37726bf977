#!/usr/bin/env bash
# Benchmarks on a throwaway copy of the "full" template with both addons installed.
#   bash scripts/bench.sh                                   every bench/bench_*.py, default sizes
#   bash scripts/bench.sh bench/bench_commission.py --scale 0.1   one script, its own arguments
# Each script prints its own figures (wall time, rows/s, SQL queries).
source "$(dirname "$0")/lib.sh"
setup_all
BENCH_DB="${BENCH_DB:-asm_bench}"
CORE_TMPL=$(ensure_template asm_tmpl_core "$(addon_deps all_staff_marketing)")
FULL_TMPL=$(ensure_template asm_tmpl_full "$(addon_deps all_staff_marketing all_staff_marketing_payroll)" "$CORE_TMPL")
if [[ $# -gt 0 ]]; then
  scripts=("$1"); shift
else
  scripts=("$REPO"/bench/bench_*.py)
fi
trap 'odoo_cli db -c "$ODOO_CONF" drop "$BENCH_DB" >/dev/null 2>&1 || true' EXIT
for script in "${scripts[@]}"; do
  odoo_cli db -c "$ODOO_CONF" duplicate -f "$FULL_TMPL" "$BENCH_DB" >/dev/null 2>&1
  install_checked "$BENCH_DB" "$ADDONS" -i bench-install --without-demo=all >/dev/null
  echo "### $(basename "$script") $*"
  "$PYTHON" "$script" -c "$ODOO_CONF" -d "$BENCH_DB" "$@"
done
