"""The tesseract engine, and the one place that runs tesseract: its failures become
ocr.errors with its message kept."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import pytesseract

from ocr.errors import EngineError, EngineTimeout, EngineUnavailable
from ocr.types import Box, Line, Orientation, Recognition, Word
from ocr.words import line_of


@contextmanager
def _as_file(image: np.ndarray) -> Iterator[str]:
    """The image as an uncompressed PGM/PPM temp file for tesseract to read.

    Handed an array, pytesseract writes a compressed PNG for every call (about 50 ms a page);
    an uncompressed file costs a memory copy.
    """
    if image.ndim == 3:  # arrays in ocr/ are RGB; OpenCV writes BGR
        image = cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
    ok, data = cv2.imencode(".pgm" if image.ndim == 2 else ".ppm", image)
    if not ok:
        raise EngineError("could not write the page for tesseract")
    with tempfile.NamedTemporaryFile(suffix=".pnm", prefix="ocr-") as f:
        f.write(data.tobytes())
        f.flush()
        yield f.name


@contextmanager
def _translated_errors(what: str) -> Iterator[None]:
    try:
        yield
    except pytesseract.TesseractNotFoundError as exc:
        raise EngineUnavailable(f"tesseract is not installed or not on PATH ({what})") from exc
    except pytesseract.TesseractError as exc:
        message = str(exc.message).strip() if exc.message else f"exit status {exc.status}"
        if "Failed loading language" in message or "Error opening data file" in message:
            raise EngineUnavailable(f"tesseract language data missing: {message}") from exc
        raise EngineError(f"tesseract failed ({what})", message) from exc
    except RuntimeError as exc:
        if "timeout" in str(exc).lower():
            raise EngineTimeout(f"tesseract timed out ({what})", str(exc)) from exc
        raise EngineError(f"tesseract failed ({what})", str(exc)) from exc


def image_to_data(
    image: np.ndarray, *, lang: str, psm: int, timeout_s: float
) -> dict[str, list[Any]]:
    """Word-level results as tesseract's TSV columns (text, conf, left, top, width, height...)."""
    config = f"--psm {psm} --oem 1 -c preserve_interword_spaces=1"
    with _translated_errors(f"recognise, lang={lang}, psm={psm}"), _as_file(image) as path:
        data: dict[str, list[Any]] = pytesseract.image_to_data(
            path,
            lang=lang,
            config=config,
            output_type=pytesseract.Output.DICT,
            timeout=timeout_s,
        )
    return data


_ROTATE_RE = re.compile(r"Rotate:\s*(\d+)")
_CONF_RE = re.compile(r"Orientation confidence:\s*([\d.]+)")


def detect_orientation(image: np.ndarray, *, timeout_s: float) -> Orientation | None:
    """Tesseract's orientation guess, or None when the page has too little text to judge."""
    try:
        with _translated_errors("orientation detection"), _as_file(image) as path:
            report = pytesseract.image_to_osd(path, config="--psm 0", timeout=timeout_s)
    except EngineError as exc:
        # Sparse pages (a form with few characters) are a normal "don't know", not a failure.
        if "Too few characters" in exc.detail or "Invalid resolution" in exc.detail:
            return None
        raise
    rotate = _ROTATE_RE.search(report)
    conf = _CONF_RE.search(report)
    if rotate is None or conf is None:
        raise EngineError("tesseract orientation report not understood", report)
    return Orientation(rotate=int(rotate.group(1)) % 360, confidence=float(conf.group(1)))


def check_available(lang: str) -> str | None:
    """None when tesseract runs and has every language in ``lang``; else what is missing."""
    try:
        installed = set(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractNotFoundError, pytesseract.TesseractError, OSError) as exc:
        return f"tesseract 不可用：{exc}"
    missing = [part for part in [*lang.split("+"), "osd"] if part not in installed]
    return f"tesseract 缺少语言数据：{', '.join(missing)}" if missing else None


def lines_from_tesseract_data(data: dict[str, list[Any]]) -> tuple[Line, ...]:
    """Group tesseract's word rows into lines (block, paragraph, line) in its reading order."""
    grouped: dict[tuple[int, int, int], list[Word]] = {}
    for i, raw in enumerate(data["text"]):
        text = str(raw).strip()
        conf = float(data["conf"][i])
        if not text or conf < 0:
            continue
        left, top = int(data["left"][i]), int(data["top"][i])
        box = Box(left, top, left + int(data["width"][i]), top + int(data["height"][i]))
        key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        grouped.setdefault(key, []).append(Word(text, box, conf / 100.0))
    return tuple(line_of(words) for words in grouped.values())


@dataclass(frozen=True, slots=True)
class TesseractEngine:
    lang: str = (
        "chi_sim"  # its Latin and digits suffice; adding eng turns blurred CJK into Latin noise
    )
    psm: int = 6  # one uniform block: keeps a form's label and value on one line, row by row
    timeout_s: float = 180.0
    name: str = "tesseract"
    reads_binary: bool = True  # its own Otsu on a page with yellowed corners does worse

    def recognize(self, image: np.ndarray) -> Recognition:
        data = image_to_data(image, lang=self.lang, psm=self.psm, timeout_s=self.timeout_s)
        return Recognition(engine=self.name, lines=lines_from_tesseract_data(data))

    def guess_orientation(self, image: np.ndarray) -> Orientation | None:
        return detect_orientation(image, timeout_s=self.timeout_s)

    def check_available(self) -> str | None:
        return check_available(self.lang)
