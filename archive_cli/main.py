"""The `archive` command (other tools and scripts drive it: keep its words stable)."""

from __future__ import annotations

import getpass
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import track
from rich.table import Table

from archive import __version__, logs
from archive.domain import Actor, Outcome, Role
from archive.settings import Settings
from archive.store.keys import ApiKeyError, KeyStore
from archive.store.stats import Period
from archive.usecases import Archive, Refused
from archive.usecases.accounts import create_user, list_users, manage_user
from archive.usecases.admin import audit_anchor, digitisation_progress, parse_anchor, verify_audit
from archive.usecases.catalogues import import_catalogue, list_versions
from archive.usecases.eligibility import check_eligibility
from archive.usecases.find import Found, find_records
from archive.usecases.index import rebuild_index, sync_index
from archive.usecases.matching import LookupQuery
from archive.usecases.views import figures_dict, progress_dict
from archive_cli.progress import IngestProgress, summary_table

app = typer.Typer(
    add_completion=False, no_args_is_help=True, help="退役军人档案数字化与检索 (vetarchive)"
)
err = Console(stderr=True)


class ExportFormat(StrEnum):
    jsonl = "jsonl"


def _settings() -> Settings:
    settings = Settings()
    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    # A data dir made by an older version may be open to all: closing the dir closes every
    # file in it to other accounts, whatever the files' own modes.
    with suppress(PermissionError):
        settings.data_dir.chmod(0o700)
    logs.configure(settings.logs_dir, settings.log_level)
    return settings


@contextmanager
def _archive(settings: Settings | None = None) -> Iterator[Archive]:
    archive = Archive.open(settings or _settings())
    try:
        yield archive
    finally:
        archive.close()


def _operator() -> Actor:
    """Whoever runs the command on the server: its own account, with the store's files in reach,
    may see everything; the audit log names the account."""
    try:
        account = getpass.getuser()
    except (KeyError, OSError):  # a user id with no name (containers)
        account = f"uid {os.getuid()}"
    return Actor(f"本机:{account}", Role.ADMIN)


def _refused(exc: Refused) -> None:
    err.print(f"[red]{exc.message}[/red]（{exc.message_en}）")


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
    # Everything the archive writes (the database, originals, page images, exports, logs) is
    # personal data: for the account that runs it only, in this process and the ones it starts.
    os.umask(0o077)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="files or folders (recursive)")],
    workers: Annotated[int | None, typer.Option(min=1, max=64, help="OCR processes")] = None,
    engine: Annotated[
        str | None,
        typer.Option(
            help="OCR engine: rapidocr (PP-OCR, default models), rapidocr-v4, rapidocr-v5, "
            "rapidocr-v6-small, rapidocr-v6-tiny, tesseract"
        ),
    ] = None,
) -> None:
    """Ingest scans: PDF, multi-page TIFF, JPEG, PNG. Exit status 1 if any file failed."""
    from ingest.pipeline import IngestOptions, IngestRun
    from ocr import ENGINES

    settings = _settings()
    chosen = engine or settings.engine
    if chosen not in ENGINES:
        err.print(f"[red]未知的识别引擎 {chosen!r}；可用：{', '.join(ENGINES)}[/red]")
        raise typer.Exit(2)
    options = IngestOptions.from_settings(settings, workers=workers, engine=chosen)
    problem = options.engine.build().check_available()
    if problem:
        err.print(f"[red]无法开始：{problem}[/red]")
        raise typer.Exit(2)
    with _archive(settings) as archive:
        with IngestProgress(err) as progress:
            report = IngestRun(archive.store, settings.data_dir, options, progress).run(paths)
        _sync_index(archive)
    if any(r.outcome is not Outcome.OK for r in report.results):
        err.print(summary_table(report.results))
    ok, skipped, failed = (report.count(o) for o in Outcome)
    rate = report.pages / report.seconds * 60 if report.seconds else 0.0
    err.print(
        f"完成：成功 {ok}，跳过 {skipped}，失败 {failed}；{report.pages} 页，"
        f"{report.seconds:.1f} 秒（{rate:.1f} 页/分钟）。作业 #{report.job_id}"
    )
    raise typer.Exit(1 if failed else 0)


index_app = typer.Typer(no_args_is_help=True, help="the search index")
app.add_typer(index_app, name="index")


