"""The engines this package ships, by name."""

from __future__ import annotations

from dataclasses import dataclass

from ocr.engine import Engine

# PP-OCR's model generations (ocr.rapid.MODEL_SETS), and the one plain "rapidocr" stands for:
# chosen by scripts/bench_ocr.py's numbers (README, "识别模型").
PPOCR_MODELS = ("v4", "v5", "v6-small", "v6-tiny")
DEFAULT_PPOCR = "v6-small"
ENGINES = ("rapidocr", *(f"rapidocr-{m}" for m in PPOCR_MODELS), "tesseract")


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

        models = self.name.removeprefix("rapidocr").removeprefix("-") or DEFAULT_PPOCR
        return RapidOcrEngine(models)
