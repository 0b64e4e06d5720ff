"""scripts/run and scripts/test install what is missing themselves (set-up in two commands).

Each script runs for real, with ODOO_PATH and AFTERSALES_VENV pointing at temporary folders and
ODOO_SOURCE at a local git repository holding branch 18.0 of an Odoo source (its real
odoo/release.py), so scripts/setup-odoo's clone really runs, offline. The Python packages this test
runs with are put on PYTHONPATH, so the script's pip finds each pin already satisfied, and PIP_NO_INDEX
and GIT_ALLOW_PROTOCOL=file make any download fail instead of reaching the internet. PostgreSQL is
pointed at a closed port: the script stops at that check, after the set-up and before creating a
database. The shared Odoo and virtualenv are never written.
"""
import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

import odoo
from odoo import release
from odoo.tests import BaseCase

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "scripts" / "requirements.txt"
SITE_PACKAGES = sysconfig.get_paths()["purelib"]
# The Odoo and virtualenv this test runs in: present and complete (paths as registered, unresolved).
PRESENT_ODOO = Path(os.path.dirname(os.path.dirname(os.path.abspath(odoo.__file__))))
PRESENT_VENV = Path(sys.prefix)


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TestScriptsInstallWhatIsMissing(BaseCase):

    def setUp(self):
        super().setUp()
        self.tmp = Path(tempfile.mkdtemp(prefix="aftersales_scripts_"))
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)
        self.shared_pth = Path(SITE_PACKAGES) / "odoo-src.pth"
        pth_before = (self.shared_pth.read_bytes(), self.shared_pth.stat().st_mtime_ns)
        self.addCleanup(lambda: self.assertEqual(
            (self.shared_pth.read_bytes(), self.shared_pth.stat().st_mtime_ns), pth_before,
            "the shared virtualenv's Odoo registration was rewritten"))

    def _odoo_source(self, version_line=None):
        """A git repository with branch 18.0 holding Odoo's real release.py (or one edited)."""
        source = self.tmp / "odoo-source"
        (source / "odoo").mkdir(parents=True)
        text = Path(release.__file__).read_text()
        if version_line:
            text = text.replace("version_info = (18, 0", version_line)
        (source / "odoo" / "release.py").write_text(text)
        git = ["git", "-C", str(source), "-c", "user.name=t", "-c", "user.email=t@example.com"]
        subprocess.run(["git", "init", "-q", "-b", "18.0", str(source)], check=True)
        subprocess.run(git + ["add", "-A"], check=True)
        subprocess.run(git + ["commit", "-q", "-m", "Odoo 18.0"], check=True)
        head = subprocess.run(git + ["rev-parse", "HEAD"], check=True, capture_output=True, text=True)
        return source, head.stdout.strip()

    def _run(self, script, odoo_path, venv, odoo_source):
        """Runs scripts/<script>; returns its exit code and what it said (stderr)."""
        env = dict(
            os.environ,
            ODOO_PATH=str(odoo_path),
            AFTERSALES_VENV=str(venv),
            ODOO_SOURCE=odoo_source,
            PGHOST="127.0.0.1",
            PGPORT=str(_closed_port()),
            XDG_STATE_HOME=str(self.tmp / "state"),
            PYTHONPATH=SITE_PACKAGES,
            PIP_NO_INDEX="1",
            GIT_ALLOW_PROTOCOL="file",
            GIT_TERMINAL_PROMPT="0",
        )
        done = subprocess.run(
            ["bash", str(ROOT / "scripts" / script)],
            env=env, cwd=self.tmp, capture_output=True, text=True, timeout=300, check=False,
        )
        return done.returncode, done.stderr

    def _assert_stopped_at_postgres(self, returncode, log):
        self.assertNotEqual(returncode, 0, log)
        self.assertIn("PostgreSQL is not reachable", log)
        self.assertNotIn("Installing OS packages", log, "this machine's OS packages are all present")

    def _assert_odoo_cloned(self, odoo_path, source, head, log):
        self.assertIn(f"cloning branch 18.0 of {source.as_uri()}", log)
        self.assertEqual(
            (odoo_path / "odoo" / "release.py").read_text(),
            (source / "odoo" / "release.py").read_text(),
        )
        cloned = subprocess.run(["git", "-C", str(odoo_path), "rev-parse", "HEAD"],
                                capture_output=True, text=True, check=True)
        self.assertEqual(cloned.stdout.strip(), head)
        self.assertFalse(Path(f"{odoo_path}.partial").exists())

    def _registered_odoo(self, venv):
        site = subprocess.run(
            [str(venv / "bin" / "python"), "-c",
             "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True, text=True, check=True, env=dict(os.environ, PYTHONPATH=""),
        ).stdout.strip()
        return (Path(site) / "odoo-src.pth").read_text().strip()

    def _assert_installs_packages_and_clones_odoo(self, script):
        source, head = self._odoo_source()
        odoo_path, venv = self.tmp / "opt" / "odoo18", self.tmp / "venv"
        # An environment without Odoo's packages (making one with pip takes longer than this test).
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
        returncode, log = self._run(script, odoo_path, venv, source.as_uri())
        self._assert_stopped_at_postgres(returncode, log)
        self.assertIn(f"Installing Odoo 18's Python packages (scripts/requirements.txt) into {venv}", log)
        self.assertEqual((venv / ".aftersales-requirements").read_text(), REQUIREMENTS.read_text())
        self._assert_odoo_cloned(odoo_path, source, head, log)
        self.assertIn(f"Registering Odoo at {odoo_path} in {venv}", log)
        self.assertEqual(self._registered_odoo(venv), str(odoo_path))

    def test_run_installs_packages_and_clones_odoo(self):
        """scripts/run fills an environment without Odoo's packages and clones the missing Odoo."""
        self._assert_installs_packages_and_clones_odoo("run")

    def test_test_installs_packages_and_clones_odoo(self):
        """scripts/test does the same before anything else."""
        self._assert_installs_packages_and_clones_odoo("test")

    def test_clone_without_odoo_18_installs_nothing(self):
        """A source whose branch 18.0 is not Odoo 18 is refused, and ODOO_PATH stays empty."""
        source, _head = self._odoo_source(version_line="version_info = (17, 0")
        odoo_path = self.tmp / "odoo"
        returncode, log = self._run("setup-odoo", odoo_path, self.tmp / "no-venv", source.as_uri())
        self.assertNotEqual(returncode, 0, log)
        self.assertIn("holds no Odoo 18", log)
        self.assertFalse(odoo_path.exists())
        self.assertFalse(Path(f"{odoo_path}.partial").exists())

    def test_nothing_missing_installs_nothing(self):
        """With Odoo and the environment present, both scripts only look: no pip, no clone."""
        # Preconditions, so the scripts below have nothing to write into the shared environment.
        self.assertEqual(self.shared_pth.read_text().strip(), str(PRESENT_ODOO))
        self.assertEqual((PRESENT_VENV / ".aftersales-requirements").read_text(), REQUIREMENTS.read_text(),
                         "the environment is behind scripts/requirements.txt: run scripts/setup-deps")
        for script in ("run", "test"):
            with self.subTest(script=script):
                returncode, log = self._run(
                    script, PRESENT_ODOO, PRESENT_VENV, (self.tmp / "no-such-source").as_uri())
                self._assert_stopped_at_postgres(returncode, log)
                self.assertIn("OS packages: all present.", log)
                self.assertIn(f"Python environment {PRESENT_VENV}: up to date", log)
                self.assertIn(f"Odoo 18 found at {PRESENT_ODOO}.", log)
                for action in ("Creating", "Installing", "cloning", "Registering"):
                    self.assertNotIn(action, log)
