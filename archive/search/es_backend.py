"""Elasticsearch: the official client, writes and reads through an alias, mappings from the
index_mappings package data, and a reindex that swaps the alias in one atomic call.

Tokens and scores follow the same plan as the embedded backend: each alternative is a
constant-score filter ("all these tokens") with its boost, so a document scores the sum of the
boosts it matches there as here.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from elasticsearch import Elasticsearch, NotFoundError, helpers
from elasticsearch import exceptions as es_exceptions
from elasticsearch.serializer import OrjsonSerializer

from archive.search.model import (
    FACET_SIZE,
    FACETS,
    INDEXED_FIELDS,
    TOKENS_VERSION,
    IndexDocument,
    SearchHit,
    SearchQuery,
    SearchResult,
    SearchUnavailable,
)
from archive.search.plan import Plan, plan, upper_bound
from archive.search.snippets import highlights

ALIAS = "vetarchive-records"
ES_ERRORS = (es_exceptions.ApiError, es_exceptions.TransportError, helpers.BulkIndexError)


def latest_mapping(
    directory: Traversable | None = None,
) -> tuple[int, dict[str, Any]]:
    """(version, index body) of the newest records-vN.json (of the index_mappings package)."""
    folder = directory or resources.files("index_mappings")
    versions = sorted(
        (int(p.name.removeprefix("records-v").removesuffix(".json")), p)
        for p in folder.iterdir()
        if p.name.startswith("records-v") and p.name.endswith(".json")
    )
    if not versions:
        raise SearchUnavailable(f"no records-v*.json in {folder}")
    version, path = versions[-1]
    body = json.loads(path.read_text(encoding="utf-8"))
    return version, {k: v for k, v in body.items() if not k.startswith("_")}


def _source(doc: IndexDocument) -> dict[str, Any]:
    values = {k: doc.value(k) for k in INDEXED_FIELDS}
    return {
        "document_id": doc.document_id,
        "source": doc.source,
        **values,
        "enlistment_year": doc.enlistment_year,
        **doc.tokens(),
        "fields": doc.fields,
        "pages": {"text": doc.pages},
    }


def _query(p: Plan) -> dict[str, Any]:
    must = []
    for clause in p.clauses:
        should = [
            {
                "constant_score": {
                    "filter": {"bool": {"filter": [{"term": {a.column: t}} for t in a.tokens]}},
                    "boost": a.boost,
                }
            }
            for a in clause.alternatives
        ]
        # An empty clause matches nothing, as in the embedded backend.
        nothing: dict[str, Any] = {"bool": {"must_not": {"match_all": {}}}}
        must.append({"bool": {"should": should, "minimum_should_match": 1}} if should else nothing)
    filters: list[dict[str, Any]] = [{"term": {k: v}} for k, v in p.equals.items()]
    for column, (low, high) in p.ranges.items():
        bounds: dict[str, str] = {"gt": ""}
        if low:
            bounds = {"gte": low}
        if high:
            bounds["lt"] = upper_bound(high)
        filters.append({"range": {column: bounds}})
    everything = {"constant_score": {"filter": {"match_all": {}}, "boost": 0.0}}  # scores 0
    return {"bool": {"must": must or [everything], "filter": filters}}


class ElasticsearchBackend:
    name = "elasticsearch"

    def __init__(self, url: str, alias: str = ALIAS, refresh: bool = True) -> None:
        # orjson for the bodies both ways: a fifth less CPU per search than the standard json.
        fast = OrjsonSerializer()
        self.client = Elasticsearch(
            url,
            request_timeout=30,
            retry_on_timeout=True,
            max_retries=2,
            serializers={"application/json": fast, "application/vnd.elasticsearch+json": fast},
        )
        self.alias = alias
        self.refresh = refresh  # wait until writes are searchable (off for bulk loads)

    # --- indices and the alias -----------------------------------------------------------

    def _create_index(self) -> str:
        version, body = latest_mapping()
        # The tokens the index is filled with, for ``stale`` to compare.
        body["mappings"] = {**body["mappings"], "_meta": {"tokens": TOKENS_VERSION}}
        name = f"{self.alias}-v{version}-{time.strftime('%Y%m%d%H%M%S')}-{time.time_ns() % 10**6}"
        self.client.indices.create(index=name, **body)
        return name

    def stale(self) -> str | None:
        """An index filled by an earlier release may hold other tokens: searches would miss
        what its documents hold. Only `archive reindex` puts that right."""
        try:
            if not self.client.indices.exists_alias(name=self.alias):
                return None
            mappings = self.client.indices.get_mapping(index=self.alias).body
        except ES_ERRORS as exc:
            raise SearchUnavailable(f"Elasticsearch: {exc}") from exc
        held = {m["mappings"].get("_meta", {}).get("tokens", 1) for m in mappings.values()}
        if held == {TOKENS_VERSION}:
            return None
        return (
            f"index {self.alias} holds tokens version {', '.join(map(str, sorted(held)))},"
            f" this program makes version {TOKENS_VERSION}: run archive reindex"
        )

    def ensure(self) -> None:
        """The alias exists and points at an index with the current mapping."""
        try:
            if not self.client.indices.exists_alias(name=self.alias):
                name = self._create_index()
                self.client.indices.put_alias(index=name, name=self.alias)
        except ES_ERRORS as exc:
            raise SearchUnavailable(f"Elasticsearch: {exc}") from exc

    def _indices(self) -> list[str]:
        try:
            return sorted(self.client.indices.get_alias(name=self.alias).body)
        except NotFoundError:
            return []

    def drop(self) -> None:
        """Deletes every index behind the alias, and so the alias (benchmarks, tests)."""
        for index in self._indices():
            self.client.indices.delete(index=index)

    # --- writes --------------------------------------------------------------------------

    def _bulk(self, actions: Iterator[dict[str, Any]], index: str | None = None) -> None:
        try:
            helpers.bulk(
                self.client,
                actions,
                index=index or self.alias,
                chunk_size=1000,
                refresh="wait_for" if self.refresh and index is None else False,
                raise_on_error=True,
            )
        except ES_ERRORS as exc:
            raise SearchUnavailable(f"Elasticsearch: {exc}") from exc

    def upsert(self, docs: list[IndexDocument]) -> None:
        if docs:
            self.ensure()
            self._bulk({"_id": str(d.document_id), "_source": _source(d)} for d in docs)

    def delete(self, document_ids: list[int]) -> None:
        if not document_ids:
            return
        self.ensure()
        try:
            helpers.bulk(
                self.client,
                ({"_op_type": "delete", "_id": str(i)} for i in document_ids),
                index=self.alias,
                raise_on_error=False,  # already gone is fine
                refresh="wait_for" if self.refresh else False,
            )
        except ES_ERRORS as exc:
            raise SearchUnavailable(f"Elasticsearch: {exc}") from exc

    def rebuild(self, docs: Iterable[IndexDocument]) -> None:
        """A new index from ``docs``, then the alias moved to it in one atomic call: searches
        answer from the old index until that moment, and from the new one after it."""
        try:
            old = self._indices()
            name = self._create_index()
            self._bulk(({"_id": str(d.document_id), "_source": _source(d)} for d in docs), name)
            self.client.indices.refresh(index=name)
            actions: list[dict[str, Any]] = [
                {"remove": {"index": i, "alias": self.alias}} for i in old
            ]
            actions.append({"add": {"index": name, "alias": self.alias}})
            self.client.indices.update_aliases(actions=actions)
            for index in old:
                self.client.indices.delete(index=index)
        except ES_ERRORS as exc:
            raise SearchUnavailable(f"Elasticsearch: {exc}") from exc

    # --- reads ---------------------------------------------------------------------------

    def count(self) -> int:
        try:
            if not self.client.indices.exists_alias(name=self.alias):
                return 0
            return int(self.client.count(index=self.alias)["count"])
        except ES_ERRORS as exc:
            raise SearchUnavailable(f"Elasticsearch: {exc}") from exc

    def health(self) -> str | None:
        try:
            status = self.client.cluster.health(timeout="2s")["status"]
        except Exception as exc:  # connection refused, timeouts: all mean "not answering"
            return f"Elasticsearch: {exc}"
        return None if status in ("green", "yellow") else f"Elasticsearch cluster {status}"

    def search(self, query: SearchQuery) -> SearchResult:
        p = plan(query)
        self.ensure()
        try:
            body = self.client.search(
                index=self.alias,
                query=_query(p),
                sort=[{"_score": "desc"}, {"document_id": "asc"}],
                from_=query.offset,
                size=query.size,
                track_total_hits=True,
                track_scores=True,
                aggs={
                    f: {
                        "terms": {
                            "field": f,
                            "size": FACET_SIZE,
                            "order": [{"_count": "desc"}, {"_key": "asc"}],
                        }
                    }
                    for f in FACETS
                },
                source_includes=["document_id", "source", "fields", "pages"],
            )
        except ES_ERRORS as exc:
            raise SearchUnavailable(f"Elasticsearch: {exc}") from exc
        hits = []
        for h in body["hits"]["hits"]:
            src = h["_source"]
            pages = src["pages"]["text"]
            hits.append(
                SearchHit(
                    int(src["document_id"]),
                    src["source"],
                    float(h["_score"] or 0.0),
                    src["fields"],
                    highlights(pages, query.q) if query.q else [],
                )
            )
        buckets = {f: body["aggregations"][f]["buckets"] for f in FACETS}
        facets = {
            f: {b["key"]: int(b["doc_count"]) for b in buckets[f] if b["key"]} for f in FACETS
        }
        return SearchResult(int(body["hits"]["total"]["value"]), hits, facets)
