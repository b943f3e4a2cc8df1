"""What the use cases answer with, the same for the API, the web pages and the CLI: records,
fields with their evidence, hits, persons and jobs, ID numbers masked for whoever may not see
them. The Chinese descriptions are what the OpenAPI schema shows to integrating engineers."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from archive.domain import FIELD_KEYS, Actor, Evidence, ExtractedField, OtherItem, Pointed
from archive.masking import mask_id, mask_ids_in_text
from archive.search.model import SearchHit
from archive.store.rows import Correction, CurrentValue, StoredDocument, StoredPage
from archive.store.stats import Figures, Period, Progress
from archive.store.synonyms import Synonym


class EvidenceOut(BaseModel):
    page: int = Field(description="页码（从 1 起）", examples=[1])
    bbox: list[int] = Field(
        description="在原始扫描页图像上的框 [x0, y0, x1, y1]（像素）",
        examples=[[412, 233, 618, 270]],
    )
    text: str = Field(description="识别出的原文", examples=["王伟"])


class AlternativeOut(BaseModel):
    value: str | None = Field(description="同一文件其他位置读到的另一个值")
    evidence: EvidenceOut


class PointedOut(BaseModel):
    how: Literal["word", "item", "region"] = Field(
        description="值从哪里取：word 点选的识别文字，item 点选的其他项目，region 框选后当场识别"
    )
    evidence: EvidenceOut = Field(description="所指之处：页、框、该处识别出的原文")
    confidence: float = Field(description="该处识别的置信度（最不确定的字）")


class CorrectionOut(BaseModel):
    value: str | None = Field(description="人工确认或更正后的值")
    machine_value: str | None = Field(description="当时机器识别的值")
    by: str = Field(description="操作人（密钥名称）")
    at: datetime = Field(description="时间（UTC）")
    note: str | None = Field(None, description="备注")
    pointed: PointedOut | None = Field(None, description="人工在原件上指出的出处（如有）")


class RegionOut(BaseModel):
    page: int = Field(description="页码")
    bbox: list[int] = Field(description="所框的区域（原始页图像上的像素）")
    text: str = Field(description="引擎在框内读出的文字；没有读出为空")
    confidence: float = Field(description="置信度 0–1（最不确定的字）；没有读出为 0")


class SynonymOut(BaseModel):
    id: int
    bureau: str = Field(description="所属的局")
    key: str = Field(description="字段键")
    label: str = Field(description="表上印的标签", examples=["籍貫"])
    status: Literal["proposed", "accepted", "rejected"] = Field(
        description="proposed 待定，accepted 已采纳（入库与重新提取时使用），rejected 不采纳"
    )
    proposals: int = Field(description="档案员补填时提出此建议的次数")
    document_id: int = Field(description="首次提出时的档案")
    label_evidence: EvidenceOut = Field(description="标签在该档案页上的位置")
    value_text: str = Field(description="档案员在标签旁取的值")
    proposed_by: str
    proposed_at: datetime
    decided_by: str | None = Field(None, description="采纳或不采纳的管理员")
    decided_at: datetime | None = None


class FieldOut(BaseModel):
    value: str | None = Field(description="当前值（有人工更正时为更正后的值）；未找到为 null")
    confidence: float = Field(description="置信度 0–1；人工确认或更正后为 1", examples=[0.97])
    needs_review: bool = Field(description="是否需要人工复核")
    reasons: list[str] = Field(default_factory=list, description="需要复核的原因")
    repair: str | None = Field(None, description="机器自动修正的说明（依据校验位等）")
    evidence: EvidenceOut | None = Field(description="出处：页、框、原文")
    alternatives: list[AlternativeOut] = Field(
        default_factory=list, description="其他页读到的不同值"
    )
    machine_value: str | None = Field(None, description="机器识别的值（有人工更正时保留）")
    corrected_by: str | None = Field(None, description="最后确认或更正的人")
    history: list[CorrectionOut] = Field(
        default_factory=list, description="人工确认与更正的全部记录"
    )


class PageOut(BaseModel):
    number: int = Field(description="页码")
    width: int = Field(description="原始页图像宽（像素）")
    height: int = Field(description="原始页图像高（像素）")
    rotation: int = Field(description="识别前转正所转的角度（0/90/180/270）")
    skew_deg: float = Field(description="纠正的倾斜角（度）")
    mean_confidence: float = Field(description="整页平均识别置信度")
    image_url: str = Field(description="原始页图像地址")
    processed_image_url: str = Field(description="处理后（转正、纠斜、二值化）页图像地址")
    estimated_dpi: int | None = Field(
        None, description="按文字高度估计的实际分辨率（dpi，以 12 磅字为准）；早期入库的页面没有"
    )
    seal_texts: list[str] = Field(
        default_factory=list, description="页上每枚印章的文字（印章文字不进入正文和字段）"
    )


class OtherItemOut(BaseModel):
    label: str = Field(description="表上印的标签", examples=["文化程度"])
    value: str = Field(description="其值（识别出的原文）", examples=["高中"])
    evidence: EvidenceOut


class RecordOut(BaseModel):
    document_id: int = Field(description="档案（源文件）编号", examples=[42])
    source: str = Field(description="上传时的文件名", examples=["王伟-退役登记表.pdf"])
    media_type: str = Field(description="文件类型", examples=["application/pdf"])
    sha256: str = Field(description="文件内容的 SHA-256")
    ingested_at: datetime = Field(description="入库时间（UTC）")
    fields: dict[str, FieldOut] = Field(description="全部关键字段，键见 DESIGN 字段表")
    other_items: list[OtherItemOut] = Field(
        default_factory=list, description="其他项目：表上读到的、不属于关键字段的标签与值"
    )
    pages: list[PageOut]


class HighlightOut(BaseModel):
    page: int = Field(description="页码")
    snippet: str = Field(
        description="摘录，命中处以【】标出", examples=["……于【1998年12月】入伍……"]
    )


class HitOut(BaseModel):
    document_id: int
    source: str = Field(description="上传时的文件名")
    score: float = Field(description="相关度（越大越相关）")
    name: str | None = Field(None, description="姓名")
    gender: str | None = Field(None, description="性别")
    id_number: str | None = Field(
        None, description="身份证号（staff 角色看到的是遮蔽形式 340123********1234）"
    )
    unit: str | None = Field(None, description="部队番号")
    birth_date: str | None = Field(None, description="出生日期")
    enlistment_date: str | None = Field(None, description="入伍时间")
    discharge_date: str | None = Field(None, description="退役时间")
    discharge_type: str | None = Field(None, description="退役方式")
    highlights: list[HighlightOut] = Field(default_factory=list, description="全文命中摘录")


class SearchOut(BaseModel):
    total: int = Field(description="命中总数")
    hits: list[HitOut]
    facets: dict[str, dict[str, int]] = Field(
        description="分面计数：discharge_type、enlistment_year、unit",
        examples=[{"discharge_type": {"自主就业": 12}, "enlistment_year": {"1998": 5}, "unit": {}}],
    )
    next: str | None = Field(description="下一页的游标；没有下一页为 null")


class PersonValue(BaseModel):
    value: str | None
    document_ids: list[int] = Field(description="读到这个值的档案")
    confidence: float = Field(description="这些档案中的最高置信度")
    needs_review: bool


class PersonField(BaseModel):
    value: str | None = Field(description="各档案一致时的值；不一致时为 null，见 values")
    agreed: bool = Field(description="各档案是否一致")
    values: list[PersonValue]


class PersonOut(BaseModel):
    id_number: str
    documents: list[dict[str, int | str]] = Field(
        description="此人的全部档案 {document_id, source}"
    )
    fields: dict[str, PersonField]
    conflicts: list[str] = Field(description="档案之间不一致的字段")


class FileState(BaseModel):
    name: str = Field(description="上传时的文件名（含文件夹内的相对路径）")
    state: Literal["queued", "processing", "ok", "skipped", "failed"] = Field(
        description="queued 排队；processing 处理中；ok 已入库；skipped 已有相同内容；failed 失败"
    )
    document_id: int | None = Field(None, description="入库后（或相同内容已有）的档案编号")
    pages: int = 0
    reason_code: str | None = Field(None, description="失败或跳过的原因代码（见 README）")
    message: str | None = Field(None, description="原因说明")


class JobOut(BaseModel):
    job_id: int
    status: Literal["queued", "running", "finished", "interrupted"] = Field(description="作业状态")
    total: int = Field(description="文件数")
    done: int = Field(description="已有结果的文件数")
    ok: int
    skipped: int
    failed: int
    files: list[FileState]


class Masker:
    """Masks ID numbers for one actor: the ID number field, and any ID number in any other
    string they are shown (values, text as read, notes, file names; archive.masking)."""

    def __init__(self, actor: Actor) -> None:
        self.on = not actor.sees_id_numbers

    def value(self, key: str, value: str | None) -> str | None:
        if not self.on or value is None:
            return value
        return mask_id(value) if key == "id_number" else mask_ids_in_text(value)

    def text(self, text: str) -> str:
        return mask_ids_in_text(text) if self.on else text

    def note(self, text: str | None) -> str | None:
        return None if text is None else self.text(text)

    def repair(self, key: str, text: str | None) -> str | None:
        """An ID number's repair names the digit it changed and where: hidden digits too."""
        if text and self.on and key == "id_number":
            return "按校验位修正了一位数字（位置与数字仅有权查看身份证号的角色可见）"
        return self.note(text)

    def evidence(self, e: Evidence | None) -> EvidenceOut | None:
        return None if e is None else self.shown(e)

    def shown(self, e: Evidence) -> EvidenceOut:
        return EvidenceOut(page=e.page, bbox=e.box, text=self.text(e.text))


