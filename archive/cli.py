"""The `archive` command (other tools and scripts drive it: keep its words stable)."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import track
from rich.table import Table

from archive import __version__, logs
from archive.domain import ExtractedField, Outcome, Role
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
    from ocr import ENGINES

    settings, store = _setup()
    chosen = engine or settings.engine
    if chosen not in ENGINES:
        err.print(f"[red]未知的识别引擎 {chosen!r}；可用：{', '.join(ENGINES)}[/red]")
        raise typer.Exit(2)
    options = IngestOptions.from_settings(settings, workers=workers, engine=engine)
    problem = options.engine.build().check_available()
    if problem:
        err.print(f"[red]无法开始：{problem}[/red]")
        raise typer.Exit(2)
    with IngestProgress(err) as progress:
        report = IngestRun(store, settings.data_dir, options, progress).run(paths)
    _sync_index(settings, store)
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


index_app = typer.Typer(no_args_is_help=True, help="the search index")
app.add_typer(index_app, name="index")


def _sync_index(settings: Settings, store: Store) -> bool:
    """Send pending index updates; the store already holds them, so a backend that is down
    only delays search, and the next sync catches up."""
    from archive.search.backends import make_backend
    from archive.search.feed import drain
    from archive.search.model import SearchUnavailable

    try:
        sent = drain(store, make_backend(settings, store))
    except SearchUnavailable as exc:
        pending = store.count_pending_outbox()
        err.print(f"[yellow]检索索引暂不可用，{pending} 条更新待同步：{exc}[/yellow]")
        err.print("[yellow]恢复后运行 archive index sync[/yellow]")
        return False
    if sent:
        err.print(f"检索索引已更新 {sent} 条")
    return True


@index_app.command("sync")
def index_sync() -> None:
    """Send every pending update to the search index. Exit status 1 if it is unreachable."""
    settings, store = _setup()
    ok = _sync_index(settings, store)
    store.close()
    raise typer.Exit(0 if ok else 1)


@app.command()
def reindex() -> None:
    """Rebuild the search index from the store; searches keep answering meanwhile."""
    from archive.search.backends import make_backend
    from archive.search.feed import index_documents
    from archive.search.model import SearchUnavailable

    settings, store = _setup()
    backend = make_backend(settings, store)
    pending = store.pending_outbox(10**9)
    try:
        backend.rebuild(index_documents(store))
    except SearchUnavailable as exc:
        err.print(f"[red]重建失败，原索引未改动：{exc}[/red]")
        raise typer.Exit(1) from exc
    store.outbox_done([outbox_id for outbox_id, _ in pending])
    err.print(f"索引已重建：{backend.count()} 份档案")
    store.close()


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="any text: name, unit, ID tail or page text")] = "",
    name: Annotated[str, typer.Option("--name", help="name (partial, misread, pinyin)")] = "",
    unit: Annotated[str, typer.Option("--unit", help="unit designation or part of it")] = "",
    id_number: Annotated[str, typer.Option("--id", help="ID number or its last 4-6")] = "",
    size: Annotated[int, typer.Option(min=1, max=1000, help="hits to show")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="JSON for other tools")] = False,
) -> None:
    """Search the archive; prints a table, or JSON with --json."""
    from archive.search.backends import make_backend
    from archive.search.model import SearchQuery, SearchUnavailable

    settings, store = _setup()
    backend = make_backend(settings, store)
    q = SearchQuery(q=query, name=name, unit=unit, id=id_number, size=size)
    if q.is_empty():
        err.print("[red]请给出检索内容：QUERY 或 --name / --unit / --id[/red]")
        raise typer.Exit(2)
    try:
        result = backend.search(q)
    except SearchUnavailable as exc:
        err.print(f"[red]检索服务不可用：{exc}[/red]")
        raise typer.Exit(1) from exc
    finally:
        store.close()
    if as_json:
        out = {
            "total": result.total,
            "hits": [
                {
                    "source": h.source,
                    "document_id": h.document_id,
                    "score": h.score,
                    **h.fields,
                    "highlights": [{"page": x.page, "snippet": x.snippet} for x in h.highlights],
                }
                for h in result.hits
            ],
        }
        typer.echo(json.dumps(out, ensure_ascii=False))
        return
    console = Console()
    table = Table(title=f"共 {result.total} 条")
    for header in ("档案", "姓名", "身份证号", "部队番号", "入伍", "退役", "出处"):
        table.add_column(header)
    for h in result.hits:
        f = h.fields
        where = "；".join(f"第{x.page}页 {x.snippet}" for x in h.highlights)
        table.add_row(
            h.source,
            f.get("name") or "",
            f.get("id_number") or "",
            f.get("unit") or "",
            f.get("enlistment_date") or "",
            f.get("discharge_date") or "",
            where,
        )
    console.print(table)


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
    _sync_index(settings, store)
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


keys_app = typer.Typer(no_args_is_help=True, help="API keys")
app.add_typer(keys_app, name="keys")


@keys_app.command("create")
def keys_create(
    role: Annotated[Role, typer.Option("--role", help="what the key may do")],
    name: Annotated[str, typer.Option("--name", help="who or what uses it (unique)")],
) -> None:
    """Make a key; it is printed once, here, and kept only as a hash."""
    from archive.store.keys import ApiKeyError, KeyStore

    _, store = _setup()
    try:
        key, secret = KeyStore(store.engine).create(name, role)
    except ApiKeyError as exc:
        err.print(f"[red]未创建：{exc}[/red]")
        raise typer.Exit(1) from exc
    finally:
        store.close()
    err.print(f"已创建密钥 #{key.id}「{key.name}」（{key.role.value}）；只显示这一次，请妥善保存：")
    typer.echo(secret)


@keys_app.command("list")
def keys_list() -> None:
    """Every key made, revoked ones included; never the secrets."""
    from archive.store.keys import KeyStore

    _, store = _setup()
    keys = KeyStore(store.engine).list()
    store.close()
    table = Table(title=f"共 {len(keys)} 个密钥")
    for header in ("编号", "名称", "角色", "前缀", "创建时间", "状态"):
        table.add_column(header)
    for k in keys:
        state = "有效" if k.active else f"已吊销 {k.revoked_at:%Y-%m-%d %H:%M}"
        table.add_row(
            str(k.id), k.name, k.role.value, k.prefix, f"{k.created_at:%Y-%m-%d %H:%M}", state
        )
    Console().print(table)


@keys_app.command("revoke")
def keys_revoke(key: Annotated[str, typer.Argument(help="the key's name or number")]) -> None:
    """Revoke a key at once; it stays listed, and in the audit log."""
    from archive.store.keys import ApiKeyError, KeyStore

    _, store = _setup()
    try:
        revoked = KeyStore(store.engine).revoke(key)
    except ApiKeyError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    finally:
        store.close()
    err.print(f"已吊销密钥 #{revoked.id}「{revoked.name}」")


class StatsPeriod(StrEnum):
    day = "day"
    month = "month"


@app.command()
def stats(
    by: Annotated[StatsPeriod, typer.Option("--by", help="per day or per month")] = (
        StatsPeriod.month
    ),
    as_json: Annotated[bool, typer.Option("--json", help="JSON, as GET /api/v1/stats")] = False,
) -> None:
    """Progress figures: files, pages, persons, fields flagged, reviewed, corrected."""
    from zoneinfo import ZoneInfo

    from archive.store.stats import figures_dict, progress, progress_dict

    settings, store = _setup()
    found = progress(store.engine, by.value, ZoneInfo(settings.timezone))
    store.close()
    if as_json:
        typer.echo(json.dumps(progress_dict(found, by.value), ensure_ascii=False))
        return
    table = Table(
        title=f"人数（不同身份证号）{found.persons}，无身份证号的档案 {found.files_without_id} 份"
    )
    for header in ("期间", "档案", "页", "待复核字段", "已复核", "已更正", "确认无误率"):
        table.add_column(header, justify="right")
    rows = [*found.periods.items(), ("合计", found.total)]
    for period, figures in rows:
        f = figures_dict(figures)
        share = f["confirmed_share"]
        table.add_row(
            period,
            *(str(f[k]) for k in ("files", "pages", "flagged", "reviewed", "corrected")),
            "—" if share is None else f"{share:.1%}",
        )
    Console().print(table)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="address to listen on")] = None,
    port: Annotated[int | None, typer.Option(min=1, max=65535, help="port")] = None,
    processes: Annotated[
        int | None, typer.Option(min=1, max=32, help="server processes (default 1)")
    ] = None,
) -> None:
    """Serve the API (/api/v1) and run uploaded files through ingest in the background."""
    import threading

    import uvicorn

    from ingest.uploads import UploadWorker
    from search_api.app import create_app

    settings, store = _setup()
    stop = threading.Event()
    worker = threading.Thread(
        target=UploadWorker(settings, store).serve, args=(stop,), name="upload-worker", daemon=True
    )
    worker.start()
    host, port = host or settings.host, port or settings.port
    err.print(f"网页 http://{host}:{port}/ ，接口 http://{host}:{port}/api/v1 （说明 /docs）")
    processes = processes or settings.api_processes
    try:
        if processes == 1:
            uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")
        else:  # each process makes its own app from the same environment
            uvicorn.run(
                "search_api.app:from_environment",
                factory=True,
                workers=processes,
                host=host,
                port=port,
                log_level="warning",
            )
    finally:
        # A job cut short here is queued again at the next start; what it committed stays.
        stop.set()
        worker.join(timeout=5)
        store.close()


if __name__ == "__main__":
    app()
