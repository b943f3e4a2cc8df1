"""The review queue, by pointing or by keyboard: the whole page with every piece of its reading
and every pair the extractor kept laid over the scan; a click takes one as the value, a box
drawn round unread ink is read by the engine there and then. And the admins' page of the labels
the bureau's corrections proposed."""

from __future__ import annotations

import re
from typing import Annotated, cast, get_args
from urllib.parse import quote

from fastapi import APIRouter, Form, Path
from fastapi.requests import Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from archive.domain import FIELD_KEYS, Actor, PointedHow, Role
from archive.usecases import Conflict, Invalid, Refused
from archive.usecases.correct import correct_field
from archive.usecases.pointing import PointAt, pointables, read_region
from archive.usecases.records import fields_to_review, next_review, view_record
from archive.usecases.synonyms import decide_synonym, list_synonyms
from search_api.auth import REVIEWERS, require_csrf
from search_api.errors import refused_status
from search_api.services import Services
from search_api.web.routes import Svc, denied, render, session_of

router = APIRouter(include_in_schema=False)
# A whole number as the page's script writes it: ASCII digits only (str.isdigit takes ² too,
# which int() refuses).
_NUMBER = re.compile(r"[0-9]{1,12}")


def _box(text: str) -> tuple[int, int, int, int]:
    """ "x0,y0,x1,y1" as the page's script sends a box."""
    parts = text.split(",")
    if len(parts) != 4 or not all(_NUMBER.fullmatch(p.strip()) for p in parts):
        raise Invalid(
            "invalid_box",
            "所指的框格式有误，请重新点选或框选",
            "a box is four whole numbers x0,y0,x1,y1",
        )
    x0, y0, x1, y1 = (int(p) for p in parts)
    return x0, y0, x1, y1


def _point_at(page: str, bbox: str, how: str) -> PointAt | None:
    """Where the person pointed, from the review form's hidden fields; None when they typed."""
    if not how:
        return None
    if how not in get_args(PointedHow) or not _NUMBER.fullmatch(page):
        raise Invalid("invalid_box", "所指之处有误，请重新点选", "unknown pointing")
    return PointAt(int(page), _box(bbox), cast(PointedHow, how))


@router.get("/review", response_class=HTMLResponse)
def review_page(request: Request, svc: Svc, after: str = "") -> HTMLResponse:
    """The next field to review; ``after`` (document:key) skips past one for now."""
    caller, cookie = session_of(request, svc)
    if caller.role not in REVIEWERS:
        return denied(request, svc, caller, cookie, "复核字段")
    skipped = None
    doc, _, key = after.partition(":")
    if _NUMBER.fullmatch(doc) and key:
        skipped = (int(doc), key)
    found = next_review(svc.archive, skipped)
    if found is None:
        return render(request, svc, "review.html", caller, cookie, item=None, left=0)
    return _review_item(request, svc, caller, cookie, *found)


def _review_item(
    request: Request,
    svc: Services,
    caller: Actor,
    cookie: str,
    document_id: int,
    key: str,
    error: str = "",
) -> HTMLResponse:
    record = view_record(svc.archive, caller, document_id)
    field = record.fields[key]
    shown = field.evidence.page if field.evidence else 1
    return render(
        request,
        svc,
        "review.html",
        caller,
        cookie,
        422 if error else 200,
        item={"document_id": document_id, "key": key, "source": record.source},
        field=field,
        record=record,
        shown=shown,
        pieces=pointables(svc.archive, caller, document_id),
        left=fields_to_review(svc.archive),
        error=error,
        skip_url=f"/review?after={document_id}:{quote(key)}",
    )


@router.post("/review", response_model=None)
def review(
    request: Request,
    svc: Svc,
    document_id: Annotated[int, Form(ge=1, le=2**62)],
    key: Annotated[str, Form(max_length=32)],
    value: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form(max_length=128)] = "",
    pointed_page: Annotated[str, Form(max_length=16)] = "",
    pointed_bbox: Annotated[str, Form(max_length=64)] = "",
    pointed_how: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    """Confirm (the value unchanged) or correct, typed or pointed at; the index is told at
    once."""
    caller, cookie = session_of(request, svc)
    if caller.role not in REVIEWERS:
        return denied(request, svc, caller, cookie, "复核字段")
    require_csrf(svc, cookie, csrf)
    if key not in FIELD_KEYS:  # nothing to show again: no such field
        return render(request, svc, "error.html", caller, cookie, 422, message=f"没有字段 {key}")
    try:
        at = _point_at(pointed_page, pointed_bbox, pointed_how)
        correct_field(svc.archive, caller, document_id, key, value or None, at=at)
    except (Invalid, Conflict) as exc:
        return _review_item(request, svc, caller, cookie, document_id, key, exc.message)
    except Refused as exc:
        status = refused_status(exc)
        return render(request, svc, "error.html", caller, cookie, status, message=exc.message)
    return RedirectResponse("/review", status_code=303)


@router.post("/review/read", response_model=None)
def review_read(
    request: Request,
    svc: Svc,
    document_id: Annotated[int, Form(ge=1, le=2**62)],
    page: Annotated[int, Form(ge=1, le=100_000)],
    bbox: Annotated[str, Form(max_length=64)],
    csrf: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    """The engine's reading of a box drawn on the page, for the page's script (JSON)."""
    caller, cookie = session_of(request, svc)
    if caller.role not in REVIEWERS:
        return JSONResponse({"message": "您的角色无权复核字段"}, status_code=403)
    require_csrf(svc, cookie, csrf)
    try:
        read = read_region(svc.archive, caller, document_id, page, _box(bbox))
    except Refused as exc:
        return JSONResponse({"message": exc.message}, status_code=refused_status(exc))
    return JSONResponse(read.model_dump())


# --- the labels a bureau's corrections proposed (admins) -------------------------------------


@router.get("/admin/synonyms", response_class=HTMLResponse)
def synonyms_page(request: Request, svc: Svc) -> HTMLResponse:
    caller, cookie = session_of(request, svc)
    if caller.role is not Role.ADMIN:
        return denied(request, svc, caller, cookie, "管理字段标签")
    return render(
        request,
        svc,
        "synonyms.html",
        caller,
        cookie,
        synonyms=list_synonyms(svc.archive, caller),
        bureau=svc.settings.bureau,
    )


@router.post("/admin/synonyms/{synonym_id}", response_model=None)
def decide(
    request: Request,
    svc: Svc,
    synonym_id: Annotated[int, Path(ge=1, le=2**62)],
    accept: Annotated[str, Form(max_length=8)],
    csrf: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    caller, cookie = session_of(request, svc)
    if caller.role is not Role.ADMIN:
        return denied(request, svc, caller, cookie, "管理字段标签")
    require_csrf(svc, cookie, csrf)
    try:
        decide_synonym(svc.archive, caller, synonym_id, accept == "1")
    except Refused as exc:
        status = refused_status(exc)
        return render(request, svc, "error.html", caller, cookie, status, message=exc.message)
    return RedirectResponse("/admin/synonyms", status_code=303)
