"""Shared helpers of the benchmark commands: a throw-away database with aftersales installed.

Run a benchmark with the Python of the Odoo environment, from the repository root, e.g.
``/opt/aftersales-venv/bin/python benchmarks/bench_pricing.py``. ODOO_PATH, PGHOST, PGPORT and PGUSER
are honoured as in scripts/lib.sh.
"""
import atexit
import contextlib
import getpass
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ODOO_PATH = os.environ.get("ODOO_PATH", "/opt/odoo18")
# the PostgreSQL server, as scripts/lib.sh reads it
PGHOST = os.environ.get("PGHOST", "127.0.0.1")
PGPORT = os.environ.get("PGPORT", "5432")
PGUSER = os.environ.get("PGUSER", getpass.getuser())
PG_CLIENT_ARGS = ["-h", PGHOST, "-p", PGPORT, "-U", PGUSER]  # for psql, dropdb...
sys.path.insert(0, ODOO_PATH)


def oca_addons_paths():
    """The OCA add-ons aftersales depends on, installed by scripts/setup-deps as PyPI wheels in
    the virtualenv's site-packages/odoo/addons (see scripts/lib.sh, odoo_addons_path)."""
    oca = os.path.join(sysconfig.get_paths()["purelib"], "odoo", "addons")
    return [oca] if os.path.isdir(oca) else []


def _write_conf(workdir):
    addons = os.path.join(workdir, "addons")
    os.makedirs(addons, exist_ok=True)
    os.symlink(ROOT, os.path.join(addons, "aftersales"))
    odoo_addons = [os.path.join(ODOO_PATH, "odoo", "addons")]
    if os.path.isdir(os.path.join(ODOO_PATH, "addons")):
        odoo_addons.insert(0, os.path.join(ODOO_PATH, "addons"))
    odoo_addons += oca_addons_paths()
    conf = os.path.join(workdir, "odoo.conf")
    with open(conf, "w") as f:
        f.write(
            "[options]\n"
            f"addons_path = {addons},{','.join(odoo_addons)}\n"
            f"db_host = {PGHOST}\n"
            f"db_port = {PGPORT}\n"
            f"db_user = {PGUSER}\n"
            "db_password = False\n"
        )
    return conf


_conf = []


def _config_file():
    """One Odoo configuration per process, in a folder removed when the process ends."""
    if not _conf:
        workdir = tempfile.mkdtemp(prefix="aftersales-bench-")
        atexit.register(shutil.rmtree, workdir, ignore_errors=True)
        _conf.append(_write_conf(workdir))
    return _conf[0]


@contextlib.contextmanager
def bench_environment(name):
    """Yield an Odoo environment (superuser) on a fresh database with aftersales, no demo data.

    The database is dropped afterwards, whatever happens.
    """
    import odoo
    from odoo import SUPERUSER_ID, api

    db = f"aftersales_bench_{name}_{os.getpid()}"
    conf = _config_file()
    start = time.time()
    subprocess.run(
        [sys.executable, os.path.join(ODOO_PATH, "odoo-bin"), "-c", conf, "-d", db,
         "-i", "aftersales", "--without-demo=all", "--stop-after-init", "--log-level=warn"],
        check=True,
    )
    print(f"install: {time.time() - start:.1f} s", flush=True)
    if odoo.tools.config.rcfile != conf:
        odoo.tools.config.parse_config(["-c", conf, "--log-level=warn"])
    try:
        registry = odoo.modules.registry.Registry(db)
        with registry.cursor() as cr:
            yield api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            cr.rollback()
    finally:
        odoo.sql_db.close_all()
        subprocess.run(["dropdb", *PG_CLIENT_ARGS, "--if-exists", db], check=False)


class Measure:
    """Time a block and count its SQL queries: ``with Measure(env, "label") as m: ...``."""

    def __init__(self, env, label):
        self.env, self.label = env, label

    def __enter__(self):
        self.env.flush_all()
        self.env.invalidate_all()  # measure the real reads, not what building the data cached
        self.queries = self.env.cr.sql_log_count
        self.start = time.time()
        return self

    def __exit__(self, *exc):
        self.env.flush_all()
        self.seconds = time.time() - self.start
        self.query_count = self.env.cr.sql_log_count - self.queries
        print(f"{self.label}: {self.seconds:.2f} s, {self.query_count} queries", flush=True)
        return False


@contextlib.contextmanager
def rolled_back(env):
    """Run the block in a savepoint and undo it: Odoo's own path, measured on the same data as
    ours in the same run, then rolled back so that it changes nothing for what follows."""
    with env.cr.savepoint() as savepoint:
        yield
        env.flush_all()
        savepoint.rollback()
    env.invalidate_all()


def load_average():
    """What ``uptime`` says: the machine's load while a benchmark ran (its figures move with it)."""
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def print_ratio(ours_label, ours_seconds, odoo_label, odoo_seconds):
    """One line: our figure, Odoo's comparable path measured in the same run, and the ratio."""
    ratio = ours_seconds / odoo_seconds if odoo_seconds else float("inf")
    print(f"RATIO {ours_label}: {ours_seconds:.2f} s | Odoo's {odoo_label}: {odoo_seconds:.2f} s "
          f"| ratio {ratio:.2f} x", flush=True)
    return ratio
