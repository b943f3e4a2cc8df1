"""The exception every ingest stage raises for a file that cannot be ingested."""

from __future__ import annotations

from archive.failures import MESSAGES, Failure


class IngestError(Exception):
    def __init__(self, code: str, detail: str = "", page: int | None = None) -> None:
        if code not in MESSAGES:
            raise ValueError(f"unknown ingest error code {code!r}")
        self.failure = Failure(code, detail, page)
        super().__init__(self.failure.message)
