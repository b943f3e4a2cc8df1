"""Every failure answers in one JSON shape with a request id; never a stack trace."""

from __future__ import annotations

import asyncio
import json
import tempfile

from fastapi.testclient import TestClient

from archive.settings import Settings
from search_api.app import create_app
from tests.search_api.conftest import Api


def _error(response: object, status: int) -> dict[str, str]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    error: dict[str, str] = body["error"]
    assert set(error) == {"code", "message", "message_en", "request_id"}
    assert error["request_id"] == response.headers["X-Request-ID"]
    assert "Traceback" not in response.text
    return error


def test_unknown_paths_methods_and_parameters(api: Api) -> None:
    assert _error(api.get("/api/v1/nowhere"), 404)["code"] == "not_found"
    assert (
        _error(api.client.delete("/api/v1/records/search", headers=api.headers("admin")), 405)[
            "code"
        ]
        == "method_not_allowed"
    )
    bad = _error(api.get("/api/v1/records/search?name=王伟&size=1000"), 422)
    assert bad["code"] == "invalid_parameters" and "size" in bad["message_en"]
    assert "参数有误" in bad["message"]
    for bound in ("1949年", "1970-99", "1970-02-30"):  # no such month, no such day
        assert (
            _error(api.get(f"/api/v1/records/search?birth_from={bound}"), 422)["code"]
            == "invalid_parameters"
        ), bound
    assert _error(api.get("/api/v1/records/abc"), 422)["code"] == "invalid_parameters"
    broken = api.client.post(
        "/api/v1/lookup",
        content=b"{not json",
        headers={**api.headers("service"), "Content-Type": "application/json"},
    )
    assert _error(broken, 422)["code"] == "invalid_parameters"


def test_a_callers_request_id_is_kept_and_a_bad_one_replaced(api: Api) -> None:
    mine = api.client.get("/healthz", headers={"X-Request-ID": "bureau-42"})
    assert mine.headers["X-Request-ID"] == "bureau-42"
    other = api.client.get("/healthz", headers={"X-Request-ID": "<script>"})
    assert other.headers["X-Request-ID"] != "<script>" and len(other.headers["X-Request-ID"]) == 32


def test_a_fault_in_the_program_is_answered_as_500_without_its_stack(
    settings: Settings, api: Api
) -> None:
    app = create_app(settings)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom")
    error = _error(response, 500)
    assert error["code"] == "internal_error" and "secret internals" not in response.text


def test_a_missing_page_image_and_the_image_cache(api: Api) -> None:
    doc = api.ids["wang"]
    image = api.get(f"/api/v1/documents/{doc}/pages/1/image")
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
    assert image.headers["Cache-Control"] == "private, max-age=3600"
    tag = image.headers["ETag"]
    again = api.client.get(
        f"/api/v1/documents/{doc}/pages/1/image",
        headers={**api.headers("admin"), "If-None-Match": tag},
    )
    assert again.status_code == 304 and not again.content
    thumb = api.get(f"/api/v1/documents/{doc}/pages/2/image?kind=processed&width=100")
    assert thumb.status_code == 200 and thumb.headers["ETag"] != tag
    from io import BytesIO

    from PIL import Image

    with Image.open(BytesIO(thumb.content)) as shown:
        assert shown.size == (100, 138)
    assert _error(api.get(f"/api/v1/documents/{doc}/pages/9/image"), 404)["code"] == "not_found"
    (api.settings.data_dir / "p" / "1.png").unlink()
    assert (
        _error(api.get(f"/api/v1/documents/{doc}/pages/1/image?kind=processed"), 410)["code"]
        == "image_missing"
    )


def test_a_client_that_sends_less_than_its_content_length_is_no_server_error(api: Api) -> None:
    """It promises 100 kB of upload, sends a few bytes and hangs up: a 400 and a log line,
    not an unhandled error with a stack."""
    app = create_app(api.settings)
    parts: list[dict[str, object]] = [
        {
            "type": "http.request",
            "body": b'--x\r\nContent-Disposition: form-data; name="files"; filename="a.pdf"\r\n'
            b"\r\n%PDF-1.4",
            "more_body": True,
        }
    ]
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return parts.pop(0) if parts else {"type": "http.disconnect"}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    async def hang_up() -> None:
        async with app.router.lifespan_context(app):
            assert tempfile.gettempdir() == str(api.settings.spool_dir)  # uploads spool there
            scope = {
                "type": "http",
                "asgi": {"version": "3.0"},
                "http_version": "1.1",
                "method": "POST",
                "scheme": "http",
                "path": "/api/v1/uploads",
                "raw_path": b"/api/v1/uploads",
                "root_path": "",
                "query_string": b"",
                "server": ("testserver", 80),
                "client": ("127.0.0.1", 5000),
                "headers": [
                    (b"authorization", f"Bearer {api.keys['archivist']}".encode()),
                    (b"content-type", b"multipart/form-data; boundary=x"),
                    (b"content-length", b"100000"),
                ],
            }
            await app(scope, receive, send)  # type: ignore[arg-type]

    asyncio.run(hang_up())
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")  # type: ignore[misc]
    assert start["status"] == 400 and json.loads(body)["error"]["code"] == "incomplete_body"
    assert not list(api.settings.uploads_dir.glob("*/*"))  # nothing half-kept
