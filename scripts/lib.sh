# Shared set-up for scripts/run.sh and scripts/test.sh. Every step is idempotent.
# shellcheck shell=bash
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export DB_HOST="${DB_HOST:-127.0.0.1}"
export DB_PORT="${DB_PORT:-5432}"
export DB_USER="${DB_USER:-odoo}"
export DB_PASSWORD="${DB_PASSWORD:-odoo}"
PYTHON="${PYTHON:-python3}"
STATE_DIR="${ASM_STATE_DIR:-$REPO/.odoo}"
ODOO_CONF="$STATE_DIR/odoo.conf"
# Filestores live with Odoo's default data dir so a template's copy finds its files.
DATA_DIR="${ASM_DATA_DIR:-$HOME/.local/share/Odoo}"
ADDONS="all_staff_marketing,all_staff_marketing_payroll"
# Official source of Odoo 18.0 Community, used only when `import odoo` fails.
ODOO_SOURCE_URL="${ODOO_SOURCE_URL:-https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz}"

die() { echo "ERROR: $*" >&2; exit 1; }
say() { echo "==> $*"; }
now() { date +%s.%N; }
stage_time() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}'; }

is_local_db() { [[ "$DB_HOST" == "127.0.0.1" || "$DB_HOST" == "localhost" || "$DB_HOST" == "::1" ]]; }

pg_ready() { pg_isready -q -h "$DB_HOST" -p "$DB_PORT" 2>/dev/null; }

ensure_postgres() {
  if ! command -v pg_isready >/dev/null 2>&1 || { is_local_db && ! command -v pg_ctlcluster >/dev/null 2>&1; }; then
    if is_local_db && [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
      say "installing PostgreSQL (Debian package)"
      if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-client >/dev/null; }; then
        die "could not install PostgreSQL with apt-get; install the 'postgresql' package, then retry."
      fi
    else
      die "PostgreSQL client tools not found; install 'postgresql' (or postgresql-client for a remote server), then retry."
    fi
  fi
  if ! pg_ready; then
    if is_local_db && command -v pg_ctlcluster >/dev/null 2>&1; then
      local ver
      ver=$(pg_lsclusters -h 2>/dev/null | awk -v p="$DB_PORT" '$3==p {print $1" "$2; exit}')
      [[ -n "$ver" ]] || die "no PostgreSQL cluster on port $DB_PORT; create one with 'pg_createcluster <version> main --start', then retry."
      say "starting PostgreSQL cluster $ver"
      # shellcheck disable=SC2086
      pg_ctlcluster $ver start >/dev/null 2>&1 || true
      for _ in $(seq 1 20); do pg_ready && break; sleep 0.5; done
    fi
    pg_ready || die "PostgreSQL is not running on $DB_HOST:$DB_PORT and could not be started; start it (e.g. 'pg_ctlcluster 15 main start') or set DB_HOST/DB_PORT, then retry."
  fi
  if ! PGPASSWORD="$DB_PASSWORD" psql -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -d postgres -Atqc "select 1" >/dev/null 2>&1; then
    if is_local_db && [[ $(id -u) -eq 0 ]]; then
      say "creating PostgreSQL role $DB_USER"
      su postgres -c "psql -p $DB_PORT -v ON_ERROR_STOP=1 -qc \"DO \\\$\\\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='$DB_USER') THEN CREATE ROLE \\\"$DB_USER\\\" LOGIN CREATEDB PASSWORD '$DB_PASSWORD'; ELSE ALTER ROLE \\\"$DB_USER\\\" LOGIN CREATEDB PASSWORD '$DB_PASSWORD'; END IF; END\\\$\\\$;\"" >/dev/null \
        || die "could not create the PostgreSQL role $DB_USER; create it (LOGIN CREATEDB) by hand, then retry."
    fi
    PGPASSWORD="$DB_PASSWORD" psql -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -d postgres -Atqc "select 1" >/dev/null 2>&1 \
      || die "cannot log in to PostgreSQL at $DB_HOST:$DB_PORT as $DB_USER; check DB_USER/DB_PASSWORD."
  fi
}

