"""Progress figures the bureau reports upward: files and pages digitised, persons covered,
fields the machine was unsure of, and how many of those people reviewed and confirmed."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import select

from archive.store import schema
from archive.store.rows import utc
from archive.store.store import Store

Period = Literal["day", "month"]


@dataclass(frozen=True, slots=True)
class Figures:
    files: int = 0
    pages: int = 0
    flagged: int = 0  # fields the machine marked for review
    reviewed: int = 0  # fields a person corrected or confirmed (each field once)
    corrected: int = 0  # of those, the ones whose value a person changed

    @property
    def confirmed_share(self) -> float | None:
        """The pass rate: of the reviewed fields, the share the machine had right."""
        return (self.reviewed - self.corrected) / self.reviewed if self.reviewed else None


@dataclass(frozen=True, slots=True)
class Progress:
    total: Figures
    persons: int  # distinct ID numbers, as read or as corrected
    files_without_id: int
    periods: dict[str, Figures] = field(default_factory=dict)  # "2026-11-28" or "2026-11"


def _local(at: datetime, tz: ZoneInfo) -> datetime:
    return utc(at).astimezone(tz)


def progress(store: Store, by: Period, tz: ZoneInfo) -> Progress:
    """Every figure in total and per local day or month; a file counts in the period it was
    ingested, a review in the period of the person's latest action on that field."""
    width = 10 if by == "day" else 7
    files: Counter[str] = Counter()
    pages: Counter[str] = Counter()
    flagged: Counter[str] = Counter()
    reviewed: Counter[str] = Counter()
    corrected: Counter[str] = Counter()
    period_of: dict[int, str] = {}
    id_numbers: dict[int, str | None] = {}
    latest: dict[tuple[int, str], tuple[str | None, str | None, datetime]] = {}
    with store.connect() as conn:
        for doc in conn.execute(
            select(
                schema.documents.c.id, schema.documents.c.created_at, schema.documents.c.page_count
            )
        ):
            period = _local(doc.created_at, tz).isoformat()[:width]
            period_of[doc.id] = period
            files[period] += 1
            pages[period] += doc.page_count
            id_numbers[doc.id] = None
        for row in conn.execute(
            select(schema.fields.c.document_id, schema.fields.c.value).where(
                schema.fields.c.key == "id_number"
            )
        ):
            id_numbers[row.document_id] = row.value
        for row in conn.execute(
            select(schema.fields.c.document_id).where(schema.fields.c.needs_review.is_(True))
        ):
            flagged[period_of[row.document_id]] += 1
        for row in conn.execute(
            select(schema.field_corrections).order_by(schema.field_corrections.c.id)
        ):
            latest[(row.document_id, row.key)] = (row.value, row.machine_value, row.corrected_at)
    for (document_id, key), (value, machine_value, at) in latest.items():
        period = _local(at, tz).isoformat()[:width]
        reviewed[period] += 1
        corrected[period] += value != machine_value
        if key == "id_number":
            id_numbers[document_id] = value
    periods = {
        p: Figures(files[p], pages[p], flagged[p], reviewed[p], corrected[p])
        for p in sorted(set(files) | set(reviewed))
    }
    total = Figures(
        sum(files.values()),
        sum(pages.values()),
        sum(flagged.values()),
        sum(reviewed.values()),
        sum(corrected.values()),
    )
    known = [v for v in id_numbers.values() if v]
    return Progress(total, len(set(known)), len(id_numbers) - len(known), periods)
