"""What every use case works with, made once at a composition root and shared by the CLI,
the API and the web pages: the store, the search backend, the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from archive.search.backends import make_backend
from archive.search.model import SearchBackend
from archive.settings import Settings
from archive.store import Store
from archive.store.audit import AuditLog


@dataclass(frozen=True)
class Archive:
    store: Store
    search: SearchBackend
    audit: AuditLog
    data_dir: Path  # originals and page images, under the paths the store names
    timezone: ZoneInfo  # days and months of the progress figures

    @classmethod
    def open(cls, settings: Settings) -> Archive:
        store = Store.open(settings.resolved_database_url)
        return cls(
            store,
            make_backend(settings, store),
            AuditLog(store),
            settings.data_dir,
            ZoneInfo(settings.timezone),
        )

    def close(self) -> None:
        self.store.close()
