"""Real Odoo server processes for tests: several servers on one database, a read replica, a
server killed mid-way.

What two servers, a replica or a crash do can only be seen with real ``odoo-bin`` processes.
``OdooServer`` starts one as a subprocess with the addons path and database settings of the
running test (``odoo.tools.config``: its configuration file and the options given on top of it),
its own HTTP port (and gevent port, for workers), ``--max-cron-threads=0`` unless asked, on a
database given by ``server_database()``, and waits until it answers ``/web/health`` and has loaded
the database::

    from .common_servers import OdooServer, server_database

    db = server_database()
    server = OdooServer(db, workers=2, max_cron_threads=1,
                        replica_port=5433, extra_args=["--limit-time-real=300"])
    server.start(self)           # self: the test case; stops the server at its clean-up
    claim_id = server.rpc("aftersales.claim", "create", [{...}])          # XML-RPC as admin
    dealer = server.session("dealer.login", "password")                     # requests.Session
    page = dealer.get(server.url("/my/claims"))
    dealer.post(server.url("/my/claims/new"), data={
        "csrf_token": server.form_token(dealer, "/my/claims/new"), ...})
    server.kill()                # SIGKILL to the whole process group: a crashed server
    server.stop()                # SIGTERM: Odoo's graceful stop

The server's log (and anything it prints) goes to a temporary file: ``server.log()`` reads it,
and it is printed when the server does not start, and at the clean-up of a test that failed.

Which database. A server process cannot see the test's own database as the test sees it (the
test's changes are in a transaction it never commits), nor can that database be copied while the
test is connected to it. Servers therefore run on another database, with aftersales installed
without demo data, whose data is committed:

- ``scripts/test`` keeps the database without demo data it installs first and passes its name in
  ``AFTERSALES_SERVER_DB``; it drops it at the end;
- without that variable (a developer running one test file), ``server_database()`` uses
  ``<test database>_servers``, installing aftersales there without demo data the first time
  (``odoo-bin -i aftersales --without-demo=all``, about 100 s), and updating it (``-u``) when the
  add-on's code or data changed since (a fingerprint of its files is kept in the database). Drop
  it to start afresh.

Tests write in that database through the servers (XML-RPC, HTTP) or through ``server_cursor()``
(a plain cursor, committed by the test), and always commit: so every record a test creates there
has a name of its own (``unique("Dealer")``), and reruns and other tests never collide with it.
"""
import contextlib
import fcntl
import hashlib
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
import xmlrpc.client
from pathlib import Path

import psycopg2
import requests

import odoo
import odoo.service.db
from odoo.tools import config

ADDON_ROOT = Path(__file__).resolve().parent.parent
ODOO_BIN = Path(odoo.__file__).resolve().parent.parent / "odoo-bin"
# What the database holds of the add-on: its code and data files, not its tests or tools.
FINGERPRINT_SKIP = {"tests", "benchmarks", "scripts", "readme", "static", ".git", ".ci", "__pycache__"}
FINGERPRINT_KEY = "aftersales.server_database_fingerprint"
INSTALL_TIMEOUT = 900


def free_port():
    """A TCP port of 127.0.0.1 free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def unique(prefix):
    """A name no other run uses: ``prefix`` and a random suffix."""
    return f"{prefix} {uuid.uuid4().hex[:10]}"


def odoo_command(database, *args):
    """``odoo-bin`` with the running test's configuration, on ``database`` alone."""
    command = [sys.executable, str(ODOO_BIN)]
    if config.rcfile and os.path.isfile(config.rcfile):
        command += ["-c", config.rcfile]
    command += [
        f"--addons-path={config['addons_path']}",
        f"--data-dir={config['data_dir']}",
        "-d", database, f"--db-filter=^{re.escape(database)}$",
    ]
    for option, key in (("--db_host", "db_host"), ("--db_port", "db_port"),
                        ("--db_user", "db_user"), ("--db_password", "db_password")):
        if config[key]:
            command.append(f"{option}={config[key]}")
    return command + list(args)


def connect(database, host=None, port=None):
    """A psycopg2 connection to ``database`` as Odoo connects to it (or to another server)."""
    _db, info = odoo.sql_db.connection_info_for(database)
    info = dict(info)
    if host:
        info["host"] = host
    if port:
        info["port"] = port
    return psycopg2.connect(**info)


