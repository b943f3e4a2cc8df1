"""Stored records -> response bodies, with ID numbers masked for roles that may not see them."""

from __future__ import annotations

from typing import Any

from archive.domain import FIELD_KEYS, Evidence, ExtractedField
from search_api.auth import Caller
from search_api.masking import mask_id, mask_ids_in_text
from search_api.schemas import (
    AlternativeOut,
    CorrectionOut,
    EvidenceOut,
    FieldOut,
    PageOut,
    RecordOut,
)


class Masker:
    """Masks the ID number field, and any ID number in text as read, for one caller."""

    def __init__(self, caller: Caller) -> None:
        self.on = not caller.sees_id_numbers

    def value(self, key: str, value: str | None) -> str | None:
        return mask_id(value) if self.on and key == "id_number" else value

    def text(self, text: str) -> str:
        return mask_ids_in_text(text) if self.on else text

    def evidence(self, e: Evidence | None) -> EvidenceOut | None:
        return None if e is None else EvidenceOut(page=e.page, bbox=e.box, text=self.text(e.text))


def _missing() -> FieldOut:
    return FieldOut(
        value=None, confidence=0.0, needs_review=True, reasons=["未提取"], evidence=None
    )


def field_out(f: ExtractedField, history: list[dict[str, Any]], m: Masker) -> FieldOut:
    return FieldOut(
        value=m.value(f.key, f.value),
        confidence=f.confidence,
        needs_review=f.needs_review,
        reasons=f.reasons,
        repair=m.text(f.repair) if f.repair else None,
        evidence=m.evidence(f.evidence),
        alternatives=[
            AlternativeOut(value=m.value(f.key, a.value), evidence=m.evidence(a.evidence))
            for a in f.alternatives
        ],
        machine_value=m.value(f.key, f.machine_value),
        corrected_by=f.corrected_by,
        history=[
            CorrectionOut(
                value=m.value(f.key, c["value"]),
                machine_value=m.value(f.key, c["machine_value"]),
                by=c["corrected_by"],
                at=c["corrected_at"],
                note=c["note"],
            )
            for c in history
            if c["key"] == f.key
        ],
    )


def fields_out(
    found: list[ExtractedField], history: list[dict[str, Any]], m: Masker
) -> dict[str, FieldOut]:
    by_key = {f.key: f for f in found}
    return {k: field_out(by_key[k], history, m) if k in by_key else _missing() for k in FIELD_KEYS}


def lookup_fields(
    values: dict[str, tuple[str | None, float, bool, Evidence | None]], m: Masker
) -> dict[str, dict[str, Any]]:
    """A record's fields as LookupField dicts: built plain, since a batch of a thousand
    records would spend most of its time validating models it has just built itself."""
    out: dict[str, dict[str, Any]] = {}
    for key in FIELD_KEYS:
        if key not in values:
            out[key] = {"value": None, "confidence": 0.0, "needs_review": True, "evidence": None}
            continue
        value, confidence, needs_review, e = values[key]
        out[key] = {
            "value": m.value(key, value),
            "confidence": confidence,
            "needs_review": needs_review,
            "evidence": None
            if e is None
            else {"page": e.page, "bbox": e.box, "text": m.text(e.text)},
        }
    return out


def record_out(
    document: dict[str, Any],
    pages: list[dict[str, Any]],
    found: list[ExtractedField],
    history: list[dict[str, Any]],
    m: Masker,
) -> RecordOut:
    doc_id = document["id"]
    base = f"/api/v1/documents/{doc_id}/pages"
    return RecordOut(
        document_id=doc_id,
        source=document["source_name"],
        media_type=document["media_type"],
        sha256=document["sha256"],
        ingested_at=document["created_at"],
        fields=fields_out(found, history, m),
        pages=[
            PageOut(
                number=p["number"],
                width=p["width"],
                height=p["height"],
                rotation=p["rotation"],
                skew_deg=p["skew_deg"],
                mean_confidence=p["mean_confidence"],
                image_url=f"{base}/{p['number']}/image",
                processed_image_url=f"{base}/{p['number']}/image?kind=processed",
            )
            for p in pages
        ],
    )
