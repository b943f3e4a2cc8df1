"""Which way up a page stands: the engine's own guess where it has one, else how well it reads
the page's densest strips each way up.

Run on the cleaned page (no rules, specks or seals for the engine to misread), after
preprocessing has turned a page whose lines run down it by a quarter.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ocr.engine import Engine
from ocr.preprocess import Preprocessed, PreprocessOptions, rotate_quarter
from ocr.types import Recognition, StepRecord


def text_bands(binary: np.ndarray, dpi: int, count: int = 3) -> list[slice]:
    """Rows of the ``count`` full-width strips, about 0.6 inch high and not overlapping, with
    the most ink: several witnesses, since one strip may be mostly what is left of a rule."""
    ink_rows = np.count_nonzero(binary == 0, axis=1).astype(np.float64)
    window = min(len(ink_rows), max(16, int(0.6 * dpi)))
    sums = np.convolve(ink_rows, np.ones(window), "valid")
    bands = []
    for _ in range(count):
        top = int(np.argmax(sums))
        if sums[top] <= 0:
            break
        bands.append(slice(top, top + window))
        sums[max(0, top - window + 1) : top + window] = -1.0
    return bands


def reading_score(engine: Engine, images: list[np.ndarray]) -> float:
    """Mean confidence per character read over the strips; text upside down reads as
    low-confidence junk or not at all.

    Only words shaped like upright writing count (no taller than twice their width): PP-OCR
    turns tall text boxes to read them, so a sideways page would read well in its strips."""
    return score_of([engine.recognize(image) for image in images])


def score_of(readings: list[Recognition]) -> float:
    """Mean confidence per character of the words shaped like upright writing; a reading of
    fewer than 8 characters scores as if the rest were read with none."""
    words = [
        w
        for reading in readings
        for line in reading.lines
        for w in line.words
        if w.box.height <= 2 * w.box.width
    ]
    chars = sum(len(w.text) for w in words)
    return sum(w.confidence * len(w.text) for w in words) / max(chars, 8)


def _reading_scores(
    binary: np.ndarray,
    shaded: np.ndarray,
    candidates: tuple[int, ...],
    engine: Engine,
    dpi: int,
) -> dict[int, float]:
    """How well the engine reads the page turned by each candidate, from the page it reads
    best (``binary`` or ``shaded``)."""
    # The densest strips, and for sideways candidates the densest strips across the page; two
    # more quarter-turns read the same strips upside down.
    page = binary if engine.reads_binary else shaded
    bands = {0: [page[rows] for rows in text_bands(binary, dpi)]}
    if 1 in candidates:
        across = rotate_quarter(page, 1)
        bands[1] = [across[rows] for rows in text_bands(rotate_quarter(binary, 1), dpi)]
    return {
        k: reading_score(engine, [rotate_quarter(b, k - k % 2) for b in bands[k % 2]])
        for k in candidates
    }


def decide_turn(
    binary: np.ndarray,
    shaded: np.ndarray,
    candidates: tuple[int, ...],
    engine: Engine,
    options: PreprocessOptions,
    axis: tuple[int, int] = (0, 2),
    upright: Recognition | None = None,
) -> tuple[int, StepRecord]:
    """Clockwise quarter-turns (among ``candidates``) that make the page upright.

    Evidence in order: a strong OSD answer; the whole page as it stands (``upright``, when
    the caller has read it: the reading is needed anyway if it stands upright) read surely
    enough, its lines running across it; the engine reading a text band each way up (from
    the page it reads best, ``binary`` or ``shaded``), when one way is clearly better, or
    clearly better along ``axis``, the way the lines lean to run; a moderate OSD answer; else
    no turn at all.
    """
    osd = engine.guess_orientation(binary)
    osd_turn = -1 if osd is None else (osd.rotate // 90) % 4
    osd_conf = 0.0 if osd is None else osd.confidence
    params: dict[str, float | int | str | bool] = {
        "osd_rotate": -1 if osd is None else osd.rotate,
        "osd_confidence": round(osd_conf, 2),
    }

    def decided(turn: int, by: str) -> tuple[int, StepRecord]:
        return turn, StepRecord("orientation", {**params, "by": by, "turn": turn})

    # OSD's 90/270 answers are not used: the line direction has already settled sideways
    # pages, and OSD is the weaker judge of that on sparse forms.
    osd_usable = osd_turn in (0, 2) and osd_turn in candidates
    if osd_usable and osd_conf >= options.strong_osd_confidence:
        return decided(osd_turn, "osd")
    if upright is not None and set(candidates) == {0, 2}:
        # Upside down, PP-OCR reads Chinese as junk with a confidence near 0.5; tesseract reads
        # little at all. A page read as surely as this stands upright.
        params["read_page"] = round(score := score_of([upright]), 3)
        if score >= options.sure_upright:
            return decided(0, "page read upright")
    scores = _reading_scores(binary, shaded, candidates, engine, options.dpi)
    params.update({f"read_{k * 90}": round(v, 3) for k, v in scores.items()})
    ranked = sorted(scores, key=lambda k: scores[k], reverse=True)
    margin = options.min_reading_margin
    if scores[ranked[0]] - scores[ranked[1]] >= margin:
        return decided(ranked[0], "reading")
    # PP-OCR reads short sideways pieces nearly as well as upright lines. When the best two
    # lie on different axes, the way the lines run (too weak a vote to decide alone) picks the
    # axis, and reading decides which way up along it.
    along = [k for k in ranked if k in axis]
    if (
        len(along) == 2
        and scores[along[0]] - scores[along[1]] >= margin
        and scores[along[0]] >= scores[ranked[0]] - margin
    ):
        return decided(along[0], "reading+lines")
    if osd_usable and osd_conf >= options.min_osd_confidence:
        return decided(osd_turn, "osd")
    return decided(0, "none")


def orient(
    pre: Preprocessed,
    engine: Engine,
    options: PreprocessOptions,
    upright: Recognition | None = None,
) -> Preprocessed:
    """The page turned upright, with the evidence that decided it in its steps; ``upright`` is
    the engine's reading of the page as it stands, when the caller has one."""
    # At the resolution the page is processed at, which is more than the scan's when enlarged.
    at = replace(options, dpi=pre.dpi)
    turn, record = decide_turn(
        pre.image, pre.shaded, pre.turn_candidates, engine, at, pre.turn_axis, upright
    )
    return pre.turned(turn, record)
