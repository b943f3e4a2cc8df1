"""Which documents a person asked for is: by ID number (an old 15-digit one as its 18-digit
form), or by name and birth date, with ``probable`` candidates where the name differs by one
character that OCR may have misread. Shared by the lookup and the eligibility check."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, model_validator

from archive.idnumber import as_18
from archive.store.rows import CurrentValue
from archive.text import fold, is_iso_date, skeleton
from archive.usecases.context import Archive

ID_EXAMPLE = "11010519491231002X"
Status = Literal["exact", "ambiguous", "probable", "none"]


def _month_or_day(value: str) -> str:
    if not is_iso_date(value):
        raise ValueError("birth_date must be yyyy-mm or yyyy-mm-dd, a real month and day")
    return value


class LookupQuery(BaseModel):
    """按身份证号，或按姓名加出生日期查询一个人。"""

    id_number: str | None = Field(
        None,
        max_length=32,
        description="身份证号（18 位；15 位旧号码按 GB 11643 升位后查）",
        examples=[ID_EXAMPLE],
    )
    name: str | None = Field(
        None, max_length=64, description="姓名（与 birth_date 同用）", examples=["王伟"]
    )
    birth_date: Annotated[str, AfterValidator(_month_or_day)] | None = Field(
        None, description="出生日期 yyyy-mm 或 yyyy-mm-dd（与 name 同用）", examples=["1949-12"]
    )
    gender: Literal["男", "女"] | None = Field(
        None, description="性别（可选，与 name 同用）：给出时候选人的性别须相符"
    )

    @model_validator(mode="after")
    def one_way_to_ask(self) -> LookupQuery:
        by_id = bool(self.id_number and self.id_number.strip())
        by_name = bool(self.name and self.name.strip() and self.birth_date)
        if by_id == by_name:
            raise ValueError("each query needs id_number, or name with birth_date (not both)")
        return self


@dataclass(frozen=True, slots=True)
class Candidate:
    """A document that is probably the person's, and why: OCR likely misread the name."""

    document_id: int
    reasons: list[str]


@dataclass(frozen=True, slots=True)
class Match:
    status: Status
    document_ids: list[int]  # exact or ambiguous: the documents; probable: the candidates'
    candidates: list[Candidate] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Matched:
    """Every query's match, and the current values of every document any of them names."""

    matches: list[Match]
    values: dict[int, dict[str, CurrentValue]]
    sources: dict[int, str]

    @property
    def document_ids(self) -> list[int]:
        return sorted({i for m in self.matches for i in m.document_ids})


def query_id(q: LookupQuery) -> str:
    return as_18(fold(q.id_number or "").upper())


def birth_matches(asked: str, stored: str | None) -> bool:
    """A month asked matches any day of it; a day asked matches that day, or a record that
    gives only its month (it cannot say otherwise)."""
    if not stored:
        return False
    shorter = min(len(asked), len(stored))
    return asked[:shorter] == stored[:shorter] and shorter >= 7


def _value(values: dict[str, CurrentValue], key: str) -> str | None:
    return values[key].value if key in values else None


def _one_character_apart(asked: str, read: str) -> int | None:
    """The 1-based place of the one character in which two names of equal length differ."""
    if len(asked) != len(read) or len(asked) < 2:
        return None
    differ = [i for i, (a, b) in enumerate(zip(asked, read, strict=True)) if a != b]
    return differ[0] + 1 if len(differ) == 1 else None


def _probable(q: LookupQuery, doc_id: int, values: dict[str, CurrentValue]) -> Candidate | None:
    """Why a document is probably the person's though its name is not the one asked: the
    names differ in one character (the surname kept), the birth date agrees (read as a field,
    or in the ID number), the gender does where it was given, and the ID number read agrees
    with both."""
    assert q.name and q.birth_date
    asked, read = fold(q.name), _value(values, "name") or ""
    place = _one_character_apart(asked, read)
    if place is None or (place == 1 and skeleton(asked[0]) != skeleton(read[0])):
        return None  # a different surname is a different family, not a misread
    reasons = [f"姓名只差一字：档案读作“{read}”（第{place}字），可能为识别错误"]
    born = _value(values, "birth_date")
    number = _value(values, "id_number") or ""
    id_born = f"{number[6:10]}-{number[10:12]}-{number[12:14]}" if len(number) == 18 else None
    if birth_matches(q.birth_date, born):
        reasons.append("出生日期相同")
    elif id_born and birth_matches(q.birth_date, id_born):
        reasons.append("出生日期与身份证号中的出生日期相同")
    else:
        return None
    gender = _value(values, "gender")
    if q.gender:
        if gender != q.gender:
            return None
        reasons.append("性别相同")
    if id_born:
        id_gender = "男" if number[16].isdigit() and int(number[16]) % 2 else "女"
        if (born and not birth_matches(born, id_born)) or (gender and gender != id_gender):
            return None
        reasons.append("身份证号与出生日期、性别一致")
    return Candidate(doc_id, reasons)


def _born_patterns(asked: str) -> tuple[list[str], list[str]]:
    """LIKE patterns of the birth date field, and of ID numbers with that birth date."""
    compact = asked.replace("-", "")
    return [f"{asked}%"], [f"______{compact}%"]


def match_persons(archive: Archive, queries: list[LookupQuery]) -> Matched:
    store = archive.store
    by_id = store.documents_with_value("id_number", [query_id(q) for q in queries if q.id_number])
    names = [fold(q.name) for q in queries if q.name and not q.id_number]
    by_name = store.documents_with_value("name", names) if names else {}
    wanted = {i for ids in (*by_id.values(), *by_name.values()) for i in ids}
    values = store.evidence_values(sorted(wanted))

    def exact(q: LookupQuery) -> list[int]:
        if q.id_number:
            return by_id.get(query_id(q), [])
        assert q.name and q.birth_date  # the model's validator saw to it
        return [
            i
            for i in by_name.get(fold(q.name), [])
            if birth_matches(q.birth_date, _value(values.get(i, {}), "birth_date"))
            and (not q.gender or _value(values.get(i, {}), "gender") in (None, q.gender))
        ]

    found = [exact(q) for q in queries]
    # Asked by name and found by none: the documents of the same birth date are read for a
    # name one character away.
    unfound = [q for q, ids in zip(queries, found, strict=True) if not ids and not q.id_number]
    near: dict[str, set[int]] = {}
    if unfound:
        for q in unfound:
            assert q.birth_date
            field_patterns, id_patterns = _born_patterns(q.birth_date)
            near[q.birth_date] = store.documents_like("birth_date", field_patterns)
            near[q.birth_date] |= store.documents_like("id_number", id_patterns)
        extra = sorted(set().union(*near.values()) - values.keys())
        values |= store.evidence_values(extra)

    matches: list[Match] = []
    for q, ids in zip(queries, found, strict=True):
        if ids:
            people = {_value(values.get(i, {}), "id_number") or f"document:{i}" for i in ids}
            matches.append(Match("exact" if len(people) == 1 else "ambiguous", ids))
            continue
        if q.id_number:
            matches.append(Match("none", []))
            continue
        assert q.birth_date
        candidates = [
            c
            for i in sorted(near.get(q.birth_date, set()))
            if (c := _probable(q, i, values.get(i, {}))) is not None
        ]
        matches.append(
            Match(
                "probable" if candidates else "none",
                [c.document_id for c in candidates],
                candidates,
            )
        )
    used = sorted({i for m in matches for i in m.document_ids})
    sources = (
        {d.document.id: d.document.source_name for d in store.iter_documents(ids=used)}
        if used
        else {}
    )
    return Matched(matches, values, sources)
