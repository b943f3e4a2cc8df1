"""Who is calling, and may they: bearer API keys with roles. 401 when the key is missing,
unknown or revoked; 403 when the key is good but its role may not."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from archive.domain import Actor, Role
from archive.store.keys import ApiKey
from search_api.errors import ApiError, request_id
from search_api.services import Services, services
from search_api.sessions import COOKIE, CSRF_HEADER

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


def _caller(
    request: Request,
    svc: Annotated[Services, Depends(services)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor:
    """The key of the bearer header, or of the staff pages' session cookie."""
    if credentials is not None and credentials.scheme.lower() == "bearer":
        key = svc.keys.find(credentials.credentials)
    elif (cookie := request.cookies.get(COOKIE)) is not None:
        key = session_key(svc, cookie)
        if key is not None and request.method not in ("GET", "HEAD", "OPTIONS"):
            require_csrf(svc, cookie, request.headers.get(CSRF_HEADER, ""))
    else:
        raise ApiError(
            401,
            "unauthenticated",
            "需要 API 密钥（Authorization: Bearer …）",
            "an API key is required",
        )
    if key is None:
        raise ApiError(
            401, "unauthenticated", "API 密钥无效或登录已过期", "unknown API key or expired session"
        )
    if not key.active:
        raise ApiError(401, "key_revoked", "API 密钥已被吊销", "this API key has been revoked")
    return Actor(key.name, key.role, request_id(request))


def session_key(svc: Services, cookie: str) -> ApiKey | None:
    key_id = svc.sessions.key_id(cookie)
    return svc.keys.get(key_id) if key_id is not None else None


def allow(*roles: Role) -> Callable[..., Actor]:
    """A dependency that admits keys of these roles and refuses the rest with 403."""

    def check(caller: Annotated[Actor, Depends(_caller)]) -> Actor:
        if caller.role not in roles:
            allowed = "、".join(r.value for r in roles)
            raise ApiError(
                403,
                "forbidden",
                f"角色 {caller.role.value} 无权执行此操作（需要：{allowed}）",
                f"role {caller.role.value} may not do this (needs: {', '.join(roles)})",
            )
        return caller

    return check
