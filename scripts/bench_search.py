"""Search benchmark on generated records (a script, not a timed test). Prints Markdown.

    .venv/bin/python -m scripts.bench_search [--records 100000] [--es-url http://127.0.0.1:9200]
                                             [--queries 400] [--seed 4004]

For each backend (the embedded SQLite one in a fresh database; Elasticsearch when --es-url is
given, in a fresh alias): bulk index throughput; latency p50/p95/p99 of a fixed query mix
(exact name, partial name, misread name, unit, ID tail, full text, date range with facets) at
1 and 8 concurrent clients; recall@10 and MRR for names with one character misread as OCR
misreads it. Names collide as real ones do (common surnames, repeated given names).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from archive.search.model import IndexDocument, SearchBackend, SearchQuery
from archive.store import Store
from archive.text import CONFUSABLE_CHARACTERS
from scripts.samplegen.people import format_date, make_veteran

CJK_GROUPS = CONFUSABLE_CHARACTERS
SWAP = {ch: [o for o in g if o != ch] for g in CJK_GROUPS for ch in g}


def records(count: int, seed: int) -> list[IndexDocument]:
    rng = random.Random(seed)
    docs = []
    for i in range(1, count + 1):
        v = make_veteran(rng, serial=i)
        fields: dict[str, str | None] = {k: str(x) for k, x in v.as_json().items()}
        for key in ("birth_date", "enlistment_date", "discharge_date"):
            fields[key] = str(fields[key])[:7]
        text = (
            f"{v.name}同志，{format_date(v.birth_date, 'cn', False)}出生，于"
            f"{format_date(v.enlistment_date, 'cn', False)}入伍，在{v.unit}服役，"
            f"服役期间荣立{v.awards}，{v.combat_or_test}，安置方式为{v.discharge_type}。"
        )
        docs.append(IndexDocument(i, f"{i:06d}-{v.name}.pdf", fields, [text]))
    return docs


def misread(name: str, rng: random.Random) -> str | None:
    """The name with one character replaced by one OCR confuses it with, if it has one."""
    spots = [i for i, ch in enumerate(name) if ch in SWAP]
    if not spots:
        return None
    i = rng.choice(spots)
    return name[:i] + rng.choice(SWAP[name[i]]) + name[i + 1 :]


@dataclass
class Mix:
    label: str
    make: Callable[[random.Random], SearchQuery]


def query_mix(docs: list[IndexDocument]) -> list[Mix]:
    def pick(rng: random.Random) -> IndexDocument:
        return docs[rng.randrange(len(docs))]

    def misread_query(rng: random.Random) -> SearchQuery:
        while True:
            name = pick(rng).value("name")
            wrong = misread(name, rng)
            if wrong:
                return SearchQuery(name=wrong)

    return [
        Mix("exact name", lambda r: SearchQuery(name=pick(r).value("name"))),
        Mix("partial name", lambda r: SearchQuery(name=pick(r).value("name")[-2:])),
        Mix("misread name", misread_query),
        Mix("unit code part", lambda r: SearchQuery(unit=pick(r).value("unit")[1:5])),
        Mix("ID tail", lambda r: SearchQuery(id=pick(r).value("id_number")[-6:])),
        Mix("full text", lambda r: SearchQuery(q=r.choice(["三等功", "老山轮战", "核试验"]))),
        Mix(
            "date range + facets",
            lambda r: SearchQuery(
                enlistment_from=str(r.randint(1960, 2000)),
                enlistment_to=str(r.randint(2001, 2010)),
                discharge_type=r.choice(["自主就业", "安排工作", "退休"]),
            ),
        ),
    ]


def latency(
    backend: SearchBackend, mixes: list[Mix], queries: int, clients: int
) -> dict[str, float]:
    rng = random.Random(7)
    work = [m.make(rng) for _ in range(queries // len(mixes)) for m in mixes]
    times: list[float] = []
    lock = threading.Lock()
    position = 0

    def client() -> None:
        nonlocal position
        while True:
            with lock:
                if position >= len(work):
                    return
                q = work[position]
                position += 1
            start = time.perf_counter()
            backend.search(q)
            elapsed = time.perf_counter() - start
            with lock:
                times.append(elapsed)

    start = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    return {**percentiles(times), "qps": len(times) / wall}


def percentiles(seconds: list[float]) -> dict[str, float]:
    """p50, p95 and p99 in milliseconds."""
    ordered = sorted(seconds)
    return {
        f"p{p}": ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000
        for p in (50, 95, 99)
    }


def misread_recall(
    backend: SearchBackend, docs: list[IndexDocument], trials: int
) -> tuple[float, float]:
    """recall@10 and MRR: a hit with the right name among the first ten, and how high."""
    rng = random.Random(11)
    found, reciprocal, done = 0, 0.0, 0
    while done < trials:
        name = docs[rng.randrange(len(docs))].value("name")
        wrong = misread(name, rng)
        if not wrong:
            continue
        done += 1
        hits = backend.search(SearchQuery(name=wrong, size=10)).hits
        ranks = [i for i, h in enumerate(hits, start=1) if h.fields.get("name") == name]
        if ranks:
            found += 1
            reciprocal += 1 / ranks[0]
    return found / trials, reciprocal / trials


def bench(backend: SearchBackend, docs: list[IndexDocument], queries: int) -> list[str]:
    start = time.perf_counter()
    for i in range(0, len(docs), 1000):
        backend.upsert(docs[i : i + 1000])
    if hasattr(backend, "client"):
        backend.client.indices.refresh(index=backend.alias)  # type: ignore[attr-defined]
    rate = len(docs) / (time.perf_counter() - start)
    assert backend.count() == len(docs)
    mixes = query_mix(docs)
    rows = [f"| {backend.name} | bulk index | {rate:,.0f} records/s |"]
    for clients in (1, 8):
        lat = latency(backend, mixes, queries, clients)
        rows.append(
            f"| {backend.name} | {clients} client(s), mixed queries | p50 {lat['p50']:.1f} ms,"
            f" p95 {lat['p95']:.1f} ms, p99 {lat['p99']:.1f} ms, {lat['qps']:.0f} q/s |"
        )
    for mix in mixes:
        lat = latency(backend, [mix], max(20, queries // 4), 1)
        rows.append(
            f"| {backend.name} | {mix.label}, 1 client | p50 {lat['p50']:.1f} ms,"
            f" p95 {lat['p95']:.1f} ms |"
        )
    recall, mrr = misread_recall(backend, docs, 300)
    rows.append(
        f"| {backend.name} | misread names (one OCR confusion) "
        f"| recall@10 {recall:.3f}, MRR {mrr:.3f} |"
    )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="search benchmark")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=700)
    parser.add_argument("--seed", type=int, default=4004)
    parser.add_argument("--es-url", default=None)
    args = parser.parse_args(argv)
    docs = records(args.records, args.seed)
    rows = ["| backend | measure | value |", "|---|---|---|"]
    work = Path(tempfile.mkdtemp(prefix="bench-search-"))
    store = Store.open(f"sqlite:///{work / 'bench.db'}")
    from archive.search.sqlite_backend import SqliteBackend

    rows += bench(SqliteBackend(store), docs, args.queries)
    store.close()
    if args.es_url:
        from archive.search.es_backend import ElasticsearchBackend

        es = ElasticsearchBackend(args.es_url, alias=f"bench-{os.getpid()}", refresh=False)
        try:
            rows += bench(es, docs, args.queries)
        finally:
            es.drop()
    print(
        f"\nMachine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; {len(docs):,} records, seed {args.seed}\n"
    )
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
