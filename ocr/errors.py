"""Exceptions raised by the OCR stages; the external program's own message is kept."""


class OcrError(Exception):
    """Base of every failure inside ocr/."""


class EngineUnavailable(OcrError):
    """The engine's program or its language data is missing."""


class EngineError(OcrError):
    """The engine ran and failed; ``detail`` holds what the program said."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(f"{message}: {detail}" if detail else message)
        self.detail = detail


class EngineTimeout(EngineError):
    """The engine did not finish within its time limit."""
