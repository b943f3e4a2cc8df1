"""The audit log is appended to and read back, newest first; it refuses change."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DatabaseError

from archive.domain import Actor, Role
from archive.settings import Settings
from archive.store import Store, schema
from archive.store.audit import Anchor, AuditLog, AuditQuery
from archive.store.chain import entry_hash
from archive.store.migrations import MIGRATIONS


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


def test_the_log_refuses_updates_deletes_and_replaces(store: Store) -> None:
    AuditLog(store).record(Actor("甲", Role.ADMIN, "r"), "search", {}, [])
    for statement in (
        "update audit_log set key_name = '乙'",
        "delete from audit_log",
        # REPLACE deletes the old row without firing a DELETE trigger.
        "insert or replace into audit_log (id, at, key_name, role, action, query, record_ids,"
        " request_id) values (1, '2026-01-01', '乙', 'admin', 'search', '{}', '[]', '')",
    ):
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


def _filled(store: Store, n: int = 6) -> AuditLog:
    log = AuditLog(store)
    for i in range(n):
        log.record(Actor(f"k{i}", Role.STAFF, f"r{i}"), "view_person", {"id_number": str(i)}, [i])
    return log


def _tamper(store: Store, *statements: str) -> None:
    """What someone with the database file can do: lift the triggers first."""
    with store.begin() as conn:
        for name in ("update", "delete", "replace"):
            conn.execute(text(f"DROP TRIGGER IF EXISTS audit_log_no_{name}"))
        for statement in statements:
            conn.execute(text(statement))


def _problems(log: AuditLog, anchor: Anchor | None = None) -> list[tuple[int, str]]:
    return [(b.id, b.problem) for b in log.verify(anchor)]


def test_an_untouched_chain_verifies_and_its_anchor_is_the_last_entry(store: Store) -> None:
    log = _filled(store)
    anchor = log.anchor()
    assert anchor is not None and anchor.id == 6 and log.verify(anchor) == []
    assert log.entries(AuditQuery(limit=1))[0].hash == anchor.hash


def test_a_changed_entry_is_found(store: Store) -> None:
    log = _filled(store)
    _tamper(store, "update audit_log set key_name = '别人' where id = 3")
    assert _problems(log) == [(3, "changed")]


def test_a_changed_entry_with_its_hash_made_again_breaks_the_next_link(store: Store) -> None:
    log = _filled(store)
    [row] = [e for e in log.entries() if e.id == 3]
    with store.connect() as conn:
        prev = conn.execute(text("select prev_hash from audit_log where id = 3")).scalar_one()
    forged = entry_hash(
        prev,
        {
            "id": 3,
            "at": row.at,
            "key_name": "别人",
            "role": row.role,
            "action": row.action,
            "query": row.query,
            "record_ids": row.record_ids,
            "request_id": row.request_id,
        },
    )
    _tamper(store, f"update audit_log set key_name = '别人', hash = '{forged}' where id = 3")
    assert _problems(log) == [(4, "inserted_or_reordered")]


def test_a_removed_entry_is_found(store: Store) -> None:
    log = _filled(store)
    _tamper(store, "delete from audit_log where id = 2")
    assert _problems(log) == [(3, "missing_before")]


def test_an_entry_slipped_in_is_found(store: Store) -> None:
    log = _filled(store)
    _tamper(
        store,
        "insert into audit_log (id, at, key_name, role, action, query, record_ids, request_id,"
        " prev_hash, hash) values (7, '2026-01-01 00:00:00', '别人', 'admin', 'search', '{}',"
        f" '[]', '', '{'0' * 64}', '{'1' * 64}')",
    )
    assert _problems(log) == [(7, "inserted_or_reordered"), (7, "changed")]


def test_a_log_cut_short_or_rewritten_is_found_by_its_anchor(store: Store) -> None:
    log = _filled(store)
    anchor = log.anchor()
    assert anchor is not None
    _tamper(store, "delete from audit_log where id >= 5")
    assert _problems(log) == []  # what is left holds together: only the anchor tells
    assert _problems(log, anchor) == [(6, "anchor_gone")]
    _tamper(store, f"update audit_log set hash = '{'2' * 64}' where id = 4")
    assert (4, "anchor_changed") in _problems(log, Anchor(4, anchor.hash))


def test_two_writers_on_one_database_chain_one_after_the_other(settings: Settings) -> None:
    """The server and a CLI run append to the same file: neither may chain from a head the
    other has moved."""
    stores = [Store.open(settings.resolved_database_url) for _ in range(2)]
    try:
        logs = [AuditLog(s) for s in stores]

        def write(n: int) -> None:
            for i in range(25):
                logs[n].record(Actor(f"w{n}", Role.ADMIN, ""), "search", {"i": i}, [])

        threads = [threading.Thread(target=write, args=(n,)) for n in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(logs[0].entries(AuditQuery(limit=100))) == 50 and logs[0].verify() == []
    finally:
        for s in stores:
            s.close()


def test_entries_written_before_the_chain_are_chained_by_the_migration(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/v6.db"
    engine = create_engine(url)
    with engine.begin() as conn:
        schema.schema_version.create(conn)
        for version, migration in enumerate(MIGRATIONS[:6], start=1):
            migration(conn)
            conn.execute(text(f"insert into schema_version values ({version}, '2026-01-01')"))
        for n in (1, 2):
            conn.execute(
                text(
                    "insert into audit_log (at, key_name, role, action, query, record_ids,"
                    f" request_id) values ('2026-01-0{n} 08:00:00', '甲', 'staff', 'search',"
                    f" '{{\"q\": \"王{n}\"}}', '[{n}]', 'r{n}')"
                )
            )
    engine.dispose()
    store = Store.open(url)
    log = AuditLog(store)
    log.record(Actor("乙", Role.ADMIN, "r3"), "search", {}, [])
    assert [e.id for e in log.entries()] == [3, 2, 1] and log.verify() == []
    with pytest.raises(DatabaseError, match="append-only"), store.begin() as conn:
        conn.execute(text("update audit_log set key_name = '丙' where id = 1"))
