"""Read one page: preprocess, recognise, and give every box in both coordinate frames."""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from ocr.engine import Engine
from ocr.geometry import map_box
from ocr.layout import Cell, arrange, arrange_words, find_cells
from ocr.preprocess import Preprocessed, PreprocessOptions, preprocess
from ocr.types import Box, Line, Recognition, Word


@dataclass(frozen=True, slots=True)
class PageReading:
    preprocessed: Preprocessed
    cells: tuple[Cell, ...]  # table cells, boxes on the processed image
    recognition: Recognition  # in reading order, boxes on the processed image
    on_original: Recognition  # the same lines, boxes on the original scan


def to_original_frame(recognition: Recognition, pre: Preprocessed) -> Recognition:
    def word(w: Word) -> Word:
        return Word(w.text, map_box(pre.to_original, w.box, pre.original_size), w.confidence)

    lines = tuple(
        Line(
            line.text,
            map_box(pre.to_original, line.box, pre.original_size),
            line.confidence,
            tuple(word(w) for w in line.words),
            line.cell,
        )
        for line in recognition.lines
    )
    return Recognition(engine=recognition.engine, lines=lines)


def _inset(dpi: int) -> int:
    """How far inside a cell's box its rules end."""
    return max(2, dpi // 60)


def _erase_words(ink: np.ndarray, words: list[Word], dpi: int, x0: int = 0, y0: int = 0) -> None:
    """Clear from ``ink`` (whose corner is at x0, y0 on the page) what the words' boxes cover,
    with a margin for strokes just outside them."""
    margin = max(2, dpi // 40)
    for b in [w.box for w in words]:
        ink[
            max(0, b.y0 - margin - y0) : max(0, b.y1 + margin - y0),
            max(0, b.x0 - margin - x0) : max(0, b.x1 + margin - x0),
        ] = False


def _read_cell(
    page: np.ndarray, box: Box, engine: Engine, dpi: int, inset: int | None = None
) -> list[Word]:
    """The engine's words in one cell cut out (clear of its rules, with white margins, which
    detectors need), in page coordinates."""
    inset, pad = _inset(dpi) if inset is None else inset, dpi // 10
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
    inset = _inset(dpi)
    x0, y0, x1, y1 = box.x0 + inset, box.y0 + inset, box.x1 - inset, box.y1 - inset
    if x1 <= x0 or y1 <= y0:
        return np.zeros((0, 0), bool)
    ink: np.ndarray = binary[y0:y1, x0:x1] == 0
    _erase_words(ink, words, dpi, x0, y0)
    return ink


def unread_ink(binary: np.ndarray, box: Box, words: list[Word], dpi: int) -> int:
    """Ink pixels inside a cell (clear of its rules) that no word's box covers."""
    return int(np.count_nonzero(_unread_mask(binary, box, words, dpi)))


def _unread_box(binary: np.ndarray, box: Box, words: list[Word], dpi: int) -> Box | None:
    """The box around the unread ink of a cell."""
    ys, xs = np.nonzero(_unread_mask(binary, box, words, dpi))
    if not len(xs):
        return None
    x0, y0 = box.x0 + _inset(dpi), box.y0 + _inset(dpi)
    return Box(
        x0 + int(xs.min()), y0 + int(ys.min()), x0 + int(xs.max()) + 1, y0 + int(ys.max()) + 1
    )


def _overlapping(word: Word, others: list[Word]) -> bool:
    b = word.box
    return any(
        min(b.x1, o.box.x1) > max(b.x0, o.box.x0) and min(b.y1, o.box.y1) > max(b.y0, o.box.y0)
        for o in others
    )


def second_look(
    page: np.ndarray,
    binary: np.ndarray,
    cells: tuple[Cell, ...],
    recognition: Recognition,
    engine: Engine,
    dpi: int,
    unsure_below: float = 0.9,
) -> Recognition:
    """Cells holding ink the engine did not read (a glyph or all of them), or read with a
    character it was unsure of, read again on their own, from the grey page and from the
    binary one. The reading that leaves clearly less ink unread stands; between two that
    cover the same, the surer.

    A lone short value ("无", "男") is the easiest thing for a page-wide text detector to miss,
    and a date squeezed into a narrow cell the easiest to merge or cut ("二〇二〇年三月" read
    as "0年三月", with high confidence in what was read); cut out, a cell is detected and read
    at full resolution."""
    # About the ink of a thin digit ("1", or the end of a "2" the detector's box cut off).
    glyph = (dpi // 20) ** 2 // 2
    by_cell: dict[int | None, list[Word]] = {}
    for line in recognition.lines:
        by_cell.setdefault(line.cell, []).extend(line.words)
    # A grey page keeps what binarisation drops, and the other way round (a seal's ring across
    # the digits): the crop is read from both.
    images = [page] if page is binary else [page, binary]
    changed = False
    for index, cell in enumerate(cells):
        words = by_cell.get(index, [])
        unread = unread_ink(binary, cell.box, words, dpi)
        sure = min((w.confidence for w in words), default=0.0)
        if unread < glyph and (not words or sure >= unsure_below):
            continue
        # The whole cell first; then, if ink is still unread, that ink alone cut tight (a lone
        # glyph in a wide cell escapes the detector), in place of what it overlaps of the
        # cell's reading. Only sure letters, digits and characters count there: specks beside
        # a value read as "+" or "·" are not text.
        for tight in (False, True):
            box: Box | None = cell.box
            if tight:
                box = _unread_box(binary, cell.box, by_cell.get(index, []), dpi)
            if box is None or (tight and unread < glyph):
                break
            for image in images:
                again = _read_cell(image, box, engine, dpi, inset=0 if tight else None)
                if tight:
                    again = [
                        w
                        for w in again
                        if w.confidence >= unsure_below and any(ch.isalnum() for ch in w.text)
                    ]
                    kept = [w for w in by_cell.get(index, []) if not _overlapping(w, again)]
                    again = kept + again if again else []
                if not again:
                    continue
                unread_again = unread_ink(binary, cell.box, again, dpi)
                sure_again = min(w.confidence for w in again)
                if unread_again + glyph <= unread or (
                    abs(unread_again - unread) < glyph and sure_again > sure
                ):
                    by_cell[index], unread, sure = again, unread_again, sure_again
                    changed = True
    if not changed:
        return recognition
    return arrange_words(recognition.engine, [w for ws in by_cell.values() for w in ws], cells)


def confirm_digits(
    page: np.ndarray,
    cells: tuple[Cell, ...],
    recognition: Recognition,
    engine: Engine,
    dpi: int,
    doubt: float = 0.5,
) -> Recognition:
    """Cells with digits read a second time, cut out on their own; where the two readings
    differ, the digits of the first lose their confidence (to ``doubt``). A digit misread as
    another one ("1976.01" for 1976.04 on a worn cell) is read with full confidence as often
    as not, and a date or a unit code has no check digit to catch it: two readings that
    disagree are the sign a person should look."""
    by_cell: dict[int, list[Word]] = {}
    for line in recognition.lines:
        if line.cell is not None:
            by_cell.setdefault(line.cell, []).extend(line.words)
    changed = False
    for index, words in by_cell.items():
        text = "".join(w.text for w in words)
        if not any(ch.isdigit() for ch in text):
            continue
        again = "".join(w.text for w in _read_cell(page, cells[index].box, engine, dpi))
        if "".join(again.split()) != "".join(text.split()):
            by_cell[index] = [
                replace(w, confidence=min(w.confidence, doubt))
                if any(ch.isdigit() for ch in w.text)
                else w
                for w in words
            ]
            changed = True
    if not changed:
        return recognition
    free = [w for line in recognition.lines if line.cell is None for w in line.words]
    return arrange_words(
        recognition.engine, free + [w for ws in by_cell.values() for w in ws], cells
    )


def missed_lines(
    binary: np.ndarray, cells: tuple[Cell, ...], words: list[Word], dpi: int
) -> list[Box]:
    """Lines of ink outside every cell that no word covers: text the page-wide detector
    missed where the layout found no cell either (a value whose rules faded)."""
    ink = binary == 0
    _erase_words(ink, words, dpi)
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


def read_missed_lines(
    page: np.ndarray,
    binary: np.ndarray,
    cells: tuple[Cell, ...],
    recognition: Recognition,
    engine: Engine,
    dpi: int,
    least_sure: float = 0.5,
) -> Recognition:
    """Each missed line (``missed_lines``) read on its own, from the grey page and the binary
    one; the surer reading is kept when its least sure character reaches ``least_sure``
    (a seal's remnant reads as nonsense with low confidence)."""
    words = [w for line in recognition.lines for w in line.words]
    images = [page] if page is binary else [page, binary]
    found = []
    for box in missed_lines(binary, cells, words, dpi):
        readings = [r for image in images if (r := _read_cell(image, box, engine, dpi, inset=0))]
        best = max(readings, key=lambda r: min(w.confidence for w in r), default=None)
        if best is not None and min(w.confidence for w in best) >= least_sure:
            found += best
    if not found:
        return recognition
    return arrange_words(recognition.engine, words + found, cells)


def read_page(
    image: np.ndarray,
    engine: Engine,
    options: PreprocessOptions | None = None,
) -> PageReading:
    options = options or PreprocessOptions()
    pre = preprocess(image, options, reader=engine)
    cells = find_cells(pre.rules, options.dpi)
    page = pre.image if engine.reads_binary else pre.shaded
    recognition = arrange(engine.recognize(page), cells)
    recognition = second_look(page, pre.image, cells, recognition, engine, options.dpi)
    recognition = confirm_digits(page, cells, recognition, engine, options.dpi)
    recognition = read_missed_lines(page, pre.image, cells, recognition, engine, options.dpi)
    return PageReading(pre, cells, recognition, to_original_frame(recognition, pre))
