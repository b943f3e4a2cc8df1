"""Every route × every role, no key and a revoked key: 200, 403 or 401, in the one error shape."""

from __future__ import annotations

from typing import Any

import pytest

from archive.domain import Role
from search_api.auth import ADMINS, LOOKUPS, READERS, REVIEWERS, SEARCHERS
from tests.search_api.conftest import WANG_ID, Api

# (method, path with {doc}, body, roles allowed)
ROUTES: list[tuple[str, str, dict[str, Any] | None, tuple[Role, ...]]] = [
    ("GET", "/api/v1/records/search?name=王伟", None, SEARCHERS),
    ("GET", "/api/v1/records/{doc}", None, SEARCHERS),
    ("PATCH", "/api/v1/records/{doc}/fields/name", {"value": "王伟"}, REVIEWERS),
    ("GET", f"/api/v1/persons/{WANG_ID}", None, SEARCHERS),
    ("GET", "/api/v1/documents/{doc}/pages/1/image?width=64", None, READERS),
    ("POST", "/api/v1/lookup", {"queries": [{"id_number": WANG_ID}]}, LOOKUPS),
    ("GET", "/api/v1/audit", None, ADMINS),
    ("GET", "/api/v1/stats", None, SEARCHERS),
]
CALLERS = [*(r.value for r in Role), None, "revoked", "garbage"]


def _call(api: Api, method: str, path: str, body: dict[str, Any] | None, who: str | None) -> Any:
    headers = {"Authorization": "Bearer vak_not-a-key"} if who == "garbage" else api.headers(who)
    url = path.format(doc=api.ids["wang"])
    return api.client.request(method, url, json=body, headers=headers)


@pytest.mark.parametrize(
    ("method", "path", "body", "allowed"), ROUTES, ids=[f"{m} {p}" for m, p, *_ in ROUTES]
)
def test_each_route_admits_exactly_its_roles(
    api: Api, method: str, path: str, body: dict[str, Any] | None, allowed: tuple[Role, ...]
) -> None:
    for who in CALLERS:
        response = _call(api, method, path, body, who)
        if who in (None, "revoked", "garbage"):
            expected, code = (
                401,
                {None: "unauthenticated", "garbage": "unauthenticated", "revoked": "key_revoked"}[
                    who
                ],
            )
        elif Role(who) in allowed:
            expected, code = 200, None
        else:
            expected, code = 403, "forbidden"
        assert response.status_code == expected, (who, response.text)
        if code:
            error = response.json()["error"]
            assert error["code"] == code and error["message"] and error["message_en"]
            assert error["request_id"] == response.headers["X-Request-ID"]
        if expected == 401:
            assert response.headers["WWW-Authenticate"] == "Bearer"


def test_probes_need_no_key(api: Api) -> None:
    assert api.client.get("/healthz").json() == {"status": "ok"}
    ready = api.client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"
