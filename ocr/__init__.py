"""Image to text: page preprocessing and recognition.

This package knows nothing of veterans, databases or HTTP: arrays in, typed results out.
"""

from ocr.engine import Engine, EngineFactory
from ocr.engines import ENGINES, EngineSpec
from ocr.errors import EngineError, EngineTimeout, EngineUnavailable, OcrError
from ocr.pipeline import PageReading, ReadCell, ReadLine, ReadWord, read_page
from ocr.preprocess import PreprocessOptions
from ocr.types import Box, Line, Orientation, Recognition, Word

__all__ = [
    "ENGINES",
    "Box",
    "Engine",
    "EngineError",
    "EngineFactory",
    "EngineSpec",
    "EngineTimeout",
    "EngineUnavailable",
    "Line",
    "OcrError",
    "Orientation",
    "PageReading",
    "PreprocessOptions",
    "ReadCell",
    "ReadLine",
    "ReadWord",
    "Recognition",
    "Word",
    "read_page",
]
