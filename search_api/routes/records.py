"""One record with every field's evidence and history; a person's correction of a field."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

import structlog
from fastapi import APIRouter, Depends, Path

from archive.domain import FIELD_KEYS
from archive.idnumber import well_formed
from archive.search.feed import drain
from archive.search.model import SearchUnavailable
from search_api.auth import REVIEWERS, SEARCHERS, Caller, allow
from search_api.errors import ApiError, not_found
from search_api.schemas import CorrectionIn, FieldOut, RecordOut
from search_api.services import Services, services
from search_api.views import Masker, field_out, record_out

log = structlog.get_logger(__name__)
router = APIRouter(tags=["档案"])
DocumentId = Annotated[int, Path(ge=1, le=2**62, description="档案编号")]
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


def _valid_date(value: str) -> bool:
    m = _ISO_DATE.match(value)
    if not m:
        return False
    try:
        date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
    except ValueError:
        return False
    return True


def normalised(key: str, value: str | None) -> str | None:
    """A person's value in the form DESIGN's field table gives; refused when it cannot be."""
    if value is None:
        return None
    value = "".join(value.split())
    if not value:
        return None
    if key == "id_number":
        value = value.upper()
        if not well_formed(value):
            raise ApiError(
                422,
                "invalid_value",
                "身份证号须为 18 位且校验位正确",
                "an ID number must be 18 characters with a valid check digit",
            )
    elif key.endswith("_date") and not _valid_date(value):
        raise ApiError(
            422,
            "invalid_value",
            "日期须为 yyyy-mm 或 yyyy-mm-dd",
            "a date must be yyyy-mm or yyyy-mm-dd",
        )
    elif key == "gender" and value not in ("男", "女"):
        raise ApiError(422, "invalid_value", "性别须为 男 或 女", "gender must be 男 or 女")
    return value


@router.get("/records/{document_id}", response_model=RecordOut, summary="一份档案：全部字段及出处")
def get_record(
    document_id: DocumentId,
    caller: Annotated[Caller, Depends(allow(*SEARCHERS))],
    svc: Annotated[Services, Depends(services)],
) -> RecordOut:
    document = svc.store.document(document_id)
    if document is None:
        raise not_found("这份档案", "record")
    out = record_out(
        document,
        svc.store.pages_of(document_id),
        svc.store.current_fields(document_id),
        svc.store.corrections(document_id),
        Masker(caller),
    )
    svc.audit.append(
        caller.key_name,
        caller.role.value,
        "view_record",
        {"document_id": document_id},
        [document_id],
        caller.request_id,
    )
    return out


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
    caller: Annotated[Caller, Depends(allow(*REVIEWERS))],
    svc: Annotated[Services, Depends(services)],
) -> FieldOut:
    """机器识别的值保留在历史中；检索索引随即更新。值与机器值相同即为确认。"""
    if svc.store.document(document_id) is None:
        raise not_found("这份档案", "record")
    value = normalised(key, body.value)
    if key not in {f.key for f in svc.store.current_fields(document_id)}:
        raise ApiError(
            409,
            "no_machine_reading",
            "这份档案尚未提取字段，请先运行 archive extract --all",
            "the record has no extracted fields yet",
        )
    now = svc.store.correct_field(document_id, key, value, by=caller.key_name, note=body.note)
    svc.audit.append(
        caller.key_name,
        caller.role.value,
        "correct",
        {"document_id": document_id, "key": key, "value": value},
        [document_id],
        caller.request_id,
    )
    try:
        drain(svc.store, svc.backend)
    except SearchUnavailable as exc:
        # The outbox keeps the update: `archive index sync`, or the next write, sends it.
        log.warning("api.index_behind", document_id=document_id, reason=str(exc))
    return field_out(now, svc.store.corrections(document_id), Masker(caller))
