"""Moved to ``core.storage.reports`` (methods of the store); these take a bare SQLite database
for the callers that still pass one. Remove when none do."""

from core.storage.reports import INSERTED, UPDATABLE  # noqa: F401
from core.storage.sqlite import SqliteStore


def insert(db, values):
    return _store(db).report_insert(values)


def update(db, report_id, changes, expect_status):
    return _store(db).report_update(report_id, changes, expect_status)


def by_id(db, report_id):
    return _store(db).report_by_id(report_id)


def by_period(db, period_from, period_to):
    return _store(db).reports_by_period(period_from, period_to)


def insert_send(db, values):
    return _store(db).report_send_insert(values)


def sends(db, report_id):
    return _store(db).report_sends(report_id)


def send_counts(db):
    return _store(db).report_send_counts()


def _store(db):
    """The store behind a test's SQL door, else a SQLite store around the bare database."""
    return getattr(db, "store", None) or SqliteStore(db)
