"""Phone photos of a page: the page's outline found against what it lies on, and the page
warped back to a rectangle.

A flatbed scan of a skewed page is a turned rectangle, which deskew handles; only an outline
whose corners are not right angles (the camera was not square over the page) is warped here.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from ocr.geometry import Affine


def page_outline(gray: np.ndarray, max_side: int = 1000) -> np.ndarray | None:
    """The four corners (top-left, top-right, bottom-right, bottom-left; float32, in pixels of
    ``gray``) of a page photographed on a darker ground, or None when there is no such outline:
    the paper fills the picture (a scan) or no four-sided bright shape stands out."""
    h, w = gray.shape
    scale = min(1.0, max_side / max(h, w))
    small = cv2.resize(gray, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (5, 5), 0)
    # What the page lies on shows at the picture's edges, the paper at its centre. The cut sits
    # nearer the ground than the paper, so paper in a shadow still counts as paper (Otsu's cut
    # fell between the lit and the shaded paper, and took the shadow's edge for the page's).
    sh, sw = small.shape
    frame = max(2, min(sh, sw) // 50)
    edges = np.concatenate(
        [
            small[:frame].ravel(),
            small[-frame:].ravel(),
            small[:, :frame].ravel(),
            small[:, -frame:].ravel(),
        ]
    )
    ground = float(np.median(edges))
    centre = float(np.median(small[sh // 4 : 3 * sh // 4, sw // 4 : 3 * sw // 4]))
    if centre - ground < 40:
        return None  # no darker ground around the page: a scan, or a page filling the picture
    paper = np.where(small > ground + 0.3 * (centre - ground), np.uint8(255), np.uint8(0))
    # Text and rules inside the page must not cut it up: close over them.
    paper = cv2.morphologyEx(paper, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    contours, _ = cv2.findContours(paper, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    biggest = max(contours, key=cv2.contourArea)
    area = cv2.contourArea(biggest) / (small.shape[0] * small.shape[1])
    if not 0.25 <= area <= 0.92:
        return None
    hull = cv2.convexHull(biggest)
    quad = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
    if len(quad) != 4 or _ink_outside(small, quad.reshape(4, 2)) > 0.002:
        return None
    return _ordered(quad.reshape(4, 2).astype(np.float32) / scale)


def _ink_outside(small: np.ndarray, quad: np.ndarray) -> float:
    """Share of the picture outside the outline (clear of a band along it) that looks like
    ink: dark strokes against their own surroundings, which a shadow or uneven light does not
    make. A shape that cut a shadowed part off the page leaves that part's text outside."""
    outline = np.zeros(small.shape, np.uint8)
    cv2.fillConvexPoly(outline, quad.astype(np.int32), 255)
    band = max(3, min(small.shape) // 30)
    inside = cv2.dilate(outline, np.ones((band, band), np.uint8))
    strokes = cv2.adaptiveThreshold(
        small, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 20
    )
    outside = inside == 0
    return float(np.count_nonzero(strokes[outside])) / max(1, int(np.count_nonzero(outside)))


def _ordered(points: np.ndarray) -> np.ndarray:
    by_sum = points.sum(axis=1)
    by_diff = np.diff(points, axis=1).ravel()
    return np.array(
        [
            points[np.argmin(by_sum)],
            points[np.argmin(by_diff)],
            points[np.argmax(by_sum)],
            points[np.argmax(by_diff)],
        ],
        dtype=np.float32,
    )


def corner_angles(quad: np.ndarray) -> list[float]:
    """The inner angle at each corner, in degrees."""
    angles = []
    for i in range(4):
        a, b, c = quad[i - 1], quad[i], quad[(i + 1) % 4]
        u, v = a - b, c - b
        cos = float(np.dot(u, v) / max(1e-6, np.linalg.norm(u) * np.linalg.norm(v)))
        angles.append(math.degrees(math.acos(max(-1.0, min(1.0, cos)))))
    return angles


def rectify(gray: np.ndarray, quad: np.ndarray, trim: float = 0.015) -> tuple[np.ndarray, Affine]:
    """The page inside ``quad`` warped to an upright rectangle as large as its longer sides,
    and the original-to-rectified homography. ``trim`` of each side is cut off: the outline
    is found on a small copy, and a sliver of the ground left along an edge is a long straight
    line that deskew would take for the text's direction (a page's margins hold no text)."""
    tl, tr, br, bl = quad
    width = round(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    height = round(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    dx, dy = trim * width, trim * height
    target = np.array(
        [
            [-dx, -dy],
            [width - 1 - dx, -dy],
            [width - 1 - dx, height - 1 - dy],
            [-dx, height - 1 - dy],
        ],
        np.float32,
    )
    width, height = round(width - 2 * dx), round(height - 2 * dy)
    matrix = cv2.getPerspectiveTransform(quad, target)
    flat: np.ndarray = cv2.warpPerspective(
        gray, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=255
    )
    return flat, matrix.astype(np.float64)
