"""The schema's migrations, once for both backends.

``MIGRATIONS[i]`` upgrades a database from version i to i+1 (SQLite: ``PRAGMA user_version``;
PostgreSQL: the ``motcua_schema`` table), each inside its own transaction. Never edit a
released one: append. How to add one is in the package docstring (``core/storage/__init__``):
a ``Migration(sql=...)`` when the statements are the same on both engines, or
``Migration(sqlite=..., postgres=...)`` when they are not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    """One schema step. ``sql``: portable statements; or one text per engine."""

    sql: str = ""
    sqlite: str = ""
    postgres: str = ""
    doc: str = ""

    def for_engine(self, engine: str) -> str:
        specific = self.sqlite if engine == "sqlite" else self.postgres  # "postgresql"
        return specific or self.sql


V1_SQLITE = """
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL            -- JSON
);
CREATE TABLE procedures (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    field TEXT NOT NULL,
    working_days INTEGER NOT NULL CHECK (working_days >= 0),
    cutoff_applies INTEGER NOT NULL DEFAULT 0,
    fee TEXT NOT NULL DEFAULT '',
    documents TEXT NOT NULL DEFAULT '[]',   -- JSON list
    note TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1,
    position INTEGER NOT NULL DEFAULT 0,
    search_key TEXT NOT NULL DEFAULT ''
);
CREATE TABLE users (
    login TEXT PRIMARY KEY,
    full_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('clerk', 'vice-chair', 'admin')),
    title TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE sequences (
    key TEXT PRIMARY KEY,          -- 'code:261123' (daily dossier codes), 'book:2026' (register)
    last INTEGER NOT NULL
);
CREATE TABLE dossiers (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    procedure_code TEXT NOT NULL REFERENCES procedures(code),
    procedure_name TEXT NOT NULL,  -- as at intake: the catalogue may be edited later
    field TEXT NOT NULL,
    working_days INTEGER NOT NULL,
    cutoff_applies INTEGER NOT NULL DEFAULT 0,
    applicant TEXT NOT NULL,
    applicant_kind TEXT NOT NULL DEFAULT 'person',
    id_kind TEXT NOT NULL DEFAULT 'cccd',
    id_number TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    channel TEXT NOT NULL CHECK (channel IN ('truc-tiep', 'truc-tuyen', 'buu-chinh')),
    copies INTEGER NOT NULL DEFAULT 1,
    documents TEXT NOT NULL DEFAULT '[]',
    fee_collected INTEGER NOT NULL DEFAULT 0,
    received_at TEXT NOT NULL,
    due_at TEXT NOT NULL,          -- derived from the events and the calendar; re-dated when they change
    paused_days INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    outcome_at TEXT,               -- moment of the final outcome (resolved/refused/withdrawn/stopped)
    returned_at TEXT,
    new_appointment_at TEXT,       -- Mẫu 04; the original due_at still decides lateness
    clerk_login TEXT NOT NULL,
    clerk_name TEXT NOT NULL,
    signed_by TEXT NOT NULL DEFAULT '',
    receiver_name TEXT NOT NULL DEFAULT '',
    satisfaction TEXT,
    return_by_post INTEGER NOT NULL DEFAULT 0,
    register_book TEXT NOT NULL DEFAULT '',
    register_seq INTEGER NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    receipt_printed INTEGER NOT NULL DEFAULT 0,
    source TEXT NOT NULL DEFAULT 'counter',
    search_key TEXT NOT NULL DEFAULT ''
);
CREATE INDEX dossiers_received ON dossiers(received_at);
CREATE INDEX dossiers_due ON dossiers(due_at);
CREATE INDEX dossiers_status ON dossiers(status, due_at);
CREATE INDEX dossiers_outcome ON dossiers(outcome_at);
CREATE INDEX dossiers_field ON dossiers(field);
CREATE INDEX dossiers_id_number ON dossiers(id_number);
CREATE INDEX dossiers_phone ON dossiers(phone);
CREATE VIRTUAL TABLE dossier_fts USING fts5(
    search_key, content='dossiers', content_rowid='id', tokenize='trigram'
);
CREATE TRIGGER dossiers_fts_insert AFTER INSERT ON dossiers BEGIN
    INSERT INTO dossier_fts(rowid, search_key) VALUES (new.id, new.search_key);
