"""The one place that runs PP-OCR (rapidocr-onnxruntime, models inside its wheel).

Detection, most of the cost, runs on the page scaled to about 0.8 megapixels: the text boxes
need no more. The scale is by area, so a strip of text is not shrunk to nothing by its width.
Recognition runs on crops cut from the full-resolution page. Reading order comes from grouping
the boxes into rows, not from the order the detector returns them in.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import cv2
import numpy as np

from ocr.engine import join_words
from ocr.errors import EngineError, EngineUnavailable
from ocr.tesseract import OsdResult
from ocr.types import Box, Line, Recognition, Word


@lru_cache(maxsize=1)
def _model() -> Any:
    """One model set per process, one thread each (the pool supplies the parallelism)."""
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as exc:
        raise EngineUnavailable(f"rapidocr-onnxruntime is not installed: {exc}") from exc
    try:
        # "max": the detector only ever shrinks. Its default ("min": short side at least 736)
        # blows a strip of text up tenfold.
        return RapidOCR(
            intra_op_num_threads=1, inter_op_num_threads=1, use_cls=False, det_limit_type="max"
        )
    except Exception as exc:  # onnxruntime raises its own types for a broken model file
        raise EngineUnavailable(f"PP-OCR models could not be loaded: {exc}") from exc


def rows_from_boxes(items: list[tuple[Box, str, float]]) -> tuple[Line, ...]:
    """Boxes into reading order: rows top to bottom (a box joins a row when it overlaps the
    row's height by half), boxes left to right within a row; one Line per row."""
    rows: list[list[tuple[Box, str, float]]] = []
    for item in sorted(items, key=lambda it: (it[0].y0 + it[0].y1) / 2):
        box = item[0]
        if rows:
            top = min(b.y0 for b, _, _ in rows[-1])
            bottom = max(b.y1 for b, _, _ in rows[-1])
            overlap = min(bottom, box.y1) - max(top, box.y0)
            if overlap >= 0.5 * min(box.height, bottom - top):
                rows[-1].append(item)
                continue
        rows.append([item])
    lines = []
    for row in rows:
        row.sort(key=lambda it: it[0].x0)
        words = tuple(Word(text, box, score) for box, text, score in row)
        box = words[0].box
        for w in words[1:]:
            box = box.union(w.box)
        confidence = float(np.mean([w.confidence for w in words]))
        lines.append(Line(join_words([w.text for w in words]), box, confidence, words))
    return tuple(lines)


@dataclass(frozen=True, slots=True)
class RapidOcrEngine:
    detect_pixels: int = 800_000
    name: str = "rapidocr"

    def recognize(self, image: np.ndarray) -> Recognition:
        model = _model()
        page = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR) if image.ndim == 2 else image
        h, w = page.shape[:2]
        scale = min(1.0, (self.detect_pixels / (h * w)) ** 0.5)
        small = cv2.resize(
            page, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA
        )
        try:
            boxes, _ = model.text_det(small)
            if boxes is None or len(boxes) == 0:
                return Recognition(self.name, ())
            quads = np.asarray(boxes, dtype=np.float32) / scale
            crops = model.get_crop_img_list(page, quads)
            texts, _ = model.text_rec(crops)
        except Exception as exc:  # onnxruntime and numpy errors alike: one page fails, not all
            raise EngineError("PP-OCR failed", repr(exc)) from exc
        items = []
        for quad, (text, score) in zip(quads, texts, strict=True):
            text = str(text).strip()
            if not text:
                continue
            x0, y0 = np.floor(quad.min(axis=0)).astype(int)
            x1, y1 = np.ceil(quad.max(axis=0)).astype(int)
            items.append((Box(int(x0), int(y0), int(x1), int(y1)), text, float(score)))
        return Recognition(self.name, rows_from_boxes(items))

    def detect_flip(self, image: np.ndarray) -> OsdResult | None:
        """PP-OCR has no page-level orientation guess; reading both ways up decides."""
        return None
