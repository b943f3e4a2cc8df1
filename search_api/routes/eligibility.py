"""POST /eligibility: a programme's conditions checked for many persons, with evidence."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Body, Depends
from pydantic import BaseModel, Field

from archive.domain import Actor
from archive.usecases.eligibility import (
    MAX_PERSONS,
    EligibilityOut,
    ProgrammeOut,
    check_eligibility,
    programme_out,
    programmes,
)
from archive.usecases.matching import LookupQuery
from search_api.auth import LOOKUPS, allow
from search_api.errors import documented
from search_api.services import Services, services

router = APIRouter(tags=["资格核查"])


class EligibilityIn(BaseModel):
    programme: str = Field(max_length=40, description="项目编号（见 GET /eligibility/programmes）")
    persons: list[LookupQuery] = Field(
        min_length=1, max_length=MAX_PERSONS, description=f"至多 {MAX_PERSONS} 人，写法同 lookup"
    )
    as_of: date | None = Field(
        None, description="按哪一天生效的目录版本核查（默认今天）", examples=["2026-12-01"]
    )


EXAMPLES = {
    "nuclear": {
        "summary": "涉核人员身份核查",
        "value": {"programme": "nuclear", "persons": [{"id_number": "11010519491231002X"}]},
    },
}


@router.get(
    "/eligibility/programmes",
    response_model=list[ProgrammeOut],
    summary="可核查的项目及其条件",
    responses=documented(409),
)
def list_programmes(
    caller: Annotated[Actor, Depends(allow(*LOOKUPS))],
    svc: Annotated[Services, Depends(services)],
) -> list[ProgrammeOut]:
    """数据目录 `programmes/` 中的规则文件（TOML），每个项目及其各条件的标题。"""
    return [programme_out(p) for p in programmes(svc.archive).values()]


@router.post(
    "/eligibility",
    response_model=EligibilityOut,
    summary="按项目规则核查资格（至多 1000 人），逐条给出依据",
    responses=documented(404, 409),
)
def eligibility(
    body: Annotated[EligibilityIn, Body(openapi_examples=EXAMPLES)],
    caller: Annotated[Actor, Depends(allow(*LOOKUPS))],
    svc: Annotated[Services, Depends(services)],
) -> EligibilityOut:
    """每人每个条件给出 `met`（满足）、`not_met`（不满足）或 `unproven`（无法证明），并附所依据的
    字段值：所在页、原始扫描页上的框、置信度、是否待复核、人工更正，以及所用目录的版本、文号和匹配行。

    - 依据的值待复核、各份档案不一致、或日期精度不足以判断时，该条件为 **unproven**，绝不为 met。
    - 所有条件都 met 时总结论才为 **met**；有条件 not_met 时为 **not_met**；否则为 **unproven**。
    - 人员写法同 `POST /lookup`；未找到、多人符合或只有姓名差一字的候选时，结论为 unproven，
      候选列在 `candidates` 中。
    - 每次核查都记入审计日志。
    """
    return check_eligibility(svc.archive, caller, body.programme, body.persons, body.as_of)
