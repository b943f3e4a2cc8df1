"""The append-only audit log: who looked at or changed which records, when, and asking what."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from archive.domain import Actor
from archive.store import schema
from archive.store.rows import utc
from archive.store.store import Store


@dataclass
class _Ticket:
    done: threading.Event = field(default_factory=threading.Event)
    error: BaseException | None = None


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


@dataclass(frozen=True, slots=True)
class AuditQuery:
    """Which entries to read: all are filters, ``before_id`` pages back to older ones."""

    before_id: int | None = None
    limit: int = 100
    action: str | None = None
    key_name: str | None = None
    since: datetime | None = None
    until: datetime | None = None


class AuditLog:
    """Appends with group commit: concurrent requests' entries share one transaction (one
    fsync), and each caller returns only once its entry is durable, so no answer leaves the
    server before its trace is on disk."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._waiting: list[tuple[dict[str, Any], _Ticket]] = []
        self._wake = threading.Condition()
        self._writer: threading.Thread | None = None

    def record(
        self, actor: Actor, action: str, query: dict[str, Any], record_ids: list[int]
    ) -> None:
        """Appends who did ``action`` asking ``query`` and was shown ``record_ids``; returns
        once the entry is on disk."""
        row = {
            "at": datetime.now(UTC),
            "key_name": actor.name,
            "role": actor.role.value,
            "action": action,
            "query": query,
            "record_ids": record_ids,
            "request_id": actor.request_id,
        }
        ticket = _Ticket()
        with self._wake:
            if self._writer is None or not self._writer.is_alive():
                self._writer = threading.Thread(target=self._write, name="audit", daemon=True)
                self._writer.start()
            self._waiting.append((row, ticket))
            self._wake.notify()
        ticket.done.wait()
        if ticket.error is not None:
            raise ticket.error

    def _write(self) -> None:
        while True:
            with self._wake:
                while not self._waiting:
                    self._wake.wait()
                batch, self._waiting = self._waiting, []
            try:
                self._insert([row for row, _ in batch])
            except Exception:
                # One at a time, so that an entry the database refuses fails alone.
                for row, ticket in batch:
                    try:
                        self._insert([row])
                    except Exception as exc:  # its caller hears of it
                        ticket.error = exc
            for _, ticket in batch:
                ticket.done.set()

    def _insert(self, rows: list[dict[str, Any]]) -> None:
        with self.store.begin() as conn:
            conn.execute(schema.audit_log.insert(), rows)

    def entries(self, asked: AuditQuery | None = None) -> list[AuditEntry]:
        """Newest first, as ``asked``."""
        q = asked or AuditQuery()
        t = schema.audit_log
        chosen = select(t).order_by(t.c.id.desc()).limit(q.limit)
        if q.before_id is not None:
            chosen = chosen.where(t.c.id < q.before_id)
        if q.action:
            chosen = chosen.where(t.c.action == q.action)
        if q.key_name:
            chosen = chosen.where(t.c.key_name == q.key_name)
        if q.since:
            chosen = chosen.where(t.c.at >= q.since)
        if q.until:
            chosen = chosen.where(t.c.at < q.until)
        with self.store.connect() as conn:
            rows = conn.execute(chosen).all()
        return [
            AuditEntry(
                r.id,
                utc(r.at),
                r.key_name,
                r.role,
                r.action,
                dict(r.query),
                list(r.record_ids),
                r.request_id,
            )
            for r in rows
        ]
