"""Eligibility checks (DESIGN, eligibility): a programme's rules held against each person's
files, every condition answered with the values, pages, boxes and catalogue row it rests on.
Written once for the API, the staff page and its printed 核查单; audited like a lookup."""

from __future__ import annotations

from datetime import UTC, date, datetime

from pydantic import BaseModel, Field

from archive.domain import Actor
from archive.programmes import (
    PageWithWords,
    Programme,
    ProgrammeError,
    ServedInCatalogue,
    load_programmes,
)
from archive.store.catalogues import in_force, rows_of
from archive.usecases.context import Archive
from archive.usecases.errors import Conflict, Invalid, NotFound
from archive.usecases.matching import LookupQuery, Match, match_persons
from archive.usecases.views import Masker
from archive.verdicts import (
    Catalogue,
    ConditionVerdict,
    DocumentFacts,
    ListedRow,
    PageLine,
    Status,
    Used,
    evaluate,
    overall,
)

MAX_PERSONS = 1000


class EvidenceUsed(BaseModel):
    key: str = Field(description="字段（page 表示按页面文字核查）")
    value: str | None = Field(description="所用的值（人工更正后的值优先）")
    document_id: int
    source: str = Field(description="档案文件名")
    page: int | None = Field(description="页码")
    bbox: list[int] | None = Field(description="原始扫描页上的框 [x0, y0, x1, y1]")
    text: str = Field(description="该处识别出的原文")
    confidence: float
    needs_review: bool = Field(description="待复核的值不作为依据：所在条件为 unproven")
    corrected_by: str | None = Field(None, description="人工确认或更正者")
    machine_value: str | None = Field(None, description="人工更正前机器读到的值")


class CatalogueUsed(BaseModel):
    catalogue: str
    version_id: int
    doc_number: str = Field(description="目录所依据文件的文号")
    effective_date: str = Field(description="该版本生效日期")
    row_number: int | None = Field(None, description="匹配到的目录行（文件中的行号）")
    unit: str | None = Field(None, description="目录行的部队番号（规范形式）")
    start: str | None = None
    end: str | None = None
    task: str | None = None


class ConditionOut(BaseModel):
    kind: str
    title: str
    status: Status = Field(description="met 满足；not_met 不满足；unproven 无法证明（须人工核查）")
    reason: str
    evidence: list[EvidenceUsed]
    catalogue: CatalogueUsed | None = Field(None, description="所用目录版本及匹配行")


class CandidateOut(BaseModel):
    document_id: int
    source: str
    reasons: list[str]


class PersonVerdict(BaseModel):
    match: str = Field(description="exact / ambiguous / probable / none（同 lookup）")
    name: str | None = Field(None, description="档案中的姓名（exact 时）")
    id_number: str | None = Field(None, description="档案中的身份证号（exact 时；按角色掩码）")
    document_ids: list[int] = Field(description="核查所依据的档案")
    candidates: list[CandidateOut] = Field(
        default_factory=list, description="ambiguous、probable 时的候选，须人工确认"
    )
    verdict: Status = Field(description="每个条件都 met 时为 met；有 not_met 时为 not_met")
    conditions: list[ConditionOut]


class ProgrammeOut(BaseModel):
    id: str
    name: str
    basis: str
    conditions: list[str] = Field(description="各条件的标题")


class EligibilityOut(BaseModel):
    programme: ProgrammeOut
    as_of: str = Field(description="核查所依据的日期（目录版本按此日生效者）")
    checked_by: str
    checked_at: datetime
    results: list[PersonVerdict] = Field(description="与 persons 一一对应，顺序相同")


def programmes(archive: Archive) -> dict[str, Programme]:
    try:
        return load_programmes(archive.data_dir)
    except ProgrammeError as e:
        raise Conflict(
            "programme_rules_invalid",
            f"规则文件有误，请管理员修改：{e}",
            f"a programme rule file is invalid: {e}",
        ) from e


def programme_out(p: Programme) -> ProgrammeOut:
    return ProgrammeOut(
        id=p.id, name=p.name, basis=p.basis, conditions=[c.title for c in p.conditions]
    )


def _catalogues(archive: Archive, p: Programme, day: str) -> dict[str, Catalogue]:
    found = {}
    for c in p.conditions:
        if not isinstance(c, ServedInCatalogue):
            continue
        v = in_force(archive.store, c.catalogue, day)
        if v is None:
            continue
        rows = [
            ListedRow(
                r.row_number,
                r.unit_key,
                r.start,
                r.end,
                r.task,
            )
            for r in rows_of(archive.store, v.id)
        ]
        found[c.catalogue] = Catalogue(v.catalogue, v.id, v.doc_number, v.effective_date, rows)
    return found


