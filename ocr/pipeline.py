"""Read one page: preprocess, recognise, and give every box in both coordinate frames."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ocr.engine import Engine
from ocr.geometry import map_box
from ocr.layout import Cell, arrange, find_cells
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


def second_look(
    page: np.ndarray,
    binary: np.ndarray,
    cells: tuple[Cell, ...],
    recognition: Recognition,
    engine: Engine,
    dpi: int,
) -> Recognition:
    """Cells with ink in them that the engine read nothing from, read again on their own.

    A lone short value ("无", "男") is the easiest thing for a page-wide text detector to miss,
    and a form is mostly such values; cut out, the cell is read at full resolution."""
    read = {line.cell for line in recognition.lines}
    inset = max(2, dpi // 60)  # clear of what is left of the rules
    min_ink = (dpi // 20) ** 2  # about a small glyph's worth
    pad = dpi // 10
    extra: list[Word] = []
    for index, cell in enumerate(cells):
        b = cell.box
        x0, y0, x1, y1 = b.x0 + inset, b.y0 + inset, b.x1 - inset, b.y1 - inset
        if index in read or x1 <= x0 or y1 <= y0:
            continue
        if np.count_nonzero(binary[y0:y1, x0:x1] == 0) < min_ink:
            continue
        # White margins: detectors miss text that touches the edge of the image.
        crop = cv2.copyMakeBorder(
            page[y0:y1, x0:x1], pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255
        )
        dx, dy = x0 - pad, y0 - pad
        for line in engine.recognize(crop).lines:
            extra += [
                Word(
                    w.text,
                    Box(w.box.x0 + dx, w.box.y0 + dy, w.box.x1 + dx, w.box.y1 + dy),
                    w.confidence,
                )
                for w in line.words
            ]
    if not extra:
        return recognition
    words = [w for line in recognition.lines for w in line.words] + extra
    return arrange(
        Recognition(recognition.engine, (Line("", Box(0, 0, 0, 0), 0.0, tuple(words)),)), cells
    )


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
