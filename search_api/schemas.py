"""Request and response bodies of /api/v1, with the Chinese descriptions the OpenAPI schema
shows to integrating engineers."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, model_validator

ID_EXAMPLE = "11010519491231002X"


def _utc(at: datetime) -> datetime:
    # SQLite gives back the UTC times it was given without their zone.
    return at if at.tzinfo else at.replace(tzinfo=UTC)


UtcDateTime = Annotated[datetime, AfterValidator(_utc)]


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


class CorrectionOut(BaseModel):
    value: str | None = Field(description="人工确认或更正后的值")
    machine_value: str | None = Field(description="当时机器识别的值")
    by: str = Field(description="操作人（密钥名称）")
    at: UtcDateTime = Field(description="时间（UTC）")
    note: str | None = Field(None, description="备注")


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


class RecordOut(BaseModel):
    document_id: int = Field(description="档案（源文件）编号", examples=[42])
    source: str = Field(description="上传时的文件名", examples=["王伟-退役登记表.pdf"])
    media_type: str = Field(description="文件类型", examples=["application/pdf"])
    sha256: str = Field(description="文件内容的 SHA-256")
    ingested_at: UtcDateTime = Field(description="入库时间（UTC）")
    fields: dict[str, FieldOut] = Field(description="全部关键字段，键见 DESIGN 字段表")
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


class LookupQuery(BaseModel):
    """按身份证号，或按姓名加出生日期查询一个人。"""

    id_number: str | None = Field(None, description="18 位身份证号", examples=[ID_EXAMPLE])
    name: str | None = Field(None, description="姓名（与 birth_date 同用）", examples=["王伟"])
    birth_date: str | None = Field(
        None,
        description="出生日期 yyyy-mm 或 yyyy-mm-dd（与 name 同用）",
        pattern=r"^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$",
        examples=["1949-12"],
    )

    @model_validator(mode="after")
    def one_way_to_ask(self) -> LookupQuery:
        by_id = bool(self.id_number and self.id_number.strip())
        by_name = bool(self.name and self.name.strip() and self.birth_date)
        if by_id == by_name:
            raise ValueError("each query needs id_number, or name with birth_date (not both)")
        return self


class LookupIn(BaseModel):
    queries: list[LookupQuery] = Field(min_length=1, max_length=1000, description="至多 1000 条")


class LookupField(BaseModel):
    value: str | None
    confidence: float
    needs_review: bool
    evidence: EvidenceOut | None


class LookupRecord(BaseModel):
    document_id: int
    source: str
    fields: dict[str, LookupField]


class LookupResult(BaseModel):
    status: Literal["exact", "ambiguous", "none"] = Field(
        description=(
            "exact：恰好一个人（可能有多份档案）；ambiguous：多个人符合，records 为候选；none：没有"
        )
    )
    records: list[LookupRecord]


class LookupOut(BaseModel):
    results: list[LookupResult] = Field(description="与 queries 一一对应，顺序相同")


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


class CorrectionIn(BaseModel):
    value: str | None = Field(description="正确的值；与机器值相同即为确认；null 表示原件上没有此项")
    note: str | None = Field(None, max_length=500, description="备注（可选）")


class AuditEntryOut(BaseModel):
    id: int
    at: UtcDateTime
    key_name: str
    role: str
    action: str = Field(
        description="search、view_record、view_person、view_image、lookup、correct、upload"
    )
    query: dict[str, object]
    record_ids: list[int]
    request_id: str


class AuditOut(BaseModel):
    entries: list[AuditEntryOut]
    next: str | None = Field(description="更早记录的游标")
