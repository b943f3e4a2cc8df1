"""One recognition interface; each engine turns an image into lines of words with boxes."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from ocr import tesseract
from ocr.types import Box, Line, Recognition, Word


class Engine(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def reads_binary(self) -> bool:
        """Whether the engine is given the thresholded page, or the cleaned page in gray."""
        ...

    def recognize(self, image: np.ndarray) -> Recognition: ...

    def detect_flip(self, image: np.ndarray) -> tesseract.OsdResult | None:
        """Whether the page is upside down (rotate 180) or not, with a confidence."""
        ...


def is_cjk(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def join_words(words: list[str]) -> str:
    """Join with a space only between two non-CJK neighbours: tesseract splits Chinese per glyph."""
    out = ""
    for word in words:
        if out and not is_cjk(out[-1]) and not is_cjk(word[0]):
            out += " "
        out += word
    return out


def lines_from_tesseract_data(data: dict[str, list[Any]], engine: str) -> tuple[Line, ...]:
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
    lines = []
    for words in grouped.values():
        box = words[0].box
        for w in words[1:]:
            box = box.union(w.box)
        confidence = float(np.mean([w.confidence for w in words]))
        lines.append(Line(join_words([w.text for w in words]), box, confidence, tuple(words)))
    return tuple(lines)


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
        data = tesseract.image_to_data(
            image, lang=self.lang, psm=self.psm, timeout_s=self.timeout_s
        )
        return Recognition(engine=self.name, lines=lines_from_tesseract_data(data, self.name))

    def detect_flip(self, image: np.ndarray) -> tesseract.OsdResult | None:
        return tesseract.detect_orientation(image, timeout_s=self.timeout_s)


ENGINES = ("tesseract", "rapidocr")


def make_engine(name: str, *, lang: str = "chi_sim", timeout_s: float = 180.0) -> Engine:
    """``lang`` and ``timeout_s`` are tesseract's; PP-OCR reads Chinese and runs in-process."""
    if name == "tesseract":
        return TesseractEngine(lang=lang, timeout_s=timeout_s)
    if name == "rapidocr":
        from ocr.rapid import RapidOcrEngine  # imports onnxruntime: only when asked for

        return RapidOcrEngine()
    raise ValueError(f"unknown OCR engine {name!r}; available: {', '.join(ENGINES)}")
