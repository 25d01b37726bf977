#!/usr/bin/env bash
# Lint like OCA: ruff (check + format) and pylint-odoo with OCA's mandatory checks
# (.pylintrc-mandatory). The pinned tools (requirements-lint.txt) live in their own
# virtualenv, created or brought to the pins when needed, so that pylint's
# dependencies never move Odoo's. .pre-commit-config.yaml runs the same tools.
#   bash scripts/lint.sh
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
VENV="${ASM_LINT_VENV:-${ASM_STATE_DIR:-$REPO/.odoo}/venv-lint}"
REQS="$REPO/requirements-lint.txt"
ADDONS=(all_staff_marketing all_staff_marketing_payroll)
T0=$(date +%s.%N)
cd "$REPO"

if ! { [[ -x "$VENV/bin/python" ]] && cmp -s "$REQS" "$VENV/requirements-lint.txt"; }; then
  echo "==> installing the pinned lint tools into $VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$REQS" >"$VENV.log" 2>&1 \
    || { tail -20 "$VENV.log" >&2; echo "ERROR: could not install requirements-lint.txt with pip." >&2; exit 1; }
  cp "$REQS" "$VENV/requirements-lint.txt"
fi

"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .
"$VENV/bin/pylint" --rcfile=.pylintrc-mandatory "${ADDONS[@]}"
echo "lint: ruff and pylint-odoo (OCA mandatory checks) clean"
echo "stage lint: $(awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s"