def _facts(
    archive: Archive, ids: list[int], sources: dict[int, str], lines: bool
) -> list[DocumentFacts]:
    fields = archive.store.fields_of(ids)
    docs = []
    for i in ids:
        page_lines = (
            [
                PageLine(page.number, line.text, line.confidence, line.box_original)
                for page in archive.store.page_records(i)
                for line in page.lines
            ]
            if lines
            else []
        )
        docs.append(
            DocumentFacts(i, sources.get(i, ""), {f.key: f for f in fields.get(i, [])}, page_lines)
        )
    return docs


_UNMATCHED = {
    "none": "没有找到此人的档案",
    "ambiguous": "符合条件的档案分属多人，须人工确定是哪一位",
    "probable": "没有姓名完全相符的档案；有姓名只差一字的候选，须人工确认后按身份证号核查",
}


def _evidence(u: Used, m: Masker) -> EvidenceUsed:
    return EvidenceUsed(
        key=u.key,
        value=m.value(u.key, u.value),
        document_id=u.document_id,
        source=m.text(u.source),
        page=u.page,
        bbox=u.box,
        text=m.text(u.text),
        confidence=round(u.confidence, 3),
        needs_review=u.needs_review,
        corrected_by=u.corrected_by,
        machine_value=m.value(u.key, u.machine_value),
    )


def _condition(v: ConditionVerdict, catalogues: dict[str, Catalogue], m: Masker) -> ConditionOut:
    catalogue = None
    version = next((c for c in catalogues.values() if c.version_id == v.catalogue_version), None)
    if version is not None:
        row = v.row
        catalogue = CatalogueUsed(
            catalogue=version.name,
            version_id=version.version_id,
            doc_number=version.doc_number,
            effective_date=version.effective_date,
            row_number=row.row_number if row else None,
            unit=row.unit if row else None,
            start=row.start if row else None,
            end=row.end if row else None,
            task=row.task if row else None,
        )
    return ConditionOut(
        kind=v.kind,
        title=v.title,
        status=v.status,
        reason=m.text(v.reason),
        evidence=[_evidence(u, m) for u in v.used],
        catalogue=catalogue,
    )


def check_eligibility(
    archive: Archive,
    actor: Actor,
    programme_id: str,
    persons: list[LookupQuery],
    as_of: date | None = None,
) -> EligibilityOut:
    if not 1 <= len(persons) <= MAX_PERSONS:
        raise Invalid(
            "invalid_parameters",
            f"一次核查 1 到 {MAX_PERSONS} 人",
            f"check 1 to {MAX_PERSONS} persons at a time",
        )
    programme = programmes(archive).get(programme_id)
    if programme is None:
        raise NotFound.of(f"项目“{programme_id}”的规则", "programme")
    now = datetime.now(UTC)
    day = (as_of or now.astimezone(archive.timezone).date()).isoformat()
    catalogues = _catalogues(archive, programme, day)
    matched = match_persons(archive, persons)
    # Page words, and service history lines, are read from the pages' lines.
    needs_lines = any(
        isinstance(c, PageWithWords | ServedInCatalogue) for c in programme.conditions
    )
    m = Masker(actor)

    def verdict(match: Match) -> PersonVerdict:
        candidates = [
            CandidateOut(
                document_id=c.document_id,
                source=m.text(matched.sources.get(c.document_id, "")),
                reasons=c.reasons,
            )
            for c in match.candidates
        ]
        if match.status != "exact":
            why = _UNMATCHED[match.status]
            return PersonVerdict(
                match=match.status,
                document_ids=[],
                candidates=candidates
                or [
                    CandidateOut(
                        document_id=i, source=m.text(matched.sources.get(i, "")), reasons=[]
                    )
                    for i in match.document_ids
                ],
                verdict="unproven",
                conditions=[
                    ConditionOut(
                        kind=c.kind, title=c.title, status="unproven", reason=why, evidence=[]
                    )
                    for c in programme.conditions
                ],
            )
        docs = _facts(archive, match.document_ids, matched.sources, needs_lines)
        results = [evaluate(c, docs, catalogues) for c in programme.conditions]
        first = matched.values.get(match.document_ids[0], {})
        name, number = first.get("name"), first.get("id_number")
        return PersonVerdict(
            match=match.status,
            name=name.value if name else None,
            id_number=m.value("id_number", number.value) if number else None,
            document_ids=match.document_ids,
            verdict=overall(results),
            conditions=[_condition(v, catalogues, m) for v in results],
        )

    results = [verdict(match) for match in matched.matches]
    archive.audit.record(
        actor,
        "eligibility",
        {
            "programme": programme.id,
            "as_of": day,
            "catalogue_versions": sorted(c.version_id for c in catalogues.values()),
            "persons": [q.model_dump(exclude_none=True) for q in persons],
            "verdicts": [r.verdict for r in results],
        },
        matched.document_ids,
    )
    return EligibilityOut(
        programme=programme_out(programme),
        as_of=day,
        checked_by=actor.name,
        checked_at=now,
        results=results,
    )
