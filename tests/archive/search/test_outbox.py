"""The index follows the store through the outbox, even across an Elasticsearch outage, and a
reindex never takes search down. Real Elasticsearch, real `archive` processes."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path

from archive.search.es_backend import ElasticsearchBackend
from archive.search.model import IndexDocument, SearchQuery
from archive.store import Store
from scripts.samplegen.generate import SampleFile
from tests.archive.search.conftest import ES_PORT, ROOT
from tests.conftest import TEST_DPI

ARCHIVE = Path(sys.executable).parent / "archive"
ES_SCRIPT = ROOT / "scripts" / "elasticsearch.sh"


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ARCHIVE), *args], env=env, capture_output=True, text=True, timeout=900
    )


def _es(action: str) -> None:
    done = subprocess.run(
        ["bash", str(ES_SCRIPT), action],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "ES_PORT": str(ES_PORT)},
    )
    assert done.returncode == 0, done.stderr


def test_ingest_commits_while_elasticsearch_is_down_and_the_outbox_catches_up(
    samples: list[SampleFile], es_url: str, tmp_path: Path
) -> None:
    alias = f"test-outbox-{uuid.uuid4().hex[:8]}"
    data = tmp_path / "data"
    env = {
        **os.environ,
        "ARCHIVE_DATA_DIR": str(data),
        "ARCHIVE_PDF_DPI": str(TEST_DPI),
        "ARCHIVE_ES_URL": es_url,
        "ARCHIVE_ES_ALIAS": alias,
    }
    first, rest = samples[:2], samples[2:]
    assert _run(["ingest", *(str(s.path) for s in first)], env).returncode == 0
    backend = ElasticsearchBackend(es_url, alias=alias)
    assert backend.count() == 2
    # Elasticsearch goes down while the next ingest is under way.
    ingest = subprocess.Popen(
        [str(ARCHIVE), "ingest", *(str(s.path) for s in rest)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _es("stop")
    try:
        _, stderr = ingest.communicate(timeout=900)
        assert ingest.returncode == 0, stderr  # the files are in the store all the same
        assert "待同步" in stderr
        assert _run(["index", "sync"], env).returncode == 1
    finally:
        _es("start")
    store = Store.open(f"sqlite:///{data / 'archive.db'}")
    assert store.count_documents() == 4 and store.count_pending_outbox() == 2
    assert _run(["index", "sync"], env).returncode == 0
    assert _run(["index", "sync"], env).returncode == 0  # nothing left: nothing sent twice
    assert store.count_pending_outbox() == 0
    store.close()
    assert backend.count() == 4
    for sample in samples:
        hits = backend.search(SearchQuery(name=sample.veteran.name)).hits
        assert [h.source for h in hits].count(sample.path.name) == 1
    backend.drop()


def test_searches_keep_answering_while_the_index_is_rebuilt(
    es_backend: ElasticsearchBackend,
) -> None:
    docs = [
        IndexDocument(
            i,
            f"{i}.pdf",
            {"name": "王建国" if i % 100 == 0 else f"李{i}", "unit": f"{50000 + i}部队"},
            [f"第{i}份档案"],
        )
        for i in range(1, 3001)
    ]
    es_backend.upsert(docs)
    before = es_backend._indices()
    answers: list[int] = []
    failures: list[BaseException] = []
    done = threading.Event()

    def keep_searching() -> None:
        while not done.is_set():
            try:
                answers.append(es_backend.search(SearchQuery(name="王建国")).total)
            except BaseException as exc:  # any failure at all is what this test looks for
                failures.append(exc)

    searcher = threading.Thread(target=keep_searching)
    searcher.start()
    try:
        es_backend.rebuild(docs)
    finally:
        done.set()
        searcher.join()
    assert not failures
    assert len(answers) > 5 and set(answers) == {30}
    assert es_backend._indices() != before and len(es_backend._indices()) == 1
