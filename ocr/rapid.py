"""The one place that runs PP-OCR (rapidocr-onnxruntime, models inside its wheel).

Detection, most of the cost, runs on the page scaled to about 0.8 megapixels: the text boxes
need no more. The scale is by area, so a strip of text is not shrunk to nothing by its width.
Recognition runs on crops cut from the full-resolution page. Reading order comes from grouping
the boxes into rows, not from the order the detector returns them in.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import cv2
import numpy as np

from ocr.errors import EngineError, EngineUnavailable
from ocr.types import Box, Orientation, Recognition, Word
from ocr.words import is_cjk, line_of, rows_from_words

# The models inside the wheel that the engine loads (no use_cls: no angle classifier).
_MODELS = ("ch_PP-OCRv4_det_infer.onnx", "ch_PP-OCRv4_rec_infer.onnx")


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


def split_reading(
    text: str, columns: list[int], confidences: list[float], column_count: float, box: Box
) -> list[Word]:
    """One detected text line as words with their own boxes and confidences.

    Each Chinese character is a word of its own, as tesseract reports them; runs of other
    characters (digits, Latin, '-', '.') stay whole, broken at spaces and wide gaps. The
    recogniser emits each character at an output column, and the columns span the line box
    evenly, so a character's position follows from its column. A detection that runs across
    a removed table rule (label and value read as one) splits back into its cells this way.
    """
    step = box.width / max(column_count, 1e-6)  # pixels per output column
    gaps = np.diff(columns) if len(columns) > 1 else np.array([])
    pitch = float(np.median(gaps)) if len(gaps) else float(box.height) / max(step, 1e-6)
    half = max(1.0, pitch * step / 2)
    runs: list[list[int]] = []  # indices into text
    for i, ch in enumerate(text):
        if ch.isspace():
            runs.append([])
            continue
        joins = (
            runs
            and runs[-1]
            and not is_cjk(ch)
            and not is_cjk(text[runs[-1][-1]])
            and columns[i] - columns[runs[-1][-1]] <= 2 * pitch
        )
        if joins:
            runs[-1].append(i)
        else:
            runs.append([i])
    words = []
    for run in runs:
        if not run:
            continue
        x0 = box.x0 + (columns[run[0]] + 0.5) * step - half
        x1 = box.x0 + (columns[run[-1]] + 0.5) * step + half
        words.append(
            Word(
                "".join(text[i] for i in run),
                Box(max(box.x0, round(x0)), box.y0, min(box.x1, round(x1)), box.y1),
                float(np.mean([confidences[i] for i in run])),
            )
        )
    return words


@dataclass(frozen=True, slots=True)
class RapidOcrEngine:
    detect_pixels: int = 800_000
    name: str = "rapidocr"
    reads_binary: bool = False  # trained on photos and scans in gray: faint strokes survive

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
            readings, _ = model.text_rec(crops, return_word_box=True)
        except Exception as exc:  # onnxruntime and numpy errors alike: one page fails, not all
            raise EngineError("PP-OCR failed", repr(exc)) from exc
        words = []
        for quad, reading in zip(quads, readings, strict=True):
            text = str(reading[0])
            if not text.strip():
                continue
            column_count, _, word_columns, _, confidences = reading[2]
            columns = [int(c) for word in word_columns for c in word]
            x0, y0 = np.floor(quad.min(axis=0)).astype(int)
            x1, y1 = np.ceil(quad.max(axis=0)).astype(int)
            box = Box(int(x0), int(y0), int(x1), int(y1))
            words += split_reading(
                text, columns, [float(c) for c in confidences], float(column_count), box
            )
        return Recognition(self.name, tuple(line_of(row) for row in rows_from_words(words)))

    def guess_orientation(self, image: np.ndarray) -> Orientation | None:
        """PP-OCR has no page-level orientation guess; reading both ways up decides."""
        return None

    def check_available(self) -> str | None:
        """Looked up without loading anything: the ingest process itself never reads a page,
        and would hold the models for nothing."""
        for module in ("rapidocr_onnxruntime", "onnxruntime"):
            if importlib.util.find_spec(module) is None:
                return f"PP-OCR 不可用：未安装 {module}"
        models = resources.files("rapidocr_onnxruntime").joinpath("models")
        missing = [m for m in _MODELS if not models.joinpath(m).is_file()]
        return f"PP-OCR 缺少模型文件：{', '.join(missing)}" if missing else None
