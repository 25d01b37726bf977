#!/usr/bin/env bash
# Runs the addon with demo data: set-up, demo database (created once, then updated),
# Odoo serving on http://localhost:${HTTP_PORT:-8069}. Ctrl-C stops it.
source "$(dirname "$0")/lib.sh"
DEMO_DB="${DEMO_DB:-asm_demo}"
HTTP_PORT="${HTTP_PORT:-8069}"
export HTTP_PORT

port_busy() {
  "$PYTHON" - "$1" <<'PY'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(0)
sys.exit(1)
PY
}
if port_busy "$HTTP_PORT"; then
  die "port $HTTP_PORT is busy (another Odoo running? see 'ss -ltnp | grep :$HTTP_PORT'); stop it or run with HTTP_PORT=8070."
fi

setup_all
LOG_DIR="$STATE_DIR/logs"; mkdir -p "$LOG_DIR"
if db_exists "$DEMO_DB"; then
  say "updating $ADDONS in the demo database $DEMO_DB"
  odoo_cli -c "$ODOO_CONF" -d "$DEMO_DB" -u "$ADDONS" --stop-after-init >"$LOG_DIR/demo-update.log" 2>&1 \
    || { tail -30 "$LOG_DIR/demo-update.log" >&2; die "updating the demo database failed (log: $LOG_DIR/demo-update.log)."; }
  check_log "$LOG_DIR/demo-update.log" "updating the demo database"
else
  BUILD="${DEMO_DB}_building"
  cleanup_build() { odoo_cli db -c "$ODOO_CONF" drop "$BUILD" >/dev/null 2>&1 || true; }
  trap cleanup_build EXIT
  cleanup_build
  say "creating the demo database $DEMO_DB with demo data (2-3 minutes, once)"
  odoo_cli -c "$ODOO_CONF" -d "$BUILD" -i "$ADDONS" --stop-after-init >"$LOG_DIR/demo-create.log" 2>&1 \
    || { tail -30 "$LOG_DIR/demo-create.log" >&2; die "creating the demo database failed (log: $LOG_DIR/demo-create.log); nothing was kept."; }
  check_log "$LOG_DIR/demo-create.log" "creating the demo database"
  odoo_cli db -c "$ODOO_CONF" rename "$BUILD" "$DEMO_DB" >/dev/null 2>&1
  trap - EXIT
fi
echo
echo "Odoo 18 with All-Staff Marketing: http://localhost:$HTTP_PORT/web/login"
echo "  database: $DEMO_DB   login: admin   password: admin"
echo "  participant (tiny screens): login referrer, password referrer"
echo
[[ "${ASM_NO_SERVE:-0}" == "1" ]] && exit 0
exec "$PYTHON" -c "import odoo.cli; odoo.cli.main()" -c "$ODOO_CONF" -d "$DEMO_DB" --db-filter="^${DEMO_DB}\$" --http-port="$HTTP_PORT"
