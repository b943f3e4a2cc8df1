"""A programme's conditions held against one person's files: ``met``, ``not_met`` or
``unproven`` for each, with the values it rested on and the catalogue row it matched.

Pure: the person's fields and pages, and the catalogue rows, in; verdicts out. The rule the
whole module keeps: a value that needs review, or that the person's files disagree on, never
proves anything either way; such a condition is ``unproven`` and a person decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal

from archive.catalogues import period
from archive.domain import ExtractedField
from archive.history import ServicePeriod, service_period
from archive.programmes import (
    Condition,
    DateBound,
    DisabilityGrade,
    PageWithWords,
    ServedInCatalogue,
    ValueIn,
)
from archive.text import fold, letters_and_digits
from archive.units import chinese_number, parse_unit

Status = Literal["met", "not_met", "unproven"]
# A line read this surely or better is taken as proof that its words are on the page.
SURE_LINE = 0.8
# A title line holds its words and at most this many other characters (士兵…批准书).
TITLE_EXTRA = 6
LABELS = {
    "unit": "部队番号",
    "service_history": "服役经历",
    "enlistment_date": "入伍时间",
    "discharge_date": "退役时间",
    "discharge_type": "退役方式",
    "disability_grade": "伤残等级",
}


@dataclass(frozen=True, slots=True)
class DocumentFacts:
    """One file of the person: its current fields (corrections count) and its pages' lines."""

    document_id: int
    source: str
    fields: dict[str, ExtractedField]
    lines: list[PageLine] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class PageLine:
    page: int
    text: str
    confidence: float
    box: list[int]  # on the original scan


@dataclass(frozen=True, slots=True)
class Used:
    """A value a verdict rested on, where it was read and how sure it is."""

    key: str
    value: str | None
    document_id: int
    source: str
    page: int | None
    box: list[int] | None
    text: str
    confidence: float
    needs_review: bool
    corrected_by: str | None = None
    machine_value: str | None = None


@dataclass(frozen=True, slots=True)
class ListedRow:
    """A row of the catalogue version a check uses: the unit in its canonical form."""

    row_number: int
    unit: str
    start: str | None
    end: str | None
    task: str


@dataclass(frozen=True, slots=True)
class ConditionVerdict:
    kind: str
    title: str
    status: Status
    reason: str
    used: list[Used] = field(default_factory=list)
    row: ListedRow | None = None
    catalogue_version: int | None = None


@dataclass(frozen=True, slots=True)
class Catalogue:
    """The version of a catalogue a check uses, and its rows."""

    name: str
    version_id: int
    doc_number: str
    effective_date: str
    rows: list[ListedRow]


def _say(
    c: Condition,
    status: Status,
    reason: str,
    used: list[Used] | None = None,
    row: ListedRow | None = None,
    version: int | None = None,
) -> ConditionVerdict:
    return ConditionVerdict(c.kind, c.title, status, reason, used or [], row, version)


def overall(verdicts: list[ConditionVerdict]) -> Status:
    """``met`` only when every condition is; ``not_met`` when one is not; else unproven."""
    statuses = {v.status for v in verdicts}
    if statuses == {"met"}:
        return "met"
    return "not_met" if "not_met" in statuses else "unproven"


def _used(doc: DocumentFacts, f: ExtractedField) -> Used:
    e = f.evidence
    return Used(
        f.key,
        f.value,
        doc.document_id,
        doc.source,
        e.page if e else None,
        e.box if e else None,
        e.text if e else "",
        f.confidence,
        f.needs_review,
        f.corrected_by,
        f.machine_value,
    )


@dataclass(frozen=True, slots=True)
class _Value:
    """A field across the person's files: the one value they agree on, or why there is none."""

    value: str | None
    used: list[Used]
    problem: str | None  # None: the value may be relied on


def _comparable(key: str, value: str) -> str:
    unit = parse_unit(value) if key == "unit" else None
    return unit.key if unit else value


