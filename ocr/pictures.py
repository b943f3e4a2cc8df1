"""Photos and drawings on a page, and the text a recogniser invents in them.

A recogniser reads the circles of a sketch as O, hatching as 三 or 川, a face as 二. Writing is
made of pieces no bigger than a character. A drawing (roads, outlines) holds strokes far
bigger, once the cleaned page has lost its table rules, ruled lines and seals; a photo holds
areas of dark tone (hair, a uniform) wider than any pen stroke, with few character-sized marks
among them (a paragraph in bold or over a dark tint has many). Either marks a picture, widened
to the ruled frame round it where there is one; and a "character" as big as a picture is one.
What the recogniser reads there is dropped unless it reads as sure writing, so text printed
over a picture, or a paragraph crossed through, is kept. What is dropped is recorded.
"""

from __future__ import annotations

import re

import cv2
import numpy as np

from ocr.types import Box, StepRecord, Word

# A stroke this long both ways is no character (a 36-point heading character is half an inch),
# and a picture's pieces this close are one picture.
PICTURE_INCH = 0.5
GAP_INCH = 0.15
# Character-sized marks per square inch above which an area of tone is writing over a tint
# (11-point text holds about 40; a face its eyes, brows and mouth).
WRITING_MARKS_PER_SQ_INCH = 8.0
_CJK = re.compile(r"[\u3400-\u9fff\U00020000-\U0003134f]")


def _area(box: Box) -> int:
    return box.width * box.height


def _regions(mask: np.ndarray, least: float) -> list[Box]:
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    return [
        Box(int(x), int(y), int(x + w), int(y + h))
        for x, y, w, h, _ in stats[1:count]
        if w >= least and h >= least
    ]


def _grown(boxes: list[Box], shape: tuple[int, ...], gap: int) -> np.ndarray:
    mask = np.zeros(shape[:2], np.uint8)
    for b in boxes:
        mask[max(0, b.y0 - gap) : b.y1 + gap, max(0, b.x0 - gap) : b.x1 + gap] = 1
    return mask


def _ruled(stroke: np.ndarray) -> bool:
    """Whether a big stroke is mostly straight rows and columns: what is left of a table's
    rules that clean-up missed (a double or thick border), not a picture to drop text in."""
    rows = stroke.sum(axis=1, keepdims=True) >= 0.3 * stroke.shape[1]
    cols = stroke.sum(axis=0, keepdims=True) >= 0.3 * stroke.shape[0]
    return bool((stroke & (rows | cols)).sum() >= 0.6 * stroke.sum())


def _tone(shaded: np.ndarray, dpi: float) -> np.ndarray:
    """Where the gray page (its light evened out: no shadow, no coloured paper) is dark in
    areas wider than a pen stroke, which is a thirtieth of an inch at most."""
    pen = max(3, int(dpi // 32))
    dark = (shaded < 160).astype(np.uint8)
    return cv2.morphologyEx(dark, cv2.MORPH_OPEN, np.ones((pen, pen), np.uint8))


# Pictures are half an inch and more: they are found on the page shrunk to about this, a
# ninth of the pixels to label at 300 dpi, and a pen stroke still a pixel wide.
_SEARCH_DPI = 100


def picture_boxes(
    binary: np.ndarray, shaded: np.ndarray, dpi: int, frames: tuple[Box, ...] = ()
) -> list[Box]:
    """The pictures on the cleaned page (``binary``, ink 0, and ``shaded``, its gray): strokes
    too big both ways for writing, and areas of dark tone among few character-sized marks;
    each widened to the frame it sits in (the ruled box of a sketch, a form's photo cell:
    ``frames``, the page's cells) when one holds it closely."""
    f = max(1, dpi // _SEARCH_DPI)
    h, w = binary.shape[:2]
    size = (max(1, w // f), max(1, h // f))
    # A pixel holding any part of a stroke is ink: thin lines stay joined.
    ink = (cv2.resize(binary, size, interpolation=cv2.INTER_AREA) < 224).astype(np.uint8)
    small_dpi = dpi / f
    found = _pictures(ink, cv2.resize(shaded, size, interpolation=cv2.INTER_AREA), small_dpi)
    boxes = []
    for b in found:
        box = Box(b.x0 * f, b.y0 * f, min(w, b.x1 * f), min(h, b.y1 * f))
        around = [fr for fr in frames if fr.holds_centre_of(box) and _area(fr) <= 6 * _area(box)]
        boxes.append(box.union(min(around, key=_area)) if around else box)
    return boxes


def _pictures(ink: np.ndarray, shaded: np.ndarray, dpi: float) -> list[Box]:
    least, gap = PICTURE_INCH * dpi, max(1, round(GAP_INCH * dpi))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    sizes = np.maximum(stats[1:count, 2], stats[1:count, 3])
    marks = stats[1:count][(sizes >= 0.04 * dpi) & (sizes < 0.4 * dpi)]
    centres = marks[:, :2] + marks[:, 2:4] / 2
    strokes = [
        Box(int(x), int(y), int(x + w), int(y + h))
        for i, (x, y, w, h, _) in enumerate(stats[1:count], start=1)
        if w >= least and h >= least and not _ruled(labels[y : y + h, x : x + w] == i)
    ]
    toned = []
    for box in _regions(cv2.dilate(_tone(shaded, dpi), np.ones((gap, gap), np.uint8)), least):
        inside = (
            (centres[:, 0] >= box.x0) & (centres[:, 0] < box.x1)
            & (centres[:, 1] >= box.y0) & (centres[:, 1] < box.y1)
        )  # fmt: skip
        if inside.sum() < WRITING_MARKS_PER_SQ_INCH * _area(box) / dpi**2:
            toned.append(box)
    boxes = []
    for grown in _regions(_grown(strokes + toned, ink.shape, gap), least):
        # The pieces' own extent, not the margin that joined them: a caption stays outside.
        boxes.append(
            Box(
                grown.x0 + (gap if grown.x0 else 0), grown.y0 + (gap if grown.y0 else 0),
                grown.x1 - gap, grown.y1 - gap,
            )
        )  # fmt: skip
    return boxes


def sure_writing(word: Word) -> bool:
    """Read as writing, not as shapes: Chinese, read surely (a circle reads as a sure O)."""
    return word.confidence >= 0.9 and _CJK.search(word.text) is not None


def not_pictures(
    words: list[Word],
    binary: np.ndarray,
    shaded: np.ndarray,
    dpi: int,
    frames: tuple[Box, ...] = (),
) -> tuple[list[Word], StepRecord]:
    """The words outside the page's pictures, or inside one but sure writing; and the step
    that records the pictures and what was dropped in them."""
    boxes = picture_boxes(binary, shaded, dpi, frames)
    kept: list[Word] = []
    dropped: list[Word] = []
    least = PICTURE_INCH * dpi
    for word in words:
        inside = any(box.holds_centre_of(word.box) for box in boxes) or (
            word.box.width >= least and word.box.height >= least
        )
        (dropped if inside and not sure_writing(word) else kept).append(word)
    return kept, StepRecord(
        "pictures",
        {"count": len(boxes), "dropped": len(dropped), "text": " ".join(w.text for w in dropped)},
    )
