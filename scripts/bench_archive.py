"""What the benchmarks over a generated archive share: their options, the settings, generating
and ingesting the files with the real pipeline, and the line that says what was measured."""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

from archive.settings import Settings
from archive.store import Store
from ingest.pipeline import IngestOptions, IngestRun
from scripts.samplegen.generate import SampleFile


def add_options(parser: argparse.ArgumentParser, files: int, seed: int) -> None:
    parser.add_argument("--files", type=int, default=files)
    parser.add_argument("--seed", type=int, default=seed, help="tests use seeds below 100")
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--forms",
        choices=("seen", "dev", "test"),
        default="seen",
        help="seen: the families the extractor was built on; dev, test: unseen families and "
        "held-out label wordings (scripts/samplegen/unseen.py); test only for measuring",
    )
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--reuse", action="store_true", help="keep the ingested archive")
    parser.add_argument("--examples", action="store_true", help="list what was wrong")


def work_dir(args: argparse.Namespace, prefix: str) -> tuple[Path, Settings]:
    work: Path = args.work or Path(tempfile.mkdtemp(prefix=prefix))
    settings = Settings(
        data_dir=work / "data", workers=args.workers, pdf_dpi=args.dpi, _env_file=None
    )
    return work, settings


def ingest(settings: Settings, files: list[SampleFile]) -> float:
    """Seconds to ingest the files with the default engine, as `archive ingest` does."""
    store = Store.open(settings.resolved_database_url)
    start = time.perf_counter()
    IngestRun(store, settings.data_dir, IngestOptions.from_settings(settings)).run(
        [f.path for f in files]
    )
    seconds = time.perf_counter() - start
    store.close()
    return seconds


def describe(args: argparse.Namespace, settings: Settings, work: Path, files: int) -> str:
    return (
        f"\nMachine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; {files} files at {args.dpi} dpi, seed {args.seed}, "
        f"forms {args.forms}, engine {settings.engine}; work dir {work}"
    )
