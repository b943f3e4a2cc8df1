"""What the routes work with, made once per app: settings, store, search backend, keys, audit."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from fastapi import Request

from archive.search.model import SearchBackend
from archive.settings import Settings
from archive.store import Store
from archive.store.audit import AuditLog
from archive.store.keys import KeyStore
from search_api.sessions import Sessions


@dataclass
class Services:
    settings: Settings
    store: Store
    backend: SearchBackend
    keys: KeyStore
    audit: AuditLog
    sessions: Sessions

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone)


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found