odoo_version() { "$PYTHON" -c "import odoo.release as r; print(r.serie)" 2>/dev/null; }

ensure_odoo() {
  local ver
  ver=$(odoo_version || true)
  if [[ -z "$ver" ]]; then
    say "Odoo is not importable: installing Odoo 18.0 from the official source ($ODOO_SOURCE_URL)"
    "$PYTHON" -m pip install -q -r "$REPO/requirements.txt" || die "could not install Odoo's Python dependencies (requirements.txt)."
    "$PYTHON" -m pip install -q "odoo @ $ODOO_SOURCE_URL" || die "could not install Odoo 18.0 from $ODOO_SOURCE_URL; install Odoo 18.0 so that 'python3 -c \"import odoo\"' works, then retry."
    ver=$(odoo_version || true)
  fi
  [[ "$ver" == "18.0" ]] || die "Odoo ${ver:-?} found at $("$PYTHON" -c 'import odoo;print(odoo.__path__[0])' 2>/dev/null), but this addon needs Odoo 18.0; install 18.0 or set PYTHON to an interpreter that has it."
  # OCA dependencies and test tools: pinned; pip only downloads what is missing.
  if ! "$PYTHON" - "$REPO" <<'PY' >/dev/null 2>&1
import sys, importlib.metadata as md, re, pathlib
repo = pathlib.Path(sys.argv[1])
for f in ("requirements-addons.txt", "requirements-test.txt"):
    for line in (repo / f).read_text().splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        name, ver = re.split(r"==", line)
        if md.version(name) != ver:
            raise SystemExit(1)
PY
  then
    say "installing pinned OCA addons and test tools"
    "$PYTHON" -m pip install -q -r "$REPO/requirements-addons.txt" -r "$REPO/requirements-test.txt" \
      || die "could not install requirements-addons.txt / requirements-test.txt with pip."
  fi
}

write_config() {
  mkdir -p "$STATE_DIR"
  cat > "$ODOO_CONF" <<CONF
[options]
addons_path = $REPO
data_dir = $DATA_DIR
db_host = $DB_HOST
db_port = $DB_PORT
db_user = $DB_USER
db_password = $DB_PASSWORD
db_replica_host = $DB_HOST
db_replica_port = $DB_PORT
list_db = True
admin_passwd = ${ODOO_ADMIN_PASSWD:-admin}
http_interface = 127.0.0.1
http_port = ${HTTP_PORT:-8069}
screenshots = $STATE_DIR/logs
CONF
}

