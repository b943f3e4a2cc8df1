"""API benchmark on loopback (a script, not a timed test). Prints Markdown.

    .venv/bin/python -m scripts.bench_api [--records 100000] [--es-url http://127.0.0.1:9200]
                                          [--requests 400] [--seed 4004]

Fills a fresh data dir with generated records (fields with evidence, one page of text each),
indexes them in the embedded backend and, with --es-url, in Elasticsearch, starts
`archive serve` on 127.0.0.1 for each backend (with 1 and 2 server processes unless told
otherwise) and measures, at 1, 8 and 32 concurrent clients:
requests/s and latency p50/p95/p99 of a search mix (the mix of bench_search) and of
POST /api/v1/lookup with batches of 100 ID numbers (nine in ten on file), and counts errors.
Clients and server share the machine: the figures include the clients' own cost.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import httpx2 as httpx

from archive.domain import (
    Evidence,
    ExtractedField,
    FileResult,
    MediaType,
    NewDocument,
    Outcome,
    PageRecord,
    Role,
)
from archive.search.backends import make_backend
from archive.search.feed import drain
from archive.search.model import IndexDocument, SearchQuery
from archive.settings import Settings
from archive.store import Store
from archive.store.keys import KeyStore
from scripts.bench_search import percentiles, query_mix, records

ARCHIVE = Path(sys.executable).parent / "archive"


def _new_document(doc: IndexDocument) -> tuple[NewDocument, FileResult]:
    sha = f"{doc.document_id:064x}"
    page = PageRecord(
        1, 1654, 2339, "p/1.jpg", "p/1.png", 0, 0.0, "rapidocr", doc.pages[0], 0.97, [], []
    )
    found = [
        ExtractedField(key, value, 0.97, False, Evidence(1, [100, 100, 400, 140], value or ""))
        for key, value in doc.fields.items()
    ]
    new = NewDocument(
        sha, doc.source, doc.source, f"originals/{sha}.pdf", MediaType.PDF, 1000, [page], found
    )
    return new, FileResult(doc.source, doc.source, Outcome.OK, sha)


def fill(settings: Settings, docs: list[IndexDocument]) -> float:
    """Stores the records and indexes them in the configured backend; returns seconds."""
    start = time.perf_counter()
    store = Store.open(settings.resolved_database_url)
    job = store.start_job({"bench": True})
    for i in range(0, len(docs), 1000):
        store.save_documents(job, [_new_document(d) for d in docs[i : i + 1000]])
    store.finish_job(job)
    drain(store, make_backend(settings, store), batch=2000)
    store.close()
    return time.perf_counter() - start


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(settings: Settings, processes: int) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {**os.environ, "ARCHIVE_DATA_DIR": str(settings.data_dir), "ARCHIVE_LOG_LEVEL": "WARNING"}
    if settings.es_url:
        env |= {"ARCHIVE_ES_URL": settings.es_url, "ARCHIVE_ES_ALIAS": settings.es_alias}
    command = [str(ARCHIVE), "serve", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--processes", str(processes)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return process, url
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit("archive serve did not become ready")


@dataclass(frozen=True)
class Call:
    method: str
    path: str  # with its query string
    body: bytes = b""


def _params(q: SearchQuery) -> dict[str, str]:
    keys = ("q", "name", "unit", "id", "discharge_type", "enlistment_from", "enlistment_to")
    return {k: getattr(q, k) for k in keys if getattr(q, k)}


def search_calls(docs: list[IndexDocument], count: int, rng: random.Random) -> list[Call]:
    mixes = query_mix(docs)
    queries = [mixes[i % len(mixes)].make(rng) for i in range(count)]
    return [Call("GET", "/api/v1/records/search?" + urlencode(_params(q))) for q in queries]


def lookup_calls(docs: list[IndexDocument], count: int, rng: random.Random) -> list[Call]:
    calls = []
    for _ in range(count):
        queries = []
        for _ in range(100):
            number = docs[rng.randrange(len(docs))].value("id_number")
            if rng.random() < 0.1:  # not on file
                number = number[:10] + "00000000"
            queries.append({"id_number": number})
        calls.append(Call("POST", "/api/v1/lookup", json.dumps({"queries": queries}).encode()))
    return calls


def python_load(url: str, key: str, calls: list[Call], clients: int) -> dict[str, float]:
    """Each call once, spread over ``clients`` threads of httpx clients."""
    times: list[float] = []
    errors = 0
    lock = threading.Lock()
    queue = list(reversed(calls))

    def client() -> None:
        nonlocal errors
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        with httpx.Client(base_url=url, headers=headers, timeout=60) as http:
            while True:
                with lock:
                    if not queue:
                        return
                    call = queue.pop()
                start = time.perf_counter()
                try:
                    ok = http.request(call.method, call.path, content=call.body).status_code == 200
                except httpx.HTTPError:
                    ok = False
                elapsed = time.perf_counter() - start
                with lock:
                    times.append(elapsed)
                    errors += not ok

    start = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    return {"rps": len(times) / wall, **percentiles(times), "errors": errors}


WRK_SCRIPT = """
local calls = {%s}
local n = 0
request = function()
  n = n + 1
  local c = calls[(n %% #calls) + 1]
  return wrk.format(c[1], c[2], {["Authorization"] = "Bearer %s",
                                 ["Content-Type"] = "application/json"}, c[3])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%f %%f %%f\\n", summary.requests, summary.duration,
    e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000))
