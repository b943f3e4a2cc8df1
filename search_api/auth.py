"""Who is calling, and may they: bearer API keys for systems, the session cookie of a person's
account (or of a key) for the pages. 401 when the key is missing, unknown or revoked, or the
account disabled; 403 when the caller is good but its role may not; 429 when the client failed
too often of late (search_api.throttle). Every refusal is audited."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from math import ceil
from typing import Annotated

import structlog
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from archive.domain import Actor, Role
from archive.usecases.admin import access_denied
from search_api.errors import ApiError, request_id
from search_api.services import Services, services
from search_api.sessions import COOKIE, CSRF_HEADER

log = structlog.get_logger(__name__)
_bearer = HTTPBearer(auto_error=False, description="API 密钥：Authorization: Bearer vak_…")

# Who may do what (DESIGN, security). Admin may do everything.
SEARCHERS = (Role.STAFF, Role.ARCHIVIST, Role.ADMIN)
REVIEWERS = (Role.ARCHIVIST, Role.ADMIN)
LOOKUPS = (Role.SERVICE, Role.ADMIN)
READERS = (Role.STAFF, Role.ARCHIVIST, Role.SERVICE, Role.ADMIN)
ADMINS = (Role.ADMIN,)


def require_csrf(svc: Services, cookie: str, sent: str) -> None:
    """A cookie rides along with any request the browser makes, even one another site
    triggers: a change made with one needs the page's CSRF token too."""
    if not hmac.compare_digest(sent, svc.sessions.csrf(cookie)):
        raise ApiError(403, "csrf", "页面已过期，请刷新后重试", "missing or wrong CSRF token")


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def throttled(svc: Services, request: Request) -> None:
    """Refuses a client that failed too often of late, before its credentials are looked at."""
    wait = svc.throttle.wait_s(client_of(request))
    if wait > 0:
        raise ApiError(
            429,
            "too_many_failures",
            f"认证失败次数过多，请 {ceil(wait)} 秒后再试",
            f"too many failed attempts; try again in {ceil(wait)} s",
            retry_after=ceil(wait),
        )


def note_failure(svc: Services, request: Request, action: str, asked: dict[str, object]) -> None:
    """A failed authentication: counted against the client, and on record (the one that makes
    it wait says for how long)."""
    client = client_of(request)
    wait = svc.throttle.failed(client)
    if wait:
        log.warning("auth.throttled", client=client, wait_s=wait, path=request.url.path)
    asked = {**asked, "client": client, **({"throttled_for_s": wait} if wait else {})}
    access_denied(svc.archive, None, action, asked, request_id(request))


def _unauthenticated(
    svc: Services, request: Request, code: str, message: str, message_en: str
) -> ApiError:
    note_failure(svc, request, "denied", _asked(request, 401, code))
    return ApiError(401, code, message, message_en)


def _asked(request: Request, status: int, code: str) -> dict[str, object]:
    return {"method": request.method, "path": request.url.path, "status": status, "code": code}


def _caller(
    request: Request,
    svc: Annotated[Services, Depends(services)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor:
    """The key of the bearer header, or the account or key of the staff pages' session."""
    throttled(svc, request)
    if credentials is not None and credentials.scheme.lower() == "bearer":
        return _by_key(svc, request, credentials.credentials)
    cookie = request.cookies.get(COOKIE)
    if cookie is None:
        raise _unauthenticated(
            svc,
            request,
            "unauthenticated",
            "需要 API 密钥（Authorization: Bearer …）",
            "an API key is required",
        )
    return _by_session(svc, request, cookie)


def _by_key(svc: Services, request: Request, secret: str) -> Actor:
    key = svc.keys.find(secret)
    if key is None:
        raise _unauthenticated(svc, request, "unauthenticated", "API 密钥无效", "unknown API key")
    if not key.active:
        raise _unauthenticated(
            svc, request, "key_revoked", "API 密钥已被吊销", "this API key has been revoked"
        )
    return Actor(key.name, key.role, request_id(request))


def _by_session(svc: Services, request: Request, cookie: str) -> Actor:
    signed = signed_in_as(svc, cookie)
    if signed is None:
        # A session that ended (signed out, idle, expired) is no guess: not counted.
        raise ApiError(401, "unauthenticated", "登录已过期，请重新登录", "the session has ended")
    if not signed.active:
        raise _unauthenticated(svc, request, signed.inactive_code, *signed.inactive_message)
    if signed.must_change:
        raise ApiError(
            403,
            "password_change_required",
            "请先修改初始密码",
            "change the first password before anything else",
        )
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        require_csrf(svc, cookie, request.headers.get(CSRF_HEADER, ""))
    return Actor(signed.name, signed.role, request_id(request))


@dataclass(frozen=True, slots=True)
class Signed:
    """Who a session cookie speaks for, as of this request."""

    name: str  # the user name, or the key's name
    role: Role
    active: bool  # the account not disabled, the key not revoked
    must_change: bool  # a first (or reset) password still to change
    user_id: int | None  # None for a session signed in with a key

    @property
    def inactive_code(self) -> str:
        return "account_disabled" if self.user_id else "key_revoked"

    @property
    def inactive_message(self) -> tuple[str, str]:
        if self.user_id:
            return "此账户已被停用", "this account has been disabled"
        return "API 密钥已被吊销", "this API key has been revoked"


def signed_in_as(svc: Services, cookie: str) -> Signed | None:
    """The account or key behind a session cookie, looked up afresh; None when the session has
    ended (signed out, idle, expired) or never was."""
    owner = svc.sessions.owner(cookie)
    if owner is None:
        return None
    if owner.user_id is not None:
        user = svc.users.get(owner.user_id)
        if user is None:
            return None
        return Signed(user.username, user.role, user.active, user.must_change, user.id)
    key = svc.keys.get(owner.key_id) if owner.key_id is not None else None
    if key is None:
        return None
    return Signed(key.name, key.role, key.active, False, None)


def allow(*roles: Role) -> Callable[..., Actor]:
    """A dependency that admits callers of these roles and refuses the rest with 403."""

    def check(
        request: Request,
        svc: Annotated[Services, Depends(services)],
        caller: Annotated[Actor, Depends(_caller)],
    ) -> Actor:
        if caller.role not in roles:
            access_denied(svc.archive, caller, "denied", _asked(request, 403, "forbidden"))
            allowed = "、".join(r.value for r in roles)
            raise ApiError(
                403,
                "forbidden",
                f"角色 {caller.role.value} 无权执行此操作（需要：{allowed}）",
                f"role {caller.role.value} may not do this (needs: {', '.join(roles)})",
            )
        return caller

    return check
