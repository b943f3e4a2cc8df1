"""Every route × every role, no key and a revoked key: 200, 403 or 401, in the one error shape."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from archive.domain import Role
from archive.settings import Settings
from archive.store import Store
from archive.store.audit import AuditLog
from archive.store.users import UserStore
from search_api.app import create_app
from search_api.auth import ADMINS, LOOKUPS, READERS, REVIEWERS, SEARCHERS
from search_api.throttle import Throttle
from tests.search_api.conftest import WANG_ID, Api, fill

# (method, path with {doc}, body, roles allowed)
ROUTES: list[tuple[str, str, dict[str, Any] | None, tuple[Role, ...]]] = [
    ("GET", "/api/v1/records/search?name=王伟", None, SEARCHERS),
    ("GET", "/api/v1/records/{doc}", None, SEARCHERS),
    ("PATCH", "/api/v1/records/{doc}/fields/name", {"value": "王伟"}, REVIEWERS),
    ("GET", f"/api/v1/persons/{WANG_ID}", None, SEARCHERS),
    ("GET", "/api/v1/documents/{doc}/pages/1/image?width=64", None, READERS),
    ("POST", "/api/v1/lookup", {"queries": [{"id_number": WANG_ID}]}, LOOKUPS),
    (
        "POST",
        "/api/v1/eligibility",
        {"programme": "nuclear", "persons": [{"id_number": WANG_ID}]},
        LOOKUPS,
    ),
    ("GET", "/api/v1/eligibility/programmes", None, LOOKUPS),
    ("GET", "/api/v1/audit", None, ADMINS),
    ("GET", "/api/v1/audit/verify", None, ADMINS),
    ("GET", "/api/v1/stats", None, SEARCHERS),
    ("POST", "/api/v1/records/{doc}/pages/1/read", {"bbox": [0, 0, 64, 64]}, REVIEWERS),
    ("POST", "/api/v1/uploads", None, REVIEWERS),  # not multipart: 415 for those who may
    ("GET", "/api/v1/jobs/1", None, REVIEWERS),  # no such job: 404 for those who may
    ("GET", "/api/v1/admin/synonyms", None, ADMINS),
    ("POST", "/api/v1/admin/synonyms/1", {"accept": True}, ADMINS),  # 404 for admins
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
            expected, code = None, None  # past the gate: whatever the route answers
        else:
            expected, code = 403, "forbidden"
        if expected is None:
            assert response.status_code not in (401, 403, 500), (who, response.text)
        else:
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


def test_every_refusal_is_audited_and_guessing_keys_is_stopped(settings: Settings) -> None:
    secrets, _ = fill(settings)
    few = settings.model_copy(update={"auth_failures": 5, "auth_window_s": 30.0})
    with TestClient(create_app(few), raise_server_exceptions=False) as client:
        staff = {"Authorization": f"Bearer {secrets['staff']}"}
        assert client.get("/api/v1/audit", headers=staff).status_code == 403
        guesses = [
            client.get("/api/v1/stats", headers={"Authorization": f"Bearer vak_{n}"})
            for n in range(7)
        ]
        assert [g.status_code for g in guesses] == [401] * 5 + [429] * 2
        assert guesses[-1].json()["error"]["code"] == "too_many_failures"
        assert int(guesses[-1].headers["Retry-After"]) == 30
    store = Store.open(settings.resolved_database_url)
    denied = [e for e in AuditLog(store).entries() if e.action == "denied"]
    store.close()
    # Newest first: five refused keys (the last began the wait), then staff's 403.
    assert [e.query["status"] for e in denied] == [401] * 5 + [403]
    assert denied[0].query["throttled_for_s"] == 30.0 and denied[-1].key_name == "staff"
    assert {e.key_name for e in denied[:5]} == {"（未认证）"}


def test_each_wait_is_longer_than_the_last() -> None:
    now = [0.0]
    throttle = Throttle(2, 10.0, clock=lambda: now[0])
    assert throttle.failed("a") == 0 and throttle.failed("a") == 10.0
    assert throttle.wait_s("a") == 10.0 and throttle.wait_s("b") == 0
    now[0] = 11.0
    assert throttle.wait_s("a") == 0
    throttle.failed("a")
    assert throttle.failed("a") == 20.0  # the second time, twice as long
    throttle.succeeded("a")
    assert throttle.wait_s("a") == 0


def test_people_signed_in_with_their_accounts_get_the_same_matrix(settings: Settings) -> None:
    """Every route for a person of each role, by the session cookie of their own account; a
    disabled account's session gets 401 (a signed-out one: test_pages)."""
    fill(settings)
    store = Store.open(settings.resolved_database_url)
    users = UserStore(store)
    people = {}
    for role in (Role.STAFF, Role.ARCHIVIST, Role.ADMIN):
        user, first = users.create(f"p-{role.value}", role)
        users.change_password(user.id, first, "a-long-enough-password")
        people[role] = user.username
    doc = store.iter_documents().__next__().document.id
    store.close()
    with TestClient(create_app(settings), base_url="https://testserver") as client:
        for role, username in people.items():
            client.cookies.clear()
            data = {"username": username, "password": "a-long-enough-password"}
            assert client.post("/login", data=data, follow_redirects=False).status_code == 303
            csrf = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").text)
            assert csrf
            for method, path, body, allowed in ROUTES:
                response = client.request(
                    method,
                    path.format(doc=doc),
                    json=body,
                    headers={"X-CSRF-Token": csrf.group(1)},
                )
                if role in allowed:  # past the gate: whatever the route answers
                    assert response.status_code not in (401, 403, 500), (username, path)
                else:
                    assert response.status_code == 403, (username, path, response.text)
        store = Store.open(settings.resolved_database_url)
        UserStore(store).disable(people[Role.ADMIN])
        store.close()
        disabled = client.get("/api/v1/stats")
        assert (
            disabled.status_code == 401 and disabled.json()["error"]["code"] == "account_disabled"
        )


def test_the_matrix_covers_every_operation_of_the_schema(api: Api) -> None:
    """A route added later cannot slip past the matrix: each operation the OpenAPI schema
    lists (the probes aside) has its row."""
    rows = [(m, p.format(doc=1).split("?")[0]) for m, p, *_ in ROUTES]
    for path, operations in api.client.get("/openapi.json").json()["paths"].items():
        if path in ("/healthz", "/readyz"):
            continue
        shape = re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$")
        for method in operations:
            assert any(m == method.upper() and shape.match(p) for m, p in rows), (method, path)
