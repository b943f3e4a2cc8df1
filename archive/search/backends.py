"""The backend the settings name: Elasticsearch at ARCHIVE_ES_URL, else the embedded one."""

from __future__ import annotations

from archive.search.model import SearchBackend
from archive.settings import Settings
from archive.store import Store


def make_backend(settings: Settings, store: Store) -> SearchBackend:
    if settings.es_url:
        from archive.search.es_backend import ElasticsearchBackend

        return ElasticsearchBackend(settings.es_url, alias=settings.es_alias)
    from archive.search.sqlite_backend import SqliteBackend

    return SqliteBackend(store)