END;
CREATE TRIGGER dossiers_fts_update AFTER UPDATE OF search_key ON dossiers BEGIN
    INSERT INTO dossier_fts(dossier_fts, rowid, search_key) VALUES ('delete', old.id, old.search_key);
    INSERT INTO dossier_fts(rowid, search_key) VALUES (new.id, new.search_key);
END;
CREATE TRIGGER dossiers_fts_delete AFTER DELETE ON dossiers BEGIN
    INSERT INTO dossier_fts(dossier_fts, rowid, search_key) VALUES ('delete', old.id, old.search_key);
END;
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    dossier_id INTEGER NOT NULL REFERENCES dossiers(id),
    kind TEXT NOT NULL,
    at TEXT NOT NULL,
    user_login TEXT NOT NULL,
    user_name TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    data TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX events_dossier ON events(dossier_id, at);
CREATE INDEX events_kind_at ON events(kind, at);
CREATE TABLE calendar_overrides (
    day TEXT PRIMARY KEY,          -- YYYY-MM-DD
    working INTEGER NOT NULL,      -- 1 extra working day, 0 extra day off
    note TEXT NOT NULL DEFAULT ''
);
CREATE TABLE difficulties (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    text TEXT NOT NULL,
    user_login TEXT NOT NULL,
    user_name TEXT NOT NULL,
    dossier_code TEXT NOT NULL DEFAULT '',
    procedure_code TEXT NOT NULL DEFAULT ''
);
CREATE INDEX difficulties_at ON difficulties(at);
CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    preset TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    supersedes INTEGER REFERENCES reports(id),
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'signed', 'sent')),
    snapshot TEXT NOT NULL,        -- JSON of the figures
    highlights TEXT NOT NULL DEFAULT '',
    difficulties TEXT NOT NULL DEFAULT '',
    proposals TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_by_name TEXT NOT NULL DEFAULT '',
    signed_at TEXT,
    signed_by TEXT,
    signed_by_name TEXT,
    signed_by_title TEXT,
    fingerprint TEXT,
    sent_at TEXT
);
CREATE TABLE report_sends (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports(id),
    at TEXT NOT NULL,
    user_login TEXT NOT NULL,
    method TEXT NOT NULL,          -- smtp | eml
    recipients TEXT NOT NULL DEFAULT '',
    ok INTEGER NOT NULL,
    error TEXT NOT NULL DEFAULT ''
);
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user_login TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_key TEXT NOT NULL DEFAULT '',
    old TEXT NOT NULL DEFAULT '',   -- JSON
    new TEXT NOT NULL DEFAULT '',   -- JSON
    reason TEXT NOT NULL DEFAULT '',
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
"""


def postgres_ddl(sqlite_ddl: str) -> str:
    """SQLite's v1 text for PostgreSQL: identity keys, "C"-collated text (binary order, as on
    SQLite: codes and ISO moments sort and compare the same), pg_trgm instead of FTS5."""
    text = re.sub(r"CREATE VIRTUAL TABLE dossier_fts.*?;\n", "", sqlite_ddl, flags=re.S)
    text = re.sub(r"CREATE TRIGGER .*?END;\n", "", text, flags=re.S)
    text = re.sub(r"--[^\n]*", "", text)
    audit = "CREATE TABLE audit_log (\n    id INTEGER PRIMARY KEY"
    text = text.replace(audit, "CREATE TABLE audit_log (\n    id BIGINT PRIMARY KEY")  # ids given: no gaps
    text = text.replace("INTEGER PRIMARY KEY", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY")
    text = re.sub(r"\bTEXT\b", 'TEXT COLLATE "C"', text)
    text = re.sub(r"INTEGER NOT NULL REFERENCES", "BIGINT NOT NULL REFERENCES", text)
    text = re.sub(r"INTEGER REFERENCES", "BIGINT REFERENCES", text)
    return text + (
        "CREATE EXTENSION IF NOT EXISTS pg_trgm;\n"
        "CREATE INDEX dossiers_search_trgm ON dossiers USING gin (search_key gin_trgm_ops);\n"
    )


# The columns and table of the digitising migration, written once for both engines.
_DIGITISING_COMMON = """
ALTER TABLE dossiers ADD COLUMN payment {text} NOT NULL DEFAULT '';
ALTER TABLE dossiers ADD COLUMN reused_documents {text} NOT NULL DEFAULT '[]';
ALTER TABLE dossiers ADD COLUMN docs_to_digitise INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dossiers ADD COLUMN digitised_at {text};
ALTER TABLE dossiers ADD COLUMN result_digitised_at {text};
CREATE INDEX dossiers_returned ON dossiers(returned_at);
CREATE TABLE attachments (
    id {key},
    dossier_id {ref} NOT NULL REFERENCES dossiers(id),
    document INTEGER,
    is_result INTEGER NOT NULL DEFAULT 0,
    file_name {text} NOT NULL,
    size INTEGER NOT NULL,
    sha256 {text} NOT NULL,
    mime {text} NOT NULL,
    pages INTEGER NOT NULL,
    at {text} NOT NULL,
    user_login {text} NOT NULL,
    user_name {text} NOT NULL DEFAULT '',
    CHECK ((document IS NULL AND is_result = 1) OR (document >= 1 AND is_result = 0))
);
CREATE INDEX attachments_dossier ON attachments(dossier_id);
CREATE INDEX attachments_sha256 ON attachments(sha256);
"""
# Handed-in documents of paper dossiers (not "(xuất trình)", not secret): core.attachments.status.
_DIGITISING_BACKFILL = """
UPDATE dossiers SET docs_to_digitise = (
    SELECT COUNT(*) FROM {docs}
    WHERE lower(value) NOT LIKE '%xuất trình%' AND lower(value) NOT LIKE '%(mật)%'
      AND lower(value) NOT LIKE '%tài liệu mật%'
) WHERE channel <> 'truc-tuyen';
"""


MIGRATIONS: list[Migration] = [
    Migration(sqlite=V1_SQLITE, postgres=postgres_ddl(V1_SQLITE), doc="the register's tables"),
    Migration(
        sql="""
        CREATE INDEX dossiers_outcome_received ON dossiers(outcome_at, received_at);
        DROP INDEX IF EXISTS dossiers_outcome;
        """,
        doc="The report finds the dossiers carried over into a period (received before it, no "
        "outcome before it) by ``outcome_at >= start AND received_at < start``: with both columns "
        "in one index that is an index-only range. It replaces the index on ``outcome_at`` alone.",
    ),
    Migration(
        sqlite="""
        ALTER TABLE dossiers ADD COLUMN authorised_name TEXT NOT NULL DEFAULT '';
        ALTER TABLE dossiers ADD COLUMN authorised_id TEXT NOT NULL DEFAULT '';
        ALTER TABLE dossiers ADD COLUMN authorised_relation TEXT NOT NULL DEFAULT '';
        ALTER TABLE dossiers ADD COLUMN result_delivery TEXT NOT NULL DEFAULT '';
        ALTER TABLE dossiers ADD COLUMN province_code TEXT NOT NULL DEFAULT '';
        CREATE INDEX dossiers_province_code ON dossiers(province_code);
        """,
        postgres="""
        ALTER TABLE dossiers ADD COLUMN authorised_name TEXT COLLATE "C" NOT NULL DEFAULT '';
        ALTER TABLE dossiers ADD COLUMN authorised_id TEXT COLLATE "C" NOT NULL DEFAULT '';
        ALTER TABLE dossiers ADD COLUMN authorised_relation TEXT COLLATE "C" NOT NULL DEFAULT '';
        ALTER TABLE dossiers ADD COLUMN result_delivery TEXT COLLATE "C" NOT NULL DEFAULT '';
        ALTER TABLE dossiers ADD COLUMN province_code TEXT COLLATE "C" NOT NULL DEFAULT '';
        CREATE INDEX dossiers_province_code ON dossiers(province_code);
        """,
        doc="The 2025 forms (Circular 03/2025): who filed on the applicant's behalf (name, ID number, "
        "relation), how the result goes back (tai-quay / buu-chinh / truc-tuyen, Mẫu 07), and the code "
        "the provincial one-stop system gave the dossier (searched exactly, hence the index). Form "
        "numbers (Số: …/TTPVHCC) need no column: a per-form, per-year sequence, kept on the print event.",
    ),
    Migration(
        sqlite=_DIGITISING_COMMON.format(text="TEXT", key="INTEGER PRIMARY KEY", ref="INTEGER")
        + _DIGITISING_BACKFILL.format(docs="json_each(dossiers.documents)"),
        postgres=_DIGITISING_COMMON.format(
            text='TEXT COLLATE "C"', key="BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", ref="BIGINT"
        )
        + _DIGITISING_BACKFILL.format(docs="jsonb_array_elements_text(dossiers.documents::jsonb) AS j(value)")
        + 'CREATE TABLE attachment_blobs (sha256 TEXT COLLATE "C" PRIMARY KEY, content BYTEA NOT NULL);\n',
        doc="Digitised dossiers (issue 16): the scans kept with a dossier (``attachments``: one row per "
        "file, tied to a document (numbered from 1) or to the result, named by its SHA-256), how the "
        "fee was paid, the documents reused from the national data, and the two moments the "
        "indicators count (all documents digitised; result digitised). The bytes: files beside the "
        "SQLite database, ``attachment_blobs`` (bytea) on PostgreSQL (see core/attachments). Dossiers "
        "received before this version get their number of documents to digitise from their list.",
    ),
    Migration(
        sqlite="""
        ALTER TABLE audit_log ADD COLUMN channel TEXT NOT NULL DEFAULT '';
        ALTER TABLE audit_log ADD COLUMN os_user TEXT NOT NULL DEFAULT '';
        ALTER TABLE audit_log ADD COLUMN state TEXT NOT NULL DEFAULT '';
        """,
        postgres="""
        ALTER TABLE audit_log ADD COLUMN channel TEXT COLLATE "C" NOT NULL DEFAULT '';
        ALTER TABLE audit_log ADD COLUMN os_user TEXT COLLATE "C" NOT NULL DEFAULT '';
        ALTER TABLE audit_log ADD COLUMN state TEXT COLLATE "C" NOT NULL DEFAULT '';
        """,
        doc="Trust (issue 18): each audit entry records how the change came in (window or command "
        "line) and the operating-system account, and seals the state of the rows it changed "
        "(core.audit_state), so a row changed outside MotCua no longer matches the chain.",
    ),
    Migration(
        sqlite="""
        ALTER TABLE dossiers ADD COLUMN digitised_documents TEXT NOT NULL DEFAULT '[]';
        UPDATE dossiers SET digitised_documents = (
            SELECT json_group_array(document) FROM (
                SELECT DISTINCT document FROM attachments a
                WHERE a.dossier_id = dossiers.id AND a.document IS NOT NULL ORDER BY document
            )
        ) WHERE id IN (SELECT dossier_id FROM attachments WHERE document IS NOT NULL);
        """,
        postgres="""
        ALTER TABLE dossiers ADD COLUMN digitised_documents TEXT COLLATE "C" NOT NULL DEFAULT '[]';
        UPDATE dossiers SET digitised_documents = (
            SELECT json_agg(document ORDER BY document)::text FROM (
                SELECT DISTINCT document FROM attachments a
                WHERE a.dossier_id = dossiers.id AND a.document IS NOT NULL
            ) AS scanned
        ) WHERE id IN (SELECT dossier_id FROM attachments WHERE document IS NOT NULL);
        """,
        doc="Which documents of a dossier have a scan (numbers from 1), kept on the dossier row with "
        "each attach: the receipt and the register book print “đã số hóa” per document from the "
        "dossier alone.",
    ),
    Migration(
        sql="CREATE INDEX dossiers_code_received ON dossiers(code, received_at);\n",
        doc="A code typed from its start that many codes share (the agency prefix and a year: "
        "``000.17.22.H56-18``) is read along the moment of receipt, from the newest match on: that "
        "moment comes from this index alone (MAX over the code range, no row read), so the first "
        "page of an old year costs what a recent one does (a million dossiers: 250 ms -> a few ms).",
    ),
]
