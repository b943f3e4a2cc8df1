"""The engines this package ships, by name."""

from __future__ import annotations

from dataclasses import dataclass

from ocr.engine import Engine

ENGINES = ("tesseract", "rapidocr")


@dataclass(frozen=True, slots=True)
class EngineSpec:
    """An engine named in the settings; ``lang`` and ``timeout_s`` are tesseract's (PP-OCR
    reads Chinese and runs in-process)."""

    name: str
    lang: str = "chi_sim"
    timeout_s: float = 180.0

    def __post_init__(self) -> None:
        if self.name not in ENGINES:
            raise ValueError(f"unknown OCR engine {self.name!r}; available: {', '.join(ENGINES)}")

    def build(self) -> Engine:
        if self.name == "tesseract":
            from ocr.tesseract import TesseractEngine

            return TesseractEngine(lang=self.lang, timeout_s=self.timeout_s)
        from ocr.rapid import RapidOcrEngine  # imports onnxruntime: only when asked for

        return RapidOcrEngine()
