"""The server register from the outside: init, refusals, roles, change notification, the
server going away, the command line with ``--db URL`` and ``MOTCUA_DB``."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from core import audit
from core.errors import DatabaseError
from core.register import Register
from core.storage.postgres import PostgresStore
from core.storage.postgres.errors import ServerUnavailable
from core.storage.postgres.store import grant_counter_role
from tests.helpers import PASSWORD, START, Clock, at, make_form, populate

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, stdin: str = "", env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        input=stdin, capture_output=True, text=True, cwd=ROOT, encoding="utf-8",
        env={**os.environ, **(env or {})},
    )  # fmt: skip


def tables(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
    return {r[0] for r in rows}


@pytest.fixture
def blank(pg_cluster):
    """An empty database, as the server administrator creates it."""
    name = f"blank{time.monotonic_ns()}"
    pg_cluster.sql(f'CREATE DATABASE "{name}"')
    yield pg_cluster.url(name)
    pg_cluster.drop_database(name)


def test_init_on_an_empty_database_by_url_and_by_motcua_db(blank):
    done = run_cli(
        "--db", blank, "init", "--ward-name", "UBND phường Tây Hồ", "--agency-code", "000.17.22.H56"
    )
    assert done.returncode == 0, done.stderr
    assert {"dossiers", "events", "audit_log", "motcua_schema"} <= tables(blank)
    listed = run_cli("procedures", env={"MOTCUA_DB": blank})
    assert listed.returncode == 0, listed.stderr
    assert "Đăng ký thường trú" in listed.stdout
    with Register.open(blank) as reg:
        assert reg.settings.ward_name == "UBND phường Tây Hồ"
        assert audit.verify(reg.store).ok


def test_a_database_holding_something_else_is_refused_untouched(blank):
    with psycopg.connect(blank, autocommit=True) as conn:
        conn.execute("CREATE TABLE ke_toan (so_phieu int)")
    with pytest.raises(DatabaseError, match="đã chứa dữ liệu khác"):
        Register.open(blank)
    assert tables(blank) == {"ke_toan"}
    done = run_cli(
        "--db", blank, "init", "--ward-name", "UBND phường Tây Hồ", "--agency-code", "000.17.22.H56"
    )
    assert done.returncode == 2 and "đã chứa dữ liệu khác" in done.stderr and "Traceback" not in done.stderr


def test_a_newer_schema_is_refused_untouched(pg_url):
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("UPDATE motcua_schema SET version = version + 5")
    with pytest.raises(DatabaseError, match="phiên bản MotCua mới hơn"):
        Register.open(pg_url)
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT count(*) FROM dossiers").fetchone()[0] == 0


def test_an_unreachable_server_is_a_vietnamese_message(pg_cluster):
    from tests.pg_cluster import free_port

    url = f"postgresql://motcua@127.0.0.1:{free_port()}/motcua"
    with pytest.raises(ServerUnavailable, match="kết nối tới máy chủ"):
        Register.open(url)
    done = run_cli("--db", url, "procedures")
    assert done.returncode == 2 and "Mất kết nối tới máy chủ cơ sở dữ liệu" in done.stderr
    assert "Traceback" not in done.stderr and "password" not in done.stderr


def test_the_counter_role_writes_the_register_but_never_rewrites_history(pg_cluster, blank):
    pg_cluster.sql("DO $$ BEGIN CREATE ROLE quay LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
    owner = Register.open(blank, clock=Clock(START))
    populate(owner)
    grant_counter_role(owner.store, "quay")
    owner.close()
    counter_url = blank.replace("postgres@", "quay@")
    with Register.open(counter_url, clock=Clock(START)) as reg:
        clerk = reg.authenticate("canbo1", PASSWORD)
        code = reg.intake(make_form(), clerk, at=at("2026-11-23 09:00")).code
        reg.apply(code, "handover", clerk, at=at("2026-11-23 09:30"))
        assert reg.set_override(reg.user("quantri"), at("2026-12-05 08:00").date(), True, "Làm bù") >= 0
        assert reg.remove_override(reg.user("quantri"), at("2026-12-05 08:00").date()) >= 0
        for forbidden in (
            "UPDATE audit_log SET reason = 'sửa lén'",
            "DELETE FROM audit_log",
            "DROP TABLE dossiers",
        ):
            with pytest.raises(DatabaseError, match="không đủ quyền"):
                reg.store._exec(forbidden)
        assert audit.verify(reg.store).ok


def test_another_counter_sees_a_change_within_two_seconds(pg_register):
    clerk = pg_register.user("canbo1")
    other = Register.open(pg_register.store.url, clock=pg_register.clock)
    try:
        seen = other.store.data_version()
        pg_register.intake(make_form(), clerk, at=at("2026-11-23 09:00"))
        deadline = time.monotonic() + 2
        while other.store.data_version() == seen and time.monotonic() < deadline:
            time.sleep(0.05)
        assert other.store.data_version() != seen
    finally:
        other.close()


def test_the_server_restarting_then_the_register_reconnects_by_itself(pg_cluster, pg_register):
    clerk = pg_register.user("canbo1")
    first = pg_register.intake(make_form(), clerk, at=at("2026-11-23 09:00")).code
    pg_cluster.restart()
    # The first use after the restart finds the dead connection and opens a new one.
    again = pg_register.intake(make_form(), clerk, at=at("2026-11-23 09:05")).code
    assert again.endswith("-0002") and pg_register.dossier(first).code == first
    assert audit.verify(pg_register.store).ok


def test_a_commit_lost_with_the_connection_is_answered_from_the_audit_entry(pg_register):
    """The connection dies right after COMMIT reached the server: the intake is reported as
    done (it is), not as an error a clerk would answer by typing it in a second time."""
    clerk = pg_register.user("canbo1")
    store: PostgresStore = pg_register.store
    real = store.conn

    class DiesAfterCommit:
        def __init__(self, inner):
            self.inner = inner

        def __getattr__(self, name):
            return getattr(self.inner, name)

        @contextlib.contextmanager
        def transaction(self):
            with self.inner.transaction():  # the COMMIT goes through ...
                yield
            self.inner.close()  # ... and the line drops before the answer is read
            raise psycopg.OperationalError("server closed the connection unexpectedly")

    store.conn = DiesAfterCommit(real)
    d = pg_register.intake(make_form(), clerk, at=at("2026-11-23 09:00"))
    assert not isinstance(store.conn, DiesAfterCommit)  # reconnected
    assert pg_register.dossier(d.code).applicant == d.applicant
    assert audit.verify(store).ok
