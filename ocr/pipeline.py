"""Read one page: preprocess, recognise, and give every box in both coordinate frames."""

from __future__ import annotations

from dataclasses import dataclass

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


def _read_cell(page: np.ndarray, box: Box, engine: Engine, dpi: int) -> list[Word]:
    """The engine's words in one cell cut out (clear of its rules, with white margins, which
    detectors need), in page coordinates."""
    inset, pad = max(2, dpi // 60), dpi // 10
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


def unread_ink(binary: np.ndarray, box: Box, words: list[Word], dpi: int) -> int:
    """Ink pixels inside a cell (clear of its rules) that no word's box covers."""
    inset, margin = max(2, dpi // 60), max(2, dpi // 40)
    x0, y0, x1, y1 = box.x0 + inset, box.y0 + inset, box.x1 - inset, box.y1 - inset
    if x1 <= x0 or y1 <= y0:
        return 0
    ink = binary[y0:y1, x0:x1] == 0
    for w in words:
        ink[
            max(0, w.box.y0 - margin - y0) : max(0, w.box.y1 + margin - y0),
            max(0, w.box.x0 - margin - x0) : max(0, w.box.x1 + margin - x0),
        ] = False
    return int(np.count_nonzero(ink))


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
    glyph = (dpi // 20) ** 2  # about a small glyph's worth of ink
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
        for image in images:
            again = _read_cell(image, cell.box, engine, dpi)
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
    return PageReading(pre, cells, recognition, to_original_frame(recognition, pre))