def _pointed_out(p: Pointed | None, m: Masker) -> PointedOut | None:
    if p is None:
        return None
    return PointedOut(how=p.how, evidence=m.shown(p.evidence), confidence=p.confidence)


def synonym_out(s: Synonym, m: Masker) -> SynonymOut:
    return SynonymOut(
        id=s.id,
        bureau=s.bureau,
        key=s.key,
        label=s.label,
        status=s.status,
        proposals=s.proposals,
        document_id=s.document_id,
        label_evidence=m.shown(s.label_evidence),
        value_text=m.value(s.key, s.value_text) or "",
        proposed_by=s.proposed_by,
        proposed_at=s.proposed_at,
        decided_by=s.decided_by,
        decided_at=s.decided_at,
    )


def _missing() -> FieldOut:
    return FieldOut(
        value=None, confidence=0.0, needs_review=True, reasons=["未提取"], evidence=None
    )


def field_out(f: ExtractedField, history: list[Correction], m: Masker) -> FieldOut:
    return FieldOut(
        value=m.value(f.key, f.value),
        confidence=f.confidence,
        needs_review=f.needs_review,
        reasons=f.reasons,
        repair=m.repair(f.key, f.repair),
        evidence=m.evidence(f.evidence),
        alternatives=[
            AlternativeOut(value=m.value(f.key, a.value), evidence=m.evidence(a.evidence))
            for a in f.alternatives
        ],
        machine_value=m.value(f.key, f.machine_value),
        corrected_by=f.corrected_by,
        history=[
            CorrectionOut(
                value=m.value(f.key, c.value),
                machine_value=m.value(f.key, c.machine_value),
                by=c.corrected_by,
                at=c.corrected_at,
                note=m.note(c.note),
                pointed=_pointed_out(c.pointed, m),
            )
            for c in history
            if c.key == f.key
        ],
    )


