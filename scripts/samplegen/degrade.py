"""Scanner and paper damage applied to a clean page, parameters recorded, boxes carried along."""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
from PIL import Image

LEVELS = ("clean", "mild", "heavy")


@dataclass
class Degradation:
    """What was done to a page, in order; ``params`` is written to the truth file as is."""

    params: dict[str, Any] = field(default_factory=dict)
    matrix: np.ndarray = field(default_factory=lambda: np.eye(3))  # clean page -> scan

    def map_box(self, box: tuple[int, int, int, int]) -> list[int]:
        x0, y0, x1, y1 = box
        pts = self.matrix @ np.array([[x0, x1, x0, x1], [y0, y0, y1, y1], [1, 1, 1, 1]], float)
        return [
            math.floor(pts[0].min()),
            math.floor(pts[1].min()),
            math.ceil(pts[0].max()),
            math.ceil(pts[1].max()),
        ]


def choose(
    rng: random.Random, level: str, seal_box: tuple[int, int, int, int] | None
) -> dict[str, Any]:
    """Degradation parameters for one page at a level: clean, mild or heavy."""
    if level == "clean":
        return {"level": level}
    heavy = level == "heavy"
    p: dict[str, Any] = {"level": level}
    p["skew_deg"] = round(rng.uniform(-15, 15) if heavy else rng.uniform(-4, 4), 2)
    p["quarter_turns"] = rng.choice((0, 0, 1, 2, 3)) if heavy else rng.choice((0, 0, 0, 2))
    if rng.random() < (0.6 if heavy else 0.3):
        p["yellow"] = round(rng.uniform(0.75, 0.9), 3)
    if rng.random() < (0.5 if heavy else 0.2):
        p["contrast"] = round(rng.uniform(0.45, 0.7), 3)
    if rng.random() < (0.7 if heavy else 0.3):
        p["speckles"] = rng.randint(100, 600)
    if rng.random() < (0.5 if heavy else 0.2):
        p["blur_sigma"] = round(rng.uniform(0.6, 1.3), 2)
    if rng.random() < (0.7 if heavy else 0.4):
        p["noise_sigma"] = round(rng.uniform(4, 14), 1)
    if rng.random() < (0.5 if heavy else 0.2):
        p["dark_border_px"] = rng.randint(20, 80)
    if rng.random() < (0.4 if heavy else 0.1):
        p["binder_holes"] = True
    if seal_box is not None and rng.random() < 0.8:
        p["seal"] = list(seal_box)
    if rng.random() < (0.5 if heavy else 0.2):
        p["jpeg_quality"] = rng.randint(30, 60)
    return p


def _seal(img: np.ndarray, box: list[int], dpi: int) -> None:
    """A red round seal over the text: ring, star and arc of glyph-like strokes."""
    cx, cy = (box[0] + box[2]) // 2, (box[1] + box[3]) // 2
    r = int(0.8 * dpi)
    layer = np.zeros(img.shape[:2], np.uint8)
    cv2.circle(layer, (cx, cy), r, 255, max(4, dpi // 40))
    star = [
        (
            cx + int(r * 0.3 * math.cos(math.radians(90 + 144 * k))),
            cy - int(r * 0.3 * math.sin(math.radians(90 + 144 * k))),
        )
        for k in range(5)
    ]
    cv2.fillPoly(layer, [np.array(star, np.int32)], 255)
    for k in range(14):
        a = math.radians(200 + k * 10)
        px, py = cx + int(0.7 * r * math.cos(a)), cy + int(0.7 * r * math.sin(a))
        cv2.rectangle(layer, (px - 8, py - 8), (px + 8, py + 8), 255, 3)
    alpha = (layer.astype(np.float32) / 255.0 * 0.75)[:, :, None]
    red = np.array([205, 40, 40], np.float32)
    img[:] = (img * (1 - alpha) + np.minimum(img, red) * alpha).astype(np.uint8)


def apply(
    page: Image.Image, p: dict[str, Any], dpi: int, seed: int
) -> tuple[Image.Image, Degradation]:
    rng = np.random.default_rng(seed)
    img = np.asarray(page.convert("RGB")).copy()
    deg = Degradation(params=p)
    h, w = img.shape[:2]
    if "seal" in p:
        _seal(img, p["seal"], dpi)
    if "yellow" in p:
        img = (img * np.array([1.0, 0.96, p["yellow"]])).astype(np.uint8)
    if "contrast" in p:
        img = (255 - (255 - img.astype(np.float32)) * p["contrast"]).astype(np.uint8)
    if "binder_holes" in p:
        for fy in (0.3, 0.7):
            cv2.circle(img, (int(0.25 * dpi), int(fy * h)), int(0.12 * dpi), (35, 35, 35), -1)
    if "speckles" in p:
        ys, xs = rng.integers(0, h, p["speckles"]), rng.integers(0, w, p["speckles"])
        for x, y in zip(xs, ys, strict=True):
            cv2.circle(img, (int(x), int(y)), int(rng.integers(1, 4)), (30, 30, 30), -1)
    if "blur_sigma" in p:
        img = cv2.GaussianBlur(img, (0, 0), p["blur_sigma"])
    border = int(p.get("dark_border_px", 0))
    if border or p.get("skew_deg"):
        bed = (28, 28, 30) if border else (255, 255, 255)
        img = cv2.copyMakeBorder(
            img, border, border, border, border, cv2.BORDER_CONSTANT, value=bed
        )
        deg.matrix = np.array([[1, 0, border], [0, 1, border], [0, 0, 1]], float) @ deg.matrix
        angle = float(p.get("skew_deg", 0.0))
        hh, ww = img.shape[:2]
        rot = cv2.getRotationMatrix2D(((ww - 1) / 2, (hh - 1) / 2), angle, 1.0)
        img = cv2.warpAffine(
            img,
            rot,
            (ww, hh),
            flags=cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=bed,
        )
        deg.matrix = np.vstack([rot, [0, 0, 1]]) @ deg.matrix
    if "noise_sigma" in p:
        noise = rng.normal(0, p["noise_sigma"], img.shape)
        img = np.clip(img.astype(np.float32) + noise, 0, 255).astype(np.uint8)
    turns = int(p.get("quarter_turns", 0)) % 4
    if turns:
        hh, ww = img.shape[:2]
        img = np.ascontiguousarray(np.rot90(img, k=-turns))  # clockwise
        step = {
            1: [[0, -1, hh - 1], [1, 0, 0]],
            2: [[-1, 0, ww - 1], [0, -1, hh - 1]],
            3: [[0, 1, 0], [-1, 0, ww - 1]],
        }[turns]
        deg.matrix = np.vstack([np.array(step, float), [0, 0, 1]]) @ deg.matrix
    out = Image.fromarray(img)
    if "jpeg_quality" in p:
        buf = io.BytesIO()
        out.save(buf, "JPEG", quality=p["jpeg_quality"])
        out = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    return out, deg
