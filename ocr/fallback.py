"""Do no harm: the page read as the engine alone would read it, and every region kept from
whichever reading holds more of its text.

Preprocessing (threshold, rule and speck removal) is what makes forms read well, and it is
also what wipes text over a highlighter, on ruled paper or on a page of too few pixels: the
clean-up cannot tell such text from dirt. So the engine also looks at the *plain* page (the
scan only turned and straightened, in its own colours): its lines that the processed reading
does not cover are read there, and where the plain reading of a line holds clearly more of its
characters than the processed one, the plain words stand there instead. Where the processed
page reads as much or more (faint text, text between rules), it stays. Lines are still found on
the processed page first: on degraded forms that finds more (order-free CER 0.013 against 0.024
with lines found on the plain page, 16 held-out pages, seed 4242).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace

import cv2
import numpy as np

from ocr.engine import Detects, Engine
from ocr.geometry import is_affine
from ocr.preprocess import Preprocessed, to_gray
from ocr.types import Box, StepRecord, Word


def plain_page(image: np.ndarray, pre: Preprocessed) -> np.ndarray:
    """The scan as loaded, carried into the processed page's frame (turned, straightened,
    cropped and scaled like it) and nothing else: no threshold, no clean-up."""
    h, w = pre.image.shape[:2]
    white = (255, 255, 255) if image.ndim == 3 else 255
    if is_affine(pre.from_original):
        flat: np.ndarray = cv2.warpAffine(
            image, pre.from_original[:2], (w, h), flags=cv2.INTER_LINEAR, borderValue=white
        )
    else:
        flat = cv2.warpPerspective(
            image, pre.from_original, (w, h), flags=cv2.INTER_LINEAR, borderValue=white
        )
    return flat


def _chars(words: list[Word], sure: float) -> Counter[str]:
    """The characters read with at least ``sure`` confidence; blanks and punctuation carry no
    evidence of text kept or lost."""
    return Counter(ch for w in words if w.confidence >= sure for ch in w.text if ch.isalnum())


def _inside(words: list[Word], box: Box) -> list[Word]:
    """The words of a line: those whose centre lies in its box, give or take a quarter of
    its height (the two readings' boxes differ by a few pixels)."""
    slack = max(2, box.height // 4)
    return [w for w in words if box.holds_centre_of(w.box, slack)]


def _left(word: Word) -> int:
    return word.box.x0


def covered(box: Box, words: list[Word]) -> float:
    """Share of a line's width that the words inside it cover."""
    spans = sorted((max(box.x0, w.box.x0), min(box.x1, w.box.x1)) for w in _inside(words, box))
    total, reach = 0, box.x0
    for x0, x1 in spans:
        x0 = max(x0, reach)
        if x1 > x0:
            total += x1 - x0
            reach = x1
    return total / max(1, box.width)


# Text the clean-up may have taken with the dirt shows as ink on the plain page with none on
# the processed page near it, outside every word read: past two characters' worth of it (a
# 12-point character holds about a hundredth of a square inch of ink), the plain page's own
# lines are found; short of it, the processed page's lines serve both pages.
LOST_INK_SQ_INCH = 0.02
_CHECK_DPI = 100  # ink a pen stroke wide is still there at this resolution; dust is not


def lost_ink(
    plain: np.ndarray, binary: np.ndarray, rules: np.ndarray, dpi: int, words: list[Word]
) -> float:
    """Square inches of ink, in marks at least a stroke long, that the plain page holds and
    the processed page (``binary``, ink 0, without its ``rules``, 255) lost: not kept, not a
    table rule, not under a word already read."""
    f = max(1, round(dpi / _CHECK_DPI))
    h, w = binary.shape[:2]
    size = (max(1, w // f), max(1, h // f))

    def small(image: np.ndarray) -> np.ndarray:
        out: np.ndarray = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        return out

    near = np.ones((3, 3), np.uint8)
    # Dark against the paper round it: shadows and coloured paper are not ink.
    block = max(3, round(0.3 * dpi / f) | 1)
    ink: np.ndarray = cv2.adaptiveThreshold(
        small(to_gray(plain)), 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 16
    )
    explained: np.ndarray = cv2.dilate(
        ((small(binary) < 250) | (small(rules) > 0)).astype(np.uint8), near
    )
    for word in words:
        b = word.box
        explained[b.y0 // f : b.y1 // f + 1, b.x0 // f : b.x1 // f + 1] = 1
    lost = cv2.bitwise_and(ink, 1 - explained)
    count, _, stats, _ = cv2.connectedComponentsWithStats(lost, connectivity=8)
    stroke = 0.04 * dpi / f
    long_enough = np.maximum(stats[1:count, 2], stats[1:count, 3]) >= stroke
    return float(stats[1:count, 4][long_enough].sum()) * (f / dpi) ** 2


@dataclass(frozen=True, slots=True)
class PlainLines:
    found: int  # lines on the plain page
    read: list[tuple[Box, list[Word]]]  # those read there: (line box, its words)
    detected: bool  # whether the plain page's lines were found there, or shared


def plain_lines(
    engine: Engine,
    plain: np.ndarray,
    processed: list[Word],
    shared: tuple[Box, ...] | None = None,
    ignore: Callable[[list[Word]], list[Word]] = list,
    least_covered: float = 0.6,
    unsure: float = 0.9,
) -> PlainLines:
    """The plain page's lines that may hold what the processed reading lost or misread, read
    there.

    An engine that ``Detects`` reads only the lines whose width the processed words cover
    less than ``least_covered`` of, or where a processed character was read with less than
    ``unsure`` confidence: a few more lines. They are the lines it finds on the plain page,
    or, given ``shared`` (the processed page's own line boxes, when it lost no text), those:
    the two pages are in one frame, and no second detection is needed. Another engine reads
    the whole plain page. ``ignore`` takes out what must not come in (a seal's text)."""
    if isinstance(engine, Detects):
        boxes = engine.detect(plain) if shared is None else shared
        kept = [b for b in boxes if ignore([Word("", b, 1.0)])]
        loose = [
            b
            for b in kept
            if covered(b, processed) < least_covered
            or any(w.confidence < unsure for w in _inside(processed, b))
        ]
        read = engine.read_boxes(plain, loose)
        return PlainLines(
            len(kept),
            [(b, ignore(ws)) for b, ws in zip(loose, read, strict=True)],
            detected=shared is None,
        )
    reading = engine.recognize(plain)
    lines = [(line.box, theirs) for line in reading.lines if (theirs := ignore(list(line.words)))]
    return PlainLines(len(lines), lines, detected=True)


@dataclass(frozen=True, slots=True)
class Kept:
    words: list[Word]
    step: StepRecord


def keep_better(
    processed: list[Word],
    plain: PlainLines,
    margin: int = 2,
    sure: float = 0.5,
    doubt: float = 0.5,
) -> Kept:
    """The processed words, with each plain line that holds at least ``margin`` more sure
    characters than the processed words inside it taken from the plain reading, and where the
    two read as many words, each word that reads otherwise and surer there taken from it, its
    confidence no more than ``doubt``: two readings that disagree are the sign a person should
    look (as in ocr.refine.confirm_digits), whichever of them was the surer.

    Recorded: how many of the plain lines' characters the processed reading holds (recall,
    order-free), before and after, and how many lines were looked at and came from where."""
    words = list(processed)
    plain_total = _chars([w for _, theirs in plain.read for w in theirs], sure)
    before = _recall(plain_total, _chars(words, sure))
    replaced = swapped = 0
    for box, theirs in plain.read:
        inside = _inside(words, box)
        gained_chars, ours = _chars(theirs, sure), _chars(inside, sure)
        gained = sum((gained_chars - ours).values()) - sum((ours - gained_chars).values())
        if gained >= margin:
            words = [w for w in words if w not in inside] + theirs
            replaced += 1
        elif len(inside) == len(theirs):
            # The same characters read twice, in the same order: each one kept as read with
            # the more confidence ("另" at 0.63 on a cleaned fax, "男" at 0.77 as it came).
            better = {
                id(a): replace(b, confidence=min(b.confidence, doubt))
                for a, b in zip(sorted(inside, key=_left), sorted(theirs, key=_left), strict=True)
                if a.text != b.text and b.confidence > a.confidence
            }
            words = [better.get(id(w), w) for w in words]
            swapped += len(better)
    after = _recall(plain_total, _chars(words, sure))
    return Kept(
        words,
        StepRecord(
            "do_no_harm",
            {
                "plain_lines": plain.found,
                "plain_detected": plain.detected,
                "lines_read_plain": len(plain.read),
                "lines_from_plain": replaced,
                "chars_from_plain": swapped,
                "recall_before": round(before, 4),
                "recall_after": round(after, 4),
            },
        ),
    )


def _recall(truth: Counter[str], read: Counter[str]) -> float:
    total = sum(truth.values())
    return sum((truth & read).values()) / total if total else 1.0
