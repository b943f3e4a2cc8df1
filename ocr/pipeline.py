"""Read one page, in one straight sequence: preprocess, orientation, cells, recognition, the
second readings, the reading order, and every box given on the original scan too."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ocr.engine import Engine
from ocr.geometry import map_box
from ocr.layout import arrange, find_cells
from ocr.orientation import orient
from ocr.preprocess import Preprocessed, PreprocessOptions, preprocess
from ocr.refine import PageState, confirm_digits, read_missed_lines, second_look
from ocr.types import Box, Recognition, StepRecord


@dataclass(frozen=True, slots=True)
class ReadWord:
    text: str
    confidence: float  # 0..1
    box: Box  # on the processed page
    box_original: Box  # the same place on the original scan


@dataclass(frozen=True, slots=True)
class ReadLine:
    text: str
    confidence: float  # mean of its words
    box: Box
    box_original: Box
    words: tuple[ReadWord, ...]
    cell: int | None  # index into the page's cells, when the line is one


@dataclass(frozen=True, slots=True)
class ReadCell:
    row: int
    col: int
    box: Box
    box_original: Box


@dataclass(frozen=True, slots=True)
class PageReading:
    """What was read on a page, in reading order, every box in both frames."""

    engine: str
    image: np.ndarray  # the processed page (upright, straight, binary), as the boxes are on it
    rotation: int  # how the scan was turned, clockwise from upright: 0, 90, 180 or 270
    skew_deg: float
    steps: tuple[StepRecord, ...]
    cells: tuple[ReadCell, ...]
    lines: tuple[ReadLine, ...]
    mean_confidence: float

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


def _in_both_frames(recognition: Recognition, pre: Preprocessed) -> tuple[ReadLine, ...]:
    def scan(box: Box) -> Box:
        return map_box(pre.to_original, box, pre.original_size)

    return tuple(
        ReadLine(
            line.text,
            line.confidence,
            line.box,
            scan(line.box),
            tuple(ReadWord(w.text, w.confidence, w.box, scan(w.box)) for w in line.words),
            line.cell,
        )
        for line in recognition.lines
    )


def read_page(
    image: np.ndarray, engine: Engine, options: PreprocessOptions | None = None
) -> PageReading:
    options = options or PreprocessOptions()
    pre = orient(preprocess(image, options), engine, options)
    cells = find_cells(pre.rules, options.dpi)
    page = pre.image if engine.reads_binary else pre.shaded
    first = engine.recognize(page)
    state = PageState(
        page, pre.image, cells, options.dpi, tuple(w for line in first.lines for w in line.words)
    )
    state = second_look(state, engine)
    state = confirm_digits(state, engine)
    state = read_missed_lines(state, engine)
    # A page without cells that no pass changed keeps the engine's own lines (tesseract's
    # blocks and paragraphs); every other page is read in the order of its grid.
    recognition = (
        first if not cells and not state.changed else arrange(engine.name, list(state.words), cells)
    )
    return PageReading(
        engine=engine.name,
        image=pre.image,
        rotation=pre.rotation,
        skew_deg=pre.skew_deg,
        steps=pre.steps,
        cells=tuple(
            ReadCell(c.row, c.col, c.box, map_box(pre.to_original, c.box, pre.original_size))
            for c in cells
        ),
        lines=_in_both_frames(recognition, pre),
        mean_confidence=recognition.mean_confidence,
    )
