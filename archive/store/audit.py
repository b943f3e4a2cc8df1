"""The append-only audit log: who looked at or changed which records, when, and asking what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select

from archive.store import schema


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: datetime
    key_name: str
    role: str
    action: str  # search, view_record, view_person, view_image, lookup, correct, upload, ...
    query: dict[str, Any]
    record_ids: list[int]
    request_id: str


class AuditLog:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def append(
        self,
        key_name: str,
        role: str,
        action: str,
        query: dict[str, Any],
        record_ids: list[int],
        request_id: str,
    ) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                schema.audit_log.insert().values(
                    at=datetime.now(UTC),
                    key_name=key_name,
                    role=role,
                    action=action,
                    query=query,
                    record_ids=record_ids,
                    request_id=request_id,
                )
            )

    def entries(
        self,
        *,
        before_id: int | None = None,
        limit: int = 100,
        action: str | None = None,
        key_name: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[AuditEntry]:
        """Newest first; ``before_id`` pages back through older ones."""
        t = schema.audit_log
        chosen = select(t).order_by(t.c.id.desc()).limit(limit)
        if before_id is not None:
            chosen = chosen.where(t.c.id < before_id)
        if action:
            chosen = chosen.where(t.c.action == action)
        if key_name:
            chosen = chosen.where(t.c.key_name == key_name)
        if since:
            chosen = chosen.where(t.c.at >= since)
        if until:
            chosen = chosen.where(t.c.at < until)
        with self.engine.connect() as conn:
            rows = conn.execute(chosen).all()
        return [
            AuditEntry(
                r.id,
                r.at.replace(tzinfo=UTC) if r.at.tzinfo is None else r.at,
                r.key_name,
                r.role,
                r.action,
                dict(r.query),
                list(r.record_ids),
                r.request_id,
            )
            for r in rows
        ]
