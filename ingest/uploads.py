"""The worker behind POST /api/v1/uploads: it claims queued upload jobs and ingests them with
the same pipeline, deduplication and failure isolation as `archive ingest`."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import structlog

from archive.domain import UploadJob
from archive.usecases import Archive
from archive.usecases.index import sync_index
from ingest.pipeline import IngestOptions, IngestRun

log = structlog.get_logger(__name__)


class UploadWorker:
    def __init__(self, archive: Archive, options: IngestOptions) -> None:
        self.archive = archive
        self.options = options

    def run_pending(self) -> int:
        """Every queued upload job, oldest first; returns how many ran."""
        ran = 0
        while job := self.archive.store.claim_queued_job():
            self._run(job.id, UploadJob.of(job.arguments))
            ran += 1
        return ran

    def _run(self, job_id: int, upload: UploadJob | None) -> None:
        store = self.archive.store
        if upload is None:
            log.error("uploads.not_an_upload_job", job_id=job_id)
            store.finish_job(job_id)
            return
        # A refused file (no scan inside) already has its outcome.
        names = {Path(f.path): f.source_name for f in upload.files if not f.refused}
        run = IngestRun(store, self.archive.data_dir, self.options)
        run.run(list(names), job_id=job_id, names=names)
        # The originals are kept by content now; the uploaded copies are not needed.
        if upload.folder:
            shutil.rmtree(upload.folder, ignore_errors=True)
        # This job's documents, and any update written while the search backend was down:
        # the server heals itself once the backend is back.
        sync_index(self.archive)

    def serve(self, stop: threading.Event, poll_s: float = 1.0) -> None:
        """Runs jobs as they are queued, and keeps the search index caught up, until ``stop``
        is set; jobs a crash cut short are queued again first. A failure of one job is logged
        and the worker goes on."""
        again = self.archive.store.requeue_unfinished(UploadJob.MARK)
        if again:
            log.info("uploads.requeued", jobs=again)
        while not stop.is_set():
            try:
                self.run_pending()
                sync_index(self.archive)
            except Exception:
                log.exception("uploads.worker_error")
            stop.wait(poll_s)
