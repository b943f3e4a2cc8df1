"""Reads and writes of the store. Each write is one transaction: all of it lands or none."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, create_engine, event, func, or_, select, update
from sqlalchemy.exc import SQLAlchemyError

from archive.domain import (
    DocumentRef,
    ExtractedField,
    Extraction,
    FileResult,
    NewDocument,
    OtherItem,
    Outcome,
    PageRecord,
    Pointed,
)
from archive.store import fields, schema
from archive.store.migrations import migrate
from archive.store.rows import (
    Correction,
    CurrentValue,
    DocumentContents,
    JobRecord,
    StoredDocument,
    StoredPage,
)


class StoreError(Exception):
    """The database refused or failed; the driver's message is kept."""


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    # WAL: readers never block the writer; FULL: a committed document survives a power cut too.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _now() -> datetime:
    return datetime.now(UTC)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _insert_job(conn: Any, arguments: dict[str, Any], status: str, pid: int) -> int:
    result = conn.execute(
        schema.jobs.insert().values(
            started_at=_now(),
            status=status,
            pid=pid,
            host=socket.gethostname(),
            arguments=arguments,
            ok=0,
            skipped=0,
            failed=0,
        )
    )
    return int(result.inserted_primary_key[0])


class Store:
    """The one door to the database: its methods, and for the modules that keep their own
    tables in it (keys, audit, stats, the embedded search index) a connection or a
    transaction."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @classmethod
    def open(cls, url: str) -> Store:
        if url.startswith("sqlite:///"):
            os.makedirs(os.path.dirname(url.removeprefix("sqlite:///")) or ".", exist_ok=True)
        engine = create_engine(
            url, json_serializer=lambda v: orjson.dumps(v).decode(), json_deserializer=orjson.loads
        )
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        try:
            migrate(engine)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot open the store at {engine.url!r}: {exc}") from exc
        return cls(engine)

    def close(self) -> None:
        self._engine.dispose()

    def connect(self) -> AbstractContextManager[Connection]:
        """A connection to read with (SQLite in WAL mode: it never blocks the writer)."""
        return self._engine.connect()

    def begin(self) -> AbstractContextManager[Connection]:
        """A connection in a transaction, committed when the block ends without an exception."""
        return self._engine.begin()

    def ping(self) -> None:
        """Raises StoreError when the database does not answer, for whatever reason (a driver
        error, a file gone, a socket refused: a readiness probe must say, not fail)."""
        try:
            with self._engine.connect() as conn:
                conn.execute(select(1))
        except Exception as exc:
            raise StoreError(f"the store does not answer: {exc}") from exc

    # --- jobs -----------------------------------------------------------------------------

    def start_job(self, arguments: dict[str, Any]) -> int:
        """Opens a job row; runs left 'running' by a dead process on this host become
        'interrupted' so the record shows what a crash cut short."""
        host = socket.gethostname()
        with self._engine.begin() as conn:
            stale = conn.execute(
                select(schema.jobs.c.id, schema.jobs.c.pid).where(
                    schema.jobs.c.status == "running", schema.jobs.c.host == host
                )
            ).all()
            dead = [row.id for row in stale if not _pid_alive(row.pid)]
            if dead:
                conn.execute(
                    update(schema.jobs)
                    .where(schema.jobs.c.id.in_(dead))
                    .values(status="interrupted")
                )
            return _insert_job(conn, arguments, "running", os.getpid())

    def finish_job(self, job_id: int) -> None:
        with self._engine.begin() as conn:
            counts: dict[str, int] = dict(
                conn.execute(
                    select(schema.job_files.c.outcome, func.count())
                    .where(schema.job_files.c.job_id == job_id)
                    .group_by(schema.job_files.c.outcome)
                ).all()
            )
            conn.execute(
                update(schema.jobs)
                .where(schema.jobs.c.id == job_id)
                .values(
                    status="finished",
                    finished_at=_now(),
                    ok=counts.get("ok", 0),
                    skipped=counts.get("skipped", 0),
                    failed=counts.get("failed", 0),
                )
            )

    def queue_job(self, arguments: dict[str, Any]) -> int:
        """A job for a worker to claim later (uploads through the API)."""
        with self._engine.begin() as conn:
            return _insert_job(conn, arguments, "queued", 0)

    def claim_queued_job(self) -> JobRecord | None:
        """The oldest queued job, now running in this process; None when none waits. Two
        workers never get the same job: the claim is a conditional update."""
        jobs = schema.jobs
        with self._engine.begin() as conn:
            row = conn.execute(
                select(jobs.c.id).where(jobs.c.status == "queued").order_by(jobs.c.id).limit(1)
            ).one_or_none()
            if row is None:
                return None
            claimed = conn.execute(
                update(jobs)
                .where(jobs.c.id == row.id, jobs.c.status == "queued")
                .values(status="running", pid=os.getpid(), host=socket.gethostname())
            )
            if claimed.rowcount != 1:
                return None
            return JobRecord.of(conn.execute(select(jobs).where(jobs.c.id == row.id)).one())

    def requeue_unfinished(self, argument: str) -> list[int]:
        """Jobs with ``argument`` that a dead process on this host left running or
        interrupted, queued again; ingest is idempotent, so what they finished stays done."""
        host, jobs = socket.gethostname(), schema.jobs
        with self._engine.begin() as conn:
            rows = conn.execute(
                select(jobs.c.id, jobs.c.pid, jobs.c.status, jobs.c.arguments).where(
                    jobs.c.status.in_(["running", "interrupted"]), jobs.c.host == host
                )
            ).all()
            again = [
                r.id
                for r in rows
                if argument in r.arguments and (r.status == "interrupted" or not _pid_alive(r.pid))
            ]
            if again:
                conn.execute(update(jobs).where(jobs.c.id.in_(again)).values(status="queued"))
        return again

    def job(self, job_id: int) -> JobRecord | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(schema.jobs).where(schema.jobs.c.id == job_id)).one_or_none()
        return JobRecord.of(row) if row else None

    def job_files(self, job_id: int) -> list[FileResult]:
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(schema.job_files)
                .where(schema.job_files.c.job_id == job_id)
                .order_by(schema.job_files.c.id)
            ).all()
        return [
            FileResult(
                path=r.path,
                source_name=r.source_name,
                outcome=Outcome(r.outcome),
                sha256=r.sha256,
                pages=r.pages,
                document_id=r.document_id,
                reason_code=r.reason_code,
                message=r.message,
            )
            for r in rows
        ]

    def record_results(self, job_id: int, results: Iterable[FileResult]) -> None:
        rows = [self._job_file_row(job_id, r) for r in results]
        if rows:
            with self._engine.begin() as conn:
                conn.execute(schema.job_files.insert(), rows)

    @staticmethod
    def _job_file_row(job_id: int, r: FileResult) -> dict[str, Any]:
        return {
            "job_id": job_id,
            "path": r.path,
            "source_name": r.source_name,
            "sha256": r.sha256,
            "outcome": r.outcome.value,
            "pages": r.pages,
            "document_id": r.document_id,
            "reason_code": r.reason_code,
            "message": r.message,
            "at": _now(),
        }

    # --- documents ------------------------------------------------------------------------

    def documents_by_sha(self, shas: Iterable[str]) -> dict[str, DocumentRef]:
        wanted = list(set(shas))
        found: dict[str, DocumentRef] = {}
        with self._engine.connect() as conn:
            for start in range(0, len(wanted), 500):  # stay under SQLite's bound-parameter cap
                chunk = wanted[start : start + 500]
                for row in conn.execute(
                    select(
                        schema.documents.c.id,
                        schema.documents.c.sha256,
                        schema.documents.c.source_name,
                    ).where(schema.documents.c.sha256.in_(chunk))
                ):
                    found[row.sha256] = DocumentRef(row.id, row.sha256, row.source_name)
        return found

    def save_documents(
        self, job_id: int, docs: list[tuple[NewDocument, FileResult]]
    ) -> list[FileResult]:
        """Documents, their pages, outbox rows and job outcomes, all in one transaction.

        A document whose sha256 is already stored (another process got there first) is
        reported as skipped instead of duplicated.
        """
        saved: list[FileResult] = []
        try:
            with self._engine.begin() as conn:
                existing = {
                    row.sha256: row.id
                    for row in conn.execute(
                        select(schema.documents.c.id, schema.documents.c.sha256).where(
                            schema.documents.c.sha256.in_([d.sha256 for d, _ in docs])
                        )
                    )
                }
                for doc, result in docs:
                    if doc.sha256 in existing:
                        outcome = FileResult(
                            path=result.path,
                            source_name=result.source_name,
                            outcome=Outcome.SKIPPED,
                            sha256=doc.sha256,
                            pages=len(doc.pages),
                            document_id=existing[doc.sha256],
                            reason_code="duplicate",
                            message="已入库（同一内容）",
                        )
                    else:
                        doc_id = self._insert_document(conn, job_id, doc)
                        existing[doc.sha256] = doc_id
                        outcome = FileResult(
                            path=result.path,
                            source_name=result.source_name,
                            outcome=Outcome.OK,
                            sha256=doc.sha256,
                            pages=len(doc.pages),
                            document_id=doc_id,
                        )
                    conn.execute(schema.job_files.insert(), [self._job_file_row(job_id, outcome)])
                    saved.append(outcome)
        except SQLAlchemyError as exc:
            raise StoreError(f"could not save {len(docs)} documents: {exc}") from exc
        return saved

    @staticmethod
    def _insert_document(conn: Any, job_id: int, doc: NewDocument) -> int:
        now = _now()
        result = conn.execute(
            schema.documents.insert().values(
                sha256=doc.sha256,
                source_name=doc.source_name,
                source_path=doc.source_path,
                original_path=doc.original_path,
                media_type=doc.media_type.value,
                size_bytes=doc.size_bytes,
                page_count=len(doc.pages),
                job_id=job_id,
                created_at=now,
            )
        )
        doc_id = int(result.inserted_primary_key[0])
        conn.execute(
            schema.pages.insert(),
            [
                {
                    "document_id": doc_id,
                    "number": p.number,
                    "width": p.width,
                    "height": p.height,
                    "original_image": p.original_image,
                    "processed_image": p.processed_image,
                    "rotation": p.rotation,
                    "skew_deg": p.skew_deg,
                    "engine": p.engine,
                    "text": p.text,
                    "mean_confidence": p.mean_confidence,
                    "lines": [asdict(line) for line in p.lines],
                    "steps": p.steps,
                    "cells": [asdict(cell) for cell in p.cells],
                }
                for p in doc.pages
            ],
        )
        fields.replace_extraction(conn, doc_id, Extraction(doc.fields, doc.items), now)
        conn.execute(
            schema.outbox.insert().values(document_id=doc_id, operation="upsert", created_at=now)
        )
        return doc_id

    def count_documents(self) -> int:
        with self._engine.connect() as conn:
            return int(
                conn.execute(select(func.count()).select_from(schema.documents)).scalar_one()
            )

    def iter_documents(
        self, with_text: bool = False, with_fields: bool = False, ids: list[int] | None = None
    ) -> Iterator[DocumentContents]:
        """Documents (all, or those with ``ids``) in id order, with their page texts and current
        fields when asked; streamed, not loaded."""
        with self._engine.connect() as conn:
            last_id = 0
            while True:
                chosen = select(schema.documents).where(schema.documents.c.id > last_id)
                if ids is not None:
                    chosen = chosen.where(schema.documents.c.id.in_(ids))
                batch = conn.execute(chosen.order_by(schema.documents.c.id).limit(200)).all()
                if not batch:
                    return
                batch_ids = [d.id for d in batch]
                texts = self._page_texts(conn, batch_ids) if with_text else {}
                found = fields.current_fields(conn, batch_ids) if with_fields else {}
                for doc in batch:
                    yield DocumentContents(
                        StoredDocument.of(doc), texts.get(doc.id, []), found.get(doc.id, [])
                    )
                last_id = batch[-1].id

    @staticmethod
    def _page_texts(conn: Connection, document_ids: list[int]) -> dict[int, list[str]]:
        texts: dict[int, list[str]] = {}
        for row in conn.execute(
            select(schema.pages.c.document_id, schema.pages.c.text)
            .where(schema.pages.c.document_id.in_(document_ids))
            .order_by(schema.pages.c.document_id, schema.pages.c.number)
        ):
            texts.setdefault(row.document_id, []).append(row.text)
        return texts

    def _page_rows(self, document_id: int, number: int | None = None) -> list[Any]:
        t = schema.pages
        chosen = select(t).where(t.c.document_id == document_id).order_by(t.c.number)
        if number is not None:
            chosen = chosen.where(t.c.number == number)
        with self._engine.connect() as conn:
            return list(conn.execute(chosen).all())

    def page_records(self, document_id: int, number: int | None = None) -> list[PageRecord]:
        """A document's pages as the OCR stage left them (what extraction re-reads), or only
        page ``number``."""
        return [fields.page_record(r) for r in self._page_rows(document_id, number)]

    def document_ids(self) -> list[int]:
        with self._engine.connect() as conn:
            return [
                int(i)
                for i in conn.execute(
                    select(schema.documents.c.id).order_by(schema.documents.c.id)
                ).scalars()
            ]

    def replace_fields(self, extracted: dict[int, Extraction]) -> None:
        """New machine readings for documents, and their index updates, in one transaction;
        a person's corrections stay as they are."""
        now = _now()
        try:
            with self._engine.begin() as conn:
                for document_id, found in extracted.items():
                    fields.replace_extraction(conn, document_id, found, now)
                    conn.execute(
                        schema.outbox.insert().values(
                            document_id=document_id, operation="upsert", created_at=now
                        )
                    )
        except SQLAlchemyError as exc:
            raise StoreError(f"could not save fields of {len(extracted)} documents: {exc}") from exc

    def other_items(self, document_id: int) -> list[OtherItem]:
        """What the extractor read on the document that is none of its fields (其他项目)."""
        with self._engine.connect() as conn:
            return fields.other_items(conn, document_id)

    def current_fields(self, document_id: int) -> list[ExtractedField]:
        """The document's fields as they stand: the machine's, with people's corrections."""
        return self.fields_of([document_id]).get(document_id, [])

    def fields_of(self, document_ids: list[int]) -> dict[int, list[ExtractedField]]:
        found: dict[int, list[ExtractedField]] = {}
        with self._engine.connect() as conn:
            for start in range(0, len(document_ids), 500):
                found |= fields.current_fields(conn, document_ids[start : start + 500])
        return found

    def evidence_values(self, document_ids: list[int]) -> dict[int, dict[str, CurrentValue]]:
        found: dict[int, dict[str, CurrentValue]] = {}
        with self._engine.connect() as conn:
            for start in range(0, len(document_ids), 500):
                found |= fields.evidence_values(conn, document_ids[start : start + 500])
        return found

    def documents_with_value(self, key: str, values: list[str]) -> dict[str, list[int]]:
        """For each value, the documents whose field ``key`` holds it now (a person's
        correction counts, the machine value it replaced does not); in id order."""
        wanted = sorted(set(values))
        machine: dict[int, str] = {}
        corrected: dict[int, str | None] = {}  # latest correction of the key, where there is one
        f, c = schema.fields, schema.field_corrections
        with self._engine.connect() as conn:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                read = dict(
                    conn.execute(
                        select(f.c.document_id, f.c.value).where(
                            f.c.key == key, f.c.value.in_(chunk)
                        )
                    ).all()
                )
                machine |= read
                # Corrections decide for the documents read with one of the values, and for
                # those a person corrected to one of them.
                to_value = select(c.c.document_id).where(c.c.key == key, c.c.value.in_(chunk))
                for row in conn.execute(
                    select(c.c.document_id, c.c.value)
                    .where(
                        c.c.key == key,
                        c.c.document_id.in_(to_value) | c.c.document_id.in_(list(read)),
                    )
                    .order_by(c.c.id)
                ):
                    corrected[row.document_id] = row.value
        out: dict[str, list[int]] = {}
        for document_id in sorted(machine.keys() | corrected.keys()):
            value = corrected[document_id] if document_id in corrected else machine[document_id]
            if value in wanted:
                out.setdefault(value, []).append(document_id)
        return out

    def documents_like(self, key: str, patterns: list[str]) -> set[int]:
        """Documents whose field ``key`` as the machine read it matches one of the SQL LIKE
        ``patterns``: the candidates a probable match is looked for among (the caller reads
        their current values, corrections included, before it decides)."""
        f = schema.fields
        found: set[int] = set()
        with self._engine.connect() as conn:
            for start in range(0, len(patterns), 200):
                chunk = patterns[start : start + 200]
                where = or_(*(f.c.value.like(p) for p in chunk))
                found.update(
                    conn.execute(select(f.c.document_id).where(f.c.key == key, where)).scalars()
                )
        return found

    def next_for_review(self, after: tuple[int, str] | None = None) -> tuple[int, str] | None:
        """The next (document id, field key) the machine flagged and no person has looked at,
        in document order; after ``after`` when given (a field skipped for now)."""
        f, c = schema.fields, schema.field_corrections
        reviewed = select(c.c.id).where(c.c.document_id == f.c.document_id, c.c.key == f.c.key)
        chosen = (
            select(f.c.document_id, f.c.key)
            .where(f.c.needs_review.is_(True), ~reviewed.exists())
            .order_by(f.c.document_id, f.c.id)
            .limit(1)
        )
        if after is not None:
            document_id, key = after
            at = select(f.c.id).where(f.c.document_id == document_id, f.c.key == key)
            chosen = chosen.where(
                (f.c.document_id > document_id)
                | ((f.c.document_id == document_id) & (f.c.id > at.scalar_subquery()))
            )
        with self._engine.connect() as conn:
            row = conn.execute(chosen).one_or_none()
        return (int(row.document_id), str(row.key)) if row else None

    def count_for_review(self) -> int:
        f, c = schema.fields, schema.field_corrections
        reviewed = select(c.c.id).where(c.c.document_id == f.c.document_id, c.c.key == f.c.key)
        with self._engine.connect() as conn:
            return int(
                conn.execute(
                    select(func.count())
                    .select_from(f)
                    .where(f.c.needs_review.is_(True), ~reviewed.exists())
                ).scalar_one()
            )

    def document(self, document_id: int) -> StoredDocument | None:
        with self._engine.connect() as conn:
            row = conn.execute(
                select(schema.documents).where(schema.documents.c.id == document_id)
            ).one_or_none()
        return StoredDocument.of(row) if row else None

    def corrections(self, document_id: int) -> list[Correction]:
        """Every correction and confirmation of the document's fields, oldest first."""
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(schema.field_corrections)
                .where(schema.field_corrections.c.document_id == document_id)
                .order_by(schema.field_corrections.c.id)
            ).all()
        return [Correction.of(r) for r in rows]

    def correct_field(
        self,
        document_id: int,
        key: str,
        value: str | None,
        by: str,
        note: str | None = None,
        pointed: Pointed | None = None,
    ) -> ExtractedField:
        """A person sets (or confirms) a field. Appended to the history; the machine's value
        stays in the fields table, and the index is told."""
        now = _now()
        try:
            with self._engine.begin() as conn:
                machine = {
                    f.key: f
                    for f in fields.machine_fields(conn, [document_id]).get(document_id, [])
                }
                if key not in machine:
                    raise StoreError(f"document {document_id} has no field {key!r}")
                row = {
                    "document_id": document_id,
                    "key": key,
                    "value": value,
                    "machine_value": machine[key].value,
                    "corrected_by": by,
                    "corrected_at": now,
                    "note": note,
                    "pointed": pointed.how if pointed else None,
                    "page": pointed.evidence.page if pointed else None,
                    "bbox": pointed.evidence.box if pointed else None,
                    "evidence_text": pointed.evidence.text if pointed else None,
                    "evidence_confidence": pointed.confidence if pointed else None,
                }
                conn.execute(schema.field_corrections.insert().values(**row))
                conn.execute(
                    schema.outbox.insert().values(
                        document_id=document_id, operation="upsert", created_at=now
                    )
                )
        except SQLAlchemyError as exc:
            raise StoreError(f"could not correct {key} of document {document_id}: {exc}") from exc
        evidence = pointed.evidence if pointed else None
        return fields.corrected(machine[key], fields.Latest(value, by, evidence))

    # --- search feed --------------------------------------------------------------------

    def pending_outbox(self, limit: int = 500) -> list[tuple[int, int]]:
        """(outbox id, document id) of index updates not yet acknowledged, oldest first."""
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(schema.outbox.c.id, schema.outbox.c.document_id)
                .where(schema.outbox.c.done_at.is_(None))
                .order_by(schema.outbox.c.id)
                .limit(limit)
            ).all()
        return [(int(r.id), int(r.document_id)) for r in rows]

    def outbox_done(self, outbox_ids: list[int]) -> None:
        with self._engine.begin() as conn:
            conn.execute(
                update(schema.outbox)
                .where(schema.outbox.c.id.in_(outbox_ids))
                .values(done_at=_now())
            )

    def count_pending_outbox(self) -> int:
        with self._engine.connect() as conn:
            return int(
                conn.execute(
                    select(func.count())
                    .select_from(schema.outbox)
                    .where(schema.outbox.c.done_at.is_(None))
                ).scalar_one()
            )

    def pages_of(self, document_id: int) -> list[StoredPage]:
        """A document's pages, without what was read on them."""
        return [StoredPage.of(r) for r in self._page_rows(document_id)]
