"""The one settings object; read from the environment (ARCHIVE_*) or .env, once, at the edge."""

from __future__ import annotations

import os
import re
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ARCHIVE_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path("./archive-data"), description="store, originals, page images")
    es_url: str | None = Field(None, description="unset: the embedded default search backend")
    es_alias: str = Field("vetarchive-records", description="the alias searches go through")
    database_url: str | None = Field(None, description="unset: SQLite in data_dir")
    workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1, le=64)
    engine: str = "rapidocr"  # measured best (scripts/bench_ocr.py); "tesseract" also supported
    ocr_lang: str = "chi_sim"
    ocr_timeout_s: float = Field(180.0, gt=0, description="one tesseract call")
    page_timeout_s: float = Field(
        600.0, gt=0, description="a page read for longer is taken to hang: its worker is stopped"
    )
    pdf_dpi: int = Field(300, ge=72, le=600)
    max_file_bytes: int = Field(2 * 1024**3, ge=1)
    max_pages: int = Field(2000, ge=1, description="more pages than this: refused as too large")
    max_page_pixels: int = Field(
        90_000_000, ge=1, description="a page larger than this is a decompression bomb"
    )
    commit_every_s: float = Field(2.0, gt=0, description="how long finished documents may wait")
    review_below: float = Field(
        0.9, ge=0, le=1, description="a field read with less OCR confidence goes to review"
    )
    file_number_pattern: str | None = Field(
        None,
        description="the bureau's file numbering, a regular expression: a file number of "
        "another form goes to review (unset: kept as read)",
    )
    bureau: str = Field(
        "本局",
        min_length=1,
        max_length=255,
        description="whose forms this archive reads: the labels its admins accept are this "
        "bureau's, and ingest applies those",
    )
    checksheet_font: Path = Field(
        Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
        description="the CJK font embedded in printed 核查单 (Debian's fonts-wqy-zenhei)",
    )
    timezone: str = Field("Asia/Shanghai", description="days and months of the progress figures")
    host: str = Field("127.0.0.1", description="archive serve listens here")
    port: int = Field(8000, ge=1, le=65535)
    api_processes: int = Field(1, ge=1, le=32, description="archive serve: server processes")
    max_upload_bytes: int = Field(
        4 * 1024**3, ge=1, description="one upload request, all its files together"
    )
    max_upload_files: int = Field(1000, ge=1, description="files in one upload request")
    session_hours: float = Field(8.0, gt=0, le=24, description="a sign-in lasts at most this")
    session_idle_minutes: float = Field(
        30.0, gt=0, le=24 * 60, description="a sign-in ends after this long without a request"
    )
    auth_failures: int = Field(
        10, ge=1, description="failed sign-ins or keys from one client before it must wait"
    )
    auth_window_s: float = Field(
        300.0, gt=0, description="the window failures are counted in, and the first wait"
    )
    log_level: str = "INFO"

    @field_validator("file_number_pattern")
    @classmethod
    def _a_regular_expression(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"not a regular expression: {exc}") from exc
        return value

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'archive.db').resolve()}"

    @property
    def originals_dir(self) -> Path:
        return self.data_dir / "originals"

    @property
    def pages_dir(self) -> Path:
        return self.data_dir / "pages"

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"

    @property
    def logs_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def spool_dir(self) -> Path:
        """Where a request's upload waits while it streams in: inside the data dir, never the
        system's shared temp dir."""
        return self.data_dir / "tmp"
