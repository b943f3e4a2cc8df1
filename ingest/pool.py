"""The processes pages are read in: started again when a worker dies, and a worker whose page
runs past its deadline is stopped, since an engine stuck in native code (PP-OCR runs in the
worker, with no timeout of its own) cannot be stopped any other way."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing.queues import SimpleQueue

import structlog

from archive.failures import Failure
from ingest.worker import PageDone, PageTask, TaskKey, init_worker, process_page

log = structlog.get_logger(__name__)


@dataclass
class Collected:
    finished: list[tuple[PageTask, PageDone]] = field(default_factory=list)
    # Pages the pool lost when a worker died or was stopped; it has been started again.
    lost: list[PageTask] = field(default_factory=list)
    overdue: list[PageTask] = field(default_factory=list)  # of those, the ones past the deadline


class PagePool:
    def __init__(self, workers: int, page_timeout_s: float) -> None:
        self.workers = workers
        self.page_timeout_s = page_timeout_s
        self.restarts = 0
        self._inflight: dict[Future[PageDone], PageTask] = {}
        self._start()

    def _start(self) -> None:
        # spawn: the parent runs threads (progress display, DB driver); fork would copy locks.
        # A queue of its own for each pool: a worker killed while writing to one would leave
        # its lock held. A simple one: the worker writes in its own thread, before it reads,
        # so an engine that then hangs holding the interpreter cannot keep the word back.
        context = multiprocessing.get_context("spawn")
        self._started: SimpleQueue[tuple[TaskKey, int]] = context.SimpleQueue()
        self._running: dict[TaskKey, tuple[int, float]] = {}  # -> (pid, seen at)
        self._executor = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=context,
            initializer=init_worker,
            initargs=(self._started,),
        )

    @property
    def busy(self) -> int:
        return len(self._inflight)

    @property
    def retrying(self) -> bool:
        """A page lost with a dead pool is being read again: alone, so that a crash names it."""
        return any(task.attempt for task in self._inflight.values())

    def submit(self, task: PageTask) -> None:
        self._inflight[self._executor.submit(process_page, task)] = task

    def collect(self, timeout_s: float = 0.5) -> Collected:
        """Waits up to ``timeout_s`` for pages to finish, and stops the workers of pages past
        their deadline."""
        out = Collected()
        done, _ = wait(self._inflight, timeout=timeout_s, return_when=FIRST_COMPLETED)
        self._note_starts()
        for future in done:
            task = self._inflight.pop(future)
            self._running.pop(task.key, None)
            try:
                out.finished.append((task, future.result()))
            except BrokenProcessPool:
                out.lost.append(task)
            except Exception as exc:  # a bug must cost one file, never the batch
                log.exception("ingest.page_error", path=str(task.original), page=task.number)
                failure = Failure("internal_error", repr(exc), task.number)
                out.finished.append((task, PageDone(task.file_key, task.number, None, failure)))
        out.overdue = self._stop_overdue()
        if out.lost or out.overdue:
            # The pool is gone with its worker: every page in it is lost.
            out.lost += [t for t in self._inflight.values() if t not in out.lost]
            self._inflight.clear()
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._started.close()
            self.restarts += 1
            self._start()
        return out

    def _note_starts(self) -> None:
        """When each page in flight began, as its worker said (a word about a page already
        collected is dropped)."""
        now = time.monotonic()
        waiting = {task.key for task in self._inflight.values()}
        while not self._started.empty():
            key, pid = self._started.get()
            if key in waiting:
                self._running[key] = (pid, now)

    def _stop_overdue(self) -> list[PageTask]:
        now = time.monotonic()
        overdue = []
        for future, task in self._inflight.items():
            started = self._running.get(task.key)
            if started is None or future.done():
                continue  # still waiting for a worker, or finished just now
            pid, since = started
            if now - since > self.page_timeout_s:
                log.warning("ingest.page_overdue", path=str(task.original), page=task.number)
                overdue.append(task)
                with contextlib.suppress(ProcessLookupError):  # it died on its own meanwhile
                    os.kill(pid, signal.SIGKILL)
        return overdue

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._started.close()
