"""The embedded default: SQLite FTS5 over the project's own tokens, in the store's database.

The tables are derived data, rebuilt from the store whenever their layout or the tokens
change (LAYOUT_VERSION, TOKENS_VERSION), in the transaction that makes them anew. Each
alternative of the plan is one FTS5 MATCH on one column ("all these tokens"); scores are the
sum of the boosts matched, exactly as the Elasticsearch backend scores them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import structlog
from sqlalchemy import Connection, text

from archive.search.feed import index_documents
from archive.search.model import (
    FACET_SIZE,
    FACETS,
    INDEXED_FIELDS,
    TOKENS_VERSION,
    IndexDocument,
    SearchHit,
    SearchQuery,
    SearchResult,
)
from archive.search.plan import Alternative, Plan, plan, upper_bound
from archive.search.snippets import highlights
from archive.store import Store

log = structlog.get_logger(__name__)
LAYOUT_VERSION = 2
VERSION = LAYOUT_VERSION * 1000 + TOKENS_VERSION  # what search_meta holds
TOKEN_COLUMNS = (
    "name_tokens",
    "skeleton_tokens",
    "pinyin_tokens",
    "unit_tokens",
    "id_tokens",
    "text_tokens",
)
DOC_COLUMNS = ("source", *INDEXED_FIELDS, "enlistment_year")


def _create(conn: Connection) -> bool:
    """The tables, made anew if they hold another layout or other tokens; True if they were."""
    conn.execute(text("CREATE TABLE IF NOT EXISTS search_meta (version INTEGER NOT NULL)"))
    row = conn.execute(text("SELECT version FROM search_meta")).first()
    if row is not None and row[0] == VERSION:
        return False
    for table in ("search_fts", "search_docs", "search_pages", "search_blobs"):
        conn.execute(text(f"DROP TABLE IF EXISTS {table}"))
    columns = ", ".join(f"{c} TEXT" for c in DOC_COLUMNS)
    conn.execute(text(f"CREATE TABLE search_docs (document_id INTEGER PRIMARY KEY, {columns})"))
    # The bulky part apart, so filters and facets scan narrow rows.
    conn.execute(
        text(
            "CREATE TABLE search_blobs (document_id INTEGER PRIMARY KEY,"
            " fields TEXT NOT NULL, pages TEXT NOT NULL)"
        )
    )
    for column in ("enlistment_year", "discharge_type", "unit", "birth_date", "discharge_date"):
        conn.execute(text(f"CREATE INDEX search_docs_{column} ON search_docs ({column})"))
    conn.execute(
        text(
            f"CREATE VIRTUAL TABLE search_fts USING fts5({', '.join(TOKEN_COLUMNS)},"
            " tokenize = 'unicode61 remove_diacritics 0')"
        )
    )
    conn.execute(text("DELETE FROM search_meta"))
    conn.execute(text("INSERT INTO search_meta VALUES (:v)"), {"v": VERSION})
    return True


def _match_expression(alt: Alternative) -> str:
    tokens = " AND ".join('"' + t.replace('"', '""') + '"' for t in alt.tokens)
    return f"{alt.column} : ({tokens})"


class SqliteBackend:
    name = "sqlite"

    def __init__(self, store: Store) -> None:
        self.store = store
        with store.begin() as conn:
            if _create(conn) and store.count_documents():
                # An upgrade changed the index: it is filled again here, so search never
                # answers from an index that lacks documents or holds other tokens.
                log.warning("search.rebuilding", version=VERSION)
                self._fill(conn, index_documents(store))

    def _write(self, conn: Connection, docs: list[IndexDocument]) -> None:
        ids = [d.document_id for d in docs]
        self._remove(conn, ids)
        conn.execute(
            text(
                f"INSERT INTO search_docs (document_id, {', '.join(DOC_COLUMNS)})"
                f" VALUES (:document_id, {', '.join(':' + c for c in DOC_COLUMNS)})"
            ),
            [
                {
                    "document_id": d.document_id,
                    "source": d.source,
                    **{c: d.value(c) for c in INDEXED_FIELDS},
                    "enlistment_year": d.enlistment_year,
                }
                for d in docs
            ],
        )
        conn.execute(
            text("INSERT INTO search_blobs VALUES (:document_id, :fields, :pages)"),
            [
                {
                    "document_id": d.document_id,
                    "fields": json.dumps(d.fields, ensure_ascii=False),
                    "pages": json.dumps(d.pages, ensure_ascii=False),
                }
                for d in docs
            ],
        )
        conn.execute(
            text(
                f"INSERT INTO search_fts (rowid, {', '.join(TOKEN_COLUMNS)})"
                f" VALUES (:rowid, {', '.join(':' + c for c in TOKEN_COLUMNS)})"
            ),
            [
                {"rowid": d.document_id, **{k: " ".join(v) for k, v in d.tokens().items()}}
                for d in docs
            ],
        )

    @staticmethod
    def _remove(conn: Connection, ids: list[int]) -> None:
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ", ".join(str(int(x)) for x in chunk)
            conn.execute(text(f"DELETE FROM search_docs WHERE document_id IN ({marks})"))
            conn.execute(text(f"DELETE FROM search_blobs WHERE document_id IN ({marks})"))
            conn.execute(text(f"DELETE FROM search_fts WHERE rowid IN ({marks})"))

    def upsert(self, docs: list[IndexDocument]) -> None:
        if docs:
            with self.store.begin() as conn:
                self._write(conn, docs)

    def delete(self, document_ids: list[int]) -> None:
        with self.store.begin() as conn:
            self._remove(conn, document_ids)

    def rebuild(self, docs: Iterable[IndexDocument]) -> None:
        """One transaction: readers (WAL) see the old index until the new one commits."""
        with self.store.begin() as conn:
            for table in ("search_docs", "search_blobs", "search_fts"):
                conn.execute(text(f"DELETE FROM {table}"))
            self._fill(conn, docs)

    def _fill(self, conn: Connection, docs: Iterable[IndexDocument]) -> None:
        batch: list[IndexDocument] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= 500:
                self._write(conn, batch)
                batch = []
        if batch:
            self._write(conn, batch)

    def stale(self) -> str | None:
        return None  # it rebuilds itself when it opens

    def count(self) -> int:
        with self.store.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM search_docs")).scalar_one())

    def health(self) -> str | None:
        try:
            self.count()
        except Exception as exc:  # any driver failure means "not answering"
            return str(exc)
        return None

    @staticmethod
    def _matched(p: Plan) -> tuple[str, dict[str, Any]]:
        """SQL for (document_id, score) of every document the plan matches, run inside SQLite:
        one FTS5 MATCH per alternative, boosts summed per clause, clauses joined, filters."""
        params: dict[str, Any] = {}
        ctes, joins, score = [], [], []
        for c, clause in enumerate(p.clauses):
            parts = []
            for a, alt in enumerate(clause.alternatives):
                params[f"m{c}_{a}"] = _match_expression(alt)
                parts.append(
                    f"SELECT rowid AS id, {alt.boost!r} AS s FROM search_fts"
                    f" WHERE search_fts MATCH :m{c}_{a}"
                )
            body = " UNION ALL ".join(parts) or "SELECT NULL AS id, 0.0 AS s WHERE 0"
            ctes.append(f"c{c} AS (SELECT id, sum(s) AS s FROM ({body}) GROUP BY id)")
            joins.append(f"JOIN c{c} ON c{c}.id = d.document_id")
            score.append(f"c{c}.s")
        where = []
        for i, (column, value) in enumerate(p.equals.items()):
            where.append(f"d.{column} = :eq{i}")
            params[f"eq{i}"] = value
        for i, (column, (low, high)) in enumerate(p.ranges.items()):
            where.append(f"d.{column} != ''")
            if low:
                where.append(f"d.{column} >= :lo{i}")
                params[f"lo{i}"] = low
            if high:
                where.append(f"d.{column} < :hi{i}")
                params[f"hi{i}"] = upper_bound(high)
        sql = (
            ("WITH " + ", ".join(ctes) + " " if ctes else "")
            + f"SELECT d.document_id AS document_id, {' + '.join(score) or '0.0'} AS score,"
            " d.discharge_type AS discharge_type, d.enlistment_year AS enlistment_year,"
            " d.unit AS unit FROM search_docs d "
            + " ".join(joins)
            + (" WHERE " + " AND ".join(where) if where else "")
        )
        return sql, params

    def search(self, query: SearchQuery) -> SearchResult:
        matched, params = self._matched(plan(query))
        with self.store.begin() as conn:
            # Matched once into a temporary table (this connection's own), then counted,
            # faceted and paged from there.
            conn.execute(
                text(
                    "CREATE TEMP TABLE IF NOT EXISTS hits (document_id INTEGER PRIMARY KEY,"
                    " score REAL, discharge_type TEXT, enlistment_year TEXT, unit TEXT)"
                )
            )
            conn.execute(text("DELETE FROM temp.hits"))
            conn.execute(text(f"INSERT INTO temp.hits {matched}"), params)
            total = int(conn.execute(text("SELECT count(*) FROM temp.hits")).scalar_one())
            facets = {}
            for f in FACETS:
                rows = conn.execute(
                    text(
                        f"SELECT {f} AS k, count(*) AS n FROM temp.hits WHERE {f} != ''"
                        f" GROUP BY {f} ORDER BY n DESC, k ASC LIMIT {FACET_SIZE}"
                    )
                )
                facets[f] = {r.k: int(r.n) for r in rows}
            page = conn.execute(
                text(
                    "SELECT h.document_id, h.score, d.source, b.fields, b.pages FROM"
                    " (SELECT document_id, score FROM temp.hits ORDER BY score DESC,"
                    " document_id ASC LIMIT :limit OFFSET :offset) h"
                    " JOIN search_docs d ON d.document_id = h.document_id"
                    " JOIN search_blobs b ON b.document_id = h.document_id"
                    " ORDER BY h.score DESC, h.document_id ASC"
                ),
                {"limit": query.size, "offset": query.offset},
            ).all()
            conn.execute(text("DELETE FROM temp.hits"))
        hits = [
            SearchHit(
                int(r.document_id),
                r.source,
                float(r.score),
                json.loads(r.fields),
                highlights(json.loads(r.pages), query.q) if query.q else [],
            )
            for r in page
        ]
        return SearchResult(total, hits, facets)
