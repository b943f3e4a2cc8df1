"""The audit log is appended to and read back, newest first; it refuses change."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from archive.domain import Actor, Role
from archive.store import Store
from archive.store.audit import AuditLog, AuditQuery


def test_entries_come_back_newest_first_filtered_and_paged(store: Store) -> None:
    log = AuditLog(store)
    for n in range(5):
        action = "search" if n % 2 else "lookup"
        log.record(Actor("优待证系统", Role.SERVICE, f"req{n}"), action, {"q": f"张{n}"}, [n])
    entries = log.entries(AuditQuery(limit=2))
    assert [e.query["q"] for e in entries] == ["张4", "张3"]
    older = log.entries(AuditQuery(before_id=entries[-1].id, limit=10))
    assert [e.record_ids for e in older] == [[2], [1], [0]]
    assert {e.action for e in log.entries(AuditQuery(action="search"))} == {"search"}
    assert log.entries(AuditQuery(key_name="别人")) == []
    assert entries[0].at.tzinfo is not None and entries[0].request_id == "req4"


def test_the_log_refuses_updates_and_deletes(store: Store) -> None:
    AuditLog(store).record(Actor("甲", Role.ADMIN, "r"), "search", {}, [])
    for statement in ("update audit_log set key_name = '乙'", "delete from audit_log"):
        with pytest.raises(DatabaseError, match="append-only"), store.begin() as conn:
            conn.execute(text(statement))
    assert [e.key_name for e in AuditLog(store).entries()] == ["甲"]


def test_concurrent_appends_all_land_and_a_refused_one_fails_alone(store: Store) -> None:
    log = AuditLog(store)
    failures: list[BaseException] = []

    def look(n: int) -> None:
        try:
            # Entry 7 breaks the NOT NULL rule of key_name: the database refuses it.
            name = None if n == 7 else f"k{n}"
            log.record(Actor(name, Role.STAFF, f"r{n}"), "search", {"n": n}, [n])  # type: ignore[arg-type]
        except Exception as exc:
            failures.append(exc)

    threads = [threading.Thread(target=look, args=(n,)) for n in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(failures) == 1 and isinstance(failures[0], DatabaseError)
    assert sorted(e.record_ids[0] for e in log.entries(AuditQuery(limit=100))) == [
        n for n in range(40) if n != 7
    ]
