"""One record with every field's evidence and history; a person's correction of a field."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from archive.domain import FIELD_KEYS, Actor
from archive.usecases import correct, pointing
from archive.usecases.records import view_record
from archive.usecases.views import FieldOut, RecordOut, RegionOut
from search_api.auth import REVIEWERS, SEARCHERS, allow
from search_api.errors import documented
from search_api.schemas import CorrectionIn, RegionIn
from search_api.services import Services, services

router = APIRouter(tags=["档案"])
DocumentId = Annotated[int, Path(ge=1, le=2**62, description="档案编号")]


@router.get(
    "/records/{document_id}",
    response_model=RecordOut,
    summary="一份档案：全部字段及出处",
    responses=documented(404),
)
def get_record(
    document_id: DocumentId,
    caller: Annotated[Actor, Depends(allow(*SEARCHERS))],
    svc: Annotated[Services, Depends(services)],
) -> RecordOut:
    return view_record(svc.archive, caller, document_id)


@router.patch(
    "/records/{document_id}/fields/{key}",
    response_model=FieldOut,
    summary="更正或确认一个字段",
    responses=documented(404, 409),
)
def correct_field(
    document_id: DocumentId,
    key: Annotated[
        str,
        Path(description="字段键", examples=["name"], pattern="^(" + "|".join(FIELD_KEYS) + ")$"),
    ],
    body: CorrectionIn,
    caller: Annotated[Actor, Depends(allow(*REVIEWERS))],
    svc: Annotated[Services, Depends(services)],
) -> FieldOut:
    """机器识别的值保留在历史中；检索索引随即更新。值与机器值相同即为确认。"""
    at = body.pointed.at() if body.pointed else None
    return correct.correct_field(svc.archive, caller, document_id, key, body.value, body.note, at)


@router.post(
    "/records/{document_id}/pages/{number}/read",
    response_model=RegionOut,
    responses=documented(404, 410, 503),
    summary="识别页面上所框的区域",
)
def read_region(
    document_id: DocumentId,
    number: Annotated[int, Path(ge=1, le=100_000, description="页码")],
    body: RegionIn,
    caller: Annotated[Actor, Depends(allow(*REVIEWERS))],
    svc: Annotated[Services, Depends(services)],
) -> RegionOut:
    """在原始扫描页上框出识别时漏掉的字迹，由识别引擎当场读取（按该页的转正角度与倾斜先行转正）。
    读到的文字可作为更正时 pointed.how=region 的值；出处以服务器重新识别的结果为准。"""
    x0, y0, x1, y1 = body.bbox
    return pointing.read_region(svc.archive, caller, document_id, number, (x0, y0, x1, y1))