def lookup_fields(values: dict[str, CurrentValue], m: Masker) -> dict[str, dict[str, object]]:
    """A record's fields as LookupField dicts: built plain, since a batch of a thousand
    records would spend most of its time validating models it has just built itself."""
    out: dict[str, dict[str, object]] = {}
    for key in FIELD_KEYS:
        v = values.get(key)
        if v is None:
            out[key] = {"value": None, "confidence": 0.0, "needs_review": True, "evidence": None}
            continue
        e = v.evidence
        out[key] = {
            "value": m.value(key, v.value),
            "confidence": v.confidence,
            "needs_review": v.needs_review,
            "evidence": None
            if e is None
            else {"page": e.page, "bbox": e.box, "text": m.text(e.text)},
        }
    return out


def record_out(
    document: StoredDocument,
    pages: list[StoredPage],
    found: list[ExtractedField],
    items: list[OtherItem],
    history: list[Correction],
    m: Masker,
) -> RecordOut:
    base = f"/api/v1/documents/{document.id}/pages"
    by_key = {f.key: f for f in found}
    return RecordOut(
        document_id=document.id,
        source=m.text(document.source_name),
        media_type=document.media_type.value,
        sha256=document.sha256,
        ingested_at=document.created_at,
        fields={
            k: field_out(by_key[k], history, m) if k in by_key else _missing() for k in FIELD_KEYS
        },
        other_items=[
            OtherItemOut(
                label=i.label,
                value=m.text(i.value),
                evidence=EvidenceOut(
                    page=i.evidence.page, bbox=i.evidence.box, text=m.text(i.evidence.text)
                ),
            )
            for i in items
        ],
        pages=[
            PageOut(
                number=p.number,
                width=p.width,
                height=p.height,
                rotation=p.rotation,
                skew_deg=p.skew_deg,
                mean_confidence=p.mean_confidence,
                image_url=f"{base}/{p.number}/image",
                processed_image_url=f"{base}/{p.number}/image?kind=processed",
                estimated_dpi=p.estimated_dpi,
                seal_texts=[m.text(t) for t in p.seal_texts],
            )
            for p in pages
        ],
    )


def hit_out(h: SearchHit) -> HitOut:
    """A hit as the use case masked it (find_records)."""
    return HitOut(
        document_id=h.document_id,
        source=h.source,
        score=h.score,
        highlights=[HighlightOut(page=x.page, snippet=x.snippet) for x in h.highlights],
        **{k: v for k, v in h.fields.items() if k in HitOut.model_fields},
    )


def figures_dict(f: Figures) -> dict[str, int | float | None]:
    share = f.confirmed_share
    return {
        "files": f.files,
        "pages": f.pages,
        "flagged": f.flagged,
        "reviewed": f.reviewed,
        "corrected": f.corrected,
        "confirmed_share": round(share, 4) if share is not None else None,
    }


def progress_dict(p: Progress, by: Period) -> dict[str, object]:
    """The figures as GET /api/v1/stats and `archive stats --json` give them."""
    return {
        "total": {
            **figures_dict(p.total),
            "persons": p.persons,
            "files_without_id": p.files_without_id,
        },
        "by": by,
        "periods": [{"period": k, **figures_dict(v)} for k, v in p.periods.items()],
    }
