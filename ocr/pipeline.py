"""Read one page: preprocess, recognise, and give every box in both coordinate frames."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ocr.engine import Engine
from ocr.geometry import map_box
from ocr.preprocess import Preprocessed, PreprocessOptions, preprocess
from ocr.types import Line, Recognition, Word


@dataclass(frozen=True, slots=True)
class PageReading:
    preprocessed: Preprocessed
    recognition: Recognition  # boxes on the processed image
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
        )
        for line in recognition.lines
    )
    return Recognition(engine=recognition.engine, lines=lines)


def read_page(
    image: np.ndarray,
    engine: Engine,
    options: PreprocessOptions | None = None,
) -> PageReading:
    pre = preprocess(image, options or PreprocessOptions(), reader=engine)
    recognition = engine.recognize(pre.image)
    return PageReading(pre, recognition, to_original_frame(recognition, pre))
