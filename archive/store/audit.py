"""The append-only audit log: who looked at or changed which records, when, and asking what.

Tamper-evident: each entry holds the hash of the one before it and its own hash over both, so
an entry changed, removed or slipped in breaks the chain where it stands (`verify`). Someone
with the database file in hand could rewrite the whole chain after the point they changed;
the anchor (the latest entry's number and hash, shown to admins and in the daily stats) is
what they cannot rewrite once it has been noted outside the system.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import select

from archive.domain import Actor
from archive.store import schema
from archive.store.chain import GENESIS, chain, entry_hash
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
    hash: str = ""


@dataclass(frozen=True, slots=True)
class AuditQuery:
    """Which entries to read: all are filters, ``before_id`` pages back to older ones."""

    before_id: int | None = None
    limit: int = 100
    action: str | None = None
    key_name: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True, slots=True)
class Anchor:
    """The latest entry: noted outside the system, it pins down everything before it."""

    id: int
    hash: str


@dataclass(frozen=True, slots=True)
class Break:
    """Where the chain does not hold, and how."""

    id: int
    problem: str  # changed, missing_before, inserted_or_reordered, anchor_gone, anchor_changed
    message: str


def _canonical(value: Any) -> Any:
    """As the database will give it back: tuples as lists, and so on."""
    return orjson.loads(orjson.dumps(value))


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
        self.record_as(actor.name, actor.role.value, action, query, record_ids, actor.request_id)

    def record_as(
        self,
        name: str,
        role: str,
        action: str,
        query: dict[str, Any],
        record_ids: list[int],
        request_id: str = "",
    ) -> None:
        """``record`` for one who has no role yet: a caller refused before it was known (401),
        a failed sign-in."""
        row = {
            "at": datetime.now(UTC),
            "key_name": name,
            "role": role,
            "action": action,
            "query": _canonical(query),
            "record_ids": list(record_ids),
            "request_id": request_id,
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
                self._insert([dict(row) for row, _ in batch])
            except Exception:
                # One at a time, so that an entry the database refuses fails alone.
                for row, ticket in batch:
                    try:
                        self._insert([dict(row)])
                    except Exception as exc:  # its caller hears of it
                        ticket.error = exc
            for _, ticket in batch:
                ticket.done.set()

    def _insert(self, rows: list[dict[str, Any]]) -> None:
        with self.store.begin() as conn:
            chain(conn, rows)

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
                r.hash or "",
            )
            for r in rows
        ]

    def anchor(self) -> Anchor | None:
        """The latest entry's number and hash; None while the log is empty."""
        t = schema.audit_log
        with self.store.connect() as conn:
            row = conn.execute(select(t.c.id, t.c.hash).order_by(t.c.id.desc()).limit(1)).first()
        return Anchor(row.id, row.hash) if row else None

    def verify(self, anchor: Anchor | None = None) -> list[Break]:
        """Every place the chain does not hold, oldest first: an entry whose content no longer
        gives its hash (changed), one that does not follow the entry before it (one removed,
        or one slipped in), and, given an anchor noted earlier, that entry gone or different
        (the log cut short or rewritten from some point on)."""
        t = schema.audit_log
        breaks: list[Break] = []
        prev_id, prev_hash = 0, GENESIS
        found_anchor: str | None = None
        with self.store.connect() as conn:
            for r in conn.execution_options(yield_per=1000).execute(select(t).order_by(t.c.id)):
                row = r._asdict()
                if r.id != prev_id + 1 or r.prev_hash != prev_hash:
                    problem = "missing_before" if r.id != prev_id + 1 else "inserted_or_reordered"
                    breaks.append(
                        Break(
                            r.id,
                            problem,
                            f"第 {r.id} 条之前的记录缺失（上一条是第 {prev_id} 条）"
                            if problem == "missing_before"
                            else f"第 {r.id} 条与上一条接不上：其前有记录被插入、改动或调换",
                        )
                    )
                if entry_hash(r.prev_hash or "", row) != r.hash:
                    breaks.append(Break(r.id, "changed", f"第 {r.id} 条的内容已被改动"))
                if anchor is not None and r.id == anchor.id:
                    found_anchor = r.hash
                prev_id, prev_hash = r.id, r.hash
        if anchor is not None and found_anchor != anchor.hash:
            breaks.append(
                Break(
                    anchor.id,
                    "anchor_gone" if found_anchor is None else "anchor_changed",
                    f"锚点第 {anchor.id} 条已不存在：日志被截短"
                    if found_anchor is None
                    else f"锚点第 {anchor.id} 条的哈希与记下的不同：日志自此之前被重写",
                )
            )
        return breaks
