"""The embedded default: SQLite FTS5 over the project's own tokens, in the store's database.

The tables are derived data, rebuilt from the store whenever their layout changes. Each
alternative of the plan is one FTS5 MATCH on one column ("all these tokens"); scores are the
sum of the boosts matched, exactly as the Elasticsearch backend scores them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Engine, text

from archive.search.model import (
    FACETS,
    IndexDocument,
    SearchHit,
    SearchQuery,
    SearchResult,
    top_counts,
)
from archive.search.plan import Alternative, Plan, plan, upper_bound
from archive.search.snippets import highlights

LAYOUT_VERSION = 1
TOKEN_COLUMNS = (
    "name_tokens",
    "skeleton_tokens",
    "pinyin_tokens",
    "unit_tokens",
    "id_tokens",
    "text_tokens",
)
DOC_COLUMNS = (
    "source",
    "name",
    "gender",
    "id_number",
    "unit",
    "birth_date",
    "enlistment_date",
    "discharge_date",
    "discharge_type",
    "enlistment_year",
)


def _create(conn: Connection) -> None:
    conn.execute(text("CREATE TABLE IF NOT EXISTS search_meta (version INTEGER NOT NULL)"))
    row = conn.execute(text("SELECT version FROM search_meta")).first()
    if row is not None and row[0] == LAYOUT_VERSION:
        return
    for table in ("search_fts", "search_docs", "search_pages"):
        conn.execute(text(f"DROP TABLE IF EXISTS {table}"))
    columns = ", ".join(f"{c} TEXT" for c in DOC_COLUMNS)
    conn.execute(
        text(
            f"CREATE TABLE search_docs (document_id INTEGER PRIMARY KEY, {columns},"
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
    conn.execute(text("INSERT INTO search_meta VALUES (:v)"), {"v": LAYOUT_VERSION})


def _match_expression(alt: Alternative) -> str:
    tokens = " AND ".join('"' + t.replace('"', '""') + '"' for t in alt.tokens)
    return f"{alt.column} : ({tokens})"


class SqliteBackend:
    name = "sqlite"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        with engine.begin() as conn:
            _create(conn)

    def _write(self, conn: Connection, docs: list[IndexDocument]) -> None:
        ids = [d.document_id for d in docs]
        self._remove(conn, ids)
        conn.execute(
            text(
                f"INSERT INTO search_docs (document_id, {', '.join(DOC_COLUMNS)}, fields, pages)"
                f" VALUES (:document_id, {', '.join(':' + c for c in DOC_COLUMNS)}, :fields,"
                " :pages)"
            ),
            [
                {
                    "document_id": d.document_id,
                    "source": d.source,
                    **{
                        c: d.value(c) for c in DOC_COLUMNS if c not in ("source", "enlistment_year")
                    },
                    "enlistment_year": d.enlistment_year,
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
            conn.execute(text(f"DELETE FROM search_fts WHERE rowid IN ({marks})"))

    def upsert(self, docs: list[IndexDocument]) -> None:
        if docs:
            with self.engine.begin() as conn:
                self._write(conn, docs)

    def delete(self, document_ids: list[int]) -> None:
        with self.engine.begin() as conn:
            self._remove(conn, document_ids)

    def rebuild(self, docs: Iterable[IndexDocument]) -> None:
        """One transaction: readers (WAL) see the old index until the new one commits."""
        with self.engine.begin() as conn:
            conn.execute(text("DELETE FROM search_docs"))
            conn.execute(text("DELETE FROM search_fts"))
            batch: list[IndexDocument] = []
            for doc in docs:
                batch.append(doc)
                if len(batch) >= 500:
                    self._write(conn, batch)
                    batch = []
            if batch:
                self._write(conn, batch)

    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM search_docs")).scalar_one())

    def health(self) -> str | None:
        try:
            self.count()
        except Exception as exc:  # any driver failure means "not answering"
            return str(exc)
        return None

    def _scores(self, conn: Connection, p: Plan) -> dict[int, float] | None:
        """Document -> score for the token clauses; None when there are none (filters only)."""
        scores: dict[int, float] | None = None
        for clause in p.clauses:
            matched: dict[int, float] = {}
            for alt in clause.alternatives:
                rows = conn.execute(
                    text("SELECT rowid FROM search_fts WHERE search_fts MATCH :m"),
                    {"m": _match_expression(alt)},
                )
                for (rowid,) in rows:
                    matched[rowid] = matched.get(rowid, 0.0) + alt.boost
            if scores is None:
                scores = matched
            else:
                scores = {d: s + matched[d] for d, s in scores.items() if d in matched}
        return scores

    def _filtered(self, conn: Connection, p: Plan, ids: Iterable[int] | None) -> list[Any]:
        where, params = [], {}
        for i, (column, value) in enumerate(p.equals.items()):
            where.append(f"{column} = :eq{i}")
            params[f"eq{i}"] = value
        for i, (column, (low, high)) in enumerate(p.ranges.items()):
            where.append(f"{column} != ''")
            if low:
                where.append(f"{column} >= :lo{i}")
                params[f"lo{i}"] = low
            if high:
                where.append(f"{column} < :hi{i}")
                params[f"hi{i}"] = upper_bound(high)
        sql = "SELECT document_id, discharge_type, enlistment_year, unit FROM search_docs"
        if ids is not None:
            conn.execute(text("CREATE TEMP TABLE IF NOT EXISTS search_hits (id INTEGER)"))
            conn.execute(text("DELETE FROM search_hits"))
            rows = [{"id": i} for i in ids]
            if rows:
                conn.execute(text("INSERT INTO search_hits VALUES (:id)"), rows)
            where.append("document_id IN (SELECT id FROM search_hits)")
        if where:
            sql += " WHERE " + " AND ".join(where)
        return list(conn.execute(text(sql), params))

    def search(self, query: SearchQuery) -> SearchResult:
        p = plan(query)
        with self.engine.connect() as conn:
            scores = self._scores(conn, p)
            if scores is not None and not scores:
                return SearchResult(0, [], {f: {} for f in FACETS})
            rows = self._filtered(conn, p, None if scores is None else list(scores))
            conn.rollback()
            ranked = sorted(
                rows, key=lambda r: (-(scores or {}).get(r.document_id, 0.0), r.document_id)
            )
            facets = {f: top_counts(getattr(r, f) for r in rows) for f in FACETS}
            page = ranked[query.offset : query.offset + query.size]
            hits = []
            for r in page:
                doc = conn.execute(
                    text("SELECT source, fields, pages FROM search_docs WHERE document_id = :d"),
                    {"d": r.document_id},
                ).one()
                pages = json.loads(doc.pages)
                hits.append(
                    SearchHit(
                        r.document_id,
                        doc.source,
                        (scores or {}).get(r.document_id, 0.0),
                        json.loads(doc.fields),
                        highlights(pages, query.q) if query.q else [],
                    )
                )
        return SearchResult(len(rows), hits, facets)
