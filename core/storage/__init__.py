"""The register's storage: one interface (``Store``), two backends.

- ``core.storage.sqlite``: one SQLite file on the PC (the default, a one-PC ward).
- ``core.storage.postgres``: one PostgreSQL database on the centre's LAN, shared by every
  counter PC at the same time (``--db postgresql://...`` or ``MOTCUA_DB``).

All SQL of the register lives in this package. The statements are written once
(``base``, ``dossiers``, ``query``, ``figures``, ``reports``, ``auditlog``) and run on both
engines; a backend supplies the primitives (``_rows``, ``_one``, ``_exec``, ``_insert``,
``_many``, ``_lock``) and the few clauses that differ (full-text search, ``FOR UPDATE``, the
planner hints). Moments are ISO text with +07:00 on both, so the report's figures are equal.

Writers on PostgreSQL (what SQLite's single writer, BEGIN IMMEDIATE, gave for free)
-----------------------------------------------------------------------------------
Chosen: a lock per concern, in READ COMMITTED, never SERIALIZABLE-with-retry (a retry would
re-run a clerk's intake behind their back; a lock just makes the second counter wait a few ms).

- Daily code and register-book numbers (``next_sequence``): the upsert ``INSERT ... ON
  CONFLICT DO UPDATE ... RETURNING`` locks the sequence's row until commit; a rollback gives
  the number back. Consecutive, no duplicate, no gap. Always taken in the order code, book.
- Check-then-act of a life-cycle step (``dossier_state(code, for_update=True)``): ``SELECT ...
  FOR UPDATE`` on the dossier's row; the second clerk waits, then sees the new status.
- The audit chain (``audit``): ``pg_advisory_xact_lock`` on the "audit" key before reading
  the last entry; the entry gets ``id = last + 1`` (no identity: a rolled-back transaction
  must not leave a gap the verifier would call a deletion). Taken last in a transaction,
  after its row locks, so its holder does not wait for anyone: no deadlock cycle. The one
  exception is re-dating the open dossiers after a calendar or rules change (it updates
  dossiers after its audit entry): a rare cycle with a clerk's step there is broken by the
  server's deadlock detector, and the admin's change is refused with "hãy thử lại".
- Bulk import: ids come from the identity sequence (``nextval``: unique whatever the others
  do); an advisory lock on "import" keeps two imports apart; a code taken meanwhile by a
  counter makes the UNIQUE constraint refuse and the whole import is rolled back.
- Users, settings, calendar: primary keys and upserts; the audit lock orders their entries.

The server going away: outside a transaction a read is retried once on a new connection; a
transaction that loses its connection is rolled back by the server, except when the line
drops while COMMIT is being answered: then the store reconnects and looks for the audit entry
the transaction wrote (its hash is unique) and reports "committed" or raises
``ServerUnavailable`` ("chưa được lưu"). Every write transaction NOTIFYs ``motcua_changes``
at commit; ``data_version`` counts the notifications already received (no round trip), which
is how open windows follow the other counters (``gui.session.Session.watch_other_counters``).

Other modules: ``transfer`` (``motcua migrate``: SQLite files into the server), ``rows``
(domain values to columns), ``postgres.connection`` (libpq URL, keyring password, JIT off),
``postgres.backup`` (pg_dump / pg_restore), ``sqlite.db`` / ``sqlite.dbcheck`` /
``sqlite.backup`` (the file: opening, checking, copying).

Adding a migration (for both backends)
--------------------------------------
Append one ``Migration`` to ``MIGRATIONS`` in ``core/storage/migrations.py``; never edit one
that was released. If the statements are the same on both engines (``ALTER TABLE dossiers ADD
COLUMN form_2025 TEXT NOT NULL DEFAULT ''``, ``CREATE INDEX``), give ``sql=``. Otherwise give
``sqlite=`` and ``postgres=`` (the pair is still one version). Types: TEXT (write ``TEXT COLLATE
"C"`` in the PostgreSQL text), INTEGER for numbers and 0/1 flags, moments as ISO TEXT. A new
column the store writes also goes into ``rows.py`` (MOMENTS / FLAGS / LISTS) when it holds
such a value. SQLite records the version in ``PRAGMA user_version``, PostgreSQL in the
``motcua_schema`` table; each migration runs in its own transaction on both.
"""

from __future__ import annotations

from pathlib import Path

from core.storage.protocol import Store
from core.storage.query import DossierQuery, QuickFilter

SERVER_SCHEMES = ("postgresql://", "postgres://")


def is_server_url(target: str | Path | None) -> bool:
    """A libpq URL (``postgresql://user@host/dbname``) rather than a file path."""
    return isinstance(target, str) and target.strip().lower().startswith(SERVER_SCHEMES)


def open_store(target: str | Path, *, readonly: bool = False) -> Store:
    """The store for a file path or a server URL."""
    if is_server_url(target):
        from core.storage.postgres import PostgresStore

        return PostgresStore.open(str(target))
    from core.storage.sqlite import SqliteStore

    return SqliteStore.open(target, readonly=readonly)


__all__ = ["DossierQuery", "QuickFilter", "Store", "is_server_url", "open_store"]
