"""API keys on the real store: shown once, kept hashed, revoked but listed."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from archive.domain import Role
from archive.store import Store
from archive.store.keys import ApiKeyError, KeyStore, hash_secret


def test_a_key_is_found_by_its_secret_and_only_its_hash_is_kept(store: Store) -> None:
    keys = KeyStore(store)
    key, secret = keys.create("档案员甲", Role.ARCHIVIST)
    assert secret.startswith("vak_") and len(secret) > 40
    assert keys.find(secret) == key and key.active and key.role is Role.ARCHIVIST
    assert keys.find(secret + "x") is None
    with store.connect() as conn:
        stored = conn.execute(text("select key_hash, prefix from api_keys")).one()
    assert stored.key_hash == hash_secret(secret) and secret not in stored
    _, other = keys.create("查询员乙", Role.STAFF)
    assert other != secret


def test_names_are_unique_and_revoked_keys_stay_listed(store: Store) -> None:
    keys = KeyStore(store)
    key, secret = keys.create("优待证系统", Role.SERVICE)
    with pytest.raises(ApiKeyError, match="已有名为"):
        keys.create("优待证系统", Role.ADMIN)
    with pytest.raises(ApiKeyError, match="需要名称"):
        keys.create("  ", Role.ADMIN)
    revoked = keys.revoke("优待证系统")
    assert not revoked.active and revoked.revoked_at is not None
    found = keys.find(secret)
    assert found is not None and not found.active  # known but revoked: the API says so
    assert keys.revoke(str(key.id)).revoked_at == revoked.revoked_at  # revoking twice is a no-op
    assert [k.name for k in keys.list()] == ["优待证系统"]
    with pytest.raises(ApiKeyError, match="没有"):
        keys.revoke("nobody")