def _sync_index(archive: Archive) -> bool:
    done = sync_index(archive)
    if not done.caught_up:
        err.print(f"[yellow]检索索引暂不可用，{done.pending} 条更新待同步：{done.problem}[/yellow]")
        err.print("[yellow]恢复后运行 archive index sync[/yellow]")
    elif done.sent:
        err.print(f"检索索引已更新 {done.sent} 条")
    if done.stale:
        err.print(f"[yellow]检索索引由旧版本建立，部分检索会漏掉结果：{done.stale}[/yellow]")
    return done.caught_up


@index_app.command("sync")
def index_sync() -> None:
    """Send every pending update to the search index. Exit status 1 if it is unreachable."""
    with _archive() as archive:
        ok = _sync_index(archive)
    raise typer.Exit(0 if ok else 1)


@app.command()
def reindex() -> None:
    """Rebuild the search index from the store; searches keep answering meanwhile."""
    with _archive() as archive:
        try:
            count = rebuild_index(archive)
        except Refused as exc:
            _refused(exc)
            raise typer.Exit(1) from exc
    err.print(f"索引已重建：{count} 份档案")


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
    params = {"q": query, "name": name, "unit": unit, "id": id_number}
    if not any(v.strip() for v in params.values()):
        err.print("[red]请给出检索内容：QUERY 或 --name / --unit / --id[/red]")
        raise typer.Exit(2)
    with _archive() as archive:
        try:
            found = find_records(archive, _operator(), params, size)
        except Refused as exc:
            _refused(exc)
            raise typer.Exit(1) from exc
    if as_json:
        typer.echo(json.dumps(_hits_json(found), ensure_ascii=False))
    else:
        Console().print(_hits_table(found))


def _hits_json(found: Found) -> dict[str, object]:
    return {
        "total": found.total,
        "hits": [
            {
                "source": h.source,
                "document_id": h.document_id,
                "score": h.score,
                **h.fields,
                "highlights": [{"page": x.page, "snippet": x.snippet} for x in h.highlights],
            }
            for h in found.hits
        ],
    }


def _hits_table(found: Found) -> Table:
    table = Table(title=f"共 {found.total} 条")
    for header in ("档案", "姓名", "身份证号", "部队番号", "入伍", "退役", "出处"):
        table.add_column(header)
    for h in found.hits:
        f = h.fields
        where = "；".join(f"第{x.page}页 {x.snippet}" for x in h.highlights)
        table.add_row(
            h.source,
            *(f.get(k) or "" for k in ("name", "id_number", "unit")),
            *(f.get(k) or "" for k in ("enlistment_date", "discharge_date")),
            where,
        )
    return table


@app.command()
def extract(
    all_documents: Annotated[
        bool, typer.Option("--all", help="every stored document (required)")
    ] = False,
) -> None:
    """Read the key fields again from the stored OCR, without re-OCR. People's corrections
    stay as they are."""
    from ingest.extract.extractor import ExtractOptions
    from ingest.extract.learned import learned
    from ingest.reextract import reextract

    if not all_documents:
        err.print("[red]请指定 --all：对全部已入库档案重新提取字段[/red]")
        raise typer.Exit(2)
    settings = _settings()
    with _archive(settings) as archive:
        options = ExtractOptions(
            review_below=settings.review_below, file_number_pattern=settings.file_number_pattern
        )
        read, flagged = reextract(
            archive.store,
            learned(options, archive.store, settings.bureau),
            lambda ids: track(ids, description="提取字段", console=err),
        )
        err.print(f"完成：{read} 份档案重新提取字段，{flagged} 个字段待人工复核")
        _sync_index(archive)


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
    from archive.usecases.export import write_jsonl

    with _archive() as archive:
        if output is None:
            count = write_jsonl(archive, _operator(), sys.stdout, with_text)
        else:
            with output.open("w", encoding="utf-8") as out:
                count = write_jsonl(archive, _operator(), out, with_text)
    err.print(f"导出 {count} 条记录")


keys_app = typer.Typer(no_args_is_help=True, help="API keys")
app.add_typer(keys_app, name="keys")


@keys_app.command("create")
def keys_create(
    role: Annotated[Role, typer.Option("--role", help="what the key may do")],
    name: Annotated[str, typer.Option("--name", help="who or what uses it (unique)")],
) -> None:
    """Make a key; it is printed once, here, and kept only as a hash."""
    with _archive() as archive:
        try:
            key, secret = KeyStore(archive.store).create(name, role)
        except ApiKeyError as exc:
            err.print(f"[red]未创建：{exc}[/red]")
            raise typer.Exit(1) from exc
    err.print(f"已创建密钥 #{key.id}「{key.name}」（{key.role.value}）；只显示这一次，请妥善保存：")
    typer.echo(secret)


