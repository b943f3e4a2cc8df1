"""The audit log is appended to and read back, newest first; it refuses change."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from archive.store import Store
from archive.store.audit import AuditLog


def test_entries_come_back_newest_first_filtered_and_paged(store: Store) -> None:
    log = AuditLog(store.engine)
    for n in range(5):
        action = "search" if n % 2 else "lookup"
        log.append("优待证系统", "service", action, {"q": f"张{n}"}, [n], f"req{n}")
    entries = log.entries(limit=2)
    assert [e.query["q"] for e in entries] == ["张4", "张3"]
    older = log.entries(before_id=entries[-1].id, limit=10)
    assert [e.record_ids for e in older] == [[2], [1], [0]]
    assert {e.action for e in log.entries(action="search")} == {"search"}
    assert log.entries(key_name="别人") == []
    assert entries[0].at.tzinfo is not None and entries[0].request_id == "req4"


def test_the_log_refuses_updates_and_deletes(store: Store) -> None:
    AuditLog(store.engine).append("甲", "admin", "search", {}, [], "r")
    for statement in ("update audit_log set key_name = '乙'", "delete from audit_log"):
        with pytest.raises(DatabaseError, match="append-only"), store.engine.begin() as conn:
            conn.execute(text(statement))
    assert [e.key_name for e in AuditLog(store.engine).entries()] == ["甲"]
