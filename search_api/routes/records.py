"""One record with every field's evidence and history; a person's correction of a field."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from archive.domain import FIELD_KEYS, Actor
from archive.usecases import correct
from archive.usecases.records import view_record
from archive.usecases.views import FieldOut, RecordOut
from search_api.auth import REVIEWERS, SEARCHERS, allow
from search_api.schemas import CorrectionIn
from search_api.services import Services, services

router = APIRouter(tags=["档案"])
DocumentId = Annotated[int, Path(ge=1, le=2**62, description="档案编号")]


@router.get("/records/{document_id}", response_model=RecordOut, summary="一份档案：全部字段及出处")
def get_record(
    document_id: DocumentId,
    caller: Annotated[Actor, Depends(allow(*SEARCHERS))],
    svc: Annotated[Services, Depends(services)],
) -> RecordOut:
    return view_record(svc.archive, caller, document_id)


@router.patch(
    "/records/{document_id}/fields/{key}", response_model=FieldOut, summary="更正或确认一个字段"
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
    return correct.correct_field(svc.archive, caller, document_id, key, body.value, body.note)
