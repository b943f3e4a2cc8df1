"""Rows of the fields and field_corrections tables <-> domain types."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, select

from archive.domain import (
    Alternative,
    CellRecord,
    Evidence,
    ExtractedField,
    Extraction,
    LineRecord,
    OtherItem,
    PageRecord,
    WordRecord,
)
from archive.store import schema
from archive.store.rows import CurrentValue, pointed_of


def field_rows(
    document_id: int, fields: list[ExtractedField], at: datetime
) -> list[dict[str, Any]]:
    return [
        {
            "document_id": document_id,
            "key": f.key,
            "value": f.value,
            "confidence": f.confidence,
            "needs_review": f.needs_review,
            "page": f.evidence.page if f.evidence else None,
            "bbox": f.evidence.box if f.evidence else None,
            "raw_text": f.evidence.text if f.evidence else None,
            "reasons": f.reasons,
            "repair": f.repair,
            "alternatives": [asdict(a) for a in f.alternatives],
            "extracted_at": at,
        }
        for f in fields
    ]


def field_from_row(row: Any) -> ExtractedField:
    evidence = (
        Evidence(row.page, list(row.bbox), row.raw_text or "") if row.page is not None else None
    )
    return ExtractedField(
        key=row.key,
        value=row.value,
        confidence=row.confidence,
        needs_review=bool(row.needs_review),
        evidence=evidence,
        reasons=list(row.reasons),
        repair=row.repair,
        alternatives=[Alternative(a["value"], Evidence(**a["evidence"])) for a in row.alternatives],
    )


def replace_extraction(conn: Connection, document_id: int, found: Extraction, at: datetime) -> None:
    """The machine's reading of a document, in place of the one before (people's corrections
    are another table, and stay)."""
    conn.execute(delete(schema.fields).where(schema.fields.c.document_id == document_id))
    if found.fields:
        conn.execute(schema.fields.insert(), field_rows(document_id, found.fields, at))
    items = schema.document_items
    conn.execute(delete(items).where(items.c.document_id == document_id))
    if found.items:
        conn.execute(
            items.insert(),
            [
                {
                    "document_id": document_id,
                    "label": item.label,
                    "value": item.value,
                    "page": item.evidence.page,
                    "bbox": item.evidence.box,
                    "raw_text": item.evidence.text,
                }
                for item in found.items
            ],
        )


def other_items(conn: Connection, document_id: int) -> list[OtherItem]:
    items = schema.document_items
    return [
        OtherItem(r.label, r.value, Evidence(r.page, list(r.bbox), r.raw_text))
        for r in conn.execute(
            select(items).where(items.c.document_id == document_id).order_by(items.c.id)
        )
    ]


def machine_fields(conn: Connection, document_ids: list[int]) -> dict[int, list[ExtractedField]]:
    out: dict[int, list[ExtractedField]] = {}
    for row in conn.execute(
        select(schema.fields)
        .where(schema.fields.c.document_id.in_(document_ids))
        .order_by(schema.fields.c.document_id, schema.fields.c.id)
    ):
        out.setdefault(row.document_id, []).append(field_from_row(row))
    return out


@dataclass(frozen=True, slots=True)
class Latest:
    """A field's latest correction: the value, who set it, and where they found it when
    they pointed at it on the page."""

    value: str | None
    by: str
    evidence: Evidence | None


def latest_corrections(conn: Connection, document_ids: list[int]) -> dict[tuple[int, str], Latest]:
    """Each field's latest correction, by (document id, key)."""
    c = schema.field_corrections
    out = {}
    for row in conn.execute(
        select(
            c.c.document_id,
            c.c.key,
            c.c.value,
            c.c.corrected_by,
            c.c.pointed,
            c.c.page,
            c.c.bbox,
            c.c.evidence_text,
            c.c.evidence_confidence,
        )
        .where(c.c.document_id.in_(document_ids))
        .order_by(c.c.id)
    ):
        pointed = pointed_of(row)
        out[(row.document_id, row.key)] = Latest(
            row.value, row.corrected_by, pointed.evidence if pointed else None
        )
    return out


def current_fields(conn: Connection, document_ids: list[int]) -> dict[int, list[ExtractedField]]:
    """The machine's fields with each one's latest correction by a person applied."""
    latest = latest_corrections(conn, document_ids)
    out = machine_fields(conn, document_ids)
    for document_id, found in out.items():
        out[document_id] = [
            corrected(f, latest[(document_id, f.key)]) if (document_id, f.key) in latest else f
            for f in found
        ]
    return out


def corrected(f: ExtractedField, latest: Latest) -> ExtractedField:
    """The field as a person left it: their value, sure; where they pointed, if they did."""
    return replace(
        f,
        value=latest.value,
        confidence=1.0,
        needs_review=False,
        corrected_by=latest.by,
        machine_value=f.value,
        evidence=latest.evidence or f.evidence,
    )


def page_record(row: Any) -> PageRecord:
    lines = [
        LineRecord(
            line["text"],
            line["confidence"],
            line["box"],
            line["box_original"],
            [WordRecord(**w) for w in line["words"]],
            line.get("cell"),
        )
        for line in row.lines
    ]
    return PageRecord(
        number=row.number,
        width=row.width,
        height=row.height,
        original_image=row.original_image,
        processed_image=row.processed_image,
        rotation=row.rotation,
        skew_deg=row.skew_deg,
        engine=row.engine,
        text=row.text,
        mean_confidence=row.mean_confidence,
        lines=lines,
        steps=list(row.steps),
        cells=[CellRecord(**c) for c in row.cells],
    )


def evidence_values(
    conn: Connection, document_ids: list[int]
) -> dict[int, dict[str, CurrentValue]]:
    """(value, confidence, needs_review, evidence) of every current field: what a lookup
    answers, read without the columns it does not show (reasons, alternatives)."""
    f = schema.fields
    out: dict[int, dict[str, CurrentValue]] = {}
    for doc, key, value, confidence, review, page, bbox, raw in conn.execute(
        select(
            f.c.document_id,
            f.c.key,
            f.c.value,
            f.c.confidence,
            f.c.needs_review,
            f.c.page,
            f.c.bbox,
            f.c.raw_text,
        ).where(f.c.document_id.in_(document_ids))
    ):
        evidence = Evidence(page, list(bbox), raw or "") if page is not None else None
        out.setdefault(doc, {})[key] = CurrentValue(value, confidence, bool(review), evidence)
    for (doc, key), latest in latest_corrections(conn, document_ids).items():
        if key in out.get(doc, {}):
            evidence = latest.evidence or out[doc][key].evidence
            out[doc][key] = CurrentValue(latest.value, 1.0, False, evidence)
    return out
