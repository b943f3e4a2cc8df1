"""API keys: made once, shown once, kept only as a hash, revoked but never forgotten."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from archive.domain import Role
from archive.store import schema
from archive.store.rows import utc
from archive.store.store import Store

KEY_PREFIX = "vak_"


class ApiKeyError(Exception):
    """A key operation the caller asked for cannot be done (a name taken, a key unknown)."""


@dataclass(frozen=True, slots=True)
class ApiKey:
    id: int
    name: str
    role: Role
    prefix: str
    created_at: datetime
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def hash_secret(secret: str) -> str:
    # The secret carries 256 random bits, so a plain SHA-256 cannot be brute-forced; a slow
    # password hash would only slow every request.
    return hashlib.sha256(secret.encode()).hexdigest()


def _key(row: Any) -> ApiKey:
    revoked = utc(row.revoked_at) if row.revoked_at else None
    return ApiKey(row.id, row.name, Role(row.role), row.prefix, utc(row.created_at), revoked)


class KeyStore:
    def __init__(self, store: Store) -> None:
        self.store = store

    def create(self, name: str, role: Role) -> tuple[ApiKey, str]:
        """A new key and its secret; the secret exists nowhere else afterwards."""
        name = name.strip()
        if not name:
            raise ApiKeyError("密钥需要名称")
        secret = KEY_PREFIX + secrets.token_urlsafe(32)
        try:
            with self.store.begin() as conn:
                if conn.execute(
                    select(schema.users.c.id).where(schema.users.c.username == name)
                ).first():
                    raise ApiKeyError(f"已有名为「{name}」的用户，密钥请另取名称")
                result = conn.execute(
                    schema.api_keys.insert().values(
                        name=name,
                        role=role.value,
                        key_hash=hash_secret(secret),
                        prefix=secret[:12],
                        created_at=datetime.now(UTC),
                    )
                )
                key_id = int(result.inserted_primary_key[0])  # type: ignore[index]
        except IntegrityError as exc:
            raise ApiKeyError(f"已有名为「{name}」的密钥") from exc
        made = self.get(key_id)
        assert made is not None  # just inserted
        return made, secret

    def get(self, key_id: int) -> ApiKey | None:
        with self.store.connect() as conn:
            row = conn.execute(
                select(schema.api_keys).where(schema.api_keys.c.id == key_id)
            ).one_or_none()
        return _key(row) if row else None

    def list(self) -> list[ApiKey]:
        with self.store.connect() as conn:
            rows = conn.execute(select(schema.api_keys).order_by(schema.api_keys.c.id)).all()
        return [_key(r) for r in rows]

    def revoke(self, name_or_id: str) -> ApiKey:
        column = schema.api_keys.c.id if name_or_id.isdigit() else schema.api_keys.c.name
        wanted: int | str = int(name_or_id) if name_or_id.isdigit() else name_or_id
        with self.store.begin() as conn:
            row = conn.execute(select(schema.api_keys).where(column == wanted)).one_or_none()
            if row is None:
                raise ApiKeyError(f"没有名称或编号为「{name_or_id}」的密钥")
            if row.revoked_at is None:
                conn.execute(
                    update(schema.api_keys)
                    .where(schema.api_keys.c.id == row.id)
                    .values(revoked_at=datetime.now(UTC))
                )
        revoked = self.get(row.id)
        assert revoked is not None  # keys are never deleted
        return revoked

    def find(self, secret: str) -> ApiKey | None:
        """The key with this secret, revoked or not; None when no key has it."""
        with self.store.connect() as conn:
            row = conn.execute(
                select(schema.api_keys).where(schema.api_keys.c.key_hash == hash_secret(secret))
            ).one_or_none()
        return _key(row) if row else None
