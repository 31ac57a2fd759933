"""Reads never wait for writes: ``show`` and ``search`` answer while another process writes.

WAL lets readers read the last committed state while one writer works. Every command used to
run the migrations under ``BEGIN IMMEDIATE`` on open, even on an up-to-date file, so a look-up
queued behind a long write for the whole busy timeout and then failed.
"""

from __future__ import annotations

import sqlite3

from tests.shared_file_helpers import cli_intake, motcua, prepare


def test_show_and_search_answer_while_another_process_holds_the_write_lock(tmp_path):
    db = tmp_path / "motcua.sqlite3"
    prepare(db)
    took = cli_intake(db, "Nguyễn Thị Ưởng")
    assert took.returncode == 0, took.stderr
    code = took.stdout.strip()
    writer = sqlite3.connect(db, isolation_level=None)  # a long import in another program
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO settings (key, value) VALUES ('_dang_nhap', '1')")
    try:
        shown = motcua(db, "show", code)
        found = motcua(db, "search", "uong")
        verified = motcua(db, "audit", "verify")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert shown.returncode == 0, shown.stderr
    assert code in shown.stdout
    assert found.returncode == 0 and code in found.stdout, found.stderr
    assert verified.returncode == 0, verified.stderr
