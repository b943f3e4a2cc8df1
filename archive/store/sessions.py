"""Signed-in sessions of the staff pages, kept in the store: the browser holds a random token,
the store only its SHA-256. A session ends at once when its person signs out, when it has been
idle too long, or at the end of its lifetime; the account or key behind it is looked up on
every request, so disabling the one or revoking the other ends it too."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from archive.store import schema
from archive.store.rows import utc
from archive.store.store import Store

# Writing seen_at on every request would make each page view a write; once a minute tells
# idle from busy well enough.
_TOUCH_EVERY = timedelta(seconds=60)


def _id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Owner:
    """Whose session it is: a person's account, or a key (signed in with a key)."""

    user_id: int | None
    key_id: int | None


@dataclass(frozen=True, slots=True)
class SessionPolicy:
    lifetime: timedelta  # from sign-in, however busy
    idle: timedelta  # since the last request


class SessionStore:
    def __init__(self, store: Store, policy: SessionPolicy) -> None:
        self.store = store
        self.policy = policy

    def start(self, owner: Owner, now: datetime | None = None) -> str:
        """A new session; returns the token the browser keeps."""
        now = now or datetime.now(UTC)
        token = secrets.token_urlsafe(32)
        with self.store.begin() as conn:
            conn.execute(
                schema.web_sessions.insert().values(
                    id=_id(token),
                    key_id=owner.key_id,
                    user_id=owner.user_id,
                    created_at=now,
                    seen_at=now,
                    expires_at=now + self.policy.lifetime,
                )
            )
        return token

    def owner(self, token: str, now: datetime | None = None) -> Owner | None:
        """Whose live session this is; None when the token is unknown, ended, expired or idle
        too long. A live one is marked seen."""
        now = now or datetime.now(UTC)
        t = schema.web_sessions
        with self.store.connect() as conn:
            row = conn.execute(select(t).where(t.c.id == _id(token))).first()
        if row is None or row.ended_at is not None or utc(row.expires_at) <= now:
            return None
        seen = utc(row.seen_at)
        if seen + self.policy.idle <= now:
            return None
        if now - seen >= _TOUCH_EVERY:
            with self.store.begin() as conn:
                conn.execute(update(t).where(t.c.id == row.id).values(seen_at=now))
        return Owner(row.user_id, row.key_id)

    def end(self, token: str, now: datetime | None = None) -> None:
        t = schema.web_sessions
        with self.store.begin() as conn:
            conn.execute(
                update(t)
                .where(t.c.id == _id(token), t.c.ended_at.is_(None))
                .values(ended_at=now or datetime.now(UTC))
            )


def end_all(store: Store, user_id: int, now: datetime | None = None) -> None:
    """Ends every session of the account (disabled, its password reset)."""
    t = schema.web_sessions
    with store.begin() as conn:
        conn.execute(
            update(t)
            .where(t.c.user_id == user_id, t.c.ended_at.is_(None))
            .values(ended_at=now or datetime.now(UTC))
        )
