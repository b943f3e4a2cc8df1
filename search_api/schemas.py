"""Request bodies of /api/v1, and the response bodies only the API gives (the use cases'
answers are in archive.usecases.views), with the Chinese descriptions the OpenAPI schema
shows to integrating engineers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from archive.usecases.correct import MAX_NOTE_CHARS, MAX_VALUE_CHARS
from archive.usecases.lookup import LookupQuery
from archive.usecases.pointing import PointAt
from archive.usecases.views import EvidenceOut


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
    reasons: list[str] | None = Field(
        None, description="仅 probable：为何可能是此人（姓名差一字、出生日期相同、身份证号一致）"
    )


class LookupResult(BaseModel):
    status: Literal["exact", "ambiguous", "probable", "none"] = Field(
        description=(
            "exact：恰好一个人（可能有多份档案）；ambiguous：多个人符合，records 为候选；"
            "probable：姓名无完全相符者，records 为姓名只差一字、出生日期相同的候选（很可能是识别"
            "错误，须人工确认）；none：没有"
        )
    )
    records: list[LookupRecord]


class LookupOut(BaseModel):
    results: list[LookupResult] = Field(description="与 queries 一一对应，顺序相同")


Bbox = Annotated[
    list[Annotated[int, Field(ge=0, le=1_000_000)]],
    Field(
        min_length=4,
        max_length=4,
        description="原始扫描页图像上的框 [x0, y0, x1, y1]（像素）",
        examples=[[412, 233, 618, 270]],
    ),
]


class PointAtIn(BaseModel):
    page: int = Field(ge=1, le=100_000, description="页码（从 1 起）")
    bbox: Bbox
    how: Literal["word", "item", "region"] = Field(
        description="word：点选的识别文字；item：点选的其他项目；region：框选的区域（服务器当场重新识别）"
    )

    def at(self) -> PointAt:
        x0, y0, x1, y1 = self.bbox
        return PointAt(self.page, (x0, y0, x1, y1), self.how)


class CorrectionIn(BaseModel):
    value: str | None = Field(
        max_length=MAX_VALUE_CHARS,
        description="正确的值；与机器值相同即为确认；null 表示原件上没有此项",
    )
    note: str | None = Field(None, max_length=MAX_NOTE_CHARS, description="备注（可选）")
    pointed: PointAtIn | None = Field(
        None,
        description="值在原件上的出处（可选）：所指处的文字由服务器从已存的识别结果中取出或当场重新识别，"
        "作为该值的出处保存；补填机器未找到的字段时，旁边的标签会被提议为该字段的标签",
    )


class RegionIn(BaseModel):
    bbox: Bbox


class DecisionIn(BaseModel):
    accept: bool = Field(description="true 采纳（此后入库与重新提取时使用），false 不采纳")


class AuditEntryOut(BaseModel):
    id: int
    at: datetime
    key_name: str
    role: str
    action: str = Field(
        description="search、view_record、view_person、view_image、read_region、lookup、correct、"
        "decide_synonym、upload"
    )
    query: dict[str, object]
    record_ids: list[int]
    request_id: str
    hash: str = Field(description="此条的哈希（含前一条的哈希）")


class AnchorOut(BaseModel):
    id: int = Field(description="最新一条的条号")
    hash: str = Field(description="其哈希（SHA-256）：记在系统之外，日后核对日志未被截短或重写")


class BreakOut(BaseModel):
    id: int = Field(description="出问题的条号")
    problem: Literal[
        "changed", "missing_before", "inserted_or_reordered", "anchor_gone", "anchor_changed"
    ] = Field(
        description="changed 内容被改；missing_before 之前有记录被删；inserted_or_reordered "
        "接不上（前面有记录被插入或改动）；anchor_gone 锚点那条已不存在；"
        "anchor_changed 锚点哈希不同"
    )
    message: str


class AuditOut(BaseModel):
    entries: list[AuditEntryOut]
    next: str | None = Field(description="更早记录的游标")
    anchor: AnchorOut | None = Field(None, description="审计链的锚点（最新一条）")


class VerifyOut(BaseModel):
    whole: bool = Field(description="哈希链是否完整")
    breaks: list[BreakOut]
    anchor: AnchorOut | None = Field(description="现在的锚点")
