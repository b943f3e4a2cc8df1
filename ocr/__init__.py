"""Image to text: page preprocessing and recognition.

This package knows nothing of veterans, databases or HTTP: arrays in, typed results out.
"""

from ocr.errors import EngineError, EngineTimeout, EngineUnavailable, OcrError
from ocr.pipeline import PageReading, read_page
from ocr.types import Box, Line, Recognition, Word

__all__ = [
    "Box",
    "EngineError",
    "EngineTimeout",
    "EngineUnavailable",
    "Line",
    "OcrError",
    "PageReading",
    "Recognition",
    "Word",
    "read_page",
]
