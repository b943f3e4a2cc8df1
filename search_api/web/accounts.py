"""Signing in and out, a person's own account (password, second factor), and the admins' page
of accounts. People sign in with their user name and password; a key still signs in (systems
and the first admin before any account exists), but the audit then names the key."""

from __future__ import annotations

from typing import Annotated

import structlog
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from archive.domain import Actor, Role
from archive.store.sessions import Owner
from archive.usecases import Refused
from archive.usecases.accounts import (
    SignIn,
    change_own_password,
    create_user,
    enable_totp,
    list_users,
    manage_user,
    new_totp_secret,
    sign_in,
)
from archive.usecases.admin import signed_in, signed_out
from search_api.auth import (
    Signed,
    client_of,
    note_failure,
    require_csrf,
    signed_in_as,
    throttled,
)
from search_api.errors import ApiError, request_id
from search_api.services import Services
from search_api.sessions import COOKIE
from search_api.web.labels import ROLE_LABELS
from search_api.web.routes import Svc, denied, render, signed_of, templates

log = structlog.get_logger(__name__)
router = APIRouter(include_in_schema=False)
MANAGE = {
    "disable": "停用",
    "enable": "启用",
    "unlock": "解锁",
    "reset": "重设密码",
    "totp_off": "关闭动态码",
}


def _login_page(
    request: Request, next: str, error: str | None, status: int = 200, **more: object
) -> HTMLResponse:
    return templates.TemplateResponse(
        request, "login.html", {"next": next, "error": error, **more}, status_code=status
    )


def _signed_in(svc: Services, owner: Owner, next: str) -> RedirectResponse:
    target = next if next.startswith("/") and not next.startswith("//") else "/"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        COOKIE,
        svc.sessions.issue(owner),
        max_age=svc.sessions.lifetime_s,
        httponly=True,
        secure=True,
        samesite="strict",
    )
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> HTMLResponse:
    return _login_page(request, next, None)


@router.post("/login", response_model=None)
def login(
    request: Request,
    svc: Svc,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=256)] = "",
    code: Annotated[str, Form(max_length=16)] = "",
    key: Annotated[str, Form(max_length=128)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    try:
        throttled(svc, request)
    except ApiError as exc:
        return templates.TemplateResponse(
            request,
            "login.html",
            {"next": next, "error": exc.message},
            status_code=429,
            headers={"Retry-After": str(exc.retry_after)},
        )
    if key.strip():
        return _with_key(request, svc, key.strip(), next)
    client = client_of(request)
    attempt = sign_in(svc.archive, username, password, code, request_id(request), client)
    if attempt.outcome is SignIn.CODE_NEEDED:
        return _login_page(request, next, None, username=username, code_needed=True)
    if attempt.outcome is not SignIn.OK or attempt.user is None:
        if wait := svc.throttle.failed(client):
            log.warning("auth.throttled", client=client, wait_s=wait, path=request.url.path)
        error = {
            SignIn.WRONG: "用户名、密码或动态码不对。",
            SignIn.DISABLED: "此账户已被停用，请与管理员联系。",
            SignIn.LOCKED: "失败次数过多，账户已锁定"
            + (f"至 {attempt.locked_until:%H:%M}（UTC）" if attempt.locked_until else "")
            + "，或请管理员解锁。",
        }[attempt.outcome]
        return _login_page(request, next, error, 401, username=username)
    svc.throttle.succeeded(client)
    return _signed_in(svc, Owner(attempt.user.id, None), next)


def _with_key(request: Request, svc: Services, secret: str, next: str) -> Response:
    found = svc.keys.find(secret)
    if found is None or not found.active:
        note_failure(svc, request, "sign_in_failed", {"reason": "revoked" if found else "unknown"})
        return _login_page(request, next, "此密钥已被吊销。" if found else "密钥无效。", 401)
    svc.throttle.succeeded(client_of(request))
    if found.role is Role.SERVICE:
        return _login_page(request, next, "外部系统密钥不能登录页面。", 403)
    signed_in(svc.archive, Actor(found.name, found.role, request_id(request)))
    return _signed_in(svc, Owner(None, found.id), next)


@router.post("/logout")
def logout(
    request: Request, svc: Svc, csrf: Annotated[str, Form(max_length=128)] = ""
) -> RedirectResponse:
    cookie = request.cookies.get(COOKIE, "")
    if cookie:
        require_csrf(svc, cookie, csrf)
        signed = signed_in_as(svc, cookie)
        # Ended in the store, not only forgotten by this browser: a copy of the cookie dies too.
        svc.sessions.end(cookie)
        if signed is not None:
            signed_out(svc.archive, Actor(signed.name, signed.role, request_id(request)))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, httponly=True, secure=True, samesite="strict")
    return response


# --- one's own account ---------------------------------------------------------------------


