"""The terminal view of an ingest: a progress bar with pages/s and ETA, then a summary."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from archive.domain import FileResult, Outcome


class _PagesPerSecond(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:.2f}页/秒" if speed else "--页/秒", style="cyan")


class IngestProgress:
    """Listener for ingest.pipeline that draws on the console (stderr)."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.progress = Progress(
            TextColumn("[bold]入库"),
            BarColumn(bar_width=16),
            MofNCompleteColumn(),
            _PagesPerSecond(),
            TimeRemainingColumn(),
            TextColumn("{task.fields[files]}"),
            console=console,
        )
        self.task = self.progress.add_task("pages", total=0, files="")
        self.counts = {o: 0 for o in Outcome}

    def __enter__(self) -> IngestProgress:
        self.progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.progress.stop()

    def pages_planned(self, pages: int) -> None:
        total = self.progress.tasks[0].total or 0
        self.progress.update(self.task, total=total + pages)

    def page_done(self) -> None:
        self.progress.advance(self.task)

    def file_done(self, result: FileResult) -> None:
        self.counts[result.outcome] += 1
        c = self.counts
        self.progress.update(
            self.task,
            files=f"成功{c[Outcome.OK]} 跳过{c[Outcome.SKIPPED]} 失败{c[Outcome.FAILED]}",
        )


def summary_table(results: list[FileResult], max_skipped: int = 10) -> Table:
    """Every failure with its reason; skipped files only up to ``max_skipped`` (a re-run of a
    large batch skips thousands, and the count says enough)."""
    table = Table(title="失败与跳过的文件", show_lines=False, expand=True)
    table.add_column("文件", overflow="fold")
    table.add_column("结果", no_wrap=True)
    table.add_column("原因代码", no_wrap=True)
    table.add_column("说明", overflow="fold")
    failed = [r for r in results if r.outcome is Outcome.FAILED]
    skipped = [r for r in results if r.outcome is Outcome.SKIPPED]
    for r in failed:
        table.add_row(r.path, Text("失败", style="red"), r.reason_code or "", r.message or "")
    for r in skipped[:max_skipped]:
        table.add_row(r.path, Text("跳过", style="yellow"), r.reason_code or "", r.message or "")
    if len(skipped) > max_skipped:
        table.add_row(f"……另有 {len(skipped) - max_skipped} 个文件跳过", "", "", "")
    return table