@keys_app.command("list")
def keys_list() -> None:
    """Every key made, revoked ones included; never the secrets."""
    with _archive() as archive:
        keys = KeyStore(archive.store).list()
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
    with _archive() as archive:
        try:
            revoked = KeyStore(archive.store).revoke(key)
        except ApiKeyError as exc:
            err.print(f"[red]{exc}[/red]")
            raise typer.Exit(1) from exc
    err.print(f"已吊销密钥 #{revoked.id}「{revoked.name}」")


users_app = typer.Typer(no_args_is_help=True, help="personal staff accounts")
app.add_typer(users_app, name="users")


@users_app.command("create")
def users_create(
    name: Annotated[str, typer.Option("--name", help="the user name people sign in with")],
    role: Annotated[Role, typer.Option("--role", help="what the person may do")],
    display: Annotated[str, typer.Option("--display", help="the person's own name")] = "",
) -> None:
    """Make an account; its first password is printed once, to be changed at first sign-in."""
    with _archive() as archive:
        try:
            user, password = create_user(archive, _operator(), name, role, display)
        except Refused as exc:
            _refused(exc)
            raise typer.Exit(1) from exc
    err.print(
        f"已建立账户「{user.username}」（{user.role.value}）；初始密码只显示这一次，首次登录须修改："
    )
    typer.echo(password)


@users_app.command("list")
def users_list() -> None:
    """Every account, disabled ones included; never a password."""
    with _archive() as archive:
        users = list_users(archive)
    table = Table(title=f"共 {len(users)} 个账户")
    for header in ("用户名", "姓名", "角色", "动态码", "状态"):
        table.add_column(header)
    for u in users:
        state = (
            "已停用"
            if not u.active
            else f"锁定至 {u.locked_until:%Y-%m-%d %H:%M}"
            if u.locked_until
            else "待改初始密码"
            if u.must_change
            else "正常"
        )
        table.add_row(u.username, u.display_name, u.role.value, "是" if u.totp else "否", state)
    Console().print(table)


class UserChange(StrEnum):
    disable = "disable"
    enable = "enable"
    unlock = "unlock"
    reset = "reset"
    totp_off = "totp_off"


@users_app.command("change")
def users_change(
    what: Annotated[UserChange, typer.Argument(help="disable, enable, unlock, reset, totp_off")],
    name: Annotated[str, typer.Argument(help="the user name")],
) -> None:
    """Disable, enable or unlock an account, reset its password (a new first password is
    printed) or turn its second factor off."""
    with _archive() as archive:
        try:
            user, password = manage_user(archive, _operator(), name, what.value)
        except Refused as exc:
            _refused(exc)
            raise typer.Exit(1) from exc
    err.print(f"账户「{user.username}」：{what.value} 完成")
    if password:
        typer.echo(password)


class StatsPeriod(StrEnum):
    day = "day"
    month = "month"


catalogue_app = typer.Typer(no_args_is_help=True, help="unit catalogues (目录) for checks")
app.add_typer(catalogue_app, name="catalogue")


@catalogue_app.command("import")
def catalogue_import(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV or XLSX")],
    catalogue: Annotated[str, typer.Option("--catalogue", help="目录名称，规则文件引用它")],
    doc_number: Annotated[str, typer.Option("--doc-number", help="所依据文件的文号")],
    effective: Annotated[str, typer.Option("--effective", help="生效日期 yyyy-mm-dd")],
) -> None:
    """Import a catalogue file as a new version: all rows or none (each bad row is listed)."""
    with _archive() as archive:
        try:
            version = import_catalogue(
                archive,
                _operator(),
                data=path.read_bytes(),
                file_name=path.name,
                catalogue=catalogue,
                doc_number=doc_number,
                effective_date=effective,
            )
        except Refused as exc:
            _refused(exc)
            raise typer.Exit(1) from exc
    err.print(
        f"已导入“{version.catalogue}”版本 #{version.id}（{version.doc_number}，"
        f"{version.effective_date} 生效）：{version.row_count} 行"
    )


