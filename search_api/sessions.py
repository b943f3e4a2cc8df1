"""Signed session cookies for the staff pages: the browser holds a key's id and an expiry,
signed with a secret kept in the data dir, never the key itself. The key is looked up on every
request, so revoking it ends its sessions at once."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import time
from pathlib import Path

COOKIE = "vetarchive_session"
LIFETIME_S = 8 * 3600  # a working day
CSRF_HEADER = "X-CSRF-Token"


def _mac(secret: bytes, text: str) -> str:
    digest = hmac.new(secret, text.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


class Sessions:
    def __init__(self, secret: bytes) -> None:
        self.secret = secret

    @classmethod
    def in_dir(cls, data_dir: Path) -> Sessions:
        """The secret of this data dir, made on first use, readable by its owner only."""
        path = data_dir / "session-secret"
        if not path.exists():
            data_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(secrets.token_bytes(32))
        return cls(path.read_bytes())

    def issue(self, key_id: int, now: float | None = None) -> str:
        expires = int((now or time.time()) + LIFETIME_S)
        payload = f"{key_id}.{expires}.{secrets.token_urlsafe(8)}"
        return f"{payload}.{_mac(self.secret, payload)}"

    def key_id(self, token: str | None, now: float | None = None) -> int | None:
        """The key a cookie speaks for; None when it is forged, malformed or expired."""
        if not token or token.count(".") != 3:
            return None
        payload, mac = token.rsplit(".", 1)
        if not hmac.compare_digest(mac, _mac(self.secret, payload)):
            return None
        key_id, expires, _ = payload.split(".")
        if not (key_id.isdigit() and expires.isdigit()) or int(expires) < (now or time.time()):
            return None
        return int(key_id)

    def csrf(self, token: str) -> str:
        """The token pages send back with every change; another site cannot know it."""
        return _mac(self.secret, "csrf:" + token)
