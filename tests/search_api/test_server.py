"""`archive serve` as deployed: a real uvicorn process on loopback, keys made with
`archive keys create`, an upload ingested by the server's own worker."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest

from archive.settings import Settings
from scripts.samplegen.generate import SampleFile
from tests.archive_cli.test_main import ARCHIVE
from tests.conftest import TEST_DPI
from tests.search_api.conftest import fill


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(settings: Settings) -> Iterator[tuple[str, Path]]:
    fill(settings)
    port = _free_port()
    env = {
        **os.environ,
        "ARCHIVE_DATA_DIR": str(settings.data_dir),
        "ARCHIVE_PDF_DPI": str(TEST_DPI),
        "ARCHIVE_WORKERS": "1",
    }
    process = subprocess.Popen(
        [str(ARCHIVE), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        assert process.poll() is None, process.stdout.read().decode() if process.stdout else ""
        assert time.monotonic() < deadline, "archive serve did not answer within 60 s"
        time.sleep(0.2)
    yield url, settings.data_dir
    process.send_signal(signal.SIGTERM)
    # uvicorn shuts down gracefully, then re-raises the signal so that the exit says why.
    assert process.wait(timeout=30) in (0, -signal.SIGTERM)
    output = process.stdout.read().decode() if process.stdout else ""
    assert "Traceback" not in output, output


def _key(data: Path, role: str) -> str:
    made = subprocess.run(
        [str(ARCHIVE), "keys", "create", "--role", role, "--name", f"{role}-cli"],
        env={**os.environ, "ARCHIVE_DATA_DIR": str(data)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert made.returncode == 0, made.stderr
    return made.stdout.strip()


def test_the_server_answers_searches_and_ingests_uploads(
    server: tuple[str, Path], samples: list[SampleFile]
) -> None:
    url, data = server
    assert httpx.get(f"{url}/readyz").json()["status"] == "ready"
    archivist = {"Authorization": f"Bearer {_key(data, 'archivist')}"}
    assert httpx.get(f"{url}/api/v1/records/search?name=王伟").status_code == 401
    found = httpx.get(f"{url}/api/v1/records/search?name=王伟", headers=archivist).json()
    assert found["total"] == 3
    scan = next(s for s in samples if s.path.suffix == ".jpg")
    files = [("files", (scan.path.name, scan.path.read_bytes(), "image/jpeg"))]
    job = httpx.post(f"{url}/api/v1/uploads", files=files, headers=archivist).json()
    deadline = time.monotonic() + 300
    while job["status"] != "finished":
        assert time.monotonic() < deadline, job
        time.sleep(0.5)
        job = httpx.get(f"{url}/api/v1/jobs/{job['job_id']}", headers=archivist).json()
    [landed] = job["files"]
    assert landed["state"] == "ok", landed
    # Finished means stored; the index follows as soon as the worker has sent it.
    search = f"{url}/api/v1/records/search?name={scan.veteran.name}"
    while True:
        hits = httpx.get(search, headers=archivist).json()["hits"]
        if landed["document_id"] in {h["document_id"] for h in hits}:
            break
        assert time.monotonic() < deadline, hits
        time.sleep(0.2)
