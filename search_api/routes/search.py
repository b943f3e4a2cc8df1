"""GET /records/search: the search contract of DESIGN, on whichever backend is configured."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict
from typing import Annotated

import orjson
from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from archive.search.model import SearchQuery, SearchUnavailable
from search_api import cursor
from search_api.auth import SEARCHERS, Caller, allow
from search_api.errors import ApiError
from search_api.masking import mask_id, mask_ids_in_text
from search_api.schemas import HighlightOut, HitOut, SearchOut
from search_api.services import Services, services

router = APIRouter(tags=["检索"])
MAX_WINDOW = 10_000  # deepest result a cursor may reach (Elasticsearch's default window)
_DATE = r"\d{4}(-\d{2}(-\d{2})?)?"
_DATE_RE = re.compile(f"^({_DATE})?$")  # a bound may be left empty
DATE_PARAMS = tuple(
    f"{d}_{end}" for d in ("birth", "enlistment", "discharge") for end in ("from", "to")
)
SEARCH_PARAMS = ("q", "name", "unit", "id", "discharge_type", "enlistment_year", *DATE_PARAMS)


def _date(description: str) -> object:
    return Query(description=description, pattern=f"^{_DATE}$", examples=["1985-03"])


@router.get("/records/search", response_model=SearchOut, summary="检索档案")
def search_records(
    caller: Annotated[Caller, Depends(allow(*SEARCHERS))],
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
    found = find(caller, svc, params, size, cursor_)
    # Dumped once here: FastAPI would otherwise validate the model it was just given again.
    return Response(orjson.dumps(found.model_dump(mode="json")), media_type="application/json")


def find(
    caller: Caller,
    svc: Services,
    given: Mapping[str, str],
    size: int = 20,
    after: str | None = None,
) -> SearchOut:
    """One page of hits, as the caller may see them; the search is audited."""
    params: dict[str, object] = {k: str(given.get(k, "")).strip() for k in SEARCH_PARAMS}
    for key in DATE_PARAMS:
        if not _DATE_RE.match(str(params[key])):
            raise ApiError(
                422,
                "invalid_parameters",
                f"{key}：日期应为 yyyy、yyyy-mm 或 yyyy-mm-dd",
                f"{key}: a date must be yyyy, yyyy-mm or yyyy-mm-dd",
            )
    offset = cursor.decode(after, {**params, "size": size})
    query = SearchQuery(**params, size=min(size, MAX_WINDOW - offset), offset=offset)  # type: ignore[arg-type]
    if query.is_empty():
        raise ApiError(
            422, "empty_query", "请至少给出一个检索条件", "give at least one search condition"
        )
    if offset >= MAX_WINDOW:
        raise ApiError(
            422,
            "too_deep",
            f"最多翻到第 {MAX_WINDOW} 条，请缩小条件",
            f"results beyond {MAX_WINDOW} are not served; narrow the query",
        )
    try:
        result = svc.backend.search(query)
    except SearchUnavailable as exc:
        raise ApiError(
            503, "search_unavailable", "检索服务暂不可用", f"search backend unavailable: {exc}"
        ) from exc
    hits = []
    for h in result.hits:
        fields = dict(h.fields)
        highlights = [HighlightOut(**asdict(x)) for x in h.highlights]
        if not caller.sees_id_numbers:
            fields["id_number"] = mask_id(fields.get("id_number"))
            highlights = [
                HighlightOut(page=x.page, snippet=mask_ids_in_text(x.snippet)) for x in highlights
            ]
        hits.append(
            HitOut(
                document_id=h.document_id,
                source=h.source,
                score=h.score,
                highlights=highlights,
                **{k: v for k, v in fields.items() if k in HitOut.model_fields},
            )
        )
    end = offset + len(hits)
    more = end < min(result.total, MAX_WINDOW) and bool(hits)
    svc.audit.append(
        caller.key_name,
        caller.role.value,
        "search",
        {**{k: v for k, v in params.items() if v}, "offset": offset},
        [h.document_id for h in hits],
        caller.request_id,
    )
    return SearchOut(
        total=result.total,
        hits=hits,
        facets=result.facets,
        next=cursor.encode(end, {**params, "size": size}) if more else None,
    )
