"""The worker behind POST /api/v1/uploads: it claims queued upload jobs and ingests them with
the same pipeline, deduplication and failure isolation as `archive ingest`."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import structlog

from archive.search.backends import make_backend
from archive.search.feed import drain
from archive.search.model import SearchUnavailable
from archive.settings import Settings
from archive.store import Store
from ingest.pipeline import IngestOptions, IngestRun

log = structlog.get_logger(__name__)
# The job argument that marks a job as an upload: [{path, source_name, refused?}] in upload
# order; a refused file (no scan inside) already has its outcome.
UPLOADS = "uploads"


class UploadWorker:
    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store

    def run_pending(self) -> int:
        """Every queued upload job, oldest first; returns how many ran."""
        ran = 0
        while claimed := self.store.claim_queued_job():
            job_id, arguments = claimed
            self._run(job_id, arguments)
            ran += 1
        return ran

    def _run(self, job_id: int, arguments: dict[str, object]) -> None:
        files = arguments.get(UPLOADS)
        if not isinstance(files, list):
            log.error("uploads.not_an_upload_job", job_id=job_id)
            self.store.finish_job(job_id)
            return
        names = {Path(f["path"]): str(f["source_name"]) for f in files if not f.get("refused")}
        run = IngestRun(
            self.store, self.settings.data_dir, IngestOptions.from_settings(self.settings)
        )
        run.run(list(names), job_id=job_id, names=names)
        # The originals are kept by content now; the uploaded copies are not needed.
        folder = arguments.get("folder")
        if isinstance(folder, str):
            shutil.rmtree(folder, ignore_errors=True)
        self.catch_up_index()

    def catch_up_index(self) -> None:
        """Sends what the outbox holds: this job's documents, and any update written while
        the search backend was down (the server heals itself once it is back)."""
        if not self.store.count_pending_outbox():
            return
        try:
            drain(self.store, make_backend(self.settings, self.store))
        except SearchUnavailable as exc:
            log.warning("uploads.index_behind", reason=str(exc))

    def serve(self, stop: threading.Event, poll_s: float = 1.0) -> None:
        """Runs jobs as they are queued, and keeps the search index caught up, until ``stop``
        is set; jobs a crash cut short are queued again first. A failure of one job is logged
        and the worker goes on."""
        again = self.store.requeue_unfinished(UPLOADS)
        if again:
            log.info("uploads.requeued", jobs=again)
        while not stop.is_set():
            try:
                self.run_pending()
                self.catch_up_index()
            except Exception:
                log.exception("uploads.worker_error")
            stop.wait(poll_s)
