"""POST /lookup: the batch contract eligibility systems build on (DESIGN, API contract)."""

from __future__ import annotations

import unicodedata
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Body, Depends
from fastapi.responses import Response

from archive.domain import Evidence
from search_api.auth import LOOKUPS, Caller, allow
from search_api.schemas import LookupIn, LookupOut, LookupQuery
from search_api.services import Services, services
from search_api.views import Masker, lookup_fields

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


def _plain(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def _birth_matches(asked: str, stored: str | None) -> bool:
    """A month asked matches any day of it; a day asked matches that day, or a record that
    gives only its month (it cannot say otherwise)."""
    if not stored:
        return False
    shorter = min(len(asked), len(stored))
    return asked[:shorter] == stored[:shorter] and shorter >= 7


def _value(
    values: dict[str, tuple[str | None, float, bool, Evidence | None]], key: str
) -> str | None:
    return values[key][0] if key in values else None


@router.post("/lookup", response_model=LookupOut, summary="批量核查人员（至多 1000 条）")
def lookup(
    body: Annotated[LookupIn, Body(openapi_examples=EXAMPLES)],
    caller: Annotated[Caller, Depends(allow(*LOOKUPS))],
    svc: Annotated[Services, Depends(services)],
) -> Response:
    """每条查询给出结果状态与字段（含置信度、是否待复核、出处）。

    - **exact**：恰好对应一个人：按身份证号时为持有该号的全部档案；按姓名加出生日期时，
      符合的档案都属于同一身份证号（或只有一份档案）。
    - **ambiguous**：符合的档案分属多个人，`records` 列出全部候选，由调用方人工判断。
    - **none**：没有符合的档案。

    字段值带 `needs_review` 与 `confidence`：待复核的值不应直接作为认定依据。
    身份证号按 GB 11643 规范化（全角转半角、x 转 X）后精确匹配；姓名去空白后精确匹配；
    出生日期 `yyyy-mm` 匹配该月任意一天，`yyyy-mm-dd` 也匹配只记到月的档案。
    """
    id_numbers = [_plain(q.id_number).upper() for q in body.queries if q.id_number]
    names = [_plain(q.name) for q in body.queries if q.name and not q.id_number]
    by_id = svc.store.documents_with_value("id_number", id_numbers) if id_numbers else {}
    by_name = svc.store.documents_with_value("name", names) if names else {}
    wanted = sorted({i for ids in (*by_id.values(), *by_name.values()) for i in ids})
    fields = svc.store.evidence_values(wanted)
    sources = (
        {d["id"]: d["source_name"] for d in svc.store.iter_documents(ids=wanted)} if wanted else {}
    )
    m = Masker(caller)

    def record(doc_id: int) -> dict[str, Any]:
        return {
            "document_id": doc_id,
            "source": sources.get(doc_id, ""),
            "fields": lookup_fields(fields.get(doc_id, {}), m),
        }

    def answer(q: LookupQuery) -> tuple[str, list[int]]:
        if q.id_number:
            ids = by_id.get(_plain(q.id_number).upper(), [])
            return ("exact" if ids else "none"), ids
        assert q.name and q.birth_date  # the model's validator saw to it
        ids = [
            i
            for i in by_name.get(_plain(q.name), [])
            if _birth_matches(q.birth_date, _value(fields.get(i, {}), "birth_date"))
        ]
        people = {_value(fields.get(i, {}), "id_number") or f"document:{i}" for i in ids}
        return ("none" if not ids else "exact" if len(people) == 1 else "ambiguous"), ids

    answers = [answer(q) for q in body.queries]
    svc.audit.append(
        caller.key_name,
        caller.role.value,
        "lookup",
        {"queries": [q.model_dump(exclude_none=True) for q in body.queries]},
        sorted({i for _, ids in answers for i in ids}),
        caller.request_id,
    )
    results = [{"status": status, "records": [record(i) for i in ids]} for status, ids in answers]
    return Response(orjson.dumps({"results": results}), media_type="application/json")
