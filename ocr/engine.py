"""The one recognition interface: every engine turns an image into lines of words with boxes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from ocr.types import Box, Orientation, Recognition, Word


class Engine(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def reads_binary(self) -> bool:
        """Whether the engine is given the thresholded page, or the cleaned page in gray."""
        ...

    def recognize(self, image: np.ndarray) -> Recognition: ...

    def guess_orientation(self, image: np.ndarray) -> Orientation | None:
        """How the page must be turned to stand upright, or None when the engine cannot tell
        (or has no such guess at all: the page is then read both ways up instead)."""
        ...

    def check_available(self) -> str | None:
        """None when the engine can run here; else, in Chinese, what is missing."""
        ...


@runtime_checkable
class Detects(Protocol):
    """An engine that finds lines and reads them as two steps (PP-OCR). Callers that know
    which lines they want read skip the finding (ocr.fallback, ocr.refine.confirm_digits)."""

    def detect(self, image: np.ndarray) -> tuple[Box, ...]:
        """The boxes of the lines of text on the image."""
        ...

    def read_boxes(self, image: np.ndarray, boxes: Sequence[Box]) -> list[list[Word]]:
        """The words in each box, one list per box, read in one batch."""
        ...


class EngineFactory(Protocol):
    """How a worker process gets its engine: a small picklable value that builds the engine
    where it runs (an engine holds models and handles that cannot cross processes)."""

    @property
    def name(self) -> str: ...

    def build(self) -> Engine: ...
