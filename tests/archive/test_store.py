"""The store on real SQLite: migrations, one-transaction saves, duplicates, stale jobs."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from archive.domain import (
    Evidence,
    ExtractedField,
    Extraction,
    OtherItem,
    Outcome,
)
from archive.store import Store, StoreError, schema
from archive.store.migrations import LATEST, MIGRATIONS, current_version
from archive.store.rows import JobRecord
from tests.archive.records import document, page, save


def test_migrations_run_once_and_record_the_version(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/a.db"
    Store.open(url).close()
    store = Store.open(url)
    with store.connect() as conn:
        assert current_version(conn) == LATEST
        assert conn.execute(text("select count(*) from schema_version")).scalar() == LATEST
        assert conn.execute(text("pragma journal_mode")).scalar() == "wal"
    store.close()


def test_a_database_from_a_newer_program_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/a.db"
    store = Store.open(url)
    with store.begin() as conn:
        conn.execute(
            text("insert into schema_version values (:v, '2030-01-01')"), {"v": LATEST + 1}
        )
    store.close()
    with pytest.raises(RuntimeError, match="newer than this program"):
        Store.open(url)


def test_documents_save_whole_or_not_at_all(store: Store) -> None:
    job = store.start_job({})
    good = document("a" * 64, [page(1), page(2)])
    broken = document("b" * 64, [page(1), page(1)])  # two page 1s violate the unique key
    with pytest.raises(StoreError):
        store.save_documents(job, [good, broken])
    assert store.count_documents() == 0  # the good one rolled back with it
    saved = store.save_documents(job, [good])
    assert [r.outcome for r in saved] == [Outcome.OK]
    assert [p.number for p in store.pages_of(saved[0].document_id or 0)] == [1, 2]


def test_saving_a_known_sha_reports_a_skip(store: Store) -> None:
    job = store.start_job({})
    first = store.save_documents(job, [document("c" * 64, [page(1)])])
    again = store.save_documents(job, [document("c" * 64, [page(1)])])
    assert again[0].outcome is Outcome.SKIPPED
    assert again[0].document_id == first[0].document_id
    assert store.count_documents() == 1
    assert len(store.job_files(job)) == 2


def _job(store: Store, job_id: int) -> JobRecord:
    job = store.job(job_id)
    assert job is not None
    return job


def test_a_job_left_running_by_a_dead_process_is_marked_interrupted(store: Store) -> None:
    stale = store.start_job({})
    with store.begin() as conn:
        conn.execute(
            text("update jobs set pid = :pid where id = :id"), {"pid": 2**22 + 12345, "id": stale}
        )
    live = store.start_job({})
    assert _job(store, stale).status == "interrupted"
    assert _job(store, live).status == "running" and _job(store, live).pid == os.getpid()
    store.finish_job(live)
    assert _job(store, live).status == "finished"


def test_documents_are_streamed_in_id_order_with_text(store: Store) -> None:
    job = store.start_job({})
    docs = [document(f"{i:064d}", [page(1), page(2)]) for i in range(450)]
    store.save_documents(job, docs)
    streamed = list(store.iter_documents(with_text=True))
    assert len(streamed) == 450
    assert [d.document.id for d in streamed] == sorted(d.document.id for d in streamed)
    assert streamed[-1].page_text == ["第1页", "第2页"]


def test_a_version_1_database_gains_page_cells_and_keeps_its_pages(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/old.db"
    engine = create_engine(url)
    with engine.begin() as conn:
        schema.schema_version.create(conn)
        MIGRATIONS[0](conn)
        conn.execute(text("insert into schema_version values (1, '2026-01-01')"))
        conn.execute(
            text(
                "insert into jobs (id, started_at, status, pid, host, arguments, ok, skipped,"
                " failed) values (1, '2026-01-01', 'done', 1, 'h', '{}', 1, 0, 0)"
            )
        )
        conn.execute(
            text(
                "insert into documents values (1, :sha, 'a.pdf', '/a.pdf', 'o/a.pdf',"
                " 'application/pdf', 10, 1, 1, '2026-01-01')"
            ),
            {"sha": "c" * 64},
        )
        conn.execute(
            text(
                "insert into pages (document_id, number, width, height, original_image,"
                " processed_image, rotation, skew_deg, engine, text, mean_confidence, lines,"
                " steps) values (1, 1, 10, 10, 'o', 'p', 0, 0, 'tesseract', '旧页', 0.9,"
                " '[]', '[]')"
            )
        )
    engine.dispose()
    store = Store.open(url)
    [stored] = store.page_records(1)
    assert stored.text == "旧页" and stored.cells == []
    job = store.start_job({})
    store.save_documents(job, [document("d" * 64, [page(1)])])
    with store.connect() as conn:
        assert current_version(conn) == LATEST
    store.close()


def test_a_correction_keeps_the_machine_value_and_survives_re_extraction(store: Store) -> None:
    job = store.start_job({})
    machine = ExtractedField(
        "name", "任克已", 0.6, True, Evidence(1, [1, 2, 3, 4], "任克已"), ["识别置信度0.60偏低"]
    )
    doc, result = document("e" * 64, [page(1)])
    [saved] = store.save_documents(job, [(replace(doc, fields=[machine]), result)])
    assert saved.document_id is not None
    doc_id = saved.document_id
    fixed = store.correct_field(doc_id, "name", "任克己", by="档案员甲")
    assert fixed.value == "任克己" and fixed.machine_value == "任克已" and not fixed.needs_review
    store.replace_fields({doc_id: Extraction([replace(machine, confidence=0.7)])})  # re-run
    [current] = store.current_fields(doc_id)
    assert current.value == "任克己" and current.corrected_by == "档案员甲"
    assert current.machine_value == "任克已" and current.confidence == 1.0
    with store.connect() as conn:
        history = conn.execute(text("select value, machine_value from field_corrections")).all()
        pending = conn.execute(text("select count(*) from outbox where done_at is null")).scalar()
    assert [tuple(r) for r in history] == [("任克己", "任克已")]
    assert pending == 3  # ingest, correction, re-extraction: each tells the index
    with pytest.raises(StoreError, match="no field"):
        store.correct_field(doc_id, "nosuch", "x", by="档案员甲")


def test_documents_are_found_by_a_current_field_value(store: Store) -> None:
    first = save(store, "a", {"id_number": "11010519491231002X", "name": "王伟"})
    second = save(store, "b", {"id_number": "11010519491231002X", "name": "王玮"})
    misread = save(store, "c", {"id_number": "11010519491231O02X", "name": "王伟"})
    store.correct_field(misread, "id_number", "11010519491231002X", by="档案员甲")
    store.correct_field(second, "name", "王伟", by="档案员甲")
    found = store.documents_with_value("id_number", ["11010519491231002X", "110105194912310000"])
    assert found == {"11010519491231002X": [first, second, misread]}
    assert store.documents_with_value("id_number", ["11010519491231O02X"]) == {}
    assert store.documents_with_value("name", ["王伟"]) == {"王伟": [first, second, misread]}
    assert store.documents_with_value("name", ["王玮"]) == {}


def test_the_review_queue_skips_what_people_have_seen(store: Store) -> None:
    first = save(store, "q1", {"name?": "王玮", "unit": "53021部队", "rank?": "上土"})
    second = save(store, "q2", {"name?": "李强"})
    assert store.count_for_review() == 3
    assert store.next_for_review() == (first, "name")
    assert store.next_for_review(after=(first, "name")) == (first, "rank")
    assert store.next_for_review(after=(first, "rank")) == (second, "name")
    store.correct_field(first, "name", "王伟", by="档案员甲")
    assert store.next_for_review() == (first, "rank") and store.count_for_review() == 2
    assert store.next_for_review(after=(second, "name")) is None


def test_other_items_are_kept_with_the_fields_and_replaced_with_them(store: Store) -> None:
    job = store.start_job({})
    item = OtherItem("联系电话", "13800001111", Evidence(1, [5, 6, 7, 8], "13800001111"))
    doc, result = document("f" * 64, [page(1)])
    [saved] = store.save_documents(job, [(replace(doc, items=[item]), result)])
    assert saved.document_id is not None
    assert store.other_items(saved.document_id) == [item]
    education = OtherItem("文化程度", "高中", Evidence(1, [1, 1, 2, 2], "高中"))
    store.replace_fields({saved.document_id: Extraction([], [education])})
    assert store.other_items(saved.document_id) == [education]
