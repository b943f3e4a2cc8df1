"""Small stored documents for store and API tests, made without OCR."""

from __future__ import annotations

import hashlib
from dataclasses import replace

from archive.domain import (
    Evidence,
    ExtractedField,
    FileResult,
    LineRecord,
    MediaType,
    NewDocument,
    Outcome,
    PageRecord,
)
from archive.store import Store


def line(text: str, confidence: float = 0.95) -> LineRecord:
    return LineRecord(text, confidence, [5, 5, 95, 20], [5, 5, 95, 20], [])


def page(number: int, lines: list[LineRecord] | None = None) -> PageRecord:
    return PageRecord(
        number=number,
        width=100,
        height=200,
        original_image=f"p/{number}.jpg",
        processed_image=f"p/{number}.png",
        rotation=0,
        skew_deg=0.0,
        engine="tesseract",
        text="\n".join(x.text for x in lines or []) or f"第{number}页",
        mean_confidence=0.9,
        lines=lines or [],
        steps=[{"step": "gray"}],
    )


def document(sha: str, pages: list[PageRecord]) -> tuple[NewDocument, FileResult]:
    doc = NewDocument(
        sha, f"{sha}.pdf", f"/in/{sha}.pdf", f"originals/{sha}.pdf", MediaType.PDF, 10, pages
    )
    return doc, FileResult(f"/in/{sha}.pdf", f"{sha}.pdf", Outcome.OK, sha)


def field(key: str, value: str | None, confidence: float = 0.98) -> ExtractedField:
    return ExtractedField(
        key, value, confidence, confidence < 0.9, Evidence(1, [10, 20, 60, 40], value or "")
    )


def save(
    store: Store,
    sha_seed: str,
    values: dict[str, str | None],
    pages: int = 1,
    lines: dict[int, list[LineRecord]] | None = None,
) -> int:
    """One document with these field values (read with low confidence, so flagged, when the
    key ends in '?') and, on the pages ``lines`` names, those lines; returns its id."""
    sha = hashlib.sha256(sha_seed.encode()).hexdigest()
    doc, result = document(sha, [page(n, (lines or {}).get(n)) for n in range(1, pages + 1)])
    found = [
        field(key.rstrip("?"), value, 0.6 if key.endswith("?") else 0.98)
        for key, value in values.items()
    ]
    [saved] = store.save_documents(store.start_job({}), [(replace(doc, fields=found), result)])
    assert saved.document_id is not None
    return saved.document_id
