"""Words into lines: how characters are joined and rows are formed, for every engine alike."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import numpy as np

from ocr.types import Line, Word


def is_cjk(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def join_words(words: Sequence[str]) -> str:
    """Join with a space only between two non-CJK neighbours: tesseract splits Chinese per glyph."""
    out = ""
    for word in words:
        if out and not is_cjk(out[-1]) and not is_cjk(word[0]):
            out += " "
        out += word
    return out


def line_of(words: Sequence[Word], cell: int | None = None) -> Line:
    """One line of these words, in the order given."""
    box = words[0].box
    for w in words[1:]:
        box = box.union(w.box)
    confidence = float(np.mean([w.confidence for w in words]))
    return Line(join_words([w.text for w in words]), box, confidence, tuple(words), cell)


def rows_from_words(words: Sequence[Word]) -> list[list[Word]]:
    """Words into rows top to bottom (a word joins a row when it overlaps the row's height by
    half), left to right within a row."""
    rows: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.box.y0 + w.box.y1) / 2):
        if rows:
            top = min(w.box.y0 for w in rows[-1])
            bottom = max(w.box.y1 for w in rows[-1])
            overlap = min(bottom, word.box.y1) - max(top, word.box.y0)
            if overlap >= 0.5 * min(word.box.height, bottom - top):
                rows[-1].append(word)
                continue
        rows.append([word])
    for row in rows:
        row.sort(key=lambda w: w.box.x0)
    return rows


def reading_order(words: Sequence[Word]) -> list[Word]:
    """The words row by row, each row left to right."""
    return [w for row in rows_from_words(words) for w in row]
