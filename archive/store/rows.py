"""What the store gives back: typed rows, every time in UTC, never a loose dict."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, get_args

from archive.domain import Evidence, ExtractedField, MediaType, Pointed, PointedHow

JobStatus = Literal["queued", "running", "finished", "interrupted"]


def utc(at: datetime) -> datetime:
    """SQLite gives back the UTC times it was given without their zone."""
    return at if at.tzinfo else at.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class StoredDocument:
    """One source file as stored."""

    id: int
    sha256: str
    source_name: str  # the file name as uploaded
    source_path: str
    original_path: str  # content-addressed copy, relative to the data dir
    media_type: MediaType
    size_bytes: int
    page_count: int
    job_id: int
    created_at: datetime

    @classmethod
    def of(cls, row: Any) -> StoredDocument:
        return cls(
            id=int(row.id),
            sha256=row.sha256,
            source_name=row.source_name,
            source_path=row.source_path,
            original_path=row.original_path,
            media_type=MediaType(row.media_type),
            size_bytes=int(row.size_bytes),
            page_count=int(row.page_count),
            job_id=int(row.job_id),
            created_at=utc(row.created_at),
        )


@dataclass(frozen=True, slots=True)
class DocumentContents:
    """A document with what search and export read of it: page texts and current fields (each
    left empty unless asked for)."""

    document: StoredDocument
    page_text: list[str] = field(default_factory=list)
    fields: list[ExtractedField] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class StoredPage:
    """A page without what was read on it: its images and how it was straightened."""

    number: int
    width: int  # of the original page image
    height: int
    original_image: str  # relative to the data dir
    processed_image: str
    rotation: int
    skew_deg: float
    engine: str
    mean_confidence: float
    # From the page's recorded steps (ocr.preprocess, ocr.seals): None and () on pages read
    # before those steps existed.
    estimated_dpi: int | None = None
    seal_texts: tuple[str, ...] = ()

    @classmethod
    def of(cls, row: Any) -> StoredPage:
        steps = {str(s.get("step")): s for s in row.steps if isinstance(s, dict)}
        seals = str(steps.get("seals", {}).get("text", ""))
        return cls(
            number=int(row.number),
            width=int(row.width),
            height=int(row.height),
            original_image=row.original_image,
            processed_image=row.processed_image,
            rotation=int(row.rotation),
            skew_deg=float(row.skew_deg),
            engine=row.engine,
            mean_confidence=float(row.mean_confidence),
            estimated_dpi=int(steps.get("resolution", {}).get("estimated_dpi", 0)) or None,
            seal_texts=tuple(t for t in seals.split(" | ") if t),
        )


@dataclass(frozen=True, slots=True)
class Correction:
    """A person's correction or confirmation of a field, as appended."""

    id: int
    document_id: int
    key: str
    value: str | None
    machine_value: str | None  # what the machine had read when the person acted
    corrected_by: str
    corrected_at: datetime
    note: str | None
    pointed: Pointed | None = None  # where the person found the value, when they pointed

    @classmethod
    def of(cls, row: Any) -> Correction:
        return cls(
            id=int(row.id),
            document_id=int(row.document_id),
            key=row.key,
            value=row.value,
            machine_value=row.machine_value,
            corrected_by=row.corrected_by,
            corrected_at=utc(row.corrected_at),
            note=row.note,
            pointed=pointed_of(row),
        )


def pointed_of(row: Any) -> Pointed | None:
    """A correction row's pointed evidence, if the person pointed."""
    if row.pointed is None:
        return None
    if row.pointed not in get_args(PointedHow):
        raise ValueError(f"a correction says it was pointed at by {row.pointed!r}")
    evidence = Evidence(int(row.page), list(row.bbox), row.evidence_text or "")
    return Pointed(row.pointed, evidence, float(row.evidence_confidence or 0.0))


@dataclass(frozen=True, slots=True)
class CurrentValue:
    """A field as it stands (a person's correction counts) with its evidence: what a lookup
    answers, read without the columns it does not show (reasons, alternatives)."""

    value: str | None
    confidence: float
    needs_review: bool
    evidence: Evidence | None


@dataclass(frozen=True, slots=True)
class JobRecord:
    """A run of ingest, or an upload queued for one."""

    id: int
    status: JobStatus  # queued -> running -> finished; interrupted when its process died
    started_at: datetime
    finished_at: datetime | None
    pid: int
    host: str
    arguments: dict[str, Any]
    ok: int
    skipped: int
    failed: int

    @classmethod
    def of(cls, row: Any) -> JobRecord:
        status: JobStatus = row.status
        if status not in get_args(JobStatus):
            raise ValueError(f"job {row.id} has an unknown status {status!r}")
        return cls(
            id=int(row.id),
            status=status,
            started_at=utc(row.started_at),
            finished_at=utc(row.finished_at) if row.finished_at else None,
            pid=int(row.pid),
            host=row.host,
            arguments=dict(row.arguments),
            ok=int(row.ok),
            skipped=int(row.skipped),
            failed=int(row.failed),
        )
