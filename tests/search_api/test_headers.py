"""Every answer says: not in a frame, not sniffed, no referrer, scripts only from the app, and
nothing personal in a cache."""

from __future__ import annotations

import re

from search_api.headers import CSP
from tests.search_api.conftest import Api


def _secured(headers: object) -> None:
    assert headers["X-Frame-Options"] == "DENY"  # type: ignore[index]
    assert headers["X-Content-Type-Options"] == "nosniff"  # type: ignore[index]
    assert headers["Referrer-Policy"] == "no-referrer"  # type: ignore[index]


def test_personal_answers_are_framed_by_nothing_and_cached_nowhere(api: Api) -> None:
    for response in (
        api.get(f"/api/v1/records/{api.ids['wang']}", "staff"),  # JSON with personal data
        api.get("/api/v1/records/999999", "staff"),  # an error
        api.get("/api/v1/records/1", None),  # refused: no key
        api.client.get("/login"),  # a staff page
    ):
        _secured(response.headers)
        assert response.headers["Cache-Control"] == "no-store", response.url
        assert response.headers["Content-Security-Policy"] == CSP
    assert "script-src 'self'" in CSP and "frame-ancestors 'none'" in CSP
    assert "unsafe-inline" not in CSP.split("script-src")[1].split(";")[0]


def test_the_apps_own_scripts_may_be_cached(api: Api) -> None:
    script = api.client.get("/static/print.js")
    assert script.status_code == 200 and "window.print" in script.text
    _secured(script.headers)
    assert "no-store" not in script.headers.get("Cache-Control", "")


def test_the_api_docs_need_no_internet_and_run_no_inline_script(api: Api) -> None:
    for path in ("/docs", "/redoc"):
        page = api.client.get(path)
        assert page.status_code == 200 and page.headers["Content-Security-Policy"] == CSP
        scripts = re.findall(r"<script([^>]*)>", page.text)
        assert scripts and all('src="/' in s for s in scripts), scripts  # own files only
        assert "http" not in page.text  # no CDN
        for asset in re.findall(r'(?:src|href)="(/[^"]+)"', page.text):
            assert api.client.get(asset).status_code == 200, asset
