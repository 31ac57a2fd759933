"""A throw-away PostgreSQL cluster for a test run (or a benchmark): initdb + pg_ctl.

Debian's server binaries live in /usr/lib/postgresql/<version>/bin, off PATH. The cluster is
made in a temporary folder, listens on 127.0.0.1 and a free port only, and is stopped and
deleted at the end. PostgreSQL refuses to run as root, so when the run is root the cluster
belongs to the ``postgres`` system user (created by Debian's package) and its commands run
through ``runuser``. A machine without PostgreSQL gets a clear failure, never a skip.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

MISSING = (
    "PostgreSQL không có trên máy này (không thấy initdb/pg_ctl trong /usr/lib/postgresql/*/bin "
    "hay trên PATH): cài gói Debian “postgresql” (scripts/dev.py làm việc này) rồi chạy lại."
)


def server_bin() -> Path:
    """The folder of initdb and pg_ctl: the newest Debian version, else PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    raise RuntimeError(MISSING)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgCluster:
    """``start()``, ``url(db)``, ``create_database(name, template)``, ``stop()``."""

    def __init__(self, *, fast: bool = True):
        self.bin = server_bin()
        self.port = free_port()
        self.fast = fast  # fsync off: a test run's data need not survive a power cut
        self.root = Path(tempfile.mkdtemp(prefix="motcua-pg-"))
        self.data = self.root / "data"
        self.as_postgres = os.geteuid() == 0
        self.started = False

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, check=check, cwd="/")

    def start(self) -> PgCluster:
        if self.as_postgres:
            pw = pwd.getpwnam("postgres")
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")  # fmt: skip
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} -c max_connections=60"
        if self.fast:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        done = self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"),
                         "-w", "-t", "60", "start", check=False)  # fmt: skip
        if done.returncode:
            log = (self.root / "log").read_text(errors="replace") if (self.root / "log").exists() else ""
            raise RuntimeError(f"pg_ctl start failed: {done.stderr}\n{log[-2000:]}")
        self.started = True
        self._watch_owner()
        return self

    def _watch_owner(self) -> None:
        """A watcher that stops and deletes the cluster if this process dies without cleaning up
        (a test run killed by a timeout): no server is left running behind a dead run."""
        stop = f"{self.bin / 'pg_ctl'} -D {self.data} -m immediate -w stop"
        if self.as_postgres:
            stop = f"runuser -u postgres -- {stop}"
        wait = f"while kill -0 {os.getpid()} 2>/dev/null; do sleep 2; done"
        script = f"{wait}; {stop} >/dev/null 2>&1; rm -rf {self.root}"
        self.watcher = subprocess.Popen(["sh", "-c", script], start_new_session=True, cwd="/",
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip

    def url(self, db: str = "postgres", user: str = "postgres", password: str = "") -> str:
        secret = f":{password}" if password else ""
        return f"postgresql://{user}{secret}@127.0.0.1:{self.port}/{db}"

    def sql(self, statement: str, db: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(self.url(db), autocommit=True) as conn:
            conn.execute(statement)

    def create_database(self, name: str, template: str = "template1") -> str:
        self.sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self.sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        watcher = getattr(self, "watcher", None)
        if watcher is not None:
            watcher.kill()
            watcher.wait()
        if self.started:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)
            self.started = False
        shutil.rmtree(self.root, ignore_errors=True)

    def restart(self) -> None:
        """Stop the server (clients lose their connections) and start it again on the same port."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)
        self.started = False
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} -c max_connections=60"
        if self.fast:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"), "-w", "start")
        self.started = True
