"""The staff pages (server-rendered, in Chinese): sign-in, search, record, review, upload,
progress. They call the same functions as /api/v1, so roles, masking and audit are the API's."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from archive.domain import Actor, Role
from archive.usecases import Refused
from archive.usecases.admin import audit_anchor, digitisation_progress
from archive.usecases.find import SEARCH_PARAMS, find_records
from archive.usecases.records import other_documents, view_record
from archive.usecases.views import progress_dict
from search_api.auth import REVIEWERS, SEARCHERS, Signed, signed_in_as
from search_api.errors import refused_status, request_id
from search_api.routes.search import search_out
from search_api.services import Services, services
from search_api.sessions import COOKIE
from search_api.web.chart import progress_chart
from search_api.web.labels import FACET_LABELS, FIELD_LABELS, FILE_STATES, ROLE_LABELS

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(include_in_schema=False)
Svc = Annotated[Services, Depends(services)]
DATE_RANGES = (
    ("birth", "出生"),
    ("enlistment", "入伍"),
    ("discharge", "退役"),
)


def _marked(snippet: str) -> Markup:
    """A search snippet with its 【】 marks as <mark>, everything else escaped."""
    return Markup(str(escape(snippet)).replace("【", "<mark>").replace("】", "</mark>"))


templates.env.filters["marked"] = _marked
templates.env.globals.update(
    FIELD_LABELS=FIELD_LABELS, FACET_LABELS=FACET_LABELS, ROLE_LABELS=ROLE_LABELS
)


class SignIn(Exception):
    """The page needs a signed-in user; answered with a redirect to the sign-in page."""


class ChangePassword(Exception):
    """The person still has a first (or reset) password: every page sends them to change it."""


def session_of(request: Request, svc: Services) -> tuple[Actor, str]:
    """Who is signed in on this page, and their cookie."""
    caller, cookie, _ = signed_of(request, svc)
    return caller, cookie


def signed_of(
    request: Request, svc: Services, *, changing: bool = False
) -> tuple[Actor, str, Signed]:
    """Who is signed in on this page, or a redirect to the sign-in page (or, for a first
    password, to the page that changes it, unless ``changing`` it is what they are doing)."""
    cookie = request.cookies.get(COOKIE, "")
    signed = signed_in_as(svc, cookie) if cookie else None
    if signed is None or not signed.active:
        raise SignIn()
    if signed.must_change and not changing:
        raise ChangePassword()
    return Actor(signed.name, signed.role, request_id(request)), cookie, signed


def render(
    request: Request,
    svc: Services,
    name: str,
    caller: Actor,
    cookie: str,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        name,
        {
            "caller": caller,
            "csrf": svc.sessions.csrf(cookie),
            "reviewer": caller.role in REVIEWERS,
            **context,
        },
        status_code=status,
    )


def denied(request: Request, svc: Services, caller: Actor, cookie: str, what: str) -> HTMLResponse:
    return render(
        request,
        svc,
        "error.html",
        caller,
        cookie,
        403,
        message=f"您的角色（{ROLE_LABELS[caller.role.value]}）无权{what}。",
    )


# --- search --------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def search_page(request: Request, svc: Svc, cursor: str | None = None) -> HTMLResponse:
    """The search box and filters; every condition is in the URL, to bookmark and share."""
    caller, cookie = session_of(request, svc)
    params = {k: v for k, v in request.query_params.items() if k in SEARCH_PARAMS and v}
    result, error, status = None, None, 200
    if params:
        try:
            result = search_out(find_records(svc.archive, caller, params, 20, cursor))
        except Refused as exc:
            error, status = exc.message, refused_status(exc)

    def with_(**changes: str) -> str:
        merged = {**params, **changes}
        return "/?" + urlencode({k: v for k, v in merged.items() if v})

    return render(
        request,
        svc,
        "search.html",
        caller,
        cookie,
        status,
        params=params,
        result=result,
        error=error,
        with_=with_,
        date_ranges=DATE_RANGES,
        next_url=with_(cursor=result.next) if result and result.next else None,
        paged=bool(cursor),
    )


# --- record ----------------------------------------------------------------------------------


@router.get("/records/{document_id}", response_class=HTMLResponse)
def record_page(
    request: Request, svc: Svc, document_id: int, page: Annotated[int, Query(ge=1)] = 1
) -> HTMLResponse:
    caller, cookie = session_of(request, svc)
    if caller.role not in SEARCHERS:
        return denied(request, svc, caller, cookie, "查看档案")
    try:
        record = view_record(svc.archive, caller, document_id)
    except Refused as exc:
        status = refused_status(exc)
        return render(request, svc, "error.html", caller, cookie, status, message=exc.message)
    number = min(page, len(record.pages)) if record.pages else 1
    shown = next((p for p in record.pages if p.number == number), None)
    boxes = [
        (key, f.evidence.bbox)
        for key, f in record.fields.items()
        if f.evidence is not None and f.evidence.page == number and f.value is not None
    ]
    return render(
        request,
        svc,
        "record.html",
        caller,
        cookie,
        record=record,
        page=shown,
        boxes=boxes,
        others=other_documents(svc.archive, caller, document_id),
    )


# --- upload and progress -----------------------------------------------------------------


@router.get("/upload", response_class=HTMLResponse)
def upload_page(request: Request, svc: Svc) -> HTMLResponse:
    caller, cookie = session_of(request, svc)
    if caller.role not in REVIEWERS:
        return denied(request, svc, caller, cookie, "上传")
    return render(
        request,
        svc,
        "upload.html",
        caller,
        cookie,
        states=FILE_STATES,
        limit=svc.settings.max_upload_bytes,
    )


@router.get("/progress", response_class=HTMLResponse)
def progress_page(
    request: Request, svc: Svc, by: Literal["day", "month"] = "month"
) -> HTMLResponse:
    caller, cookie = session_of(request, svc)
    period = by
    figures = progress_dict(digitisation_progress(svc.archive, period), period)
    return render(
        request,
        svc,
        "progress.html",
        caller,
        cookie,
        figures=figures,
        by=period,
        chart=progress_chart(figures),
        anchor=audit_anchor(svc.archive) if caller.role is Role.ADMIN else None,
    )
