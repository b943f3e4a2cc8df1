"""GET /records/search: the search contract of DESIGN, on whichever backend is configured."""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from archive.domain import Actor
from archive.text import ISO_DATE
from archive.usecases.find import Found, find_records
from archive.usecases.views import SearchOut, hit_out
from search_api.auth import SEARCHERS, allow
from search_api.errors import documented
from search_api.services import Services, services

router = APIRouter(tags=["检索"])


def _date(description: str) -> object:
    return Query(description=description, pattern=f"^{ISO_DATE}$", examples=["1985-03"])


def search_out(found: Found) -> SearchOut:
    return SearchOut(
        total=found.total,
        hits=[hit_out(h) for h in found.hits],
        facets=found.facets,
        next=found.next,
    )


@router.get(
    "/records/search", response_model=SearchOut, summary="检索档案", responses=documented(503)
)
def search_records(
    caller: Annotated[Actor, Depends(allow(*SEARCHERS))],
    svc: Annotated[Services, Depends(services)],
    q: Annotated[
        str, Query(max_length=200, description="任意文字：姓名、部队、身份证号尾号、页面原文")
    ] = "",
    name: Annotated[
        str, Query(max_length=50, description="姓名：全名、任意两字、形近误识、无声调拼音")
    ] = "",
    unit: Annotated[
        str, Query(max_length=100, description="部队番号：全称、番号数字的一部分、长名称中的词")
    ] = "",
    id: Annotated[str, Query(max_length=18, description="身份证号全号，或末 4–6 位")] = "",
    discharge_type: Annotated[str, Query(max_length=50, description="退役方式（分面值）")] = "",
    enlistment_year: Annotated[
        str, Query(pattern=r"^(\d{4})?$", description="入伍年份（分面值）")
    ] = "",
    birth_from: Annotated[str, _date("出生日期下限（含）")] = "",
    birth_to: Annotated[str, _date("出生日期上限（含）")] = "",
    enlistment_from: Annotated[str, _date("入伍时间下限（含）")] = "",
    enlistment_to: Annotated[str, _date("入伍时间上限（含）")] = "",
    discharge_from: Annotated[str, _date("退役时间下限（含）")] = "",
    discharge_to: Annotated[str, _date("退役时间上限（含）")] = "",
    size: Annotated[int, Query(ge=1, le=100, description="每页条数")] = 20,
    cursor_: Annotated[
        str | None, Query(alias="cursor", max_length=200, description="上一页返回的 next")
    ] = None,
) -> Response:
    """参数即检索约定：各条件同时满足；q 在姓名、部队番号、身份证号与全部页面文字中查找。"""
    params = {
        "q": q,
        "name": name,
        "unit": unit,
        "id": id,
        "discharge_type": discharge_type,
        "enlistment_year": enlistment_year,
        "birth_from": birth_from,
        "birth_to": birth_to,
        "enlistment_from": enlistment_from,
        "enlistment_to": enlistment_to,
        "discharge_from": discharge_from,
        "discharge_to": discharge_to,
    }
    found = search_out(find_records(svc.archive, caller, params, size, cursor_))
    # Dumped once here: FastAPI would otherwise validate the model it was just given again.
    return Response(orjson.dumps(found.model_dump(mode="json")), media_type="application/json")
