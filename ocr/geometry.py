"""Affine bookkeeping so a box found on the processed image can be drawn on the original scan."""

from __future__ import annotations

import math

import numpy as np

from ocr.types import Box

# 3x3 float matrix acting on column vectors (x, y, 1): affine, or a homography once a
# photographed page has been flattened (ocr.perspective); points are divided by their w.
Affine = np.ndarray


def identity() -> Affine:
    return np.eye(3)


def translation(dx: float, dy: float) -> Affine:
    return np.array([[1.0, 0.0, dx], [0.0, 1.0, dy], [0.0, 0.0, 1.0]])


def quarter_turns_cw(turns: int, width: int, height: int) -> Affine:
    """Maps pixel centres of a width x height image onto it turned ``turns`` x 90° clockwise."""
    turns %= 4
    if turns == 0:
        return identity()
    if turns == 1:  # (x, y) -> (h-1-y, x)
        return np.array([[0.0, -1.0, height - 1.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    if turns == 2:  # (x, y) -> (w-1-x, h-1-y)
        return np.array([[-1.0, 0.0, width - 1.0], [0.0, -1.0, height - 1.0], [0.0, 0.0, 1.0]])
    return np.array([[0.0, 1.0, 0.0], [-1.0, 0.0, width - 1.0], [0.0, 0.0, 1.0]])


def rotation_about_centre(
    angle_deg: float, width: int, height: int
) -> tuple[Affine, tuple[int, int]]:
    """Counter-clockwise rotation (OpenCV's convention) onto a canvas large enough to hold it all.

    Returns the matrix and the new (width, height).
    """
    a = math.radians(angle_deg)
    cos, sin = abs(math.cos(a)), abs(math.sin(a))
    new_w = math.ceil(width * cos + height * sin)
    new_h = math.ceil(width * sin + height * cos)
    cx, cy = (width - 1) / 2.0, (height - 1) / 2.0
    ncx, ncy = (new_w - 1) / 2.0, (new_h - 1) / 2.0
    c, s = math.cos(a), math.sin(a)
    # Image y points down, so a counter-clockwise turn on screen is this matrix.
    rot = np.array([[c, s, 0.0], [-s, c, 0.0], [0.0, 0.0, 1.0]])
    return translation(ncx, ncy) @ rot @ translation(-cx, -cy), (new_w, new_h)


def is_affine(matrix: Affine) -> bool:
    return bool(np.allclose(matrix[2], (0.0, 0.0, 1.0)))


def map_box(matrix: Affine, box: Box, bounds: tuple[int, int] | None = None) -> Box:
    """The axis-aligned box around ``box``'s corners after ``matrix``, clipped to bounds (w, h)."""
    corners = np.array(
        [[box.x0, box.x1, box.x0, box.x1], [box.y0, box.y0, box.y1, box.y1], [1, 1, 1, 1]],
        dtype=float,
    )
    mapped = matrix @ corners
    mapped = mapped[:2] / mapped[2]
    x0, y0 = math.floor(mapped[0].min()), math.floor(mapped[1].min())
    x1, y1 = math.ceil(mapped[0].max()), math.ceil(mapped[1].max())
    if bounds is not None:
        w, h = bounds
        x0, x1 = max(0, min(x0, w)), max(0, min(x1, w))
        y0, y1 = max(0, min(y0, h)), max(0, min(y1, h))
    return Box(x0, y0, x1, y1)
