"""An index an earlier release filled, with other tokens: the embedded one fills itself again
when it opens; Elasticsearch says so until `archive reindex`."""

from __future__ import annotations

import uuid

from sqlalchemy import text

from archive.search.es_backend import ElasticsearchBackend, latest_mapping
from archive.search.feed import drain, index_documents
from archive.search.model import SearchQuery
from archive.search.sqlite_backend import SqliteBackend
from archive.store import Store
from tests.archive.records import save


def test_the_embedded_index_is_rebuilt_when_it_holds_other_tokens(store: Store) -> None:
    wang = save(store, "wang", {"name": "王伟", "unit": "5B021部队"})
    drain(store, SqliteBackend(store))
    with store.begin() as conn:  # as an earlier release left it: other tokens, one row lost
        conn.execute(text("UPDATE search_meta SET version = 2"))
        conn.execute(text("DELETE FROM search_docs"))
    reopened = SqliteBackend(store)
    assert reopened.count() == 1 and reopened.stale() is None
    # B read for 8 and a query typed either case: the same skeleton.
    for unit in ("58021部队", "5b021", "5B021"):
        assert [h.document_id for h in reopened.search(SearchQuery(unit=unit)).hits] == [wang]


def test_elasticsearch_says_its_index_is_stale_until_it_is_rebuilt(
    es_url: str, store: Store
) -> None:
    save(store, "li", {"name": "李强"})
    backend = ElasticsearchBackend(es_url, alias=f"test-{uuid.uuid4().hex[:12]}")
    try:
        _, body = latest_mapping()  # an index made before the tokens were recorded in it
        old = f"{backend.alias}-old"
        backend.client.indices.create(index=old, **body)
        backend.client.indices.put_alias(index=old, name=backend.alias)
        stale = backend.stale()
        assert stale is not None and "archive reindex" in stale
        backend.rebuild(index_documents(store))
        assert backend.stale() is None and backend.count() == 1
    finally:
        backend.drop()
