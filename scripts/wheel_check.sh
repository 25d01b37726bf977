#!/usr/bin/env bash
# Packaging check (OCA style): each addon builds a wheel with whool (the build backend
# pinned in <addon>/pyproject.toml, fetched from PyPI by pip's isolated build), the
# wheels install into a throwaway virtualenv that sees the system's Odoo 18
# (--system-site-packages), and there:
#   - odoo.addons.all_staff_marketing(_payroll) import from the venv's site-packages,
#   - Odoo's module loader finds them without any addons_path entry,
#   - each wheel's version is its manifest's version.
# Dependencies (odoo==18.0.*, odoo-addon-base_tier_validation, odoo-addon-payroll,
# xlsxwriter) are resolved offline against what is installed (--no-index); only if
# that fails are the wheels installed with --no-deps, which is said on one line.
#   bash scripts/wheel_check.sh            (called by scripts/test.sh on whole-suite runs)
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
ADDON_DIRS=(all_staff_marketing all_staff_marketing_payroll)
T0=$(date +%s.%N)
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}'; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/asm-wheel-check.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$REPO"

for addon in "${ADDON_DIRS[@]}"; do
  t=$(date +%s.%N)
  "$PYTHON" -m pip wheel -q --disable-pip-version-check --no-deps -w "$WORK/wheels" "./$addon" \
    >"$WORK/build-$addon.log" 2>&1 || { cat "$WORK/build-$addon.log" >&2; echo "ERROR: building the wheel of $addon failed." >&2; exit 1; }
  echo "wheel $addon: built in $(elapsed "$t") s"
done

"$PYTHON" -m venv --system-site-packages "$WORK/venv"
VPY="$WORK/venv/bin/python"
if ! "$VPY" -m pip install -q --disable-pip-version-check --no-index "$WORK"/wheels/*.whl >"$WORK/install.log" 2>&1; then
  echo "note: the wheels' dependencies do not resolve against the installed packages ($(grep -m1 -E 'ERROR|No matching' "$WORK/install.log" || true)); installing with --no-deps"
  "$VPY" -m pip install -q --disable-pip-version-check --no-index --no-deps "$WORK"/wheels/*.whl \
    || { echo "ERROR: installing the wheels failed." >&2; exit 1; }
fi

"$VPY" - "$REPO" "${ADDON_DIRS[@]}" <<'PY'
import ast
import importlib
import importlib.metadata as md
import pathlib
import sys
import sysconfig

import odoo
from odoo.modules import module as odoo_module

repo = pathlib.Path(sys.argv[1])
site = pathlib.Path(sysconfig.get_paths()["purelib"]).resolve()
odoo.tools.config.parse_config(["--addons-path", ""])
odoo_module.initialize_sys_path()
for addon in sys.argv[2:]:
    mod = importlib.import_module(f"odoo.addons.{addon}")
    where = pathlib.Path(mod.__file__).resolve()
    if site not in where.parents:
        sys.exit(f"ERROR: odoo.addons.{addon} imports from {where}, not from {site}")
    found = pathlib.Path(odoo_module.get_module_path(addon) or "").resolve()
    if site not in found.parents:
        sys.exit(f"ERROR: Odoo's loader finds {addon} at {found}, not in {site}")
    manifest = ast.literal_eval((repo / addon / "__manifest__.py").read_text())
    version = md.version(f"odoo-addon-{addon}")
    if version != manifest["version"]:
        sys.exit(f"ERROR: wheel of {addon} has version {version}, manifest says {manifest['version']}")
    requires = md.requires(f"odoo-addon-{addon}") or []
    print(f"wheel {addon}: {version} from {where.parent}; requires {', '.join(requires)}")
PY
echo "stage wheel-check: $(elapsed "$T0") s"
