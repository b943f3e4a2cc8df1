"""Domain types shared between ingest, the store and the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

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
class NewDocument:
    sha256: str
    source_name: str  # the file name as uploaded
    source_path: str
    original_path: str  # content-addressed copy, relative to the data dir
    media_type: MediaType
    size_bytes: int
    pages: list[PageRecord] = field(default_factory=list)
    fields: list[ExtractedField] = field(default_factory=list)


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
