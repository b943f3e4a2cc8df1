"""Uploads through the API land exactly as `archive ingest` would land them: real files, the
real worker, real OCR; every bad input DESIGN names fails alone with its reason."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from archive.settings import Settings
from archive.usecases import Archive
from ingest.pipeline import IngestOptions
from ingest.uploads import UploadWorker
from scripts.samplegen.generate import SampleFile
from search_api.routes.uploads import safe_name
from tests.ingest import bad_inputs
from tests.search_api.conftest import Api


def _files(named: dict[str, bytes]) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (name, data, "application/octet-stream")) for name, data in named.items()]


def _work(settings: Settings) -> None:
    archive = Archive.open(settings)
    try:
        assert UploadWorker(archive, IngestOptions.from_settings(settings)).run_pending() == 1
    finally:
        archive.close()


def test_an_upload_is_queued_ingested_and_reported_file_by_file(
    api: Api, samples: list[SampleFile], tmp_path: Path
) -> None:
    by_suffix = {s.path.suffix: s for s in samples}
    good = by_suffix[".png"]
    bad = tmp_path / "bad"
    expected = bad_inputs.write_all(
        bad, by_suffix[".pdf"].path, by_suffix[".tif"].path, by_suffix[".jpg"].path
    )
    bad_inputs.pdf(bad / "五百页.pdf", pages=500)
    expected["五百页.pdf"] = "too_many_pages"
    api.settings.max_pages = 100  # the worker reads the same settings object
    named = {f"第一批/{name}": (bad / name).read_bytes() for name in expected}
    named["第一批/王伟.png"] = good.path.read_bytes()
    named["../../etc/same-again.png"] = good.path.read_bytes()  # a path trick, and a duplicate
    response = api.client.post(
        "/api/v1/uploads", files=_files(named), headers=api.headers("archivist")
    )
    assert response.status_code == 202, response.text
    queued = response.json()
    assert queued["status"] == "queued" and queued["total"] == len(named)
    # Files with no scan inside are refused at once, with the reason; the rest wait.
    states = {f["name"]: f for f in queued["files"]}
    assert states["第一批/notes.pdf"]["state"] == "failed"
    assert states["第一批/notes.pdf"]["reason_code"] == "unsupported_type"
    assert states["第一批/王伟.png"]["state"] == "queued"
    assert "etc/same-again.png" in states and not any(n.startswith(("/", "..")) for n in states)

    _work(api.settings)
    job = api.get(f"/api/v1/jobs/{queued['job_id']}", "archivist").json()
    assert job["status"] == "finished" and job["done"] == job["total"] == len(named)
    states = {f["name"]: f for f in job["files"]}
    for name, code in expected.items():
        assert states[f"第一批/{name}"]["state"] == "failed", name
        assert states[f"第一批/{name}"]["reason_code"] == code, name
        assert states[f"第一批/{name}"]["message"], name
    landed = states["第一批/王伟.png"]
    assert landed["state"] == "ok" and landed["pages"] == good.pages
    again = states["etc/same-again.png"]
    assert again["state"] == "skipped" and again["reason_code"] == "duplicate"
    assert (job["ok"], job["skipped"], job["failed"]) == (1, 1, len(expected))
    record = api.get(f"/api/v1/records/{landed['document_id']}", "archivist").json()
    assert record["source"] == "第一批/王伟.png"
    assert record["fields"]["name"]["value"] == good.veteran.name
    found = api.get(f"/api/v1/records/search?name={good.veteran.name}", "staff").json()
    assert landed["document_id"] in {h["document_id"] for h in found["hits"]}
    assert list((api.settings.uploads_dir).iterdir()) == []  # the copies are gone, originals kept


def _post(api: Api, headers: dict[str, str] | None = None, **kw: Any) -> Any:
    headers = {**api.headers("archivist"), **(headers or {})}
    return api.client.post("/api/v1/uploads", headers=headers, **kw)


def test_uploads_refuse_what_is_not_a_scan_and_what_is_too_large(api: Api) -> None:
    not_multipart = _post(
        api,
        content=b"%PDF-1.4",
        headers={"Content-Type": "application/pdf"},
    )
    assert not_multipart.status_code == 415
    assert not_multipart.json()["error"]["code"] == "unsupported_media_type"
    only_text = _post(api, files=_files({"a.pdf": b"just text", "b.png": b"<html></html>"}))
    assert only_text.status_code == 415 and "a.pdf" in only_text.json()["error"]["message"]
    no_files = _post(api, files=[("attachment", ("a.png", b"\x89PNG\r\n\x1a\n"))])
    assert no_files.status_code == 422 and no_files.json()["error"]["code"] == "no_files"
    api.settings.max_upload_bytes = 10_000  # the app reads the same settings object
    big = _post(api, files=_files({"big.png": b"\x89PNG\r\n\x1a\n" + b"\0" * 20_000}))
    assert big.status_code == 413 and big.json()["error"]["code"] == "too_large"
    # Without a Content-Length the body is counted as it streams in.
    body = (
        b'--b\r\nContent-Disposition: form-data; name="files"; filename="big.png"\r\n\r\n'
        + b"\x89PNG\r\n\x1a\n"
        + b"\0" * 20_000
        + b"\r\n--b--\r\n"
    )
    chunked = _post(
        api,
        content=(body[i : i + 4096] for i in range(0, len(body), 4096)),
        headers={"Content-Type": "multipart/form-data; boundary=b"},
    )
    assert "content-length" not in chunked.request.headers
    assert chunked.status_code == 413 and chunked.json()["error"]["code"] == "too_large"
    assert list(api.settings.uploads_dir.glob("*")) == []  # nothing half-written stays
    assert api.get("/api/v1/jobs/999", "archivist").status_code == 404


def test_names_keep_folders_but_never_climb_out() -> None:
    assert safe_name("扫描/第一批/王伟.pdf", 0) == "扫描/第一批/王伟.pdf"
    assert safe_name("../../etc/passwd", 0) == "etc/passwd"
    assert safe_name("C:\\scans\\..\\a.pdf", 0) == "C:/scans/a.pdf"
    assert safe_name("/abs/\x00evil\u202e.pdf", 0) == "abs/evil.pdf"
    assert safe_name("..", 3) == "file-4" and safe_name(None, 0) == "file-1"
