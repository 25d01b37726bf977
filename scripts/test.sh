#!/usr/bin/env bash
# Runs the whole test suite on a real PostgreSQL + Odoo 18 registry.
#   1. set-up (PostgreSQL, role, Python deps, Odoo 18) — idempotent
#   2. templates with the dependencies installed, built once and reused: "core" (the
#      core addon's dependencies) and "full" (core + the payroll bridge's dependencies)
#   3. the core addon alone installed on a copy of "core": it needs no payroll
#   4. on a copy of "full": both addons installed, then updated — no WARNING/ERROR
#      line may appear in the logs
#   5. (whole-suite runs) both addons installed WITH demo data on a copy of a template
#      that has demo data: the demo must load without any WARNING/ERROR either
#   6. pytest-odoo on that copy (extra arguments go to pytest: a file, -k ...)
#   7. both addons uninstalled from it, cleanly (whole-suite runs only)
#   (whole-suite runs also build both wheels and install them in a throwaway venv:
#   scripts/wheel_check.sh)
source "$(dirname "$0")/lib.sh"
T0=$(now)
setup_all
ensure_chromium
echo "stage setup: $(stage_time "$T0") s"
TEST_DB="${TEST_DB:-asm_test}"

CORE_DEPS=$(addon_deps all_staff_marketing)
FULL_DEPS=$(addon_deps all_staff_marketing all_staff_marketing_payroll)
CORE_TMPL=$(ensure_template asm_tmpl_core "$CORE_DEPS")
FULL_TMPL=$(ensure_template asm_tmpl_full "$FULL_DEPS" "$CORE_TMPL")

if [[ $# -eq 0 ]]; then
  T=$(now)
  odoo_cli db -c "$ODOO_CONF" duplicate -f "$CORE_TMPL" "${TEST_DB}_core" >/dev/null 2>&1
  install_checked "${TEST_DB}_core" all_staff_marketing -i install-core-alone --without-demo=all
  PAYROLL=$(PGPASSWORD="$DB_PASSWORD" psql -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -d "${TEST_DB}_core" -Atqc \
    "select count(*) from ir_module_module where name = 'payroll' and state = 'installed'")
  [[ "$PAYROLL" == "0" ]] || die "installing all_staff_marketing alone installed payroll: the core must not depend on it."
  odoo_cli db -c "$ODOO_CONF" drop "${TEST_DB}_core" >/dev/null 2>&1
  echo "stage core-without-payroll: $(stage_time "$T") s"
fi

if [[ $# -eq 0 ]]; then
  PYTHON="$PYTHON" bash "$REPO/scripts/wheel_check.sh"
fi

if [[ $# -eq 0 ]]; then
  T=$(now)
  DEMO_TMPL=$(TEMPLATE_DEMO=1 ensure_template asm_tmpl_demo "$FULL_DEPS")
  odoo_cli db -c "$ODOO_CONF" duplicate -f "$DEMO_TMPL" "${TEST_DB}_demo" >/dev/null 2>&1
  install_checked "${TEST_DB}_demo" "$ADDONS" -i install-with-demo
  odoo_cli db -c "$ODOO_CONF" drop "${TEST_DB}_demo" >/dev/null 2>&1
  echo "stage demo-data: $(stage_time "$T") s"
fi

T=$(now)
odoo_cli db -c "$ODOO_CONF" duplicate -f "$FULL_TMPL" "$TEST_DB" >/dev/null 2>&1
echo "stage copy: $(stage_time "$T") s"
install_checked "$TEST_DB" "$ADDONS" -i install --without-demo=all
install_checked "$TEST_DB" "$ADDONS" -u update
if [[ $# -eq 0 || "$*" == *test_tours* ]]; then
  T=$(now)
  "$PYTHON" "$REPO/scripts/warm_assets.py" "$ODOO_CONF" "$TEST_DB" || die "generating the web assets for the browser tours failed."
  echo "stage warm-assets: $(stage_time "$T") s"
fi

T=$(now)
# the fuzz test draws its scenarios from this seed: printed, so any run replays
export ASM_FUZZ_SEED="${ASM_FUZZ_SEED:-$(shuf -i 1-999999999 -n 1)}"
echo "fuzz seed: ASM_FUZZ_SEED=$ASM_FUZZ_SEED (replay: ASM_FUZZ_SEED=$ASM_FUZZ_SEED make test ARGS=tests/test_commission_fuzz.py)"
set +e
(cd "$REPO" && "$PYTHON" -m pytest -p no:cacheprovider --odoo-config="$ODOO_CONF" \
  --odoo-database="$TEST_DB" --odoo-addons-path="$REPO" --odoo-http "${@:-tests}")
RC=$?
set -e
echo "stage pytest: $(stage_time "$T") s"
[[ $RC -eq 0 ]] || { echo "TESTS FAILED (pytest exit $RC)"; exit "$RC"; }

if [[ $# -eq 0 ]]; then
  T=$(now)
  "$PYTHON" "$REPO/scripts/uninstall_check.py" "$ODOO_CONF" "$TEST_DB" >"$LOG_DIR/uninstall.log" 2>&1 \
    || { tail -30 "$LOG_DIR/uninstall.log" >&2; die "uninstalling the addons failed (log: $LOG_DIR/uninstall.log)."; }
  check_log "$LOG_DIR/uninstall.log" "uninstalling the addons"
  echo "stage uninstall: $(stage_time "$T") s"
fi
echo "total: $(stage_time "$T0") s"
