"""Lookups for other systems (DESIGN, API contract): many persons at once, by ID number or by
name and birth date, each answer with every field's value, confidence and evidence."""

from __future__ import annotations

from typing import Any

from archive.domain import Actor
from archive.usecases.context import Archive
from archive.usecases.matching import ID_EXAMPLE, LookupQuery, Status, match_persons
from archive.usecases.views import Masker, lookup_fields

__all__ = ["ID_EXAMPLE", "LookupQuery", "Status", "lookup_persons"]


def lookup_persons(
    archive: Archive, actor: Actor, queries: list[LookupQuery]
) -> list[dict[str, Any]]:
    """One result per query, in their order: ``{"status", "records"}`` (and, for a probable
    match, each record's ``reasons``), built plain (a batch of a thousand would otherwise
    spend its time validating what it just built)."""
    matched = match_persons(archive, queries)
    archive.audit.record(
        actor,
        "lookup",
        {"queries": [q.model_dump(exclude_none=True) for q in queries]},
        matched.document_ids,
    )
    m = Masker(actor)

    def record(i: int, reasons: list[str] | None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "document_id": i,
            "source": m.text(matched.sources.get(i, "")),
            "fields": lookup_fields(matched.values.get(i, {}), m),
        }
        if reasons is not None:
            out["reasons"] = reasons
        return out

    return [
        {
            "status": match.status,
            "records": [record(c.document_id, c.reasons) for c in match.candidates]
            if match.candidates
            else [record(i, None) for i in match.document_ids],
        }
        for match in matched.matches
    ]
