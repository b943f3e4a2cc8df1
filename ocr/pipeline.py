"""Read one page: preprocess, recognise, and give every box in both coordinate frames."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ocr.engine import Engine
from ocr.geometry import map_box
from ocr.layout import Cell, arrange, find_cells
from ocr.preprocess import Preprocessed, PreprocessOptions, preprocess
from ocr.types import Line, Recognition, Word


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
    return PageReading(pre, cells, recognition, to_original_frame(recognition, pre))
