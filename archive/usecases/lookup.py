"""Lookups for other systems (DESIGN, API contract): many persons at once, by ID number or by
name and birth date, each answer with every field's value, confidence and evidence."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field, model_validator

from archive.domain import Actor
from archive.idnumber import as_18
from archive.store.rows import CurrentValue
from archive.text import fold, is_iso_date
from archive.usecases.context import Archive
from archive.usecases.views import Masker, lookup_fields

ID_EXAMPLE = "11010519491231002X"
Status = Literal["exact", "ambiguous", "none"]


def _month_or_day(value: str) -> str:
    if not is_iso_date(value):
        raise ValueError("birth_date must be yyyy-mm or yyyy-mm-dd, a real month and day")
    return value


class LookupQuery(BaseModel):
    """按身份证号，或按姓名加出生日期查询一个人。"""

    id_number: str | None = Field(
        None, max_length=32, description="18 位身份证号", examples=[ID_EXAMPLE]
    )
    name: str | None = Field(
        None, max_length=64, description="姓名（与 birth_date 同用）", examples=["王伟"]
    )
    birth_date: Annotated[str, AfterValidator(_month_or_day)] | None = Field(
        None, description="出生日期 yyyy-mm 或 yyyy-mm-dd（与 name 同用）", examples=["1949-12"]
    )

    @model_validator(mode="after")
    def one_way_to_ask(self) -> LookupQuery:
        by_id = bool(self.id_number and self.id_number.strip())
        by_name = bool(self.name and self.name.strip() and self.birth_date)
        if by_id == by_name:
            raise ValueError("each query needs id_number, or name with birth_date (not both)")
        return self


def _birth_matches(asked: str, stored: str | None) -> bool:
    """A month asked matches any day of it; a day asked matches that day, or a record that
    gives only its month (it cannot say otherwise)."""
    if not stored:
        return False
    shorter = min(len(asked), len(stored))
    return asked[:shorter] == stored[:shorter] and shorter >= 7


def _value(values: dict[str, CurrentValue], key: str) -> str | None:
    return values[key].value if key in values else None


def _id(q: LookupQuery) -> str:
    return as_18(fold(q.id_number or "").upper())


def lookup_persons(
    archive: Archive, actor: Actor, queries: list[LookupQuery]
) -> list[dict[str, Any]]:
    """One result per query, in their order: ``{"status", "records"}``, built plain (a batch of
    a thousand would otherwise spend its time validating what it just built)."""
    store = archive.store
    by_id = store.documents_with_value("id_number", [_id(q) for q in queries if q.id_number])
    names = [fold(q.name) for q in queries if q.name and not q.id_number]
    by_name = store.documents_with_value("name", names) if names else {}
    wanted = sorted({i for ids in (*by_id.values(), *by_name.values()) for i in ids})
    fields = store.evidence_values(wanted)
    sources = (
        {d.document.id: d.document.source_name for d in store.iter_documents(ids=wanted)}
        if wanted
        else {}
    )

    def answer(q: LookupQuery) -> tuple[Status, list[int]]:
        if q.id_number:
            ids = by_id.get(_id(q), [])
            return ("exact" if ids else "none"), ids
        assert q.name and q.birth_date  # the model's validator saw to it
        ids = [
            i
            for i in by_name.get(fold(q.name), [])
            if _birth_matches(q.birth_date, _value(fields.get(i, {}), "birth_date"))
        ]
        people = {_value(fields.get(i, {}), "id_number") or f"document:{i}" for i in ids}
        return ("none" if not ids else "exact" if len(people) == 1 else "ambiguous"), ids

    answers = [answer(q) for q in queries]
    archive.audit.record(
        actor,
        "lookup",
        {"queries": [q.model_dump(exclude_none=True) for q in queries]},
        sorted({i for _, ids in answers for i in ids}),
    )
    m = Masker(actor)
    return [
        {
            "status": status,
            "records": [
                {
                    "document_id": i,
                    "source": sources.get(i, ""),
                    "fields": lookup_fields(fields.get(i, {}), m),
                }
                for i in ids
            ],
        }
        for status, ids in answers
    ]
