"""Read one page, in one straight sequence: preprocess, orientation, cells, recognition, the
plain page's reading where preprocessing lost text (ocr.fallback), the second readings, no
text invented in pictures (ocr.pictures), traditional forms folded to simplified (ocr.script),
the reading order, and every box given on the original scan too."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ocr.engine import Engine
from ocr.fallback import LOST_INK_SQ_INCH, keep_better, lost_ink, plain_lines, plain_page
from ocr.geometry import map_box
from ocr.layout import arrange, find_cells
from ocr.orientation import orient
from ocr.pictures import not_pictures
from ocr.preprocess import Preprocessed, PreprocessOptions, preprocess
from ocr.refine import PageState, confirm_digits, read_missed_lines, second_look
from ocr.script import fold_traditional, fold_words
from ocr.seals import not_seal_ink, outside, read_seals, seal_boxes
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
    seal_texts: tuple[str, ...] = ()  # each seal's text (印章), never part of ``lines``

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


def _readable(pre: Preprocessed, engine: Engine) -> np.ndarray:
    return pre.image if engine.reads_binary else pre.shaded


def read_page(
    image: np.ndarray, engine: Engine, options: PreprocessOptions | None = None
) -> PageReading:
    options = options or PreprocessOptions()
    straight = preprocess(image, options)
    # Read as it stands first: most pages do stand upright, and then this is their reading.
    as_it_stands = engine.recognize(_readable(straight, engine))
    pre = orient(straight, engine, options, upright=as_it_stands)
    page = _readable(pre, engine)
    first = as_it_stands if pre.turns == straight.turns else engine.recognize(page)
    cells = find_cells(pre.rules, pre.dpi)
    state = PageState(
        page, pre.image, cells, pre.dpi, tuple(w for line in first.lines for w in line.words)
    )
    state = second_look(state, engine)
    state = confirm_digits(state, engine)
    state = read_missed_lines(state, engine)
    # Then the plain page: what preprocessing lost or misread is taken back from it line by
    # line, except a seal's text, which is read on its own and kept apart, and what it read
    # into a photo or a drawing.
    plain = plain_page(image, pre)
    seals = seal_boxes(plain, pre.dpi)
    read = list(state.words)
    # The processed page's line boxes serve the plain page too, unless it lost text there
    # (an engine that gives no boxes reads the whole plain page anyway: nothing to check).
    shared = (
        first.boxes
        if first.boxes and lost_ink(plain, pre.image, pre.rules, pre.dpi, read) < LOST_INK_SQ_INCH
        else None
    )
    kept = keep_better(
        read,
        plain_lines(engine, plain, read, shared, ignore=lambda found: outside(found, seals)),
    )
    seal_texts = tuple(fold_traditional(text) for text in read_seals(plain, seals, engine))
    seal_step = StepRecord("seals", {"count": len(seals), "text": " | ".join(seal_texts)})
    frames = tuple(cell.box for cell in cells)
    in_text, pictures = not_pictures(
        not_seal_ink(kept.words, seals, plain), pre.image, pre.shaded, pre.dpi, frames
    )
    words, folded = fold_words(in_text)
    # A page without cells that no pass changed keeps the engine's own lines (tesseract's
    # blocks and paragraphs); every other page is read in the order of its grid.
    unchanged = not cells and not state.changed and words == read
    recognition = first if unchanged else arrange(engine.name, words, cells)
    return PageReading(
        engine=engine.name,
        image=pre.image,
        rotation=pre.rotation,
        skew_deg=pre.skew_deg,
        steps=(*pre.steps, kept.step, seal_step, pictures, folded),
        seal_texts=seal_texts,
        cells=tuple(
            ReadCell(c.row, c.col, c.box, map_box(pre.to_original, c.box, pre.original_size))
            for c in cells
        ),
        lines=_in_both_frames(recognition, pre),
        mean_confidence=recognition.mean_confidence,
    )
