"""Who is calling, and may they: bearer API keys with roles. 401 when the key is missing,
unknown or revoked; 403 when the key is good but its role may not."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from archive.domain import Role
from search_api.errors import ApiError, request_id
from search_api.services import Services, services

_bearer = HTTPBearer(auto_error=False, description="API 密钥：Authorization: Bearer vak_…")

# Who may do what (DESIGN, security). Admin may do everything.
SEARCHERS = (Role.STAFF, Role.ARCHIVIST, Role.ADMIN)
REVIEWERS = (Role.ARCHIVIST, Role.ADMIN)
LOOKUPS = (Role.SERVICE, Role.ADMIN)
READERS = (Role.STAFF, Role.ARCHIVIST, Role.SERVICE, Role.ADMIN)
ADMINS = (Role.ADMIN,)


@dataclass(frozen=True, slots=True)
class Caller:
    key_name: str
    role: Role
    request_id: str

    @property
    def sees_id_numbers(self) -> bool:
        return self.role is not Role.STAFF


def _caller(
    request: Request,
    svc: Annotated[Services, Depends(services)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ApiError(
            401,
            "unauthenticated",
            "需要 API 密钥（Authorization: Bearer …）",
            "an API key is required",
        )
    key = svc.keys.find(credentials.credentials)
    if key is None:
        raise ApiError(401, "unauthenticated", "API 密钥无效", "unknown API key")
    if not key.active:
        raise ApiError(401, "key_revoked", "API 密钥已被吊销", "this API key has been revoked")
    return Caller(key.name, key.role, request_id(request))


def allow(*roles: Role) -> Callable[..., Caller]:
    """A dependency that admits keys of these roles and refuses the rest with 403."""

    def check(caller: Annotated[Caller, Depends(_caller)]) -> Caller:
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