@router.get("/account", response_class=HTMLResponse)
def account_page(request: Request, svc: Svc) -> HTMLResponse:
    caller, cookie, signed = signed_of(request, svc, changing=True)
    user = svc.users.get(signed.user_id) if signed.user_id else None
    return render(
        request,
        svc,
        "account.html",
        caller,
        cookie,
        user=user,
        must_change=signed.must_change,
        secret=new_totp_secret(svc.archive) if user and not user.totp else None,
    )


def _refused(
    request: Request,
    svc: Services,
    caller: Actor,
    cookie: str,
    signed: Signed,
    secret: str | None,
    error: str,
) -> HTMLResponse:
    """The account page again, with why the change was refused."""
    user = svc.users.get(signed.user_id) if signed.user_id else None
    return render(
        request, svc, "account.html", caller, cookie, 422,
        user=user, must_change=signed.must_change, secret=secret, error=error,
    )  # fmt: skip


@router.post("/account/password", response_model=None)
def change_password(
    request: Request,
    svc: Svc,
    old: Annotated[str, Form(max_length=256)],
    new: Annotated[str, Form(max_length=256)],
    again: Annotated[str, Form(max_length=256)],
    csrf: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    caller, cookie, signed = signed_of(request, svc, changing=True)
    require_csrf(svc, cookie, csrf)
    if signed.user_id is None:
        return denied(request, svc, caller, cookie, "修改密码（以密钥登录时没有密码）")
    try:
        if new != again:
            raise ApiError(422, "mismatch", "两次输入的新密码不一致", "the new passwords differ")
        change_own_password(svc.archive, caller, signed.user_id, old, new)
    except (Refused, ApiError) as exc:
        return _refused(request, svc, caller, cookie, signed, None, exc.message)
    return RedirectResponse("/account?changed=1", status_code=303)


@router.post("/account/totp", response_model=None)
def turn_on_totp(
    request: Request,
    svc: Svc,
    secret: Annotated[str, Form(max_length=64)],
    code: Annotated[str, Form(max_length=16)],
    csrf: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    caller, cookie, signed = signed_of(request, svc)
    require_csrf(svc, cookie, csrf)
    if signed.user_id is None:
        return denied(request, svc, caller, cookie, "开启动态码（以密钥登录时没有账户）")
    try:
        enable_totp(svc.archive, caller, signed.user_id, secret, code)
    except Refused as exc:
        return _refused(request, svc, caller, cookie, signed, secret, exc.message)
    return RedirectResponse("/account?totp=1", status_code=303)


# --- the admins' page of accounts --------------------------------------------------------------


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, svc: Svc) -> HTMLResponse:
    caller, cookie, _ = signed_of(request, svc)
    if caller.role is not Role.ADMIN:
        return denied(request, svc, caller, cookie, "管理账户")
    return _users(request, svc, caller, cookie)


def _users(
    request: Request, svc: Services, caller: Actor, cookie: str, status: int = 200, **shown: object
) -> HTMLResponse:
    return render(
        request,
        svc,
        "users.html",
        caller,
        cookie,
        status,
        users=list_users(svc.archive),
        roles=[r for r in Role if r is not Role.SERVICE],
        ROLE_LABELS=ROLE_LABELS,
        MANAGE=MANAGE,
        **shown,
    )


@router.post("/admin/users", response_class=HTMLResponse)
def add_user(
    request: Request,
    svc: Svc,
    username: Annotated[str, Form(max_length=64)],
    role: Annotated[Role, Form()],
    display_name: Annotated[str, Form(max_length=255)] = "",
    csrf: Annotated[str, Form(max_length=128)] = "",
) -> HTMLResponse:
    caller, cookie, _ = signed_of(request, svc)
    require_csrf(svc, cookie, csrf)
    if caller.role is not Role.ADMIN:
        return denied(request, svc, caller, cookie, "管理账户")
    try:
        user, password = create_user(svc.archive, caller, username, role, display_name)
    except Refused as exc:
        return _users(request, svc, caller, cookie, 422, error=exc.message)
    return _users(request, svc, caller, cookie, given=(user.username, password))


@router.post("/admin/users/{username}/{what}", response_class=HTMLResponse)
def change_user(
    request: Request,
    svc: Svc,
    username: str,
    what: str,
    csrf: Annotated[str, Form(max_length=128)] = "",
) -> HTMLResponse:
    caller, cookie, _ = signed_of(request, svc)
    require_csrf(svc, cookie, csrf)
    if caller.role is not Role.ADMIN:
        return denied(request, svc, caller, cookie, "管理账户")
    try:
        user, password = manage_user(svc.archive, caller, username, what)
    except Refused as exc:
        return _users(request, svc, caller, cookie, 422, error=exc.message)
    given = (user.username, password) if password else None
    return _users(
        request, svc, caller, cookie, given=given, done=f"{user.username}：已{MANAGE[what]}"
    )
