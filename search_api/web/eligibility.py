"""The staff page of an eligibility check, and its printed 核查单 (PDF): the same use case as
POST /api/v1/eligibility, so masking and audit are the API's. Each look at the page, each
crop and each print is a look at the person, and audited as one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from archive.domain import Actor
from archive.usecases import Invalid, Refused
from archive.usecases.eligibility import EligibilityOut, check_eligibility, programmes
from archive.usecases.matching import LookupQuery
from archive.usecases.records import page_image
from search_api.auth import SEARCHERS
from search_api.errors import refused_status
from search_api.imaging import cropped, jpeg, painted, scaled
from search_api.services import Services
from search_api.web.checksheet import (
    FIELD_NAMES,
    MATCH_LABELS,
    STATUS_LABELS,
    ChecksheetFontMissing,
    Crop,
    checksheet_pdf,
    crop_key,
)
from search_api.web.routes import Svc, denied, render, session_of

router = APIRouter(include_in_schema=False)
ASKED = ("programme", "id_number", "name", "birth_date")
CROP_WIDTH = 900


def _query(params: dict[str, str]) -> LookupQuery:
    if params.get("id_number"):
        return LookupQuery(id_number=params["id_number"])
    return LookupQuery(name=params.get("name") or None, birth_date=params.get("birth_date") or None)


def _run(svc: Services, caller: Actor, params: dict[str, str]) -> EligibilityOut:
    try:
        query = _query(params)
    except ValidationError as exc:
        raise Invalid(
            "invalid_parameters",
            "请填写身份证号，或姓名与出生日期（yyyy-mm 或 yyyy-mm-dd）",
            str(exc),
        ) from exc
    return check_eligibility(svc.archive, caller, params.get("programme", ""), [query])


def _crops(svc: Services, caller: Actor, check: EligibilityOut) -> dict[Crop, bytes]:
    """The evidence boxes cut from their pages, ID numbers painted over as for the page."""
    crops: dict[Crop, bytes] = {}
    pages = {}
    for person in check.results:
        for condition in person.conditions:
            for e in condition.evidence:
                key = crop_key(e.document_id, e.page, e.bbox)
                if key is None or key in crops or e.bbox is None:
                    continue
                if key[:2] not in pages:
                    try:
                        found = page_image(svc.archive, caller, e.document_id, key[1])
                        pages[key[:2]] = painted(found.path, found.hidden)
                    except Refused:
                        continue  # the page is gone: the sheet names the evidence still
                crops[key] = jpeg(scaled(cropped(pages[key[:2]], e.bbox), CROP_WIDTH))
    return crops


def _asked(request: Request) -> dict[str, str]:
    return {k: request.query_params.get(k, "").strip()[:64] for k in ASKED}


@router.get("/eligibility", response_class=HTMLResponse)
def eligibility_page(request: Request, svc: Svc) -> HTMLResponse:
    caller, cookie = session_of(request, svc)
    if caller.role not in SEARCHERS:
        return denied(request, svc, caller, cookie, "核查资格")
    params = _asked(request)
    check, error, status, known = None, None, 200, {}
    try:
        known = programmes(svc.archive)
        if params["programme"] and (params["id_number"] or params["name"]):
            check = _run(svc, caller, params)
    except Refused as exc:
        error, status = exc.message, refused_status(exc)
    crops = _crops(svc, caller, check) if check else {}
    return render(
        request,
        svc,
        "eligibility.html",
        caller,
        cookie,
        status,
        params=params,
        programmes=list(known.values()),
        check=check,
        error=error,
        crops=set(crops),
        crop_key=crop_key,
        statuses=STATUS_LABELS,
        evidence_labels=FIELD_NAMES,
        matches=MATCH_LABELS,
        query=request.url.query,
    )


@router.get("/eligibility/crop")
def evidence_crop(
    request: Request,
    svc: Svc,
    document_id: Annotated[int, Query(ge=1, le=2**62)],
    page: Annotated[int, Query(ge=1, le=100_000)],
    box: Annotated[str, Query(max_length=60, pattern=r"^\d{1,7}(,\d{1,7}){3}$")],
) -> Response:
    """One piece of evidence cut from its page (the page's own rights, masking and audit)."""
    caller, cookie = session_of(request, svc)
    if caller.role not in SEARCHERS:
        return denied(request, svc, caller, cookie, "查看页面")
    try:
        found = page_image(svc.archive, caller, document_id, page)
    except Refused as exc:
        return Response(exc.message, status_code=refused_status(exc), media_type="text/plain")
    bbox = [int(v) for v in box.split(",")]
    image = jpeg(scaled(cropped(painted(found.path, found.hidden), bbox), CROP_WIDTH))
    return Response(
        image, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=600"}
    )


@router.get("/eligibility/checksheet.pdf")
def checksheet(request: Request, svc: Svc) -> Response:
    caller, cookie = session_of(request, svc)
    if caller.role not in SEARCHERS:
        return denied(request, svc, caller, cookie, "核查资格")
    try:
        check = _run(svc, caller, _asked(request))
    except Refused as exc:
        status = refused_status(exc)
        return render(request, svc, "error.html", caller, cookie, status, message=exc.message)
    [person] = check.results
    who = "　".join(v for v in (person.name, person.id_number) if v) or "（未确定）"
    try:
        pdf = checksheet_pdf(
            check,
            person,
            who,
            _crops(svc, caller, check),
            svc.settings.checksheet_font,
            svc.archive.timezone,
        )
    except ChecksheetFontMissing as exc:
        return render(request, svc, "error.html", caller, cookie, 503, message=str(exc))
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": 'inline; filename="checksheet.pdf"'},
    )
