"""One page, start to finish, inside a pool process: the engine built there, the page read and
kept, every failure turned into a reason the file fails with."""

from __future__ import annotations

import ctypes
import os
import threading
import time
from dataclasses import dataclass
from multiprocessing.queues import SimpleQueue
from pathlib import Path

import cv2
import numpy as np

from archive.domain import MediaType, PageRecord
from archive.failures import Failure
from ingest.errors import IngestError
from ingest.page import read_and_keep
from ingest.scans import ScanLimits
from ocr import (
    Engine,
    EngineFactory,
    EngineTimeout,
    EngineUnavailable,
    OcrError,
    Orientation,
    Recognition,
)

TaskKey = tuple[int, int, int]  # file key, page number, attempt


@dataclass(frozen=True, slots=True)
class PageTask:
    file_key: int
    sha256: str
    original: Path  # absolute path of the content-addressed copy
    media_type: MediaType
    number: int
    data_dir: Path
    limits: ScanLimits
    engine: EngineFactory  # built in the worker: engines do not cross processes
    attempt: int = 0

    @property
    def key(self) -> TaskKey:
        return self.file_key, self.number, self.attempt


@dataclass(frozen=True, slots=True)
class PageDone:
    file_key: int
    number: int
    record: PageRecord | None
    failure: Failure | None
    seconds: float = 0.0  # whole page, in the worker
    engine_seconds: float = 0.0  # of which inside the OCR engine's program


# Where the worker says which page it began (the pool's deadline runs from then).
_STARTED: SimpleQueue[tuple[TaskKey, int]] | None = None


def init_worker(started: SimpleQueue[tuple[TaskKey, int]] | None = None) -> None:
    """One engine thread per process (the pool supplies the parallelism), and a watchdog;
    ``started`` hears of every page as it begins, so its deadline runs from then."""
    global _STARTED
    _STARTED = started
    os.environ["OMP_THREAD_LIMIT"] = "1"
    cv2.setNumThreads(1)
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()


def _release_freed_memory() -> None:
    """Hand the page's freed buffers (tens of MB at 300 dpi) back to the OS: glibc keeps them
    otherwise, and two workers would hold half a gigabyte more than they use."""
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _load_libc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc: nothing to trim
        return None
    return libc if hasattr(libc, "malloc_trim") else None


_LIBC = _load_libc()


def _exit_with_parent(parent: int) -> None:
    """Leave when the ingest process is gone (kill -9): a pool worker holds both ends of its
    task pipe, so it would otherwise wait for work forever."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(3)


class _TimedEngine:
    """Counts the time spent inside the engine, to tell OCR cost from pipeline overhead."""

    def __init__(self, inner: Engine) -> None:
        self.inner = inner
        self.seconds = 0.0

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def reads_binary(self) -> bool:
        return self.inner.reads_binary

    def recognize(self, image: np.ndarray) -> Recognition:
        start = time.perf_counter()
        try:
            return self.inner.recognize(image)
        finally:
            self.seconds += time.perf_counter() - start

    def guess_orientation(self, image: np.ndarray) -> Orientation | None:
        start = time.perf_counter()
        try:
            return self.inner.guess_orientation(image)
        finally:
            self.seconds += time.perf_counter() - start

    def check_available(self) -> str | None:
        return self.inner.check_available()


def _failure(exc: Exception, page: int) -> Failure:
    if isinstance(exc, IngestError):
        return exc.failure
    if isinstance(exc, EngineTimeout):
        return Failure("ocr_timeout", str(exc), page)
    if isinstance(exc, EngineUnavailable):
        return Failure("ocr_unavailable", str(exc), page)
    if isinstance(exc, OcrError):
        return Failure("ocr_failed", str(exc), page)
    if isinstance(exc, MemoryError):
        return Failure("ocr_failed", "out of memory", page)
    return Failure("io_error", str(exc), page)


def process_page(task: PageTask) -> PageDone:
    if _STARTED is not None:
        _STARTED.put((task.key, os.getpid()))
    start = time.perf_counter()
    engine = _TimedEngine(task.engine.build())
    record: PageRecord | None = None
    failure: Failure | None = None
    try:
        record = read_and_keep(
            task.original,
            task.media_type,
            task.number,
            task.limits,
            engine,
            task.data_dir,
            task.sha256,
        )
    except (IngestError, OcrError, MemoryError, OSError) as exc:
        failure = _failure(exc, task.number)
    _release_freed_memory()
    return PageDone(
        task.file_key, task.number, record, failure, time.perf_counter() - start, engine.seconds
    )
