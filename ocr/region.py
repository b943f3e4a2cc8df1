"""A region of a page read on its own: the box a person drew around ink the page's reading
missed, cut from the scan as scanned, turned upright as the page was, and given to the engine.
Arrays in, a typed reading out; the engine is the caller's."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import cv2
import numpy as np

from ocr import geometry
from ocr.engine import Engine, EngineFactory
from ocr.preprocess import rotate_deg, to_gray
from ocr.words import join_words, reading_order

# White kept around the ink: a detector finds no text that touches the image's edge.
PAD = 16
# Text lower than this is enlarged first: the recogniser reads lines about 48 pixels high.
MIN_HEIGHT = 40


@dataclass(frozen=True, slots=True)
class RegionText:
    """What the engine read in the region: the words in reading order, and the least sure
    character's confidence (0 when nothing was read)."""

    text: str
    confidence: float


def upright_region(
    image: np.ndarray, box: tuple[int, int, int, int], rotation: int, skew_deg: float
) -> np.ndarray:
    """The box (on the scan as scanned) in gray, turned back by the page's ``rotation``
    (clockwise from upright, in quarters) and its skew, with a white margin round it."""
    x0, y0, x1, y1 = box
    crop = to_gray(image[y0:y1, x0:x1])
    crop = np.ascontiguousarray(np.rot90(crop, k=(rotation // 90) % 4))
    if abs(skew_deg) >= 0.05:
        h, w = crop.shape
        matrix, size = geometry.rotation_about_centre(-skew_deg, w, h)
        crop = rotate_deg(crop, matrix, size)
    if crop.shape[0] < MIN_HEIGHT:
        scale = MIN_HEIGHT / crop.shape[0]
        crop = cv2.resize(
            crop,
            (round(crop.shape[1] * scale), MIN_HEIGHT),
            interpolation=cv2.INTER_CUBIC,
        )
    return cv2.copyMakeBorder(crop, PAD, PAD, PAD, PAD, cv2.BORDER_CONSTANT, value=255)


def read_region(engine: Engine, region: np.ndarray) -> RegionText:
    """The region's words in reading order; an engine that reads thresholded pages gets the
    region thresholded as the page would be (Otsu)."""
    if engine.reads_binary:
        _, region = cv2.threshold(region, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    words = reading_order([w for line in engine.recognize(region).lines for w in line.words])
    if not words:
        return RegionText("", 0.0)
    return RegionText(join_words([w.text for w in words]), min(w.confidence for w in words))


class SharedEngine:
    """One engine for a long-running process (the web server), built when first asked for —
    loading models costs seconds and memory a server that is never asked should not pay — and
    used by one thread at a time, as engines are not safe to share."""

    def __init__(self, factory: EngineFactory) -> None:
        self._factory = factory
        self._engine: Engine | None = None
        self._lock = threading.Lock()

    def read(self, region: np.ndarray) -> RegionText:
        with self._lock:
            if self._engine is None:
                self._engine = self._factory.build()
            return read_region(self._engine, region)
