"""The audit log (admins), progress figures, and the health probes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import JSONResponse

from archive.domain import Actor
from archive.usecases.admin import (
    AuditQuery,
    audit_anchor,
    audit_trail,
    digitisation_progress,
    parse_anchor,
    readiness,
    verify_audit,
)
from archive.usecases.synonyms import decide_synonym, list_synonyms
from archive.usecases.views import SynonymOut, progress_dict
from search_api.auth import ADMINS, SEARCHERS, allow
from search_api.errors import documented
from search_api.schemas import AnchorOut, AuditEntryOut, AuditOut, BreakOut, DecisionIn, VerifyOut
from search_api.services import Services, services

router = APIRouter()


@router.get("/audit", response_model=AuditOut, tags=["管理"], summary="审计日志（仅 admin）")
def audit(
    caller: Annotated[Actor, Depends(allow(*ADMINS))],
    svc: Annotated[Services, Depends(services)],
    action: Annotated[str | None, Query(max_length=32, description="只看某类操作")] = None,
    key_name: Annotated[str | None, Query(max_length=255, description="只看某个密钥")] = None,
    since: Annotated[datetime | None, Query(description="起（含）")] = None,
    until: Annotated[datetime | None, Query(description="止（不含）")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    before: Annotated[
        int | None, Query(ge=1, le=2**62, description="上一页返回的 next：更早的记录")
    ] = None,
) -> AuditOut:
    """最新的在前。审计日志只追加，不能修改或删除。"""
    asked = AuditQuery(before, limit, action, key_name, since, until)
    entries = audit_trail(svc.archive, asked)
    last = entries[-1].id if len(entries) == limit else None
    anchor = audit_anchor(svc.archive)
    return AuditOut(
        entries=[AuditEntryOut.model_validate(e, from_attributes=True) for e in entries],
        next=str(last) if last else None,
        anchor=AnchorOut.model_validate(anchor, from_attributes=True) if anchor else None,
    )


@router.get(
    "/audit/verify", response_model=VerifyOut, tags=["管理"], summary="核对审计哈希链（仅 admin）"
)
def audit_verify(
    caller: Annotated[Actor, Depends(allow(*ADMINS))],
    svc: Annotated[Services, Depends(services)],
    anchor: Annotated[
        str | None, Query(max_length=100, description="以前记下的锚点“条号:哈希”")
    ] = None,
) -> VerifyOut:
    """逐条重算哈希：被改、被删、被插入的记录都会报出；给了锚点还能发现日志被截短或整体重写。"""
    breaks = verify_audit(svc.archive, parse_anchor(anchor) if anchor else None)
    now = audit_anchor(svc.archive)
    return VerifyOut(
        whole=not breaks,
        breaks=[BreakOut.model_validate(b, from_attributes=True) for b in breaks],
        anchor=AnchorOut.model_validate(now, from_attributes=True) if now else None,
    )


@router.get(
    "/admin/synonyms",
    response_model=list[SynonymOut],
    tags=["管理"],
    summary="各局的字段标签建议（仅 admin）",
)
def synonyms(
    caller: Annotated[Actor, Depends(allow(*ADMINS))],
    svc: Annotated[Services, Depends(services)],
    bureau: Annotated[str | None, Query(max_length=255, description="只看某个局")] = None,
) -> list[SynonymOut]:
    """档案员补填机器未找到的字段时，所取值旁边的标签被提议为该字段的标签。待定的在前。"""
    return list_synonyms(svc.archive, caller, bureau)


@router.post(
    "/admin/synonyms/{synonym_id}",
    responses=documented(404, 409),
    response_model=SynonymOut,
    tags=["管理"],
    summary="采纳或不采纳一条标签建议（仅 admin）",
)
def decide(
    synonym_id: Annotated[int, Path(ge=1, le=2**62)],
    body: DecisionIn,
    caller: Annotated[Actor, Depends(allow(*ADMINS))],
    svc: Annotated[Services, Depends(services)],
) -> SynonymOut:
    """采纳的标签从下一次入库和 archive extract --all 起使用；记录由谁决定。
    同一局里一个标签只能属于一个字段（否则 409）。"""
    return decide_synonym(svc.archive, caller, synonym_id, body.accept)


@router.get("/stats", tags=["管理"], summary="数字化进度统计")
def stats(
    caller: Annotated[Actor, Depends(allow(*SEARCHERS))],
    svc: Annotated[Services, Depends(services)],
    by: Annotated[Literal["day", "month"], Query(description="按日或按月")] = "month",
) -> dict[str, object]:
    """档案数、页数、人数（不同身份证号）、待复核字段、已复核、已更正、确认无误率（已复核中未改动的比例），合计与分期。"""
    return progress_dict(digitisation_progress(svc.archive, by), by)


health = APIRouter(tags=["运行状态"])


@health.get("/healthz", summary="进程存活")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@health.get("/readyz", summary="数据库与检索后端可用", responses={503: {"description": "不可用"}})
def readyz(svc: Annotated[Services, Depends(services)]) -> JSONResponse:
    """就绪：数据库与检索后端都可用（否则 503，problems 说明原因）；notices 列出可用但需要处理的事项
    （例如检索索引由旧版本建立，需运行 archive reindex）。"""
    found = readiness(svc.archive)
    body = {
        "status": "ready" if not found.problems else "not_ready",
        "problems": found.problems,
        "notices": found.notices,
    }
    return JSONResponse(body, status_code=200 if not found.problems else 503)
