#!/usr/bin/env bash
# Runs the whole test suite on a real PostgreSQL + Odoo 18 registry.
#   1. set-up (PostgreSQL, role, Python deps, Odoo 18) — idempotent
#   2. template DB with the dependencies installed (built once, keyed on the manifests)
#   3. copy of the template; the addons installed, then updated, on it: the log must
#      have no WARNING/ERROR line
#   4. pytest-odoo on the copy (extra arguments go to pytest, e.g. tests/test_install.py)
#   5. the addons uninstalled from the copy, cleanly
source "$(dirname "$0")/lib.sh"
T0=$(now)
setup_all
echo "stage setup: $(stage_time "$T0") s"

TEST_DB="${TEST_DB:-asm_test}"
LOG_DIR="$STATE_DIR/logs"; mkdir -p "$LOG_DIR"

# --- 2. template -----------------------------------------------------------------
DEPS=$("$PYTHON" - "$REPO" <<'PY'
import ast, pathlib, sys
repo = pathlib.Path(sys.argv[1]); ours = {"all_staff_marketing", "all_staff_marketing_payroll"}
deps = set()
for name in ours:
    deps |= set(ast.literal_eval((repo / name / "__manifest__.py").read_text())["depends"])
print(",".join(sorted(deps - ours)))
PY
)
KEY=$( { echo "$DEPS"; odoo_version; cat "$REPO/requirements-addons.txt"; "$PYTHON" -c "import odoo.release as r; print(r.version)"; } | sha1sum | cut -c1-10)
TEMPLATE="asm_tmpl_$KEY"
T=$(now)
if db_exists "$TEMPLATE"; then
  echo "stage template: reused $TEMPLATE ($(stage_time "$T") s)"
else
  BUILD="${TEMPLATE}_building"
  cleanup_build() { odoo_cli db -c "$ODOO_CONF" drop "$BUILD" >/dev/null 2>&1 || true; }
  trap cleanup_build EXIT
  cleanup_build
  say "building template $TEMPLATE with: $DEPS (takes 1-2 minutes, once)"
  if ! odoo_cli -c "$ODOO_CONF" -d "$BUILD" -i "$DEPS" --without-demo=all --stop-after-init \
       --log-level=warn >"$LOG_DIR/template.log" 2>&1; then
    tail -20 "$LOG_DIR/template.log" >&2
    die "template build failed (log: $LOG_DIR/template.log); nothing was kept."
  fi
  odoo_cli db -c "$ODOO_CONF" rename "$BUILD" "$TEMPLATE" >/dev/null
  trap - EXIT
  echo "stage template: built $TEMPLATE in $(stage_time "$T") s"
fi

# --- 3. copy + install + update --------------------------------------------------
T=$(now)
odoo_cli db -c "$ODOO_CONF" duplicate -f "$TEMPLATE" "$TEST_DB" >/dev/null
echo "stage copy: $(stage_time "$T") s"

check_log() { # $1 log, $2 what
  if grep -E " (WARNING|ERROR|CRITICAL) " "$1" | grep -v "Running as user 'root'" >"$1.bad"; then
    cat "$1.bad" >&2
    die "$2 logged the WARNING/ERROR lines above (full log: $1)."
  fi
}
T=$(now)
odoo_cli -c "$ODOO_CONF" -d "$TEST_DB" -i "$ADDONS" --without-demo=all --stop-after-init \
  --log-level=info >"$LOG_DIR/install.log" 2>&1 || { tail -30 "$LOG_DIR/install.log" >&2; die "installing $ADDONS failed."; }
check_log "$LOG_DIR/install.log" "installing $ADDONS"
echo "stage install: $(stage_time "$T") s"
T=$(now)
odoo_cli -c "$ODOO_CONF" -d "$TEST_DB" -u "$ADDONS" --stop-after-init \
  --log-level=info >"$LOG_DIR/update.log" 2>&1 || { tail -30 "$LOG_DIR/update.log" >&2; die "updating $ADDONS failed."; }
check_log "$LOG_DIR/update.log" "updating $ADDONS"
echo "stage update: $(stage_time "$T") s"

# --- 4. pytest -------------------------------------------------------------------
T=$(now)
set +e
(cd "$REPO" && "$PYTHON" -m pytest -p no:cacheprovider --odoo-config="$ODOO_CONF" \
  --odoo-database="$TEST_DB" --odoo-addons-path="$REPO" "${@:-tests}")
RC=$?
set -e
echo "stage pytest: $(stage_time "$T") s"
[[ $RC -eq 0 ]] || { echo "TESTS FAILED (pytest exit $RC)"; exit "$RC"; }

# --- 5. uninstall ----------------------------------------------------------------
if [[ $# -eq 0 ]]; then
  T=$(now)
  "$PYTHON" "$REPO/scripts/uninstall_check.py" "$ODOO_CONF" "$TEST_DB" >"$LOG_DIR/uninstall.log" 2>&1 \
    || { tail -30 "$LOG_DIR/uninstall.log" >&2; die "uninstalling the addons failed."; }
  check_log "$LOG_DIR/uninstall.log" "uninstalling the addons"
  echo "stage uninstall: $(stage_time "$T") s"
fi
echo "total: $(stage_time "$T0") s"
