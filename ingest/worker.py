"""One page, start to finish, inside a pool process: load, read, save images, describe."""

from __future__ import annotations

import ctypes
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from archive.domain import CellRecord, LineRecord, MediaType, PageRecord, WordRecord
from ingest.errors import FailureInfo, IngestError
from ingest.scans import ScanLimits, load_page
from ocr import EngineTimeout, EngineUnavailable, OcrError
from ocr.engine import make_engine
from ocr.geometry import map_box
from ocr.pipeline import PageReading, read_page
from ocr.preprocess import PreprocessOptions
from ocr.tesseract import OsdResult
from ocr.types import Recognition

A4_SHORT_SIDE_IN = 8.27


@dataclass(frozen=True, slots=True)
class PageTask:
    file_key: int
    sha256: str
    original: Path  # absolute path of the content-addressed copy
    media_type: MediaType
    number: int
    data_dir: Path
    limits: ScanLimits
    engine: str
    lang: str
    timeout_s: float
    attempt: int = 0


@dataclass(frozen=True, slots=True)
class PageDone:
    file_key: int
    number: int
    record: PageRecord | None
    failure: FailureInfo | None
    seconds: float  # whole page, in the worker
    engine_seconds: float  # of which inside the OCR engine's program


def init_worker() -> None:
    """One engine thread per process (the pool supplies the parallelism), and a watchdog."""
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


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _encode(image: np.ndarray, extension: str, params: list[int]) -> bytes:
    """OpenCV's libjpeg-turbo and libpng: a third of Pillow's time on a page."""
    if image.ndim == 3:
        image = cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
    ok, data = cv2.imencode(extension, image, params)
    if not ok:
        raise OSError(f"could not encode the page as {extension}")
    return data.tobytes()


def _records(reading: PageReading) -> tuple[list[LineRecord], str]:
    lines = []
    for on_page, on_scan in zip(reading.recognition.lines, reading.on_original.lines, strict=True):
        words = [
            WordRecord(w.text, round(w.confidence, 4), w.box.as_list(), o.box.as_list())
            for w, o in zip(on_page.words, on_scan.words, strict=True)
        ]
        lines.append(
            LineRecord(
                on_page.text,
                round(on_page.confidence, 4),
                on_page.box.as_list(),
                on_scan.box.as_list(),
                words,
                on_page.cell,
            )
        )
    return lines, reading.recognition.text


def _cell_records(reading: PageReading) -> list[CellRecord]:
    pre = reading.preprocessed
    return [
        CellRecord(
            c.row,
            c.col,
            c.box.as_list(),
            map_box(pre.to_original, c.box, pre.original_size).as_list(),
        )
        for c in reading.cells
    ]


class _TimedEngine:
    """Counts the time spent inside the engine, to tell OCR cost from pipeline overhead."""

    def __init__(self, task: PageTask) -> None:
        self.inner = make_engine(task.engine, lang=task.lang, timeout_s=task.timeout_s)
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

    def detect_flip(self, image: np.ndarray) -> OsdResult | None:
        start = time.perf_counter()
        try:
            return self.inner.detect_flip(image)
        finally:
            self.seconds += time.perf_counter() - start


def process_page(task: PageTask) -> PageDone:
    start = time.perf_counter()
    engine = _TimedEngine(task)
    try:
        record = _process(task, engine)
        failure = None
    except IngestError as exc:
        record, failure = None, exc.info
    except EngineTimeout as exc:
        record, failure = None, FailureInfo("ocr_timeout", str(exc), task.number)
    except EngineUnavailable as exc:
        record, failure = None, FailureInfo("ocr_unavailable", str(exc), task.number)
    except OcrError as exc:
        record, failure = None, FailureInfo("ocr_failed", str(exc), task.number)
    except MemoryError:
        record, failure = None, FailureInfo("ocr_failed", "out of memory", task.number)
    except OSError as exc:
        record, failure = None, FailureInfo("io_error", str(exc), task.number)
    _release_freed_memory()
    return PageDone(
        task.file_key, task.number, record, failure, time.perf_counter() - start, engine.seconds
    )


def _process(task: PageTask, engine: _TimedEngine) -> PageRecord:
    image = load_page(task.original, task.media_type, task.number, task.limits)
    height, width = image.shape[:2]
    dpi = (
        task.limits.pdf_dpi
        if task.media_type is MediaType.PDF
        else max(72, round(min(width, height) / A4_SHORT_SIDE_IN))
    )
    reading = read_page(image, engine, PreprocessOptions(dpi=dpi))
    page_dir = Path("pages") / task.sha256[:2] / task.sha256
    (task.data_dir / page_dir).mkdir(parents=True, exist_ok=True)
    original_rel = page_dir / f"{task.number:04d}-original.jpg"
    processed_rel = page_dir / f"{task.number:04d}-processed.png"
    _atomic_write(
        task.data_dir / original_rel, _encode(image, ".jpg", [cv2.IMWRITE_JPEG_QUALITY, 90])
    )
    # Bilevel compresses well at any level; level 1 is the fastest.
    _atomic_write(
        task.data_dir / processed_rel,
        _encode(reading.preprocessed.image, ".png", [cv2.IMWRITE_PNG_COMPRESSION, 1]),
    )
    lines, text = _records(reading)
    pre = reading.preprocessed
    return PageRecord(
        number=task.number,
        width=width,
        height=height,
        original_image=str(original_rel),
        processed_image=str(processed_rel),
        rotation=pre.rotation,
        skew_deg=round(pre.skew_deg, 3),
        engine=engine.name,
        text=text,
        mean_confidence=round(reading.recognition.mean_confidence, 4),
        lines=lines,
        steps=[{"step": s.name, **s.params} for s in pre.steps],
        cells=_cell_records(reading),
    )
