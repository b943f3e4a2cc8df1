"""Workers that crash, hang or run out of memory, with fake engines: the page that causes it
fails its file alone, with its reason, and every other file lands; in seconds, every time."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from archive.domain import Outcome
from archive.settings import Settings
from archive.store import Store
from ingest.pipeline import IngestOptions, IngestReport, IngestRun
from tests.fakes.engines import READ_TEXT, Misbehaviour, Scripted

POISON_HEIGHT = 900


def _scans(folder: Path) -> list[Path]:
    """Three blank pages as PNG, each its own shade of paper; the middle one is taller: the
    poison page."""
    folder.mkdir()
    paths = []
    for name, height, paper in (("a", 800, 250), ("b-poison", POISON_HEIGHT, 251), ("c", 800, 252)):
        path = folder / f"{name}.png"
        Image.new("L", (600, height), paper).save(path)
        paths.append(path)
    return paths


def _run(settings: Settings, store: Store, script: Scripted, tmp_path: Path) -> IngestReport:
    options = replace(
        IngestOptions.from_settings(settings), engine=script, page_timeout_s=2.0, workers=2
    )
    return IngestRun(store, settings.data_dir, options).run(_scans(tmp_path / "scans"))


def _outcomes(report: IngestReport) -> dict[str, tuple[Outcome, str | None]]:
    return {r.source_name: (r.outcome, r.reason_code) for r in report.results}


def test_a_worker_killed_mid_page_costs_no_file(
    settings: Settings, store: Store, tmp_path: Path
) -> None:
    """The OOM killer takes a worker once: its pages are read again, alone, and every file
    lands with the text the engine read."""
    script = Scripted("crash_once", POISON_HEIGHT, memory=str(tmp_path))
    report = _run(settings, store, script, tmp_path)
    assert report.pool_restarts == 1
    assert [r.outcome for r in report.results] == [Outcome.OK] * 3
    assert all(d.page_text == [READ_TEXT] for d in store.iter_documents(with_text=True))


def test_a_page_that_kills_every_worker_fails_its_file_alone(
    settings: Settings, store: Store, tmp_path: Path
) -> None:
    report = _run(settings, store, Scripted("crash", POISON_HEIGHT), tmp_path)
    assert _outcomes(report) == {
        "a.png": (Outcome.OK, None),
        "b-poison.png": (Outcome.FAILED, "worker_crashed"),
        "c.png": (Outcome.OK, None),
    }
    # Once with the others in flight, once alone: the second crash names the page.
    assert report.pool_restarts == 2
    assert store.count_documents() == 2


def test_a_page_that_hangs_is_stopped_at_its_deadline(
    settings: Settings, store: Store, tmp_path: Path
) -> None:
    started = time.monotonic()
    report = _run(settings, store, Scripted("hang", POISON_HEIGHT), tmp_path)
    assert time.monotonic() - started < 60  # the page sleeps for an hour
    assert _outcomes(report)["b-poison.png"] == (Outcome.FAILED, "ocr_timeout")
    failed = next(r for r in report.results if r.outcome is Outcome.FAILED)
    assert "超时" in (failed.message or "") and "stopped" in (failed.message or "")
    assert [o for o, _ in _outcomes(report).values()].count(Outcome.OK) == 2


@pytest.mark.parametrize(
    ("misbehaviour", "detail"),
    [("out_of_memory", "out of memory"), ("fail", "the program said: page too hard")],
)
def test_an_engine_failure_inside_the_worker_fails_its_file_with_the_reason(
    settings: Settings, store: Store, tmp_path: Path, misbehaviour: Misbehaviour, detail: str
) -> None:
    report = _run(settings, store, Scripted(misbehaviour, POISON_HEIGHT), tmp_path)
    assert report.pool_restarts == 0
    assert _outcomes(report)["b-poison.png"] == (Outcome.FAILED, "ocr_failed")
    failed = next(r for r in report.results if r.outcome is Outcome.FAILED)
    assert detail in (failed.message or "") and "第 1 页" in (failed.message or "")
    assert store.count_documents() == 2
