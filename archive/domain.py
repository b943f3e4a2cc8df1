"""Domain types shared between ingest, the store and the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

# Export keys of the DESIGN field table, in its order.
FIELD_KEYS: tuple[str, ...] = (
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "id_number",
    "native_place",
    "enlistment_date",
    "discharge_date",
    "unit",
    "rank",
    "discharge_type",
    "awards",
    "disability_grade",
    "combat_or_test",
    "file_number",
)


class MediaType(StrEnum):
    PDF = "application/pdf"
    TIFF = "image/tiff"
    JPEG = "image/jpeg"
    PNG = "image/png"

    @property
    def extension(self) -> str:
        return {"application/pdf": "pdf", "image/tiff": "tif", "image/jpeg": "jpg"}.get(
            self.value, "png"
        )


class Role(StrEnum):
    """Who an API key speaks for (DESIGN, security)."""

    ARCHIVIST = "archivist"  # uploads, reviews and corrects
    STAFF = "staff"  # searches and views; ID numbers masked
    SERVICE = "service"  # other systems' machine lookups
    ADMIN = "admin"  # everything, and the audit log


@dataclass(frozen=True, slots=True)
class Actor:
    """Who asks: a person or a system, by the name of its key, in its role; and the request
    it asks in (for the audit log to name)."""

    name: str
    role: Role
    request_id: str = ""

    @property
    def sees_id_numbers(self) -> bool:
        return self.role is not Role.STAFF


class Outcome(StrEnum):
    OK = "ok"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class WordRecord:
    text: str
    confidence: float
    box: list[int]  # on the processed page image
    box_original: list[int]  # on the original page image (the scan)


@dataclass(frozen=True, slots=True)
class LineRecord:
    text: str
    confidence: float
    box: list[int]
    box_original: list[int]
    words: list[WordRecord]
    cell: int | None = None  # index into the page's cells when the line is a table cell


@dataclass(frozen=True, slots=True)
class CellRecord:
    """A table cell found by layout; the field extractor pairs labels and values by them."""

    row: int
    col: int
    box: list[int]
    box_original: list[int]


@dataclass(frozen=True, slots=True)
class PageRecord:
    number: int  # 1-based
    width: int  # of the original page image
    height: int
    original_image: str  # relative to the data dir
    processed_image: str
    rotation: int
    skew_deg: float
    engine: str
    text: str  # reading order, one line per row
    mean_confidence: float
    lines: list[LineRecord]
    steps: list[dict[str, object]]
    cells: list[CellRecord] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a value was read: page (1-based), box on the original page image, text as read."""

    page: int
    box: list[int]
    text: str


PointedHow = Literal["word", "item", "region"]


@dataclass(frozen=True, slots=True)
class Pointed:
    """Where a person found a value they set: a word or an item of the page's reading they
    clicked, or a region they drew that the engine read there and then (``how``); the text
    as read there and its least sure character's confidence."""

    how: PointedHow
    evidence: Evidence
    confidence: float


@dataclass(frozen=True, slots=True)
class Alternative:
    """Another value for the same field, read elsewhere in the document."""

    value: str | None
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class ExtractedField:
    """One key field as the machine read it; a person's correction is kept beside it, never
    over it."""

    key: str
    value: str | None  # normalised (DESIGN field table); None when not found
    confidence: float  # 0..1: OCR confidence of the value, lowered by failed checks
    needs_review: bool
    evidence: Evidence | None
    reasons: list[str] = field(default_factory=list)  # why it needs review, for staff
    repair: str | None = None  # what was changed from the text as read, and on what proof
    alternatives: list[Alternative] = field(default_factory=list)
    corrected_by: str | None = None  # who, when a person corrected or confirmed the value
    machine_value: str | None = None  # what the machine read, kept when a person corrected it


@dataclass(frozen=True, slots=True)
class OtherItem:
    """A label and its value on a page that are none of the key fields (其他项目): 文化程度、
    联系电话…, or a label the extractor could not place."""

    label: str
    value: str
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class Extraction:
    """What the extractor read of a document: every key field, and the other items."""

    fields: list[ExtractedField] = field(default_factory=list)
    items: list[OtherItem] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class NewDocument:
    sha256: str
    source_name: str  # the file name as uploaded
    source_path: str
    original_path: str  # content-addressed copy, relative to the data dir
    media_type: MediaType
    size_bytes: int
    pages: list[PageRecord] = field(default_factory=list)
    fields: list[ExtractedField] = field(default_factory=list)
    items: list[OtherItem] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class DocumentRef:
    id: int
    sha256: str
    source_name: str


@dataclass(frozen=True, slots=True)
class FileResult:
    """What became of one input file in one run."""

    path: str
    source_name: str
    outcome: Outcome
    sha256: str | None = None
    pages: int = 0
    document_id: int | None = None
    reason_code: str | None = None
    message: str | None = None


@dataclass(frozen=True, slots=True)
class UploadedFile:
    path: str  # where the upload was stored, in the data dir
    source_name: str  # the name as uploaded, folders included
    refused: bool = False  # no scan inside: its outcome was recorded at once


@dataclass(frozen=True, slots=True)
class UploadJob:
    """Files uploaded together, queued as one ingest job; stored as the job's arguments."""

    files: tuple[UploadedFile, ...]  # in upload order
    folder: str  # the upload's own folder, removed once its files are ingested
    by: str  # the key that uploaded them

    MARK = "uploads"  # the argument that makes a job an upload

    def arguments(self) -> dict[str, object]:
        return {
            self.MARK: [
                {"path": f.path, "source_name": f.source_name, "refused": f.refused}
                for f in self.files
            ],
            "folder": self.folder,
            "by": self.by,
        }

    @classmethod
    def of(cls, arguments: dict[str, object]) -> UploadJob | None:
        """The upload a job's arguments describe; None when the job is no upload."""
        files = arguments.get(cls.MARK)
        if not isinstance(files, list):
            return None
        return cls(
            tuple(
                UploadedFile(str(f["path"]), str(f["source_name"]), bool(f.get("refused")))
                for f in files
            ),
            str(arguments.get("folder", "")),
            str(arguments.get("by", "")),
        )
