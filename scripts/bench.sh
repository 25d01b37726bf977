#!/usr/bin/env bash
# Runs every bench/bench_*.py on a throwaway copy of the "full" template with both
# addons installed. Each script prints its own figures. BENCH_ARGS go to every script
# (e.g. BENCH_ARGS="--scale 0.1").
source "$(dirname "$0")/lib.sh"
setup_all
BENCH_DB="${BENCH_DB:-asm_bench}"
CORE_TMPL=$(ensure_template asm_tmpl_core "$(addon_deps all_staff_marketing)")
FULL_TMPL=$(ensure_template asm_tmpl_full "$(addon_deps all_staff_marketing all_staff_marketing_payroll)" "$CORE_TMPL")
for script in "$REPO"/bench/bench_*.py; do
  [[ -e "$script" ]] || continue
  odoo_cli db -c "$ODOO_CONF" duplicate -f "$FULL_TMPL" "$BENCH_DB" >/dev/null 2>&1
  install_checked "$BENCH_DB" "$ADDONS" -i bench-install --without-demo=all >/dev/null
  echo "### $(basename "$script")"
  # shellcheck disable=SC2086
  "$PYTHON" "$script" -c "$ODOO_CONF" -d "$BENCH_DB" ${BENCH_ARGS:-}
done
odoo_cli db -c "$ODOO_CONF" drop "$BENCH_DB" >/dev/null 2>&1 || true
