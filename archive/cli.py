"""The `archive` command (other tools and scripts drive it: keep its words stable)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import track

from archive import __version__, logs
from archive.domain import ExtractedField, Outcome
from archive.progress import IngestProgress, summary_table
from archive.settings import Settings
from archive.store import Store

app = typer.Typer(
    add_completion=False, no_args_is_help=True, help="退役军人档案数字化与检索 (vetarchive)"
)
err = Console(stderr=True)


class ExportFormat(StrEnum):
    jsonl = "jsonl"


def _setup() -> tuple[Settings, Store]:
    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    logs.configure(settings.logs_dir, settings.log_level)
    return settings, Store.open(settings.resolved_database_url)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"vetarchive {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="print the version and exit"
        ),
    ] = False,
) -> None:
    """Ingest scans, export and search the archive."""


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="files or folders (recursive)")],
    workers: Annotated[int | None, typer.Option(min=1, max=64, help="OCR processes")] = None,
    engine: Annotated[str | None, typer.Option(help="OCR engine")] = None,
) -> None:
    """Ingest scans: PDF, multi-page TIFF, JPEG, PNG. Exit status 1 if any file failed."""
    from ingest.pipeline import IngestOptions, IngestRun
    from ocr.engine import ENGINES
    from ocr.tesseract import check_available

    settings, store = _setup()
    options = IngestOptions.from_settings(settings, workers=workers, engine=engine)
    if options.engine not in ENGINES:
        err.print(f"[red]未知的识别引擎 {options.engine!r}；可用：{', '.join(ENGINES)}[/red]")
        raise typer.Exit(2)
    problem = check_available(options.lang)
    if problem:
        err.print(f"[red]无法开始：{problem}[/red]")
        raise typer.Exit(2)
    with IngestProgress(err) as progress:
        report = IngestRun(store, settings.data_dir, options, progress).run(paths)
    if any(r.outcome is not Outcome.OK for r in report.results):
        err.print(summary_table(report.results))
    ok, skipped, failed = (report.count(o) for o in Outcome)
    rate = report.pages / report.seconds * 60 if report.seconds else 0.0
    err.print(
        f"完成：成功 {ok}，跳过 {skipped}，失败 {failed}；{report.pages} 页，"
        f"{report.seconds:.1f} 秒（{rate:.1f} 页/分钟）。作业 #{report.job_id}"
    )
    store.close()
    raise typer.Exit(1 if failed else 0)


@app.command()
def extract(
    all_documents: Annotated[
        bool, typer.Option("--all", help="every stored document (required)")
    ] = False,
) -> None:
    """Read the key fields again from the stored OCR, without re-OCR. People's corrections
    stay as they are."""
    from ingest.extract.extractor import ExtractOptions
    from ingest.extract.extractor import extract as extract_fields

    if not all_documents:
        err.print("[red]请指定 --all：对全部已入库档案重新提取字段[/red]")
        raise typer.Exit(2)
    settings, store = _setup()
    options = ExtractOptions(review_below=settings.review_below)
    ids = store.document_ids()
    flagged = 0
    batch: dict[int, list[ExtractedField]] = {}
    for document_id in track(ids, description="提取字段", console=err):
        found = extract_fields(store.page_records(document_id), options=options)
        flagged += sum(f.needs_review for f in found)
        batch[document_id] = found
        if len(batch) >= 100:  # one transaction per hundred documents
            store.replace_fields(batch)
            batch = {}
    store.replace_fields(batch)
    err.print(f"完成：{len(ids)} 份档案重新提取字段，{flagged} 个字段待人工复核")
    store.close()


@app.command()
def export(
    format: Annotated[ExportFormat, typer.Option("--format", help="output format")] = (
        ExportFormat.jsonl
    ),
    with_text: Annotated[bool, typer.Option("--with-text", help="add page_text")] = False,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="file; default stdout")
    ] = None,
) -> None:
    """Export one JSON object per source file."""
    from archive.export import write_jsonl

    _, store = _setup()
    if output is None:
        count = write_jsonl(store, sys.stdout, with_text)
    else:
        with output.open("w", encoding="utf-8") as out:
            count = write_jsonl(store, out, with_text)
    err.print(f"导出 {count} 条记录")
    store.close()


if __name__ == "__main__":
    app()
