"""Ingest benchmark (a script, not a timed test). Prints a Markdown table.

    .venv/bin/python -m scripts.bench_ingest [--min-pages 60] [--dpi 200] [--big-pages 200]
                                             [--skip-files 1000] [--work DIR]

1. pages/min with 1 and 2 workers on >= --min-pages generated pages (every degradation level);
2. the share of page time spent outside the OCR engine (measured inside the workers);
3. peak memory (RSS of the whole process tree) ingesting one --big-pages PDF;
4. wall time of `archive ingest` over --skip-files files that are all already stored.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
from PIL import Image

from archive import logs
from archive.domain import Outcome
from archive.settings import Settings
from archive.store import Store
from ingest.pipeline import IngestOptions, IngestReport, IngestRun
from scripts.samplegen.generate import SampleFile, generate

ARCHIVE = Path(sys.executable).parent / "archive"


def _ingest(paths: list[Path], data: Path, workers: int, dpi: int) -> IngestReport:
    settings = Settings(data_dir=data, workers=workers, pdf_dpi=dpi, _env_file=None)
    store = Store.open(settings.resolved_database_url)
    try:
        return IngestRun(store, data, IngestOptions.from_settings(settings)).run(paths)
    finally:
        store.close()


def _tree_rss(proc: psutil.Process) -> int:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += p.memory_info().rss
    return total


def _run_measured(args: list[str], env: dict[str, str]) -> tuple[float, int, int]:
    """(seconds, peak tree RSS in bytes, exit status) of one `archive` run."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [str(ARCHIVE), *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    ps = psutil.Process(proc.pid)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            try:
                peak = max(peak, _tree_rss(ps))
            except psutil.NoSuchProcess:
                return
            time.sleep(0.1)

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    code = proc.wait()
    stop.set()
    watcher.join()
    return time.perf_counter() - start, peak, code


def _big_pdf(path: Path, pages: int, work: Path, dpi: int) -> None:
    """A long file from a few distinct generated pages, repeated (rendering 200 is slow)."""
    files = generate(
        work / "bigsrc", count=3, seed=404, dpi=dpi, formats=("tiff",), levels=("mild",)
    )
    frames: list[Image.Image] = []
    for f in files:
        with Image.open(f.path) as tif:
            for i in range(getattr(tif, "n_frames", 1)):
                tif.seek(i)
                frames.append(tif.convert("RGB"))
    chosen = [frames[i % len(frames)] for i in range(pages)]
    chosen[0].save(path, "PDF", save_all=True, append_images=chosen[1:], resolution=dpi, quality=85)


def _skip_batch(folder: Path, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        image = Image.new("L", (64, 64), 255)
        image.putpixel((i % 64, (i // 64) % 64), 0)  # distinct content, distinct sha256
        image.save(folder / f"{i:04d}.png")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="ingest benchmark")
    parser.add_argument("--min-pages", type=int, default=60)
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--big-pages", type=int, default=200)
    parser.add_argument("--skip-files", type=int, default=1000)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument(
        "--parts",
        default="throughput,memory,skip",
        help="comma-separated subset of throughput, memory, skip",
    )
    args = parser.parse_args(argv)
    parts = set(args.parts.split(","))
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    work.mkdir(parents=True, exist_ok=True)
    logs.configure(work / "logs")
    rows: list[tuple[str, str, str]] = []
    if "throughput" in parts:
        rows += _throughput(work, args.min_pages, args.dpi)
    if "memory" in parts:
        rows.append(_memory(work, args.big_pages, args.dpi))
    if "skip" in parts:
        rows.append(_skip(work, args.skip_files))
    print(
        f"\nMachine: {platform.machine()}, {os.cpu_count()} cores, "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}; "
        f"work dir {work}\n"
    )
    print("| measure | value | notes |\n|---|---|---|")
    for row in rows:
        print(f"| {row[0]} | {row[1]} | {row[2]} |")
    return 0


def _throughput(work: Path, min_pages: int, dpi: int) -> list[tuple[str, str, str]]:
    files: list[SampleFile] = []
    start = 0
    while sum(f.pages for f in files) < min_pages:
        files += generate(work / "samples", count=12, seed=77, dpi=dpi, start=start)
        start += 12
    pages = sum(f.pages for f in files)
    runs: dict[int, IngestReport] = {}
    rows = []
    for workers in (1, 2):
        data = work / f"data-w{workers}"
        shutil.rmtree(data, ignore_errors=True)
        r = runs[workers] = _ingest([f.path for f in files], data, workers, dpi)
        rows.append(
            (
                f"pages/min, {workers} worker(s)",
                f"{r.pages / r.seconds * 60:.1f}",
                f"{r.pages} pages in {r.seconds:.1f} s; failed files {r.count(Outcome.FAILED)}",
            )
        )
    rows.append(
        ("speed-up, 2 workers vs 1", f"{runs[1].seconds / runs[2].seconds:.2f}x", "target >= 1.8x")
    )
    r1 = runs[1]
    outside_worker = 1 - r1.engine_seconds / r1.worker_page_seconds
    outside_wall = 1 - r1.engine_seconds / r1.seconds
    rows.append(
        (
            "time outside the OCR engine, per page",
            f"{outside_worker:.1%}",
            f"in-worker; end to end with 1 worker: {outside_wall:.1%}; target <= 15%",
        )
    )
    rows.append(("samples", f"{len(files)} files", f"{pages} pages at {dpi} dpi, all levels"))
    return rows


def _memory(work: Path, big_pages: int, dpi: int) -> tuple[str, str, str]:
    big = work / "big.pdf"
    _big_pdf(big, big_pages, work, dpi)
    env = {
        **os.environ,
        "ARCHIVE_DATA_DIR": str(work / "data-big"),
        "ARCHIVE_PDF_DPI": "300",
        "ARCHIVE_WORKERS": "2",
    }
    seconds, peak, code = _run_measured(["ingest", str(big)], env)
    return (
        f"peak RSS, one {big_pages}-page PDF at 300 dpi, 2 workers",
        f"{peak / 2**20:.0f} MiB",
        f"exit {code}; {seconds:.0f} s; target < 1.5 GB",
    )


def _skip(work: Path, count: int) -> tuple[str, str, str]:
    folder = work / "skip"
    _skip_batch(folder, count)
    env = {**os.environ, "ARCHIVE_DATA_DIR": str(work / "data-skip"), "ARCHIVE_WORKERS": "2"}
    first, _, code1 = _run_measured(["ingest", str(folder)], env)
    again, _, code2 = _run_measured(["ingest", str(folder)], env)
    return (
        f"re-run over {count} stored files (all skipped)",
        f"{again:.2f} s",
        f"first ingest {first:.0f} s (exit {code1}); re-run exit {code2}; target < 10 s",
    )


if __name__ == "__main__":
    raise SystemExit(main())
