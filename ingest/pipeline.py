"""A batch ingest: every file lands exactly once, fails alone with its reason, or is skipped.

Phase 1 (this process): find files, fingerprint, skip what the store already holds, keep the
original by content, inspect headers. Phase 2 (a process pool): one task per page. Finished
documents are committed in batches, each document whole in one transaction, so a crash at any
point leaves nothing half-written and the next run redoes only what was not committed.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

import structlog

from archive import filetype
from archive.domain import (
    Extraction,
    FileResult,
    MediaType,
    NewDocument,
    Outcome,
    PageRecord,
)
from archive.failures import Failure
from archive.settings import Settings
from archive.store import Store
from ingest import intake
from ingest.errors import IngestError
from ingest.extract.extractor import ExtractOptions, extract_document
from ingest.extract.learned import learned
from ingest.pool import Collected, PagePool
from ingest.scans import ScanLimits, inspect
from ingest.worker import PageDone, PageTask
from ocr import EngineFactory, EngineSpec

log = structlog.get_logger(__name__)
INTAKE_CHUNK = 500


class Listener(Protocol):
    """What a progress display hears about; every method is called from this process."""

    def pages_planned(self, pages: int) -> None: ...

    def page_done(self) -> None: ...

    def file_done(self, result: FileResult) -> None: ...


class _Silent:
    def pages_planned(self, pages: int) -> None:
        pass

    def page_done(self) -> None:
        pass

    def file_done(self, result: FileResult) -> None:
        pass


@dataclass(frozen=True)
class IngestOptions:
    workers: int
    engine: EngineFactory
    page_timeout_s: float  # a page still being read after this long is taken to hang
    limits: ScanLimits
    max_file_bytes: int
    commit_every_s: float
    extract: ExtractOptions
    bureau: str = "本局"  # whose accepted labels extraction applies

    @classmethod
    def from_settings(
        cls, s: Settings, workers: int | None = None, engine: str | None = None
    ) -> IngestOptions:
        return cls(
            workers=workers or s.workers,
            engine=EngineSpec(engine or s.engine, s.ocr_lang, s.ocr_timeout_s),
            page_timeout_s=s.page_timeout_s,
            limits=ScanLimits(s.pdf_dpi, s.max_pages, s.max_page_pixels),
            max_file_bytes=s.max_file_bytes,
            commit_every_s=s.commit_every_s,
            extract=ExtractOptions(
                review_below=s.review_below, file_number_pattern=s.file_number_pattern
            ),
            bureau=s.bureau,
        )


@dataclass
class _Planned:
    key: int
    candidate: intake.Candidate
    sha256: str
    size: int
    media: MediaType
    original_rel: Path
    page_count: int
    pages: dict[int, PageRecord] = field(default_factory=dict)
    failure: Failure | None = None


@dataclass
class IngestReport:
    job_id: int
    results: list[FileResult]
    pages: int = 0
    seconds: float = 0.0
    worker_page_seconds: float = 0.0  # summed over pages, measured inside the workers
    engine_seconds: float = 0.0  # of which inside the OCR engine
    pool_restarts: int = 0  # a worker died (crash, OOM killer) and the pool was rebuilt

    def count(self, outcome: Outcome) -> int:
        return sum(1 for r in self.results if r.outcome is outcome)


def _extract(pages: list[PageRecord], source: str, options: ExtractOptions) -> Extraction:
    """The document's fields. A fault in the extractor must not cost the document its OCR:
    it is stored without fields, and `archive extract --all` reads them later."""
    try:
        return extract_document(pages, options=options)
    except Exception:
        log.exception("extract.failed", source=source)
        return Extraction()


def _failed(c: intake.Candidate, info: Failure, sha: str | None = None) -> FileResult:
    return FileResult(
        str(c.path),
        c.source_name,
        Outcome.FAILED,
        sha256=sha,
        reason_code=info.code,
        message=info.message,
    )


def _duplicate(
    c: intake.Candidate, sha: str, message: str, document_id: int | None = None
) -> FileResult:
    return FileResult(
        str(c.path),
        c.source_name,
        Outcome.SKIPPED,
        sha,
        document_id=document_id,
        reason_code="duplicate",
        message=message,
    )


class IngestRun:
    def __init__(
        self, store: Store, data_dir: Path, options: IngestOptions, listener: Listener | None = None
    ) -> None:
        self.store = store
        self.data_dir = data_dir.resolve()
        self.options = options
        self.listener = listener or _Silent()
        self.names: Mapping[Path, str] = {}
        self.extract = options.extract

    def run(
        self,
        paths: Sequence[Path],
        job_id: int | None = None,
        names: Mapping[Path, str] | None = None,
    ) -> IngestReport:
        """Ingests ``paths`` as a new job, or as the queued job ``job_id`` the caller claimed;
        ``names`` gives files their names as uploaded (default: the file's own name)."""
        started = time.perf_counter()
        if job_id is None:
            job_id = self.store.start_job(
                {
                    "paths": [str(p) for p in paths],
                    "workers": self.options.workers,
                    "engine": self.options.engine.name,
                }
            )
        self.names = names or {}
        # Labels accepted up to now apply to this run; one accepted while it runs, to the next.
        self.extract = learned(self.options.extract, self.store, self.options.bureau)
        report = IngestReport(job_id, [])
        log.info("ingest.start", job_id=job_id, paths=[str(p) for p in paths])
        try:
            planned = self._intake(paths, report)
            self._read_pages(planned, report)
        except BaseException:
            log.error("ingest.aborted", job_id=job_id, exc_info=True)
            raise
        self.store.finish_job(job_id)
        report.seconds = time.perf_counter() - started
        log.info(
            "ingest.finish",
            job_id=job_id,
            ok=report.count(Outcome.OK),
            skipped=report.count(Outcome.SKIPPED),
            failed=report.count(Outcome.FAILED),
            pages=report.pages,
            seconds=round(report.seconds, 2),
        )
        return report

    def _finish(self, report: IngestReport, results: list[FileResult], record: bool) -> None:
        if record:
            self.store.record_results(report.job_id, results)
        for r in results:
            report.results.append(r)
            self.listener.file_done(r)
            if r.outcome is Outcome.FAILED:
                log.warning(
                    "ingest.file_failed", path=r.path, code=r.reason_code, message=r.message
                )

    # --- phase 1 ---------------------------------------------------------------------------

    def _intake(self, paths: Sequence[Path], report: IngestReport) -> list[_Planned]:
        candidates, missing = intake.discover(paths)
        candidates = [
            intake.Candidate(c.path, self.names.get(c.path, c.source_name)) for c in candidates
        ]
        self._finish(
            report,
            [_failed(intake.Candidate(p, p.name), Failure("not_found", str(p))) for p in missing],
            record=True,
        )
        planned: list[_Planned] = []
        claimed: dict[str, str] = {}  # sha256 -> source name of the first file in this run
        for start in range(0, len(candidates), INTAKE_CHUNK):
            chunk = candidates[start : start + INTAKE_CHUNK]
            results: list[FileResult] = []
            prints: list[tuple[intake.Candidate, intake.Fingerprint]] = []
            for c in chunk:
                try:
                    prints.append((c, intake.fingerprint(c.path, self.options.max_file_bytes)))
                except IngestError as exc:
                    results.append(_failed(c, exc.failure))
            known = self.store.documents_by_sha(fp.sha256 for _, fp in prints)
            for c, fp in prints:
                if fp.sha256 in known:
                    doc = known[fp.sha256]
                    message = f"已入库：与档案 #{doc.id}（{doc.source_name}）内容相同"
                    results.append(_duplicate(c, fp.sha256, message, doc.id))
                elif fp.sha256 in claimed:
                    message = f"本批次中与 {claimed[fp.sha256]} 内容相同"
                    results.append(_duplicate(c, fp.sha256, message))
                else:
                    try:
                        planned.append(self._plan(len(planned), c, fp))
                        claimed[fp.sha256] = c.source_name
                    except IngestError as exc:
                        results.append(_failed(c, exc.failure, fp.sha256))
            self._finish(report, results, record=True)
        return planned

    def _plan(self, key: int, c: intake.Candidate, fp: intake.Fingerprint) -> _Planned:
        media = filetype.sniff(fp.head)
        if media is None:
            raise IngestError("unsupported_type", filetype.describe_unknown(fp.head))
        rel = intake.keep_original(c.path, self.data_dir, fp.sha256, media.extension)
        info = inspect(self.data_dir / rel, media, self.options.limits)
        self.listener.pages_planned(info.pages)
        return _Planned(key, c, fp.sha256, fp.size, media, rel, info.pages)

    # --- phase 2 ---------------------------------------------------------------------------

    def _tasks(self, planned: list[_Planned]) -> Iterator[PageTask]:
        for p in planned:
            for number in range(1, p.page_count + 1):
                yield PageTask(
                    file_key=p.key,
                    sha256=p.sha256,
                    original=self.data_dir / p.original_rel,
                    media_type=p.media,
                    number=number,
                    data_dir=self.data_dir,
                    limits=self.options.limits,
                    engine=self.options.engine,
                )

    def _read_pages(self, planned: list[_Planned], report: IngestReport) -> None:
        if not planned:
            return
        by_key = {p.key: p for p in planned}
        tasks = self._tasks(planned)
        retries: deque[PageTask] = deque()
        ready: list[tuple[NewDocument, FileResult]] = []
        last_commit = time.monotonic()
        pool = PagePool(self.options.workers, self.options.page_timeout_s)
        exhausted = False
        try:
            while not exhausted or retries or pool.busy:
                if retries or pool.retrying:
                    # A page that was in flight when a worker died runs alone, so a second
                    # crash names the page that causes it and spares the innocent ones.
                    if retries and not pool.busy:
                        pool.submit(retries.popleft())
                else:
                    while not exhausted and pool.busy < self.options.workers * 2:
                        upcoming = next(tasks, None)
                        if upcoming is None:
                            exhausted = True
                        elif by_key[upcoming.file_key].failure is None:
                            pool.submit(upcoming)
                if not pool.busy:
                    continue
                collected = pool.collect()
                for task, page in collected.finished:
                    self._page_finished(by_key[task.file_key], page, report, ready)
                if collected.lost:
                    self._after_crash(collected, by_key, retries, report)
                if ready and (time.monotonic() - last_commit >= self.options.commit_every_s):
                    self._commit(ready, report)
                    last_commit = time.monotonic()
            self._commit(ready, report)
        finally:
            report.pool_restarts += pool.restarts
            pool.close()

    def _after_crash(
        self,
        collected: Collected,
        by_key: dict[int, _Planned],
        retries: deque[PageTask],
        report: IngestReport,
    ) -> None:
        """Pages lost with a dead pool go back in line to run alone; a page that was already
        alone when the pool died is the cause, and its file fails; so does a page that ran
        past its deadline."""
        log.warning("ingest.pool_restarted", pages=len(collected.lost))
        for task in collected.lost:
            plan = by_key[task.file_key]
            if task in collected.overdue:
                detail = f"no answer in {self.options.page_timeout_s:.0f} s; the worker was stopped"
                self._fail(plan, Failure("ocr_timeout", detail, task.number), report)
            elif task.attempt >= 1:
                self._fail(plan, Failure("worker_crashed", "", task.number), report)
            elif plan.failure is None:
                retries.append(replace(task, attempt=task.attempt + 1))

    def _page_finished(
        self,
        plan: _Planned,
        page: PageDone,
        report: IngestReport,
        ready: list[tuple[NewDocument, FileResult]],
    ) -> None:
        self.listener.page_done()
        report.pages += 1
        report.worker_page_seconds += page.seconds
        report.engine_seconds += page.engine_seconds
        if plan.failure is not None:
            return
        if page.failure is not None:
            self._fail(plan, page.failure, report)
            return
        assert page.record is not None
        plan.pages[page.number] = page.record
        if len(plan.pages) == plan.page_count:
            c = plan.candidate
            pages = [plan.pages[n] for n in sorted(plan.pages)]
            read = _extract(pages, c.source_name, self.extract)
            doc = NewDocument(
                sha256=plan.sha256,
                source_name=c.source_name,
                source_path=str(c.path),
                original_path=str(plan.original_rel),
                media_type=plan.media,
                size_bytes=plan.size,
                pages=pages,
                fields=read.fields,
                items=read.items,
            )
            ready.append((doc, FileResult(str(c.path), c.source_name, Outcome.OK, plan.sha256)))
            plan.pages = {}  # the document owns them now

    def _fail(self, plan: _Planned, info: Failure, report: IngestReport) -> None:
        if plan.failure is None:
            plan.failure = info
            plan.pages = {}
            self._finish(report, [_failed(plan.candidate, info, plan.sha256)], record=True)

    def _commit(self, ready: list[tuple[NewDocument, FileResult]], report: IngestReport) -> None:
        if ready:
            saved = self.store.save_documents(report.job_id, ready)
            self._finish(report, saved, record=False)
            ready.clear()
