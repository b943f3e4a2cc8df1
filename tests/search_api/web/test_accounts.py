"""Personal accounts through the pages: an admin makes one, its person changes the first
password before anything else, is named in the audit, is locked out by guessing, and is shut
out at once when disabled."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pyotp
import pytest
from fastapi.testclient import TestClient

from archive.settings import Settings
from archive.store import Store
from archive.store.audit import AuditLog, AuditQuery
from search_api.app import create_app
from tests.search_api.conftest import fill
from tests.search_api.web.test_pages import _csrf, _sign_in

NEW_PASSWORD = "一个足够长的新密码-2026"


@pytest.fixture
def site(settings: Settings) -> Iterator[tuple[TestClient, dict[str, str], Settings]]:
    keys, _ = fill(settings)
    # Enough room for the lockout test's guesses before the client throttle steps in.
    roomy = settings.model_copy(update={"auth_failures": 50})
    with TestClient(create_app(roomy), base_url="https://testserver") as client:
        yield client, keys, settings


def _make(client: TestClient, admin_key: str, username: str, role: str = "staff") -> str:
    _sign_in(client, admin_key)
    page = client.get("/admin/users")
    made = client.post(
        "/admin/users",
        data={"username": username, "role": role, "display_name": "张丽", "csrf": _csrf(page.text)},
    )
    assert made.status_code == 200, made.text
    found = re.search(r'id="given-password">([^<]+)<', made.text)
    assert found
    client.cookies.clear()
    return found.group(1)


def _log_in(client: TestClient, username: str, password: str, code: str = "") -> int:
    client.cookies.clear()
    data = {"username": username, "password": password, "code": code, "next": "/"}
    return client.post("/login", data=data, follow_redirects=False).status_code


def _change(client: TestClient, old: str) -> Any:
    page = client.get("/account")
    data = {"old": old, "new": NEW_PASSWORD, "again": NEW_PASSWORD, "csrf": _csrf(page.text)}
    return client.post("/account/password", data=data, follow_redirects=False)


def _entries(settings: Settings, **asked: str) -> list[object]:
    store = Store.open(settings.resolved_database_url)
    try:
        return list(AuditLog(store).entries(AuditQuery(limit=1000, **asked)))  # type: ignore[arg-type]
    finally:
        store.close()


def test_a_new_account_changes_its_first_password_then_is_named_in_the_audit(
    site: tuple[TestClient, dict[str, str], Settings],
) -> None:
    client, keys, settings = site
    first = _make(client, keys["admin"], "zhangli")
    assert _log_in(client, "zhangli", first) == 303
    # Every page, and the API through the cookie, waits for the new password.
    assert client.get("/", follow_redirects=False).headers["location"] == "/account"
    refused = client.get("/api/v1/records/search?name=王伟")
    assert (
        refused.status_code == 403 and refused.json()["error"]["code"] == "password_change_required"
    )
    account = client.get("/account")
    assert "初始密码" in account.text
    weak = client.post(
        "/account/password",
        data={"old": first, "new": "short", "again": "short", "csrf": _csrf(account.text)},
    )
    assert weak.status_code == 422 and "10" in weak.text
    changed = client.post(
        "/account/password",
        data={
            "old": first,
            "new": NEW_PASSWORD,
            "again": NEW_PASSWORD,
            "csrf": _csrf(account.text),
        },
        follow_redirects=False,
    )
    assert changed.status_code == 303
    assert client.get("/api/v1/records/search?name=王伟").status_code == 200
    search = _entries(settings, action="search")[0]
    assert search.key_name == "zhangli" and search.role == "staff"  # type: ignore[attr-defined]
    signs = [e.key_name for e in _entries(settings, action="sign_in")]  # type: ignore[attr-defined]
    assert "zhangli" in signs and _log_in(client, "zhangli", first) == 401


def test_guessing_a_password_locks_the_account_until_an_admin_unlocks_it(
    site: tuple[TestClient, dict[str, str], Settings],
) -> None:
    client, keys, settings = site
    first = _make(client, keys["admin"], "li")
    assert [_log_in(client, "li", f"guess-{n}") for n in range(5)] == [401] * 5
    assert _log_in(client, "li", first) == 401  # locked: the right password waits too
    reasons = [e.query["reason"] for e in _entries(settings, action="sign_in_failed")]  # type: ignore[attr-defined]
    assert reasons.count("wrong") == 4 and reasons.count("locked") == 2
    _sign_in(client, keys["admin"])
    page = client.get("/admin/users")
    assert "锁定至" in page.text
    client.post("/admin/users/li/unlock", data={"csrf": _csrf(page.text)})
    assert _log_in(client, "li", first) == 303


def test_disabling_an_account_ends_its_session_at_once(
    site: tuple[TestClient, dict[str, str], Settings],
) -> None:
    client, keys, _ = site
    first = _make(client, keys["admin"], "zhao")
    assert _log_in(client, "zhao", first) == 303
    session = client.cookies["vetarchive_session"]
    # Another browser: the admin's.
    with TestClient(client.app, base_url="https://testserver") as admin:
        _sign_in(admin, keys["admin"])
        page = admin.get("/admin/users")
        off = admin.post("/admin/users/zhao/disable", data={"csrf": _csrf(page.text)})
        assert off.status_code == 200 and "已停用" in off.text
    client.cookies.set("vetarchive_session", session, domain="testserver.local")
    assert client.get("/account", follow_redirects=False).status_code == 303  # to sign in
    assert _log_in(client, "zhao", first) == 401


def test_a_second_factor_once_turned_on_is_asked_at_every_sign_in(
    site: tuple[TestClient, dict[str, str], Settings],
) -> None:
    client, keys, _ = site
    first = _make(client, keys["admin"], "qian")
    _log_in(client, "qian", first)
    _change(client, first)
    account = client.get("/account")
    found = re.search(r'id="totp-secret">([A-Z2-7]+)<', account.text)
    assert found
    secret = found.group(1)
    on = client.post(
        "/account/totp",
        data={"secret": secret, "code": pyotp.TOTP(secret).now(), "csrf": _csrf(account.text)},
        follow_redirects=False,
    )
    assert on.status_code == 303
    client.cookies.clear()
    asked = client.post("/login", data={"username": "qian", "password": NEW_PASSWORD})
    assert asked.status_code == 200 and 'name="code"' in asked.text
    assert _log_in(client, "qian", NEW_PASSWORD, pyotp.TOTP(secret).now()) == 303
