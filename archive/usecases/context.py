"""What every use case works with, made once at a composition root and shared by the CLI,
the API and the web pages: the store, the search backend, the audit log, the engine that reads
a region a person drew."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from archive.search.backends import make_backend
from archive.search.model import SearchBackend
from archive.settings import Settings
from archive.store import Store
from archive.store.audit import AuditLog
from ocr.engines import EngineSpec
from ocr.region import SharedEngine


@dataclass(frozen=True)
class Archive:
    store: Store
    search: SearchBackend
    audit: AuditLog
    data_dir: Path  # originals and page images, under the paths the store names
    timezone: ZoneInfo  # days and months of the progress figures
    bureau: str  # whose labels are proposed and accepted
    reader: SharedEngine  # reads a region a person drew on a page, when first asked to

    @classmethod
    def open(cls, settings: Settings) -> Archive:
        store = Store.open(settings.resolved_database_url)
        return cls(
            store,
            make_backend(settings, store),
            AuditLog(store),
            settings.data_dir,
            ZoneInfo(settings.timezone),
            settings.bureau,
            SharedEngine(EngineSpec(settings.engine, settings.ocr_lang, settings.ocr_timeout_s)),
        )

    def close(self) -> None:
        self.store.close()
