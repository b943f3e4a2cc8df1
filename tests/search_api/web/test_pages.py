"""The staff pages through the app: sign-in, roles, masking, CSRF, review reaching search."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from archive.settings import Settings
from archive.store import Store
from archive.store.audit import AuditLog
from archive.store.keys import KeyStore
from search_api.app import create_app
from tests.search_api.conftest import WANG_ID, fill


@pytest.fixture
def site(settings: Settings) -> Iterator[tuple[TestClient, dict[str, str], dict[str, int]]]:
    keys, ids = fill(settings)
    # Secure cookies travel over https only, so the test client speaks it.
    with TestClient(create_app(settings), base_url="https://testserver") as client:
        yield client, keys, ids


def _sign_in(client: TestClient, key: str) -> None:
    client.cookies.clear()
    response = client.post("/login", data={"key": key, "next": "/"}, follow_redirects=False)
    assert response.status_code == 303, response.text
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "Secure" in cookie and "samesite=strict" in cookie.lower()


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert found
    return found.group(1)


def test_sign_in_is_required_and_refuses_bad_keys(
    site: tuple[TestClient, dict[str, str], dict[str, int]],
) -> None:
    client, keys, _ = site
    away = client.get("/records/1", follow_redirects=False)
    assert away.status_code == 303 and away.headers["location"] == "/login?next=/records/1"
    assert "API 密钥" in client.get("/login").text
    bad = client.post("/login", data={"key": "vak_nothing"})
    assert bad.status_code == 401 and "密钥无效" in bad.text
    revoked = client.post("/login", data={"key": keys["revoked"]})
    assert revoked.status_code == 401 and "已被吊销" in revoked.text
    assert client.post("/login", data={"key": keys["service"]}).status_code == 403


def test_staff_search_a_misread_name_and_see_the_record_masked(
    site: tuple[TestClient, dict[str, str], dict[str, int]],
) -> None:
    client, keys, ids = site
    _sign_in(client, keys["staff"])
    page = client.get("/", params={"q": "玉伟"}).text  # 王 misread as 玉
    assert f"/records/{ids['wang']}" in page and "110105************" in page
    assert (WANG_ID not in page and "<mark>" in page) or "共 " in page
    record = client.get(f"/records/{ids['wang']}").text
    assert (
        'class="box" id="box-name"' in record
        and f"/api/v1/documents/{ids['wang']}/pages/1/image" in record
    )
    assert WANG_ID not in record
    assert "此人的其他档案" in record and f"/records/{ids['wang2']}" in record
    denied = client.get("/review")
    assert denied.status_code == 403 and "无权" in denied.text
    assert client.get("/upload").status_code == 403
    assert "数字化进度" in client.get("/progress").text


def test_an_archivist_corrects_by_review_and_search_follows(
    site: tuple[TestClient, dict[str, str], dict[str, int]],
) -> None:
    client, keys, ids = site
    _sign_in(client, keys["archivist"])
    queue = client.get("/review").text
    assert "部队番号" in queue and 'value="53O21部队"' in queue  # the flagged unit of wang2
    token = re.search(r'name="csrf" value="([^"]+)"', queue)
    assert token
    form = {"document_id": str(ids["wang2"]), "key": "unit", "value": "53021部队"}
    assert client.post("/review", data=form).status_code == 403  # no CSRF token
    bad = client.post(
        "/review", data={**form, "key": "birth_date", "value": "1949-13", "csrf": token.group(1)}
    )
    assert bad.status_code == 422 and "日期须为" in bad.text
    # A field or a record that does not exist is refused on a page of its own, not a 500.
    unknown = client.post("/review", data={**form, "key": "nosuch", "csrf": token.group(1)})
    assert unknown.status_code == 422 and "没有字段" in unknown.text
    gone = client.post("/review", data={**form, "document_id": "999", "csrf": token.group(1)})
    assert gone.status_code == 404 and "没有这份档案" in gone.text
    # A value no record holds (200,000 characters) is refused by the use case, page and API
    # alike, and nothing is written.
    huge = client.post("/review", data={**form, "value": "9" * 200_000, "csrf": token.group(1)})
    assert huge.status_code == 422 and "不能超过 1000 个字符" in huge.text
    done = client.post("/review", data={**form, "csrf": token.group(1)}, follow_redirects=False)
    assert done.status_code == 303
    found = client.get("/", params={"unit": "53021"}).text
    assert f"/records/{ids['wang2']}" in found
    # The API answers the same cookie, but a change needs the page's CSRF token too.
    csrf = _csrf(found)
    url = f"/api/v1/records/{ids['li']}/fields/name"
    assert client.patch(url, json={"value": "李强"}).json()["error"]["code"] == "csrf"
    assert (
        client.patch(url, json={"value": "李强"}, headers={"X-CSRF-Token": csrf}).status_code == 200
    )


def test_revoking_a_key_ends_its_sessions_and_sign_out_clears_the_cookie(
    site: tuple[TestClient, dict[str, str], dict[str, int]], settings: Settings
) -> None:
    client, keys, _ = site
    _sign_in(client, keys["admin"])
    home = client.get("/")
    assert home.status_code == 200
    copy = client.cookies["vetarchive_session"]
    out = client.post("/logout", data={"csrf": _csrf(home.text)}, follow_redirects=False)
    assert out.status_code == 303 and 'vetarchive_session=""' in out.headers["set-cookie"]
    # The session ended on the server: a copy of the cookie kept from before is worth nothing.
    client.cookies.set("vetarchive_session", copy, domain="testserver.local")
    assert client.get("/", follow_redirects=False).status_code == 303
    assert client.get("/api/v1/stats").status_code == 401
    client.cookies.clear()
    _sign_in(client, keys["admin"])
    store = Store.open(settings.resolved_database_url)
    KeyStore(store).revoke("admin")
    store.close()
    assert client.get("/", follow_redirects=False).status_code == 303


def test_a_session_idle_too_long_ends(settings: Settings) -> None:
    keys, _ = fill(settings)
    with TestClient(create_app(settings), base_url="https://testserver") as client:
        _sign_in(client, keys["staff"])
        assert client.get("/", follow_redirects=False).status_code == 200
        store = Store.open(settings.resolved_database_url)
        with store.begin() as conn:  # as if the last request were long ago
            conn.execute(text("UPDATE web_sessions SET seen_at = '2000-01-01 00:00:00'"))
        store.close()
        assert client.get("/", follow_redirects=False).status_code == 303


def test_guessing_keys_at_the_sign_in_page_is_stopped_and_audited(settings: Settings) -> None:
    keys, _ = fill(settings)
    few = settings.model_copy(update={"auth_failures": 3, "auth_window_s": 60.0})
    with TestClient(create_app(few), base_url="https://testserver") as client:
        codes = [client.post("/login", data={"key": f"vak_guess{n}"}).status_code for n in range(5)]
        assert codes == [401, 401, 401, 429, 429]
        # The right key waits too: the client is stopped, not the key.
        waited = client.post("/login", data={"key": keys["staff"]})
        assert waited.status_code == 429 and int(waited.headers["Retry-After"]) > 0
        audit = client.get(
            "/api/v1/audit?action=sign_in_failed",
            headers={"Authorization": f"Bearer {keys['admin']}"},
        )
    assert audit.status_code == 429  # the same client: it waits for the API too
    store = Store.open(settings.resolved_database_url)
    failed = [e for e in AuditLog(store).entries() if e.action == "sign_in_failed"]
    store.close()
    assert len(failed) == 3 and failed[0].query["throttled_for_s"] == 60.0


def test_every_text_a_page_takes_is_bounded(
    site: tuple[TestClient, dict[str, str], dict[str, int]],
) -> None:
    client, keys, _ = site
    _sign_in(client, keys["staff"])
    page = client.get("/", params={"q": "王" * 5000})
    assert page.status_code == 422 and "至多 200 个字符" in page.text
