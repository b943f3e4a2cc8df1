"""Second readings of a page, each pass taking the page's words and giving them back improved.

The engine's first reading of a whole page misses what a page-wide detector misses: a lone
short value in a wide cell, a date squeezed into a narrow one, a line whose rules faded. Each
pass reads such places again, cut out on their own, and keeps what reads better. The passes
share one state, the page's words; the reading order is made once, after the last pass.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from ocr.engine import Detects, Engine
from ocr.layout import Cell, split_by_cell
from ocr.types import Box, Word


@dataclass(frozen=True, slots=True)
class PageState:
    """A page as it is being read: its images, its cells and every word read so far."""

    page: np.ndarray  # the image the engine reads: the grey page, or the binary one
    binary: np.ndarray  # the thresholded page, where ink is told from paper
    cells: tuple[Cell, ...]
    dpi: int
    words: tuple[Word, ...]
    changed: bool = False  # a pass replaced or added words since the engine's first reading

    def with_words(self, words: list[Word]) -> PageState:
        return replace(self, words=tuple(words), changed=True)

    @property
    def images(self) -> list[np.ndarray]:
        """The images a crop is read from: a grey page keeps what binarisation drops, and the
        other way round (a seal's ring across the digits)."""
        return [self.page] if self.page is self.binary else [self.page, self.binary]


def cell_inset(dpi: int) -> int:
    """How far inside a cell's box its rules end."""
    return max(2, dpi // 60)


def erase_words(ink: np.ndarray, words: list[Word], dpi: int, x0: int = 0, y0: int = 0) -> None:
    """Clear from ``ink`` (whose corner is at x0, y0 on the page) what the words' boxes cover,
    with a margin for strokes just outside them."""
    margin = max(2, dpi // 40)
    for b in [w.box for w in words]:
        ink[
            max(0, b.y0 - margin - y0) : max(0, b.y1 + margin - y0),
            max(0, b.x0 - margin - x0) : max(0, b.x1 + margin - x0),
        ] = False


def read_crop(
    page: np.ndarray, box: Box, engine: Engine, dpi: int, inset: int | None = None
) -> list[Word]:
    """The engine's words in one cell cut out (clear of its rules, with white margins, which
    detectors need), in page coordinates."""
    inset, pad = cell_inset(dpi) if inset is None else inset, dpi // 10
    x0, y0, x1, y1 = box.x0 + inset, box.y0 + inset, box.x1 - inset, box.y1 - inset
    if x1 <= x0 or y1 <= y0:
        return []
    crop = cv2.copyMakeBorder(
        page[y0:y1, x0:x1], pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255
    )
    dx, dy = x0 - pad, y0 - pad
    return [
        Word(w.text, Box(w.box.x0 + dx, w.box.y0 + dy, w.box.x1 + dx, w.box.y1 + dy), w.confidence)
        for line in engine.recognize(crop).lines
        for w in line.words
    ]


def _unread_mask(binary: np.ndarray, box: Box, words: list[Word], dpi: int) -> np.ndarray:
    """Ink inside a cell (clear of its rules) that no word's box covers, as a mask of the
    region from (box.x0 + inset, box.y0 + inset)."""
    inset = cell_inset(dpi)
    x0, y0, x1, y1 = box.x0 + inset, box.y0 + inset, box.x1 - inset, box.y1 - inset
    if x1 <= x0 or y1 <= y0:
        return np.zeros((0, 0), bool)
    ink: np.ndarray = binary[y0:y1, x0:x1] == 0
    erase_words(ink, words, dpi, x0, y0)
    return ink


def unread_ink(binary: np.ndarray, box: Box, words: list[Word], dpi: int) -> int:
    """Ink pixels inside a cell (clear of its rules) that no word's box covers."""
    return int(np.count_nonzero(_unread_mask(binary, box, words, dpi)))


def _unread_box(binary: np.ndarray, box: Box, words: list[Word], dpi: int) -> Box | None:
    """The box around the unread ink of a cell."""
    ys, xs = np.nonzero(_unread_mask(binary, box, words, dpi))
    if not len(xs):
        return None
    x0, y0 = box.x0 + cell_inset(dpi), box.y0 + cell_inset(dpi)
    return Box(
        x0 + int(xs.min()), y0 + int(ys.min()), x0 + int(xs.max()) + 1, y0 + int(ys.max()) + 1
    )


def _overlapping(word: Word, others: list[Word]) -> bool:
    b = word.box
    return any(
        min(b.x1, o.box.x1) > max(b.x0, o.box.x0) and min(b.y1, o.box.y1) > max(b.y0, o.box.y0)
        for o in others
    )


@dataclass(slots=True)
class _CellReading:
    """The best reading of one cell so far: its words, the ink they leave unread, and the
    confidence of the least sure of them."""

    words: list[Word]
    unread: int
    sure: float


def _read_cell_again(
    state: PageState,
    cell: Cell,
    best: _CellReading,
    engine: Engine,
    glyph: int,
    unsure_below: float,
) -> bool:
    """Reads the cell again, in place of ``best`` where that reads better; True if it did.

    The whole cell first; then, if ink is still unread, that ink alone cut tight (a lone glyph
    in a wide cell escapes the detector), in place of what it overlaps of the cell's reading.
    Only sure letters, digits and characters count there: specks beside a value read as "+"
    or "·" are not text."""
    changed = False
    for tight in (False, True):
        box: Box | None = cell.box
        if tight:
            box = _unread_box(state.binary, cell.box, best.words, state.dpi)
        if box is None or (tight and best.unread < glyph):
            break
        for image in state.images:
            again = read_crop(image, box, engine, state.dpi, inset=0 if tight else None)
            if tight:
                again = [
                    w
                    for w in again
                    if w.confidence >= unsure_below and any(ch.isalnum() for ch in w.text)
                ]
                kept = [w for w in best.words if not _overlapping(w, again)]
                again = kept + again if again else []
            if not again:
                continue
            unread = unread_ink(state.binary, cell.box, again, state.dpi)
            sure = min(w.confidence for w in again)
            if unread + glyph <= best.unread or (
                abs(unread - best.unread) < glyph and sure > best.sure
            ):
                best.words, best.unread, best.sure = again, unread, sure
                changed = True
    return changed


def second_look(state: PageState, engine: Engine, unsure_below: float = 0.9) -> PageState:
    """Cells holding ink the engine did not read (a glyph or all of them), or read with a
    character it was unsure of, read again on their own, from the grey page and from the
    binary one. The reading that leaves clearly less ink unread stands; between two that
    cover the same, the surer.

    A lone short value ("无", "男") is the easiest thing for a page-wide text detector to miss,
    and a date squeezed into a narrow cell the easiest to merge or cut ("二〇二〇年三月" read
    as "0年三月", with high confidence in what was read); cut out, a cell is detected and read
    at full resolution."""
    # About the ink of a thin digit ("1", or the end of a "2" the detector's box cut off).
    glyph = (state.dpi // 20) ** 2 // 2
    in_cell, free = split_by_cell(list(state.words), state.cells)
    changed = False
    for index, cell in enumerate(state.cells):
        words = in_cell.get(index, [])
        best = _CellReading(
            words,
            unread_ink(state.binary, cell.box, words, state.dpi),
            min((w.confidence for w in words), default=0.0),
        )
        if best.unread < glyph and (not words or best.sure >= unsure_below):
            continue
        if _read_cell_again(state, cell, best, engine, glyph, unsure_below):
            in_cell[index] = best.words
            changed = True
    if not changed:
        return state
    return state.with_words([*free, *(w for ws in in_cell.values() for w in ws)])


def confirm_digits(state: PageState, engine: Engine, doubt: float = 0.5) -> PageState:
    """Cells with digits read a second time, cut out on their own; where the two readings
    differ, the digits of the first lose their confidence (to ``doubt``). A digit misread as
    another one ("1976.01" for 1976.04 on a worn cell) is read with full confidence as often
    as not, and a date or a unit code has no check digit to catch it: two readings that
    disagree are the sign a person should look."""
    in_cell, free = split_by_cell(list(state.words), state.cells)
    digits = {
        index: words
        for index, words in in_cell.items()
        if any(ch.isdigit() for w in words for ch in w.text)
    }
    readings = _read_cells(state, list(digits), engine)
    changed = False
    for (index, words), read in zip(digits.items(), readings, strict=True):
        text = "".join(w.text for w in words)
        again = "".join(w.text for w in read)
        if "".join(again.split()) != "".join(text.split()):
            in_cell[index] = [
                replace(w, confidence=min(w.confidence, doubt))
                if any(ch.isdigit() for ch in w.text)
                else w
                for w in words
            ]
            changed = True
    if not changed:
        return state
    return state.with_words([*free, *(w for ws in in_cell.values() for w in ws)])


def _read_cells(state: PageState, cells: list[int], engine: Engine) -> list[list[Word]]:
    """Each cell read again on its own: cut inside its rules and read as one line in a single
    batch by an engine that ``Detects`` (a cell of digits holds one line: a date, a number),
    else detected and read cell by cell."""
    if isinstance(engine, Detects):
        inset = cell_inset(state.dpi)
        boxes = [state.cells[i].box for i in cells]
        return engine.read_boxes(
            state.page, [Box(b.x0 + inset, b.y0 + inset, b.x1 - inset, b.y1 - inset) for b in boxes]
        )
    return [read_crop(state.page, state.cells[i].box, engine, state.dpi) for i in cells]


def missed_lines(
    binary: np.ndarray, cells: tuple[Cell, ...], words: list[Word], dpi: int
) -> list[Box]:
    """Lines of ink outside every cell that no word covers: text the page-wide detector
    missed where the layout found no cell either (a value whose rules faded)."""
    ink = binary == 0
    erase_words(ink, words, dpi)
    for b in [c.box for c in cells]:
        ink[b.y0 : b.y1, b.x0 : b.x1] = False
    if not ink.any():
        return []
    # Glyphs of a line joined across the gaps between them.
    joined = cv2.dilate(ink.astype(np.uint8), np.ones((1, max(3, dpi // 8)), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    ink_of = np.bincount(labels[ink], minlength=count)
    glyph = (dpi // 20) ** 2
    boxes = []
    for i in range(1, count):
        width, height = int(stats[i][2]), int(stats[i][3])
        if ink_of[i] >= 2 * glyph and dpi // 12 <= height <= dpi // 2 and width >= height:
            ys, xs = np.nonzero((labels == i) & ink)
            boxes.append(Box(int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1))
    return boxes


def read_missed_lines(state: PageState, engine: Engine, least_sure: float = 0.5) -> PageState:
    """Each missed line (``missed_lines``) read on its own, from the grey page and the binary
    one; the surer reading is kept when its least sure character reaches ``least_sure``
    (a seal's remnant reads as nonsense with low confidence)."""
    words = list(state.words)
    found = []
    for box in missed_lines(state.binary, state.cells, words, state.dpi):
        readings = [
            r for image in state.images if (r := read_crop(image, box, engine, state.dpi, inset=0))
        ]
        best = max(readings, key=lambda r: min(w.confidence for w in r), default=None)
        if best is not None and min(w.confidence for w in best) >= least_sure:
            found += best
    return state.with_words(words + found) if found else state
