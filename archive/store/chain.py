"""The audit log's hash chain: how an entry's hash is made and how entries are appended to
the chain (archive.store.audit uses it; so does the migration that chained the entries
written before there was a chain)."""

from __future__ import annotations

import hashlib
from datetime import UTC
from typing import Any

import orjson
from sqlalchemy import Connection, select, update

from archive.store import schema
from archive.store.rows import utc

GENESIS = "0" * 64  # what the first entry names as the hash before it


def entry_hash(prev: str, row: dict[str, Any]) -> str:
    """The hash of an entry: over the one before it and every column it has, in a fixed
    form (UTC time to the microsecond, JSON with sorted keys) that reads back the same."""
    at = utc(row["at"]).astimezone(UTC).isoformat(timespec="microseconds")
    body = [
        prev,
        row["id"],
        at,
        row["key_name"],
        row["role"],
        row["action"],
        row["query"],
        row["record_ids"],
        row["request_id"],
    ]
    return hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()


def chain(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Appends ``rows`` after the head of the chain, in one transaction with the caller.
    The head row is written first: it takes the write lock, so two writers (the server and a
    CLI run) chain one after the other, never both from the same head."""
    head = schema.audit_head
    conn.execute(update(head).where(head.c.id == 1).values(last_id=head.c.last_id))
    last_id, last_hash = conn.execute(
        select(head.c.last_id, head.c.last_hash).where(head.c.id == 1)
    ).one()
    for row in rows:
        last_id += 1
        row["id"] = last_id
        row["prev_hash"] = last_hash
        last_hash = row["hash"] = entry_hash(last_hash, row)
    conn.execute(schema.audit_log.insert(), rows)
    conn.execute(update(head).where(head.c.id == 1).values(last_id=last_id, last_hash=last_hash))
