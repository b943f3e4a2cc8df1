"""kill -9 of a real `archive ingest` mid-batch, then a re-run: every file exactly once."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scripts.samplegen.generate import generate
from tests.conftest import TEST_DPI

ARCHIVE = Path(sys.executable).parent / "archive"


def _count(db: Path, sql: str) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute(sql).fetchone()[0])
    except sqlite3.OperationalError:  # the schema is still being created
        return 0


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_kill_9_mid_batch_then_rerun_stores_every_file_exactly_once(tmp_path: Path) -> None:
    samples = generate(tmp_path / "samples", count=8, seed=21, dpi=TEST_DPI, levels=("mild",))
    scans = samples[0].path.parent
    data = tmp_path / "data"
    db = data / "archive.db"
    env = {
        **os.environ,
        "ARCHIVE_DATA_DIR": str(data),
        "ARCHIVE_PDF_DPI": str(TEST_DPI),
        "ARCHIVE_WORKERS": "2",
        "ARCHIVE_COMMIT_EVERY_S": "0.1",
    }
    proc = subprocess.Popen(
        [str(ARCHIVE), "ingest", str(scans)],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 300
        while _count(db, "select count(*) from documents") < 1:
            assert proc.poll() is None, "ingest ended before it could be killed"
            assert time.monotonic() < deadline, "no document was committed in time"
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        at_kill = _count(db, "select count(*) from documents")
        assert 1 <= at_kill < len(samples), "the kill must land mid-batch"
        # The pool's workers notice their parent is gone and leave by themselves.
        deadline = time.monotonic() + 120
        while _group_alive(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _group_alive(proc.pid), "orphaned workers did not exit"
    finally:
        if _group_alive(proc.pid):
            os.killpg(proc.pid, signal.SIGKILL)

    rerun = subprocess.run(
        [str(ARCHIVE), "ingest", str(scans)], env=env, capture_output=True, text=True, timeout=600
    )
    assert rerun.returncode == 0, rerun.stderr

    with sqlite3.connect(db) as conn:
        docs = conn.execute("select source_name, sha256, page_count, id from documents").fetchall()
        assert sorted(d[0] for d in docs) == sorted(s.path.name for s in samples)
        assert len({d[1] for d in docs}) == len(samples)
        expected_pages = {s.path.name: s.pages for s in samples}
        for name, _, page_count, doc_id in docs:
            stored = conn.execute(
                "select count(*) from pages where document_id = ?", (doc_id,)
            ).fetchone()[0]
            assert page_count == stored == expected_pages[name]
        assert conn.execute("select count(*) from outbox").fetchone()[0] == len(samples)
        jobs = conn.execute("select status, ok, skipped, failed from jobs order by id").fetchall()
    assert jobs[0][0] == "interrupted"
    assert jobs[1] == ("finished", len(samples) - at_kill, at_kill, 0)
    assert not list(data.rglob("*.tmp"))


@pytest.mark.parametrize("signal_number", [signal.SIGINT])
def test_ctrl_c_leaves_a_consistent_store(tmp_path: Path, signal_number: int) -> None:
    """An interrupted run (Ctrl-C) commits nothing half-way and the next run completes."""
    samples = generate(tmp_path / "s", count=4, seed=22, dpi=TEST_DPI, levels=("clean",))
    data = tmp_path / "data"
    env = {
        **os.environ,
        "ARCHIVE_DATA_DIR": str(data),
        "ARCHIVE_PDF_DPI": str(TEST_DPI),
        "ARCHIVE_WORKERS": "2",
    }
    scans = str(samples[0].path.parent)
    proc = subprocess.Popen(
        [str(ARCHIVE), "ingest", scans],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # Interrupted once the run is under way (its job opened), not after a guessed delay.
    deadline = time.monotonic() + 120
    while _count(data / "archive.db", "select count(*) from jobs") < 1:
        assert proc.poll() is None and time.monotonic() < deadline, "the run did not start"
        time.sleep(0.02)
    os.killpg(proc.pid, signal_number)
    proc.wait(timeout=120)
    subprocess.run(
        [str(ARCHIVE), "ingest", scans], env=env, check=True, capture_output=True, timeout=600
    )
    assert _count(data / "archive.db", "select count(*) from documents") == 4
    assert _count(data / "archive.db", "select count(*) from pages") == sum(
        s.pages for s in samples
    )
