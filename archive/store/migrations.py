"""Versioned schema: each migration moves a database one version up, inside a transaction.

Version 1 is the schema as first released and is created from schema.py. When a table changes,
add a migration with explicit operations and freeze version 1's table list here first, so that
an old database and a new one end up identical.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, inspect, select

from archive.store import schema


def _v1(conn: Connection) -> None:
    schema.metadata.create_all(
        conn,
        tables=[
            schema.jobs,
            schema.documents,
            schema.pages,
            schema.job_files,
            schema.outbox,
        ],
    )


MIGRATIONS: tuple[Callable[[Connection], None], ...] = (_v1,)
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
