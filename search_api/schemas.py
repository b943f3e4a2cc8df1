"""Request bodies of /api/v1, and the response bodies only the API gives (the use cases'
answers are in archive.usecases.views), with the Chinese descriptions the OpenAPI schema
shows to integrating engineers."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from archive.usecases.lookup import LookupQuery
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


class LookupResult(BaseModel):
    status: Literal["exact", "ambiguous", "none"] = Field(
        description=(
            "exact：恰好一个人（可能有多份档案）；ambiguous：多个人符合，records 为候选；none：没有"
        )
    )
    records: list[LookupRecord]


class LookupOut(BaseModel):
    results: list[LookupResult] = Field(description="与 queries 一一对应，顺序相同")


class CorrectionIn(BaseModel):
    value: str | None = Field(description="正确的值；与机器值相同即为确认；null 表示原件上没有此项")
    note: str | None = Field(None, max_length=500, description="备注（可选）")


class AuditEntryOut(BaseModel):
    id: int
    at: datetime
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
