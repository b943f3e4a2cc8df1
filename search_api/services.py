"""What the routes work with, made once per app: the use cases' Archive, keys and sessions."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from archive.settings import Settings
from archive.store.keys import KeyStore
from archive.store.users import UserStore
from archive.usecases import Archive
from search_api.sessions import Sessions
from search_api.throttle import Throttle


@dataclass
class Services:
    settings: Settings
    archive: Archive
    keys: KeyStore
    users: UserStore
    sessions: Sessions
    throttle: Throttle


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found