def _value(docs: list[DocumentFacts], key: str) -> _Value:
    label = LABELS.get(key, key)
    read = [(d, d.fields[key]) for d in docs if key in d.fields and d.fields[key].value]
    if not read:
        return _Value(None, [], f"档案中没有读到{label}")
    groups: dict[str, list[Used]] = {}
    for d, f in read:
        groups.setdefault(_comparable(key, f.value or ""), []).append(_used(d, f))
    if len(groups) > 1:
        values = "、".join(f"“{u[0].value}”" for u in groups.values())
        return _Value(
            None, [u for g in groups.values() for u in g], f"各份档案的{label}不一致：{values}"
        )
    [used] = groups.values()
    sure = [u for u in used if not u.needs_review]
    best = max(sure or used, key=lambda u: (u.corrected_by is not None, u.confidence))
    if not sure:
        return _Value(best.value, [best], f"{label}“{best.value}”待人工复核，不能作为依据")
    return _Value(best.value, [best], None)


def _bounds(iso: str) -> tuple[date, date] | None:
    p = period(iso)
    return (p.first, p.last) if p else None


def _value_in(docs: list[DocumentFacts], c: ValueIn) -> ConditionVerdict:
    v = _value(docs, c.field)
    if v.problem:
        return _say(c, "unproven", v.problem, v.used)
    label = LABELS.get(c.field, c.field)
    if v.value in c.values:
        return _say(c, "met", f"{label}为“{v.value}”", v.used)
    wanted = "、".join(c.values)
    return _say(c, "not_met", f"{label}为“{v.value}”，不在（{wanted}）之中", v.used)


def _date_bound(docs: list[DocumentFacts], c: DateBound) -> ConditionVerdict:
    v = _value(docs, c.field)
    label = LABELS.get(c.field, c.field)
    bounds = _bounds(v.value) if v.value else None
    if v.problem or bounds is None:
        why = v.problem or f"{label}“{v.value}”不是日期"
        return _say(c, "unproven", why, v.used)
    limit = date.fromisoformat(c.date)
    first, last = bounds
    after = c.kind == "date_after"
    if (first >= limit) if after else (last < limit):
        status: Status = "met"
    elif (last < limit) if after else (first >= limit):
        status = "not_met"
    else:
        status = "unproven"
    holds, fails = ("不早于", "早于") if after else ("早于", "不早于")
    reason = {
        "met": f"{label}{v.value}{holds}{c.date}",
        "not_met": f"{label}{v.value}{fails}{c.date}",
        "unproven": f"{label}只记到“{v.value}”，无法判断是否{holds}{c.date}",
    }[status]
    return _say(c, status, reason, v.used)


def _page_with_words(docs: list[DocumentFacts], c: PageWithWords) -> ConditionVerdict:
    words = [letters_and_digits(w) for w in c.words]
    found: list[tuple[DocumentFacts, PageLine, str]] = []
    for d in docs:
        for line in d.lines:
            text = letters_and_digits(line.text)
            found += [
                (d, line, w)
                for w in words
                if w in text and (not c.as_title or len(text) <= len(w) + TITLE_EXTRA)
            ]
    if not found:
        where = "标题" if c.as_title else "文字"
        return _say(c, "not_met", f"各页识别{where}中没有“{'、'.join(c.words)}”")
    d, line, word = max(found, key=lambda f: f[1].confidence)
    used = Used(
        "page",
        word,
        d.document_id,
        d.source,
        line.page,
        line.box,
        line.text,
        line.confidence,
        line.confidence < SURE_LINE,
    )
    if line.confidence < SURE_LINE:
        why = f"第{line.page}页读到“{word}”，但识别置信度 {line.confidence:.2f} 偏低，请人工核对"
        return _say(c, "unproven", why, [used])
    return _say(c, "met", f"第{line.page}页有“{word}”", [used])


_GRADE = re.compile(r"^(?P<n>[一二三四五六七八九十\d]{1,2})级(?P<cause>因战|因公|因病)?")


