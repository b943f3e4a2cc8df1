"""POST /lookup: the batch contract eligibility systems build on (DESIGN, API contract)."""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import APIRouter, Body, Depends
from fastapi.responses import Response

from archive.domain import Actor
from archive.usecases.lookup import lookup_persons
from search_api.auth import LOOKUPS, allow
from search_api.schemas import LookupIn, LookupOut
from search_api.services import Services, services

router = APIRouter(tags=["外部系统查询"])

EXAMPLES = {
    "by_id": {
        "summary": "按身份证号",
        "value": {"queries": [{"id_number": "11010519491231002X"}]},
    },
    "by_name": {
        "summary": "按姓名与出生年月",
        "value": {"queries": [{"name": "王伟", "birth_date": "1949-12"}]},
    },
}


@router.post("/lookup", response_model=LookupOut, summary="批量核查人员（至多 1000 条）")
def lookup(
    body: Annotated[LookupIn, Body(openapi_examples=EXAMPLES)],
    caller: Annotated[Actor, Depends(allow(*LOOKUPS))],
    svc: Annotated[Services, Depends(services)],
) -> Response:
    """每条查询给出结果状态与字段（含置信度、是否待复核、出处）。

    - **exact**：恰好对应一个人：按身份证号时为持有该号的全部档案；按姓名加出生日期时，
      符合的档案都属于同一身份证号（或只有一份档案）。
    - **ambiguous**：符合的档案分属多个人，`records` 列出全部候选，由调用方人工判断。
    - **probable**：没有姓名完全相符的档案，但有姓名只差一字、出生日期（及给出的性别）相同、
      身份证号与之一致的档案（很可能是识别把一个字认错），`records` 列出候选并附 `reasons`，
      须人工确认后再用。
    - **none**：没有符合的档案。

    字段值带 `needs_review` 与 `confidence`：待复核的值不应直接作为认定依据。
    身份证号按 GB 11643 规范化（全角转半角、x 转 X，15 位旧号码升为 18 位）后精确匹配；
    姓名去空白后精确匹配；
    出生日期 `yyyy-mm` 匹配该月任意一天，`yyyy-mm-dd` 也匹配只记到月的档案。
    """
    results = lookup_persons(svc.archive, caller, body.queries)
    return Response(orjson.dumps({"results": results}), media_type="application/json")
