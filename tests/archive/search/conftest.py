"""Both backends for the contract tests: SQLite in a temporary store, and a real Elasticsearch
started by scripts/elasticsearch.sh (never skipped: if it cannot start, the tests fail)."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.search.es_backend import ElasticsearchBackend
from archive.search.model import SearchBackend
from archive.search.sqlite_backend import SqliteBackend
from archive.store import Store

ROOT = Path(__file__).resolve().parents[3]
ES_PORT = int(os.environ.get("ES_PORT", "9200"))
ES_URL = f"http://127.0.0.1:{ES_PORT}"


@pytest.fixture(scope="session")
def es_url() -> str:
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "elasticsearch.sh"), "start"],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "ES_PORT": str(ES_PORT)},
    )
    assert done.returncode == 0, f"Elasticsearch did not start:\n{done.stdout}\n{done.stderr}"
    return ES_URL


@pytest.fixture
def es_backend(es_url: str) -> Iterator[ElasticsearchBackend]:
    backend = ElasticsearchBackend(es_url, alias=f"test-{uuid.uuid4().hex[:12]}")
    yield backend
    backend.drop()


@pytest.fixture(params=["sqlite", "elasticsearch"])
def backend(request: pytest.FixtureRequest, store: Store) -> SearchBackend:
    if request.param == "sqlite":
        return SqliteBackend(store)
    es: SearchBackend = request.getfixturevalue("es_backend")
    return es