def _disability(docs: list[DocumentFacts], c: DisabilityGrade) -> ConditionVerdict:
    v = _value(docs, "disability_grade")
    if v.problem:
        return _say(c, "unproven", v.problem, v.used)
    value = fold(v.value or "")
    if value == "无":
        return _say(c, "not_met", "伤残等级为“无”", v.used)
    m = _GRADE.match(value)
    grade = chinese_number(m["n"]) if m else None
    if m is None or grade is None:
        why = f"伤残等级“{v.value}”无法识别等级"
        return _say(c, "unproven", why, v.used)
    cause = m["cause"]
    if grade not in c.grades:
        return _say(c, "not_met", f"伤残等级为{grade}级，不在所列等级内", v.used)
    if c.causes and cause is None:
        why = f"伤残等级“{v.value}”没有写明性质（{'、'.join(c.causes)}）"
        return _say(c, "unproven", why, v.used)
    if c.causes and cause not in c.causes:
        return ConditionVerdict(
            c.kind,
            c.title,
            "not_met",
            f"伤残性质为{cause}，不在（{'、'.join(c.causes)}）之中",
            v.used,
        )
    return _say(c, "met", f"伤残等级为“{v.value}”", v.used)


def _overlap(
    service: tuple[tuple[date, date] | None, tuple[date, date] | None], row: ListedRow
) -> Literal["yes", "no", "maybe"]:
    """Whether a service period overlaps a row's. A row means all of what it writes (1964-10
    to 1980-12: from the first of October to the last of December); a person's dates, read to
    a year or a month, may mean any day of it: ``yes`` whatever days they mean, ``no``
    likewise, else ``maybe``. A date not known is any day at all."""
    row_lo = row_start.first if row.start and (row_start := period(row.start)) else date.min
    row_hi = row_end.last if row.end and (row_end := period(row.end)) else date.max
    start, end = service
    s_lo, s_hi = start or (date.min, date.max)
    e_lo, e_hi = end or (date.min, date.max)
    if s_hi <= row_hi and e_lo >= row_lo:
        return "yes"
    if s_lo > row_hi or e_hi < row_lo:
        return "no"
    return "maybe"


def _span(row: ListedRow) -> str:
    return f"{row.start or '不限'}至{row.end or '不限'}"


def _by_history(
    docs: list[DocumentFacts], c: ServedInCatalogue, catalogue: Catalogue
) -> ConditionVerdict | None:
    """The check by the service history lines, each unit with its own period; None when the
    files have no such line."""
    periods = [
        (p, d, line)
        for d in docs
        for line in d.lines
        if (p := service_period(line.text)) is not None
    ]
    if not periods:
        return None
    version = catalogue.version_id
    rows = [(r, parse_unit(r.unit)) for r in catalogue.rows]
    outcomes: list[tuple[str, ServicePeriod, DocumentFacts, PageLine, ListedRow | None]] = []
    for p, d, line in periods:
        listed = [r for r, u in rows if u is not None and p.unit.within(u)]
        service = ((p.start.first, p.start.last), (p.end.first, p.end.last) if p.end else None)
        for r in listed:
            found = _overlap(service, r)
            if found == "yes" and line.confidence < SURE_LINE:
                found = "maybe"
            outcomes.append((found, p, d, line, r))
        if not listed:
            outcomes.append(("no", p, d, line, None))

    def used(p: ServicePeriod, d: DocumentFacts, line: PageLine) -> Used:
        value = f"{p.start.text}至{p.end.text if p.end else '今'} {p.unit.key}"
        return Used(
            "service_history",
            value,
            d.document_id,
            d.source,
            line.page,
            line.box,
            line.text,
            line.confidence,
            line.confidence < SURE_LINE,
        )

    every = [used(p, d, line) for p, d, line in periods]
    for wanted in ("yes", "maybe"):
        hit = next((o for o in outcomes if o[0] == wanted), None)
        if hit is None:
            continue
        _, p, d, line, row = hit
        assert row is not None
        if wanted == "yes":
            why = (
                f"服役经历：{p.start.text}至{p.end.text if p.end else '今'}在“{p.unit.key}”，"
                f"在目录第 {row.row_number} 行（{_span(row)}），时段重叠"
            )
            return _say(c, "met", why, [used(p, d, line)], row, version)
        why = (
            f"服役经历：{p.start.text}至{p.end.text if p.end else '今'}在“{p.unit.key}”，"
            f"目录第 {row.row_number} 行（{_span(row)}），无法确定时段是否重叠"
            + ("（该行识别置信度偏低）" if line.confidence < SURE_LINE else "")
        )
        return _say(c, "unproven", why, [used(p, d, line)], row, version)
    why = f"服役经历所列 {len(periods)} 段均不在“{c.catalogue}”所列部队与时段内"
    return _say(c, "not_met", why, every, None, version)


