"""Words into lines: how characters are joined and rows are formed, for every engine alike."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from itertools import pairwise

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


def _gutters(row: list[Word], least: float) -> list[tuple[int, int]]:
    """The blank stretches of a row at least ``least`` wide, between its words."""
    return [(a.box.x1, b.box.x0) for a, b in pairwise(row) if b.box.x0 - a.box.x1 >= least]


def text_rows(words: Sequence[Word], min_rows: int = 5) -> list[list[Word]]:
    """Rows in reading order, running text set in columns read column by column.

    A column gutter is a blank stretch shared by at least ``min_rows`` consecutive rows (rows
    wholly on one side of it, where the other column has ended, go with their column), with a
    wide run of text on both sides (at least five glyphs, median): running text, not a row of
    labels and values spaced apart, which stays one row. Within such a band of rows the left
    parts are read first, then the right ones (themselves split again: three columns)."""
    rows = rows_from_words(words)
    if len(rows) < min_rows:
        return rows
    glyph = float(np.median([w.box.height for w in words]))
    out: list[list[Word]] = []
    i = 0
    while i < len(rows):
        band, gutter = _band(rows, i, glyph, min_rows)
        if gutter is None:
            out.append(rows[i])
            i += 1
            continue
        cut = (gutter[0] + gutter[1]) / 2
        left = [[w for w in row if w.box.x1 <= cut] for row in band]
        right = [w for row in band for w in row if w.box.x1 > cut]
        out += [row for row in left if row]
        out += text_rows(right, min_rows)
        i += len(band)
    return out


def _band(
    rows: list[list[Word]], start: int, glyph: float, min_rows: int
) -> tuple[list[list[Word]], tuple[int, int] | None]:
    """The rows from ``start`` sharing one gutter, and the gutter, when they make columns."""
    for first in _gutters(rows[start], 1.5 * glyph):
        lo, hi = first
        end = start + 1
        while end < len(rows):
            row = rows[end]
            shared = [
                (max(lo, a), min(hi, b))
                for a, b in _gutters(row, 1.5 * glyph)
                if min(hi, b) - max(lo, a) >= glyph
            ]
            if shared:
                lo, hi = shared[0]
            elif not (
                all(w.box.x1 <= (lo + hi) / 2 for w in row)
                or all(w.box.x0 >= (lo + hi) / 2 for w in row)
            ):
                break  # a row across the gutter (a heading over both columns) ends the band
            end += 1
        band = rows[start:end]
        if len(band) < min_rows:
            continue
        cut = (lo + hi) / 2
        left = [sum(w.box.width for w in row if w.box.x1 <= cut) for row in band]
        right = [sum(w.box.width for w in row if w.box.x1 > cut) for row in band]
        # Over the rows that hold that column: one column may end well before the other.
        lefts, rights = [a for a in left if a], [b for b in right if b]
        if lefts and rights and min(np.median(lefts), np.median(rights)) >= 5 * glyph:
            return band, (lo, hi)
    return [rows[start]], None
