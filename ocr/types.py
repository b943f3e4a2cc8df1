"""Typed results passed between the OCR stages."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True, slots=True)
class Box:
    """Axis-aligned box in pixels: x0,y0 inclusive top-left, x1,y1 exclusive bottom-right."""

    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def height(self) -> int:
        return self.y1 - self.y0

    def union(self, other: Box) -> Box:
        return Box(
            min(self.x0, other.x0),
            min(self.y0, other.y0),
            max(self.x1, other.x1),
            max(self.y1, other.y1),
        )

    def holds_centre_of(self, other: Box, slack: float = 0) -> bool:
        """Whether ``other``'s centre lies in this box, widened by ``slack`` on every side."""
        cx, cy = (other.x0 + other.x1) / 2, (other.y0 + other.y1) / 2
        return self.x0 - slack <= cx < self.x1 + slack and self.y0 - slack <= cy < self.y1 + slack

    def as_list(self) -> list[int]:
        return [self.x0, self.y0, self.x1, self.y1]


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    box: Box
    confidence: float  # 0..1


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    box: Box
    confidence: float  # mean of its words, 0..1
    words: tuple[Word, ...]
    cell: int | None = None  # index into the page's table cells, when the line is one


@dataclass(frozen=True, slots=True)
class Recognition:
    """What an engine read on one image, lines in reading order."""

    engine: str
    lines: tuple[Line, ...]
    # The line boxes the engine detected, when it detects (PP-OCR): another image in the same
    # frame can be read at them without finding its lines again (ocr.fallback).
    boxes: tuple[Box, ...] = ()

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def mean_confidence(self) -> float:
        words = [w for line in self.lines for w in line.words]
        return float(np.mean([w.confidence for w in words])) if words else 0.0


@dataclass(frozen=True, slots=True)
class Orientation:
    """An engine's guess at how a page must be turned to stand upright, with how sure it is.

    The confidence is on the scale of tesseract's OSD (unbounded, above 2 fairly sure), the one
    engine that guesses; engines that cannot guess return no Orientation at all."""

    rotate: int  # clockwise degrees that make the page upright: 0, 90, 180 or 270
    confidence: float


@dataclass(frozen=True, slots=True)
class StepRecord:
    """One preprocessing step and the parameters it chose, kept for audit and tuning."""

    name: str
    params: dict[str, float | int | str | bool] = field(default_factory=dict)
