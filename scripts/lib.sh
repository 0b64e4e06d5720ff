# Shared settings of the aftersales scripts. Source it; do not run it.
# Every default below can be overridden by an environment variable of the same name.
AFTERSALES_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ODOO_PATH="${ODOO_PATH:-/opt/odoo18}"                       # Odoo 18 source tree (has odoo/release.py)
AFTERSALES_VENV="${AFTERSALES_VENV:-/opt/aftersales-venv}"  # Python 3.11 virtualenv for Odoo
ODOO_SOURCE="${ODOO_SOURCE:-https://github.com/odoo/odoo.git}"  # where setup-odoo clones Odoo 18.0 from
# Absolute, so that the path registered in the virtualenv and the scripts run from any folder agree.
ODOO_PATH="$(realpath -ms -- "$ODOO_PATH")"
AFTERSALES_VENV="$(realpath -ms -- "$AFTERSALES_VENV")"
export ODOO_PATH AFTERSALES_VENV ODOO_SOURCE
PGHOST="${PGHOST:-127.0.0.1}"
PGPORT="${PGPORT:-5432}"
PGUSER="${PGUSER:-$(id -un)}"
export PGHOST PGPORT PGUSER
PY="$AFTERSALES_VENV/bin/python"

say() { printf '\033[1m[aftersales]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[aftersales] ERROR:\033[0m %s\n' "$*" >&2; exit 1; }

# Addons paths of an Odoo source tree: the official layout has addons/ beside odoo/,
# packaged layouts keep every add-on under odoo/addons/. The OCA add-ons installed by
# scripts/setup-deps (PyPI wheels) are in the virtualenv's site-packages/odoo/addons.
odoo_addons_path() {
    local paths="$ODOO_PATH/odoo/addons" oca
    [ -d "$ODOO_PATH/addons" ] && paths="$ODOO_PATH/addons,$paths"
    for oca in "$AFTERSALES_VENV"/lib/python3*/site-packages/odoo/addons; do
        [ -d "$oca" ] && paths="$paths,$oca"
    done
    printf '%s' "$paths"
}

# Installs what is missing (OS packages, the Python environment, Odoo 18) and says what it
# installs; when everything is there it only looks (no apt-get update, no pip, no git clone).
setup_missing() {
    bash "$AFTERSALES_ROOT/scripts/setup-deps"
    bash "$AFTERSALES_ROOT/scripts/setup-odoo"
}

# Makes Odoo at $ODOO_PATH importable from the virtualenv (pytest-odoo imports it); writes only
# when the registered path changes, so a running test never reads a half-written file.
register_odoo() {
    [ -x "$PY" ] || return 0
    local site pth
    site="$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
    pth="$site/odoo-src.pth"
    [ "$(cat "$pth" 2>/dev/null)" = "$ODOO_PATH" ] && return 0
    say "Registering Odoo at $ODOO_PATH in $AFTERSALES_VENV"
    printf '%s\n' "$ODOO_PATH" > "$pth.tmp"
    mv -f "$pth.tmp" "$pth"
}

require_odoo() {
    [ -f "$ODOO_PATH/odoo/release.py" ] || die "Odoo 18 not found at ODOO_PATH=$ODOO_PATH.
  Run scripts/setup-odoo to get Odoo 18 from Odoo's official source,
  or point ODOO_PATH at an existing Odoo 18 source tree."
    grep -q "version_info = (18, 0" "$ODOO_PATH/odoo/release.py" \
        || die "$ODOO_PATH holds an Odoo that is not version 18."
    [ -x "$PY" ] || die "No Python environment at $AFTERSALES_VENV: run scripts/setup-deps."
}

require_postgres() {
    "$PY" - <<PYEOF || die "PostgreSQL is not reachable at $PGHOST:$PGPORT as role $PGUSER.
  Start it (e.g. 'service postgresql start') or set PGHOST/PGPORT/PGUSER; scripts/setup-deps installs it."
import psycopg2
psycopg2.connect(host="$PGHOST", port=$PGPORT, user="$PGUSER", dbname="postgres").close()
PYEOF
}

# Link the repository as an add-on named "aftersales" inside a fresh addons folder.
make_addons_dir() {
    local dir="$1"
    mkdir -p "$dir"
    ln -sfn "$AFTERSALES_ROOT" "$dir/aftersales"
}

write_odoo_conf() {
    local conf="$1" addons_dir="$2" http_port="${3:-8069}"
    cat > "$conf" <<CONF
[options]
addons_path = $addons_dir,$(odoo_addons_path)
db_host = $PGHOST
db_port = $PGPORT
db_user = $PGUSER
db_password = False
http_port = $http_port
admin_passwd = admin
list_db = True
CONF
}

odoo_bin() { "$PY" "$ODOO_PATH/odoo-bin" "$@"; }