def _served_in(
    docs: list[DocumentFacts], c: ServedInCatalogue, catalogue: Catalogue | None
) -> ConditionVerdict:
    """By the service history where the files have one, each unit with its own period (the
    unit field with the whole service's dates could grant a unit the person had left);
    where the history finds nothing but the unit field would, the two disagree: unproven."""
    if catalogue is None:
        why = f"尚未导入在今天生效的“{c.catalogue}”，无法核查"
        return _say(c, "unproven", why)
    by_fields = _by_fields(docs, c, catalogue)
    by_history = _by_history(docs, c, catalogue)
    if by_history is None:
        return by_fields
    if by_history.status == "not_met" and by_fields.status != "not_met":
        why = f"{by_history.reason}；但部队番号栏：{by_fields.reason}，两者不一致，须人工核实"
        return replace(
            by_history, status="unproven", reason=why, used=by_history.used + by_fields.used
        )
    return by_history


def _by_fields(
    docs: list[DocumentFacts], c: ServedInCatalogue, catalogue: Catalogue
) -> ConditionVerdict:
    """The check by the unit field and the enlistment and discharge dates."""
    version = catalogue.version_id
    unit_v = _value(docs, "unit")
    if unit_v.problem:
        return _say(c, "unproven", unit_v.problem, unit_v.used, None, version)
    unit = parse_unit(unit_v.value or "")
    if unit is None:
        why = f"部队番号“{unit_v.value}”的形式无法与目录比对"
        return _say(c, "unproven", why, unit_v.used, None, version)
    rows = [(r, parse_unit(r.unit)) for r in catalogue.rows]
    listed = [r for r, u in rows if u is not None and unit.within(u)]
    coarser = [r for r, u in rows if u is not None and u.within(unit) and u != unit]
    if not listed:
        if coarser:
            why = (
                f"档案只记到“{unit.key}”，目录列的是其下属单位“{coarser[0].unit}”"
                f"（第 {coarser[0].row_number} 行），须人工核实具体单位"
            )
            return _say(c, "unproven", why, unit_v.used, coarser[0], version)
        why = f"“{unit.key}”不在“{c.catalogue}”（{catalogue.doc_number}）中"
        return _say(c, "not_met", why, unit_v.used, None, version)
    dates = [_value(docs, k) for k in ("enlistment_date", "discharge_date")]
    used = unit_v.used + [u for d in dates for u in d.used]
    enlisted, discharged = (None if d.problem or not d.value else _bounds(d.value) for d in dates)
    found = {r.row_number: _overlap((enlisted, discharged), r) for r in listed}
    best = next((r for r in listed if found[r.row_number] == "yes"), None)
    if best is not None:
        why = f"“{unit.key}”在目录第 {best.row_number} 行（{_span(best)}），服役时段与之重叠"
        return _say(c, "met", why, used, best, version)
    maybe = next((r for r in listed if found[r.row_number] == "maybe"), None)
    if maybe is not None:
        problems = "；".join(d.problem for d in dates if d.problem)
        why = (
            f"“{unit.key}”在目录第 {maybe.row_number} 行，但服役时段无法确定是否与"
            f"{maybe.start or '不限'}至{maybe.end or '不限'}重叠"
            + (f"：{problems}" if problems else "")
        )
        return _say(c, "unproven", why, used, maybe, version)
    row = listed[0]
    why = (
        f"“{unit.key}”在目录第 {row.row_number} 行，但服役时段与目录所列"
        f"{row.start or '不限'}至{row.end or '不限'}不重叠"
    )
    return _say(c, "not_met", why, used, row, version)


def evaluate(
    condition: Condition, docs: list[DocumentFacts], catalogues: dict[str, Catalogue]
) -> ConditionVerdict:
    if isinstance(condition, ServedInCatalogue):
        return _served_in(docs, condition, catalogues.get(condition.catalogue))
    if isinstance(condition, ValueIn):
        return _value_in(docs, condition)
    if isinstance(condition, DateBound):
        return _date_bound(docs, condition)
    if isinstance(condition, PageWithWords):
        return _page_with_words(docs, condition)
    return _disability(docs, condition)
