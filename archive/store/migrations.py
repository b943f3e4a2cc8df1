"""Versioned schema: each migration moves a database one version up, inside a transaction.

Version 1 is the schema as first released. Tables that have not changed since are created
from schema.py; a table that has is frozen here as version 1 had it, and a later migration
changes it with explicit operations, so that an old database and a new one end up identical.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    inspect,
    select,
    text,
    update,
)

from archive.store import schema
from archive.store.chain import GENESIS, entry_hash


def _v1_pages() -> Table:
    meta = MetaData()
    Table("documents", meta, Column("id", Integer, primary_key=True))  # for the foreign key
    return Table(
        "pages",
        meta,
        Column("id", Integer, primary_key=True),
        Column("document_id", Integer, ForeignKey("documents.id"), nullable=False, index=True),
        Column("number", Integer, nullable=False),
        Column("width", Integer, nullable=False),
        Column("height", Integer, nullable=False),
        Column("original_image", Text, nullable=False),
        Column("processed_image", Text, nullable=False),
        Column("rotation", Integer, nullable=False),
        Column("skew_deg", Float, nullable=False),
        Column("engine", String(32), nullable=False),
        Column("text", Text, nullable=False),
        Column("mean_confidence", Float, nullable=False),
        Column("lines", JSON, nullable=False),
        Column("steps", JSON, nullable=False),
        UniqueConstraint("document_id", "number"),
    )


def _v1(conn: Connection) -> None:
    schema.metadata.create_all(conn, tables=[schema.jobs, schema.documents])
    _v1_pages().create(conn)
    schema.metadata.create_all(conn, tables=[schema.job_files, schema.outbox])


def _v2_page_cells(conn: Connection) -> None:
    conn.execute(text("ALTER TABLE pages ADD COLUMN cells JSON NOT NULL DEFAULT '[]'"))


def _v3_field_corrections() -> Table:
    meta = MetaData()
    Table("documents", meta, Column("id", Integer, primary_key=True))  # for the foreign key
    return Table(
        "field_corrections",
        meta,
        Column("id", Integer, primary_key=True),
        Column("document_id", Integer, ForeignKey("documents.id"), nullable=False, index=True),
        Column("key", String(32), nullable=False),
        Column("value", Text),
        Column("machine_value", Text),
        Column("corrected_by", String(255), nullable=False),
        Column("corrected_at", DateTime(timezone=True), nullable=False),
        Column("note", Text),
        Index("ix_field_corrections_key_value", "key", "value"),
    )


def _v3_fields(conn: Connection) -> None:
    schema.metadata.create_all(conn, tables=[schema.fields])
    _v3_field_corrections().create(conn)


_APPEND_ONLY = (
    "CREATE TRIGGER audit_log_no_{name} BEFORE {verb} ON audit_log {when}"
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
)


def _v4_audit_log() -> Table:
    return Table(
        "audit_log",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("at", DateTime(timezone=True), nullable=False, index=True),
        Column("key_name", String(255), nullable=False),
        Column("role", String(16), nullable=False),
        Column("action", String(32), nullable=False),
        Column("query", JSON, nullable=False),
        Column("record_ids", JSON, nullable=False),
        Column("request_id", String(64), nullable=False),
    )


def _v4_keys_and_audit(conn: Connection) -> None:
    # A database made at version 3 by this program already has them (create_all above).
    for index in (*schema.fields.indexes, *schema.field_corrections.indexes):
        index.create(conn, checkfirst=True)
    schema.metadata.create_all(conn, tables=[schema.api_keys])
    _v4_audit_log().create(conn, checkfirst=True)
    if conn.dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            conn.execute(text(_APPEND_ONLY.format(verb=verb, name=verb.lower(), when="")))


def _v5_other_items(conn: Connection) -> None:
    schema.metadata.create_all(conn, tables=[schema.document_items])


def _v6_pointed_evidence_and_synonyms(conn: Connection) -> None:
    for column, kind in (
        ("page", "INTEGER"),
        ("bbox", "JSON"),
        ("evidence_text", "TEXT"),
        ("evidence_confidence", "FLOAT"),
        ("pointed", "VARCHAR(16)"),
    ):
        conn.execute(text(f"ALTER TABLE field_corrections ADD COLUMN {column} {kind}"))
    schema.metadata.create_all(conn, tables=[schema.field_synonyms])


def _v7_audit_chain_accounts_and_sessions(conn: Connection) -> None:
    """Personal accounts and server-side sessions; the audit log becomes a hash chain: the
    entries already there are chained in their order (the UPDATE trigger lifted for it and put
    back), and INSERT OR REPLACE, which passes a DELETE trigger unseen, is refused too."""
    for column in ("prev_hash", "hash"):
        conn.execute(text(f"ALTER TABLE audit_log ADD COLUMN {column} VARCHAR(64)"))
    schema.metadata.create_all(conn, tables=[schema.audit_head, schema.users, schema.web_sessions])
    sqlite = conn.dialect.name == "sqlite"
    if sqlite:
        conn.execute(text("DROP TRIGGER audit_log_no_update"))
    t = schema.audit_log
    last_id, last_hash = 0, GENESIS
    for row in conn.execute(select(t).order_by(t.c.id)).mappings().all():
        entry = dict(row)
        digest = entry_hash(last_hash, entry)
        conn.execute(update(t).where(t.c.id == row["id"]).values(prev_hash=last_hash, hash=digest))
        last_id, last_hash = row["id"], digest
    conn.execute(schema.audit_head.insert().values(id=1, last_id=last_id, last_hash=last_hash))
    if sqlite:
        conn.execute(text(_APPEND_ONLY.format(verb="UPDATE", name="update", when="")))
        conn.execute(
            text(
                _APPEND_ONLY.format(
                    verb="INSERT",
                    name="replace",
                    when="WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id) ",
                )
            )
        )


def _v8_catalogues(conn: Connection) -> None:
    schema.metadata.create_all(conn, tables=[schema.catalogue_versions, schema.catalogue_rows])


MIGRATIONS: tuple[Callable[[Connection], None], ...] = (
    _v1,
    _v2_page_cells,
    _v3_fields,
    _v4_keys_and_audit,
    _v5_other_items,
    _v6_pointed_evidence_and_synonyms,
    _v7_audit_chain_accounts_and_sessions,
    _v8_catalogues,
)
LATEST = len(MIGRATIONS)


def current_version(conn: Connection) -> int:
    if not inspect(conn).has_table("schema_version"):
        return 0
    return int(
        conn.execute(
            select(schema.schema_version.c.version)
            .order_by(schema.schema_version.c.version.desc())
            .limit(1)
        ).scalar()
        or 0
    )


def migrate(engine: Engine) -> int:
    """Brings the database to the latest version; returns the version it was at."""
    with engine.begin() as conn:
        schema.schema_version.create(conn, checkfirst=True)
        start = current_version(conn)
        if start > LATEST:
            raise RuntimeError(
                f"database schema version {start} is newer than this program ({LATEST})"
            )
    for version in range(start + 1, LATEST + 1):
        with engine.begin() as conn:
            MIGRATIONS[version - 1](conn)
            conn.execute(
                schema.schema_version.insert().values(version=version, applied_at=datetime.now(UTC))
            )
    return start