@catalogue_app.command("list")
def catalogue_list() -> None:
    """Every version of every catalogue imported."""
    with _archive() as archive:
        found = list_versions(archive)
    table = Table(title=f"共 {len(found)} 个目录版本")
    for header in ("版本", "目录", "文号", "生效日期", "行数", "文件", "导入者", "导入时间"):
        table.add_column(header)
    for v in found:
        table.add_row(
            str(v.id),
            v.catalogue,
            v.doc_number,
            v.effective_date,
            str(v.row_count),
            v.source_name,
            v.imported_by,
            f"{v.imported_at:%Y-%m-%d %H:%M}",
        )
    Console().print(table)


@app.command()
def check(
    programme: Annotated[str, typer.Option("--programme", help="项目编号（programmes/*.toml）")],
    id_number: Annotated[str, typer.Option("--id", help="身份证号")] = "",
    name: Annotated[str, typer.Option("--name", help="姓名（与 --birth 同用）")] = "",
    birth: Annotated[str, typer.Option("--birth", help="出生日期 yyyy-mm[-dd]")] = "",
) -> None:
    """Check one person against a programme; prints the verdicts as JSON (exit 0 met,
    3 not met, 4 unproven)."""
    try:
        query = (
            LookupQuery(id_number=id_number)
            if id_number
            else LookupQuery(name=name or None, birth_date=birth or None)
        )
    except ValueError as exc:
        err.print(f"[red]请给出 --id，或 --name 与 --birth[/red]（{exc}）")
        raise typer.Exit(2) from exc
    with _archive() as archive:
        try:
            out = check_eligibility(archive, _operator(), programme, [query])
        except Refused as exc:
            _refused(exc)
            raise typer.Exit(1) from exc
    typer.echo(out.model_dump_json(indent=1))
    raise typer.Exit({"met": 0, "not_met": 3, "unproven": 4}[out.results[0].verdict])


@app.command()
def stats(
    by: Annotated[StatsPeriod, typer.Option("--by", help="per day or per month")] = (
        StatsPeriod.month
    ),
    as_json: Annotated[bool, typer.Option("--json", help="JSON, as GET /api/v1/stats")] = False,
) -> None:
    """Progress figures: files, pages, persons, fields flagged, reviewed, corrected."""
    period: Period = "day" if by is StatsPeriod.day else "month"
    with _archive() as archive:
        found = digitisation_progress(archive, period)
        anchor = audit_anchor(archive)
    if as_json:
        typer.echo(json.dumps(progress_dict(found, period), ensure_ascii=False))
        return
    table = Table(
        title=f"人数（不同身份证号）{found.persons}，无身份证号的档案 {found.files_without_id} 份"
    )
    for header in ("期间", "档案", "页", "待复核字段", "已复核", "已更正", "确认无误率"):
        table.add_column(header, justify="right")
    rows = [*found.periods.items(), ("合计", found.total)]
    for label, figures in rows:
        f = figures_dict(figures)
        share = f["confirmed_share"]
        table.add_row(
            label,
            *(str(f[k]) for k in ("files", "pages", "flagged", "reviewed", "corrected")),
            "—" if share is None else f"{share:.1%}",
        )
    Console().print(table)
    if anchor:
        # Noted outside the system each day, it shows later that the log was not cut short.
        typer.echo(f"审计锚点（请另行记下）：{anchor.id}:{anchor.hash}")


audit_app = typer.Typer(no_args_is_help=True, help="the audit log")
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify(
    anchor: Annotated[
        str | None, typer.Option("--anchor", help="an anchor noted earlier, N:HASH")
    ] = None,
) -> None:
    """Recompute the hash chain: exit 0 when it is whole, 1 with every break listed."""
    with _archive() as archive:
        try:
            noted = parse_anchor(anchor) if anchor else None
        except Refused as exc:
            _refused(exc)
            raise typer.Exit(2) from exc
        breaks = verify_audit(archive, noted)
        now = audit_anchor(archive)
    for b in breaks:
        err.print(f"[red]{b.problem}[/red] {b.message}")
    if now:
        typer.echo(f"审计锚点：{now.id}:{now.hash}")
    if breaks:
        err.print(f"[red]审计日志不完整：{len(breaks)} 处[/red]")
        raise typer.Exit(1)
    typer.echo("审计日志完整" + ("，与锚点相符" if noted else ""))


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

    from ingest.pipeline import IngestOptions
    from ingest.uploads import UploadWorker
    from search_api.app import create_app

    settings = _settings()
    stop = threading.Event()
    with _archive(settings) as archive:
        uploads = UploadWorker(archive, IngestOptions.from_settings(settings))
        worker = threading.Thread(
            target=uploads.serve, args=(stop,), name="upload-worker", daemon=True
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


if __name__ == "__main__":
    app()
