"""The staff pages' session cookie and CSRF token. The cookie holds a random token of a
session kept in the store (archive.store.sessions), never a key; the CSRF token is derived from
it with a secret kept in the data dir, so another site can neither read nor make it."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from archive.store.sessions import Owner, SessionStore

COOKIE = "vetarchive_session"
CSRF_HEADER = "X-CSRF-Token"


def _mac(secret: bytes, text: str) -> str:
    digest = hmac.new(secret, text.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def secret_in(data_dir: Path) -> bytes:
    """The secret of this data dir, made on first use, readable by its owner only."""
    path = data_dir / "session-secret"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(secrets.token_bytes(32))
    return path.read_bytes()


class Sessions:
    def __init__(self, store: SessionStore, secret: bytes) -> None:
        self.store = store
        self.secret = secret

    @property
    def lifetime_s(self) -> int:
        return int(self.store.policy.lifetime.total_seconds())

    def issue(self, owner: Owner) -> str:
        return self.store.start(owner)

    def owner(self, token: str | None) -> Owner | None:
        """Whose session a cookie is; None when it is unknown, ended, expired or idle."""
        if not token or len(token) > 128:
            return None
        return self.store.owner(token)

    def end(self, token: str) -> None:
        self.store.end(token)

    def csrf(self, token: str) -> str:
        """The token pages send back with every change; another site cannot know it."""
        return _mac(self.secret, "csrf:" + token)
