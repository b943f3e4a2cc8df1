"""One page of a scan, read and kept: the page loaded, read by the OCR pipeline, its images
saved under the data dir, and what was read described as the store keeps it."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from archive.domain import CellRecord, LineRecord, MediaType, PageRecord, WordRecord
from archive.files import atomic_write
from ingest.scans import ScanLimits, load_page
from ocr import Engine, PageReading, PreprocessOptions, read_page

A4_SHORT_SIDE_IN = 8.27


def _encode(image: np.ndarray, extension: str, params: list[int]) -> bytes:
    """OpenCV's libjpeg-turbo and libpng: a third of Pillow's time on a page."""
    if image.ndim == 3:
        image = cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
    ok, data = cv2.imencode(extension, image, params)
    if not ok:
        raise OSError(f"could not encode the page as {extension}")
    return data.tobytes()


def dpi_of(image: np.ndarray, media: MediaType, limits: ScanLimits) -> int:
    """A PDF is rendered at a known resolution; an image is taken to be an A4 page."""
    if media is MediaType.PDF:
        return limits.pdf_dpi
    height, width = image.shape[:2]
    return max(72, round(min(int(width), int(height)) / A4_SHORT_SIDE_IN))


def page_lines(reading: PageReading) -> list[LineRecord]:
    return [
        LineRecord(
            line.text,
            round(line.confidence, 4),
            line.box.as_list(),
            line.box_original.as_list(),
            [
                WordRecord(
                    w.text, round(w.confidence, 4), w.box.as_list(), w.box_original.as_list()
                )
                for w in line.words
            ],
            line.cell,
        )
        for line in reading.lines
    ]


def read_and_keep(
    original: Path,
    media: MediaType,
    number: int,
    limits: ScanLimits,
    engine: Engine,
    data_dir: Path,
    sha256: str,
) -> PageRecord:
    """Page ``number`` of the kept original, read, its two images written (atomically) beside
    the other pages of the same content."""
    image = load_page(original, media, number, limits)
    height, width = image.shape[:2]
    reading = read_page(image, engine, PreprocessOptions(dpi=dpi_of(image, media, limits)))
    page_dir = Path("pages") / sha256[:2] / sha256
    (data_dir / page_dir).mkdir(parents=True, exist_ok=True)
    original_rel = page_dir / f"{number:04d}-original.jpg"
    processed_rel = page_dir / f"{number:04d}-processed.png"
    atomic_write(data_dir / original_rel, _encode(image, ".jpg", [cv2.IMWRITE_JPEG_QUALITY, 90]))
    # Bilevel compresses well at any level; level 1 is the fastest.
    atomic_write(
        data_dir / processed_rel, _encode(reading.image, ".png", [cv2.IMWRITE_PNG_COMPRESSION, 1])
    )
    return PageRecord(
        number=number,
        width=width,
        height=height,
        original_image=str(original_rel),
        processed_image=str(processed_rel),
        rotation=reading.rotation,
        skew_deg=round(reading.skew_deg, 3),
        engine=reading.engine,
        text=reading.text,
        mean_confidence=round(reading.mean_confidence, 4),
        lines=page_lines(reading),
        steps=[{"step": s.name, **s.params} for s in reading.steps],
        cells=[
            CellRecord(c.row, c.col, c.box.as_list(), c.box_original.as_list())
            for c in reading.cells
        ],
    )
