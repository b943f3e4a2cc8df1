"""Uploads: files already stored in their own folder, queued whole as one ingest job that the
server's upload worker runs; and the progress of such a job, file by file."""

from __future__ import annotations

from typing import Literal

from archive.domain import Actor, FileResult, Outcome, UploadJob
from archive.usecases.context import Archive
from archive.usecases.errors import NotFound
from archive.usecases.views import FileState, JobOut


def queue_upload(
    archive: Archive, actor: Actor, upload: UploadJob, refused: list[FileResult]
) -> JobOut:
    """Queues the upload; ``refused`` are its files that hold no scan, failed at once."""
    job_id = archive.store.queue_job(upload.arguments())
    archive.store.record_results(job_id, refused)
    archive.audit.record(actor, "upload", {"job_id": job_id, "files": len(upload.files)}, [])
    return job_progress(archive, job_id)


def _state(r: FileResult | None, name: str, waiting: Literal["queued", "processing"]) -> FileState:
    if r is None:
        return FileState(name=name, state=waiting)
    return FileState(
        name=name,
        state=r.outcome.value,
        document_id=r.document_id,
        pages=r.pages,
        reason_code=r.reason_code,
        message=r.message,
    )


def job_progress(archive: Archive, job_id: int) -> JobOut:
    job = archive.store.job(job_id)
    upload = UploadJob.of(job.arguments) if job else None
    if job is None or upload is None:
        raise NotFound.of("这个上传作业", "upload job")
    results: dict[str, FileResult] = {}
    for r in archive.store.job_files(job_id):
        results.setdefault(r.path, r)  # the first outcome stands: a re-run finds its own work done
    waiting: Literal["queued", "processing"] = "processing" if job.status == "running" else "queued"
    files = [_state(results.get(f.path), f.source_name, waiting) for f in upload.files]
    count = {o: sum(f.state == o.value for f in files) for o in Outcome}
    return JobOut(
        job_id=job_id,
        status=job.status,
        total=len(files),
        done=sum(count.values()),
        ok=count[Outcome.OK],
        skipped=count[Outcome.SKIPPED],
        failed=count[Outcome.FAILED],
        files=files,
    )