end
"""


def _lua(text: str) -> str:
    return "[==[" + text + "]==]"


def wrk_load(url: str, key: str, calls: list[Call], clients: int, seconds: int) -> dict[str, float]:
    """wrk (C, one thread per core) sends the calls round robin for ``seconds``: the load
    generator costs the machine little, so the figures are the server's."""
    table = ",".join(
        "{"
        + ",".join((_lua(c.method), _lua(c.path), _lua(c.body.decode()) if c.body else "nil"))
        + "}"
        for c in calls
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % (table, key))
    threads = min(clients, 2)
    done = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{clients}",
            f"-d{seconds}s",
            "--timeout",
            "30s",
            "-s",
            script.name,
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    os.unlink(script.name)
    line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT")), None)
    if line is None:
        raise SystemExit(f"wrk gave no result:\n{done.stdout}\n{done.stderr}")
    requests, micros, errors, p50, p95, p99 = (float(v) for v in line.split()[1:])
    return {"rps": requests / (micros / 1e6), "p50": p50, "p95": p95, "p99": p99, "errors": errors}


def bench(
    settings: Settings,
    docs: list[IndexDocument],
    requests: int,
    processes: list[int],
    seconds: int,
) -> list[str]:
    backend = "elasticsearch" if settings.es_url else "sqlite"
    filled = fill(settings, docs)
    store = Store.open(settings.resolved_database_url)
    keys = KeyStore(store)
    staff = keys.create(f"bench-staff-{backend}", Role.STAFF)[1]
    service = keys.create(f"bench-service-{backend}", Role.SERVICE)[1]
    store.close()
    rows = [f"| {backend} | store and index {len(docs):,} records | {filled:.0f} s | | | | |"]
    rng = random.Random(7)
    kinds = (
        ("search mix", staff, search_calls(docs, requests, rng)),
        ("lookup, 100 IDs", service, lookup_calls(docs, max(50, requests // 4), rng)),
    )
    for n in processes:
        process, url = serve(settings, n)
        try:
            for label, key, calls in kinds:
                python_load(url, key, calls[:20], 2)  # warm-up
                for clients in (1, 8, 32):
                    r = (
                        wrk_load(url, key, calls, clients, seconds)
                        if seconds
                        else python_load(url, key, calls, clients)
                    )
                    rows.append(
                        f"| {backend}, {n} server process(es) | {label}, {clients} client(s) "
                        f"| {r['rps']:.0f} req/s | {r['p50']:.1f} | {r['p95']:.1f} "
                        f"| {r['p99']:.1f} | {r['errors']:.0f} |"
                    )
        finally:
            process.terminate()
            process.wait(timeout=60)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="API benchmark (loopback only)")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--seed", type=int, default=4004)
    parser.add_argument("--es-url", default=None)
    parser.add_argument("--processes", default="1,2", help="server processes to try, e.g. 1,2")
    parser.add_argument("--only-es", action="store_true", help="skip the embedded backend")
    parser.add_argument(
        "--wrk-seconds",
        type=int,
        default=15 if shutil.which("wrk") else 0,
        help="load with wrk for this long per measure (0: Python clients; default: wrk if found)",
    )
    args = parser.parse_args(argv)
    processes = [int(n) for n in args.processes.split(",")]
    docs = records(args.records, args.seed)
    work = Path(tempfile.mkdtemp(prefix="bench-api-"))
    rows = [
        "| backend | measure | throughput | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---|---|---|---|---|---|",
    ]
    if not args.only_es:
        rows += bench(
            Settings(data_dir=work / "sqlite", _env_file=None),
            docs,
            args.requests,
            processes,
            args.wrk_seconds,
        )
    if args.es_url:
        es = Settings(
            data_dir=work / "es",
            es_url=args.es_url,
            es_alias=f"bench-api-{os.getpid()}",
            _env_file=None,
        )
        try:
            rows += bench(es, docs, args.requests, processes, args.wrk_seconds)
        finally:
            from archive.search.es_backend import ElasticsearchBackend

            ElasticsearchBackend(args.es_url, alias=es.es_alias).drop()
    load = f"wrk, {args.wrk_seconds} s a measure" if args.wrk_seconds else "Python clients"
    print(
        f"\nMachine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; {len(docs):,} records, seed {args.seed}; load: {load};"
        f" work dir {work}\n"
    )
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
