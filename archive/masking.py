"""ID numbers as a role may see them (DESIGN, security; README 身份证号遮蔽规则).

An 18-digit ID is 6 digits of region, 8 of birth date, 3 of sequence (the last one's parity is
the gender) and a check character computed from the other 17. Staff see the birth date, the
gender and the region elsewhere, so a mask that leaves any of the last 4 showing lets them
rebuild the rest: `340121********2239` beside 1948-06-04 is the whole number. The rule is
therefore: **only the first 6 characters (the region) are ever shown**; the 12 after them are
always hidden. What staff can learn from everything else leaves 500 numbers possible (1000
sequences, halved by the gender; the check character follows from them, it adds nothing).

In text the rule must hold however the number was written or read: full-width digits, OCR's
letter lookalikes (O for 0, l for 1), a Latin letter or a label run against it, a space, a
line break or a hyphen inside it, and the 【】 marks of a highlight cutting through it.
"""

from __future__ import annotations

import unicodedata

from archive.domain import LineRecord
from archive.text import DIGIT_LOOKALIKES

SHOWN = 6  # the region code: all of an ID number staff may see
# A run of text is taken for an ID number (an old 15-digit one, or one OCR misread or cut
# short by a character) when it holds at least 14 characters, 12 of them real digits. Below
# that: dates, unit codes (5 digits), a few years in a row, phone numbers (11).
MIN_CHARS, MIN_DIGITS = 14, 12
_MARKS = "【】"
_SEPARATORS = " \t\n-－"
_LOOKALIKES = frozenset("".join(DIGIT_LOOKALIKES.values()) + "Xx")


def _digit(ch: str) -> bool:
    return "0" <= ch <= "9" or "０" <= ch <= "９"


def _idlike(ch: str) -> bool:
    """A digit or what OCR reads in its place, in either width."""
    return _digit(ch) or unicodedata.normalize("NFKC", ch) in _LOOKALIKES


def mask_id(value: str | None) -> str | None:
    """An ID number field's value as staff see it: the region and 12 stars. A value too short
    to be a whole number keeps at most what leaves 8 of it hidden."""
    if not value:
        return value
    shown = min(SHOWN, max(0, len(value) - 8))
    return value[:shown] + "*" * (len(value) - shown)


def _in_run(text: str, j: int) -> bool:
    """Whether text[j] carries a run on: an ID-like character or a mark, or one separator
    with one of those after it."""
    ch, after = text[j], text[j + 1 : j + 2]
    if _idlike(ch) or ch in _MARKS:
        return True
    return ch in _SEPARATORS and bool(after) and (_idlike(after) or after in _MARKS)


def _runs(text: str) -> list[tuple[int, int]]:
    """Where ID-like runs stand: each starts at a digit and goes on while _in_run."""
    runs, i, n = [], 0, len(text)
    while i < n:
        if not _digit(text[i]):
            i += 1
            continue
        j = i + 1
        while j < n and _in_run(text, j):
            j += 1
        runs.append((i, j))
        i = j
    return runs


def _masked_run(run: str) -> str:
    if sum(_digit(c) for c in run) < MIN_DIGITS or sum(_idlike(c) for c in run) < MIN_CHARS:
        return run
    out, seen = [], 0
    for ch in run:
        if _idlike(ch):
            out.append(ch if seen < SHOWN else "*")
            seen += 1
        else:
            out.append(ch)
    return "".join(out)


def mask_ids_in_text(text: str) -> str:
    """Every ID-like run of the text with all but its first 6 characters hidden."""
    if sum(_digit(c) for c in text) < MIN_DIGITS:
        return text  # the common case, checked in one pass
    out, last = [], 0
    for start, end in _runs(text):
        out.append(text[last:start])
        out.append(_masked_run(text[start:end]))
        last = end
    out.append(text[last:])
    return "".join(out)


def id_boxes(lines: list[LineRecord], on_original: bool) -> list[list[int]]:
    """Where ID numbers stand on a page image, to be painted over for one who may not see
    them: every word of a line that holds one (masked text differs from the text) and has a
    digit or lookalike in it, so that a number split over several words is covered whole."""
    boxes = []
    for line in lines:
        if mask_ids_in_text(line.text) == line.text:
            continue
        for word in line.words:
            if any(_idlike(ch) for ch in word.text):
                boxes.append(list(word.box_original if on_original else word.box))
    return boxes