@contextlib.contextmanager
def server_cursor(database, host=None, port=None):
    """A cursor on the servers' database (committed at the end of the block), or on a server of
    its replica (``host``, ``port``)."""
    connection = connect(database, host, port)
    try:
        with connection, connection.cursor() as cr:
            yield cr
    finally:
        connection.close()


def _fingerprint():
    digest = hashlib.sha1()
    for path in sorted(ADDON_ROOT.rglob("*")):
        relative = path.relative_to(ADDON_ROOT)
        if set(relative.parts) & FINGERPRINT_SKIP or not path.is_file():
            continue
        if path.suffix not in (".py", ".xml", ".csv", ".po", ".pot"):
            continue
        digest.update(str(relative).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _stored_fingerprint(database):
    """The fingerprint kept in ``database``; None when there is no such database or it was never
    completed."""
    try:
        connection = connect(database)
    except psycopg2.OperationalError:
        return None
    try:
        with connection.cursor() as cr:
            cr.execute("SELECT to_regclass('ir_config_parameter') IS NOT NULL")
            if not cr.fetchone()[0]:
                return None
            cr.execute("SELECT value FROM ir_config_parameter WHERE key = %s", [FINGERPRINT_KEY])
            row = cr.fetchone()
            return row[0] if row else None
    finally:
        connection.close()


def _run_odoo(database, *args):
    with tempfile.NamedTemporaryFile("w+", prefix="odoo-servers-db-", suffix=".log") as log:
        done = subprocess.run(
            odoo_command(database, "--stop-after-init", "--log-level=warn", "--max-cron-threads=0",
                         "--http-port", str(free_port()), *args),
            stdout=log, stderr=subprocess.STDOUT, timeout=INSTALL_TIMEOUT, check=False,
        )
        log.seek(0)
        text = log.read()
    if done.returncode or re.search(r" (ERROR|CRITICAL) ", text):
        raise RuntimeError(f"odoo-bin {' '.join(args)} on {database} failed:\n{text[-6000:]}")


def server_database():
    """The name of the database for server processes (see the module's docstring)."""
    name = os.environ.get("AFTERSALES_SERVER_DB")
    if name:
        return name
    name = f"{config['db_name']}_servers"
    lock_path = Path(tempfile.gettempdir()) / f"aftersales-{name}.lock"
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one test process builds it, the others wait
        fingerprint = _fingerprint()
        stored = _stored_fingerprint(name)
        if stored == fingerprint:
            return name
        if stored is None:
            print(f"\nInstalling aftersales without demo data on {name} for server processes "
                  f"(about 100 s, once)", file=sys.stderr, flush=True)
            odoo.service.db.exp_drop(name)  # left half-built by an interrupted run, if at all
            _run_odoo(name, "-i", "aftersales", "--without-demo=all")
        else:
            print(f"\nUpdating aftersales on {name}: the add-on changed", file=sys.stderr, flush=True)
            _run_odoo(name, "-u", "aftersales")
        with server_cursor(name) as cr:
            cr.execute(
                "INSERT INTO ir_config_parameter (key, value) VALUES (%s, %s) "
                "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                [FINGERPRINT_KEY, fingerprint],
            )
    return name


def _has_failed(testcase):
    """Whether ``testcase`` has failed so far, seen from one of its clean-ups: Odoo's test runner
    keeps it on the outcome; under Python's (which pytest drives) a clean-up runs with the outcome
    reset, and the failure is on the result."""
    outcome = getattr(testcase, "_outcome", None)
    if outcome is None:
        return False
    if not outcome.success:
        return True
    result = outcome.result
    if getattr(result, "_excinfo", None):  # pytest's result of this one test
        return True
    failed = list(getattr(result, "errors", ())) + list(getattr(result, "failures", ()))
    return any(test is testcase for test, _error in failed)


class OdooServer:
    """One ``odoo-bin`` process serving ``database`` on 127.0.0.1 (see the module's docstring).

    ``workers`` > 0 runs Odoo's multi-process mode (then its gevent port is a free port too);
    ``replica_port`` (and ``replica_host``, by default 127.0.0.1) is its read replica
    (``db_replica_host``/``db_replica_port``); ``extra_args`` go to odoo-bin as they are.
    """

    def __init__(self, database, *, workers=0, max_cron_threads=0, replica_port=None,
                 replica_host="127.0.0.1", extra_args=(), log_level="info", name="odoo"):
        self.database = database
        self.workers = workers
        self.max_cron_threads = max_cron_threads
        self.replica_host = replica_host if replica_port else None
        self.replica_port = replica_port
        self.extra_args = list(extra_args)
        self.log_level = log_level
        self.name = name
        self.port = None
        self.process = None
        self.log_path = None
        self._uids = {}

    # ------------------------------------------------------------------ process
    def command(self):
        self.port = self.port or free_port()
        args = [
            "--http-interface=127.0.0.1", f"--http-port={self.port}", f"--gevent-port={free_port()}",
            f"--workers={self.workers}", f"--max-cron-threads={self.max_cron_threads}",
            f"--log-level={self.log_level}", f"--logfile={self.log_path}", "--no-database-list",
        ]
        if self.replica_port:
            args += [f"--db_replica_host={self.replica_host}", f"--db_replica_port={self.replica_port}"]
        return odoo_command(self.database, *args, *self.extra_args)

    def start(self, testcase=None, timeout=180):
        """Start the server and wait until it serves the database. With ``testcase``, the server
        is stopped at its clean-up, and its log printed if the test failed."""
        handle, self.log_path = tempfile.mkstemp(prefix=f"{self.name}-", suffix=".log")
        os.close(handle)
        command = self.command()
        with open(self.log_path, "ab") as log:
            log.write(f"$ {' '.join(command)}\n".encode())
            log.flush()
            # a process group of its own: kill() takes its workers with it
            self.process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        if testcase is not None:
            testcase.addCleanup(self._cleanup, testcase)
        deadline = time.monotonic() + timeout
        ready = False
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                ready = (requests.get(self.url("/web/health"), timeout=5).status_code == 200
                         # the database loaded: the login page is served from its registry
                         and requests.get(self.url("/web/login"), timeout=timeout).status_code == 200)
            except requests.RequestException:
                ready = False
            if ready:
                return self
            time.sleep(0.5)
        self.kill()
        raise RuntimeError(f"Odoo server {self.name} did not start on port {self.port} "
                           f"(exit code {self.process.returncode}):\n{self.log()[-8000:]}")

    def url(self, path="/"):
        return f"http://127.0.0.1:{self.port}{path}"

    def is_running(self):
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout=60):
        """SIGTERM, as a service manager stops Odoo: it finishes its requests and exits."""
        if not self.is_running():
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            pass
        self._kill_group()

    def kill(self):
        """SIGKILL to the server and its workers at once: a crashed server (or machine)."""
        if self.process is None:
            return
        self._kill_group()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(30)

    def _kill_group(self):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)

    def log(self):
        if not self.log_path or not os.path.exists(self.log_path):
            return ""
        return Path(self.log_path).read_text(errors="replace")

    def _cleanup(self, testcase):
        self.stop()
        if _has_failed(testcase):
            print(f"\n----- log of Odoo server {self.name} (port {self.port}) -----\n{self.log()}"
                  f"----- end of the log of {self.name} -----", file=sys.stderr, flush=True)
        with contextlib.suppress(OSError):
            os.unlink(self.log_path)

    # ------------------------------------------------------------------ clients
    def rpc(self, model, method, *args, login="admin", password="admin", **kwargs):
        """``execute_kw`` through XML-RPC as ``login`` (by default the administrator)."""
        if login not in self._uids:
            common = xmlrpc.client.ServerProxy(self.url("/xmlrpc/2/common"), allow_none=True)
            uid = common.authenticate(self.database, login, password, {})
            if not uid:
                raise RuntimeError(f"{login} cannot log in to {self.database} through XML-RPC")
            self._uids[login] = uid
        models = xmlrpc.client.ServerProxy(self.url("/xmlrpc/2/object"), allow_none=True)
        return models.execute_kw(self.database, self._uids[login], password, model, method,
                                 list(args), kwargs)

    def session(self, login, password):
        """A ``requests.Session`` logged in as ``login`` (its session cookie)."""
        session = requests.Session()
        response = session.post(self.url("/web/session/authenticate"), json={
            "jsonrpc": "2.0", "method": "call",
            "params": {"db": self.database, "login": login, "password": password},
        }, timeout=60)
        response.raise_for_status()
        body = response.json()
        if body.get("error") or not (body.get("result") or {}).get("uid"):
            raise RuntimeError(f"{login} cannot log in to {self.database}: {body.get('error')}")
        return session

    def form_token(self, session, path):
        """The CSRF token of the form on the page at ``path``, for a POST from ``session``."""
        page = session.get(self.url(path), timeout=60)
        page.raise_for_status()
        match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        if not match:
            raise RuntimeError(f"no form with a CSRF token at {path}")
        return match.group(1)
