"""Where the words of a page's reading stand on the scan: the words inside a box a person
pointed at, and the label printed beside a value, found by layout alone (pure functions over a
page's stored reading; every box on the original page image)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from archive.domain import Evidence, LineRecord, PageRecord, WordRecord
from archive.text import fold
from ocr.words import join_words

# What stands between a label and its value, or between one pair and the next on a line.
_BREAK = re.compile(r"[\s，,：:;；、.．·]+")
_TRAILING_BREAK = re.compile(_BREAK.pattern + "$")
_LABEL = re.compile(r"[\u4e00-\u9fff（）()/／]{2,12}")


def box_around(words: Sequence[WordRecord]) -> list[int]:
    """The box around the words on the original page image, where evidence is shown."""
    boxes = [w.box_original for w in words]
    return [
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    ]


def centre_in(box: Sequence[int], outer: Sequence[int]) -> bool:
    """Whether the centre of ``box`` lies in ``outer``: what a pointed box holds."""
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return outer[0] <= cx <= outer[2] and outer[1] <= cy <= outer[3]


def _centre_in(word: WordRecord, box: Sequence[int]) -> bool:
    return centre_in(word.box_original, box)


@dataclass(frozen=True, slots=True)
class WordsIn:
    """The words of the reading inside a box, in reading order: their text, the box around
    them and the least sure one's confidence."""

    text: str
    box: list[int]
    confidence: float


def words_in(page: PageRecord, box: Sequence[int]) -> WordsIn | None:
    """The words whose centres lie in ``box``; None when there are none."""
    words = tuple(w for line in page.lines for w in line.words if _centre_in(w, box))
    if not words:
        return None
    return WordsIn(
        join_words([w.text for w in words]), box_around(words), min(w.confidence for w in words)
    )


def _gap(a: WordRecord, b: WordRecord) -> bool:
    """Whether more than half a character's blank stands between word ``a`` and the next, on
    the page as read (upright and straightened: on the scan, "left" may be up)."""
    return b.box[0] - a.box[2] > 0.5 * (a.box[3] - a.box[1])


def segments(page: PageRecord) -> list[WordsIn]:
    """What a person may point at: each line cut at its separators and blanks ("籍贯：安徽省
    长丰县" is 籍贯 and 安徽省长丰县), since an engine's words may be single characters."""
    out: list[WordsIn] = []

    def close(run: list[WordRecord]) -> None:
        if run:
            text = join_words([w.text for w in run])
            out.append(WordsIn(text, box_around(run), min(w.confidence for w in run)))

    for line in page.lines:
        run: list[WordRecord] = []
        for w in line.words:
            if _BREAK.fullmatch(w.text):
                close(run)
                run = []
                continue
            if run and _gap(run[-1], w):
                close(run)
                run = []
            run.append(w)
        close(run)
    return out


def _overlap(a0: int, a1: int, b0: int, b1: int) -> float:
    """How much of the shorter span the two spans share, 0..1."""
    shared = min(a1, b1) - max(a0, b0)
    return max(0.0, shared / max(1, min(a1 - a0, b1 - b0)))


def _trailing_label(words: Sequence[WordRecord]) -> Evidence | None:
    """The last label-like run of the words (the words before a value on its line, or a
    label cell's): back from the end, past separators, up to the next separator or a gap of
    more than half a character; when it reads as a label."""
    tail, kept = "", list[WordRecord]()
    for w in reversed(words):
        if kept and _gap(w, kept[-1]):
            break
        text = w.text if tail else _TRAILING_BREAK.sub("", w.text)
        parts = _BREAK.split(text)
        if parts[-1]:
            tail, kept = parts[-1] + tail, [*kept, w]
        if len(parts) > 1 and tail:
            break
    if not _LABEL.fullmatch(tail):
        return None
    return Evidence(0, box_around(kept), fold(tail))


def label_beside(page: PageRecord, box: Sequence[int]) -> Evidence | None:
    """The label a form prints for the value in ``box`` (on the scan): the text before it on
    its own line ("籍贯：安徽"), else the nearest line to its left on its row (a label cell),
    else the nearest line above it within three of its heights (a label over its value); None
    when none of these reads as a label (a few Chinese characters, no digits), or no word of
    the reading stands in the box. Left, above and row are the upright page's: the layout is
    read on the processed page, where the scan was turned and straightened."""
    value = [w for line in page.lines for w in line.words if _centre_in(w, box)]
    if not value:
        return None
    chosen = {id(w) for w in value}
    x0, y0 = min(w.box[0] for w in value), min(w.box[1] for w in value)
    x1, y1 = max(w.box[2] for w in value), max(w.box[3] for w in value)
    height = max(1, y1 - y0)

    def same_row(line: LineRecord) -> bool:
        return _overlap(y0, y1, line.box[1], line.box[3]) >= 0.5

    for line in page.lines:
        if any(id(w) in chosen for w in line.words) and same_row(line):
            before = [w for w in line.words if (w.box[0] + w.box[2]) / 2 < x0]
            found = _trailing_label(before) if before else None
            if found is not None:
                return Evidence(page.number, found.box, found.text)
            break
    outside = [ln for ln in page.lines if not any(id(w) in chosen for w in ln.words)]
    left = [ln for ln in outside if same_row(ln) and ln.box[2] <= x0 + height / 2]
    above = [
        ln
        for ln in outside
        if _overlap(x0, x1, ln.box[0], ln.box[2]) > 0
        and y0 - 3 * height <= ln.box[3] <= y0 + height / 4
    ]
    for near in (
        sorted(left, key=lambda ln: -ln.box[2]),
        sorted(above, key=lambda ln: -ln.box[3]),
    ):
        if near and near[0].words and (found := _trailing_label(near[0].words)) is not None:
            return Evidence(page.number, found.box, found.text)
    return None