# Browser tours (tests/test_tours.py) need Chromium on PATH, and CJK fonts for the
# zh_CN run; both come from Debian (apt-get update once, then install) when missing.
# Without them (not root, no apt-get) the tours are skipped by Odoo, said on one line.
ensure_chromium() {
  local missing=()
  command -v chromium >/dev/null 2>&1 || command -v google-chrome >/dev/null 2>&1 || missing+=(chromium)
  if command -v dpkg-query >/dev/null 2>&1 && ! dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q "ok installed"; then
    missing+=(fonts-noto-cjk)
  fi
  [[ ${#missing[@]} -eq 0 ]] && return 0
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    say "installing ${missing[*]} (Debian) for the browser tours"
    if apt-get update -qq >/dev/null 2>&1 \
       && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1; then
      return 0
    fi
  fi
  echo "NOTE: ${missing[*]} missing and not installable here: the browser tours will be skipped (install the Debian packages chromium and fonts-noto-cjk)." >&2
}

odoo_cli() { "$PYTHON" -c "import odoo.cli; odoo.cli.main()" "$@"; }

db_exists() {
  [[ -n "$(PGPASSWORD="$DB_PASSWORD" psql -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -d postgres -Atqc "select 1 from pg_database where datname='$1'")" ]]
}

setup_all() {
  LOG_DIR="$STATE_DIR/logs"; mkdir -p "$LOG_DIR"
  ensure_postgres
  ensure_odoo
  write_config
}

# Dependencies (manifest "depends", minus our own addons) of the given addons.
addon_deps() {
  "$PYTHON" - "$REPO" "$@" <<'PY'
import ast, pathlib, sys
repo = pathlib.Path(sys.argv[1]); names = sys.argv[2:]
ours = {"all_staff_marketing", "all_staff_marketing_payroll"}
deps = set()
for name in names:
    deps |= set(ast.literal_eval((repo / name / "__manifest__.py").read_text())["depends"])
print(",".join(sorted(deps - ours)))
PY
}

# ensure_template NAME_PREFIX MODULES [SOURCE_TEMPLATE]: a database with MODULES installed
# (no demo), built once and reused while MODULES, Odoo and the OCA pins are unchanged.
# A failed build leaves nothing behind. Prints the template's name on stdout.
ensure_template() {
  local prefix="$1" modules="$2" source="${3:-}" key name build t missing demo_flag
  local kind=""
  demo_flag="--without-demo=all"
  if [[ "${TEMPLATE_DEMO:-0}" == "1" ]]; then
    demo_flag="--log-level=warn"  # Odoo 18 loads demo data unless told not to
    kind=" demo"
  fi
  key=$( { echo "$modules $source$kind"; "$PYTHON" -c "import odoo.release as r; print(r.version)"; cat "$REPO/requirements-addons.txt"; } | sha1sum | cut -c1-10)
  name="${prefix}_${key}"
  t=$(now)
  if db_exists "$name"; then
    echo "stage template: reused $name" >&2
    echo "$name"; return
  fi
  build="${name}_building"
  odoo_cli db -c "$ODOO_CONF" drop "$build" >/dev/null 2>&1 || true
  trap 'odoo_cli db -c "$ODOO_CONF" drop "'"$build"'" >/dev/null 2>&1 || true' EXIT
  if [[ -n "$source" ]]; then
    odoo_cli db -c "$ODOO_CONF" duplicate "$source" "$build" >/dev/null 2>&1
  fi
  say "building template $name with: $modules (once; 1-2 minutes)" >&2
  if ! odoo_cli -c "$ODOO_CONF" -d "$build" -i "$modules" "$demo_flag" --stop-after-init \
       --log-level=warn >"$LOG_DIR/$prefix.log" 2>&1; then
    tail -20 "$LOG_DIR/$prefix.log" >&2
    die "template build failed (log: $LOG_DIR/$prefix.log); nothing was kept."
  fi
  missing=$(PGPASSWORD="$DB_PASSWORD" psql -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -d "$build" -Atqc \
    "select string_agg(n, ',') from unnest(string_to_array('$modules', ',')) n
     where n not in (select name from ir_module_module where state = 'installed')")
  [[ -z "$missing" ]] || die "template build: module(s) $missing could not be installed (not on the addons path? see requirements-addons.txt); nothing was kept."
  odoo_cli db -c "$ODOO_CONF" rename "$build" "$name" >/dev/null 2>&1
  trap - EXIT
  echo "stage template: built $name in $(stage_time "$t") s" >&2
  echo "$name"
}

# install_checked DB MODULES MODE(-i|-u) LOGNAME [extra odoo args]: fails on any
# WARNING/ERROR line in the log.
install_checked() {
  local db="$1" modules="$2" mode="$3" label="$4" log="$LOG_DIR/$4.log" t
  shift 4
  t=$(now)
  odoo_cli -c "$ODOO_CONF" -d "$db" "$mode" "$modules" --stop-after-init --log-level=info "$@" \
    >"$log" 2>&1 || { tail -30 "$log" >&2; die "$label of $modules failed (log: $log)."; }
  check_log "$log" "$label of $modules"
  echo "stage $label: $(stage_time "$t") s"
}

check_log() { # $1 log, $2 what
  if grep -E " (WARNING|ERROR|CRITICAL) " "$1" | grep -v "Running as user 'root'" >"$1.bad"; then
    cat "$1.bad" >&2
    die "$2 logged the WARNING/ERROR lines above (full log: $1)."
  fi
}
