"""Seals (印章): found by their red ink, read on their own, kept apart from the page's text.

An official seal is round with a star and its issuer's name (国务院关于国家行政机关和企业事业
单位社会团体印章管理的规定, 国发〔1999〕25号, fixes shape and text; the ink in practice is
red), and sits over the text it certifies: a name, a date, a signature. Its text is evidence
of who certified the page, not part of any field: read into a value it would turn "张卫国"
into "张卫国退役军人事务局". The processed page already fades red (ocr.preprocess.to_gray);
the plain page, read for the do-no-harm check, does not, so its words over a seal are left
out there and the seal is read separately.
"""

from __future__ import annotations

import cv2
import numpy as np

from ocr.engine import Engine
from ocr.types import Box, Word


def red_ink(page: np.ndarray) -> np.ndarray:
    """Where the page (RGB) is clearly red: red well above green and blue."""
    if page.ndim != 3:
        return np.zeros(page.shape[:2], bool)
    r, g, b = cv2.split(np.ascontiguousarray(page))
    # Saturating uint8 differences: the same test as on signed values, without widening
    # three full pages to int16 first.
    mask: np.ndarray = (cv2.subtract(r, g) > 60) & (cv2.subtract(r, b) > 40) & (r > 110)
    return mask


def seal_boxes(page: np.ndarray, dpi: int) -> list[Box]:
    """Boxes of the seals on a page (RGB, processed frame): red marks, joined across the gaps
    between their strokes, between about half an inch and three inches across and not far from
    round or square (a red rule or a red heading is long and low)."""
    mask = red_ink(page)
    if not mask.any():
        return []
    reach = max(3, dpi // 15)
    joined = cv2.dilate(mask.astype(np.uint8), np.ones((reach, reach), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    boxes = []
    for i in range(1, count):
        x, y, w, h, _ = (int(v) for v in stats[i])
        if dpi // 2 <= min(w, h) and max(w, h) <= 3 * dpi and max(w, h) <= 1.8 * min(w, h):
            boxes.append(Box(x, y, x + w, y + h))
    # The star or the text inside a ring, apart from the ring, is part of the same seal.
    return [b for b in boxes if not any(o != b and _inside(b, o) for o in boxes)]


def _inside(box: Box, other: Box) -> bool:
    return other.x0 <= box.x0 and other.y0 <= box.y0 and box.x1 <= other.x1 and box.y1 <= other.y1


def _centre_in_any(word: Word, boxes: list[Box]) -> bool:
    return any(b.holds_centre_of(word.box) for b in boxes)


def outside(words: list[Word], seals: list[Box]) -> list[Word]:
    """The words not over a seal."""
    return [w for w in words if not _centre_in_any(w, seals)] if seals else words


def not_seal_ink(words: list[Word], seals: list[Box], page: np.ndarray) -> list[Word]:
    """The words, less those over a seal written in its red ink: text under a seal (a date, a
    name, in black or blue) stays, the seal's own text, faded but legible, goes."""
    kept = []
    for w in words:
        b = w.box
        if _centre_in_any(w, seals):
            patch = page[b.y0 : b.y1, b.x0 : b.x1]
            red = red_ink(patch)
            others = int(np.count_nonzero((patch.min(axis=2) < 170) & ~red))
            # Only a word with next to no ink of another colour is the seal's: a black glyph,
            # however thin and however crossed by the seal's ring, is a tenth of its box.
            if others < 0.03 * max(1, b.width * b.height) and np.count_nonzero(red) > others:
                continue
        kept.append(w)
    return kept


def read_seals(page: np.ndarray, seals: list[Box], engine: Engine) -> list[str]:
    """Each seal's text: its red ink alone, black on white, read by the engine (a seal's ring
    of text reads in part; its straight line, 专用章 and the like, reads whole)."""
    texts = []
    for b in seals:
        ink = np.where(red_ink(page[b.y0 : b.y1, b.x0 : b.x1]), np.uint8(0), np.uint8(255))
        pad = max(8, b.height // 10)
        ink = cv2.copyMakeBorder(ink, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)
        texts.append(engine.recognize(ink).text.replace("\n", " "))
    return texts
