"""Personal accounts: argon2id passwords, lockout with backoff, a second factor, disabled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from archive.domain import Role
from archive.store import Store
from archive.store.keys import ApiKeyError, KeyStore
from archive.store.users import FIRST_LOCK, SignIn, UserError, UserStore

NOW = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)


def _wrong(secret: str, at: datetime) -> str:
    """A code valid in no window the check accepts (the one at ``at`` and either side)."""
    totp = pyotp.TOTP(secret)
    valid = {totp.at(at + timedelta(seconds=s)) for s in (-30, 0, 30)}
    return next(c for c in (f"{n:06d}" for n in range(1_000_000)) if c not in valid)


def test_an_account_starts_with_a_first_password_to_change(store: Store) -> None:
    users = UserStore(store)
    user, first = users.create("zhangli", Role.STAFF, "张丽")
    assert user.must_change and user.display_name == "张丽" and len(first) >= 16
    with store.connect() as conn:
        digest = conn.exec_driver_sql("select password_hash from users").scalar_one()
    assert digest.startswith("$argon2id$") and first not in digest
    assert users.sign_in("zhangli", first, now=NOW).outcome is SignIn.OK
    with pytest.raises(UserError, match="10"):
        users.change_password(user.id, first, "short")
    with pytest.raises(UserError, match="用户名"):
        users.change_password(user.id, first, "zhangli-2026-ok")
    with pytest.raises(UserError, match="原密码"):
        users.change_password(user.id, "wrong", "a-good-long-password")
    changed = users.change_password(user.id, first, "a-good-long-password")
    assert not changed.must_change
    assert users.sign_in("zhangli", first, now=NOW).outcome is SignIn.WRONG
    assert users.sign_in("zhangli", "a-good-long-password", now=NOW).outcome is SignIn.OK


def test_names_are_one_namespace_with_keys(store: Store) -> None:
    KeyStore(store).create("优待证系统", Role.SERVICE)
    with pytest.raises(UserError, match="密钥"):
        UserStore(store).create("优待证系统", Role.STAFF)
    UserStore(store).create("wangwei", Role.STAFF)
    with pytest.raises(ApiKeyError, match="用户"):
        KeyStore(store).create("wangwei", Role.SERVICE)
    with pytest.raises(UserError, match="已有用户"):
        UserStore(store).create("wangwei", Role.ADMIN)


def test_repeated_failures_lock_the_account_longer_each_time(store: Store) -> None:
    users = UserStore(store)
    _, first = users.create("li", Role.ARCHIVIST)
    outcomes = [users.sign_in("li", "guess", now=NOW).outcome for _ in range(5)]
    assert outcomes == [SignIn.WRONG] * 4 + [SignIn.LOCKED]
    locked = users.sign_in("li", first, now=NOW)  # the right password waits too
    assert locked.outcome is SignIn.LOCKED and locked.locked_until == NOW + FIRST_LOCK
    later = NOW + FIRST_LOCK + timedelta(seconds=1)
    for _ in range(5):
        again = users.sign_in("li", "guess", now=later)
    assert again.locked_until == later + 2 * FIRST_LOCK  # the second lock: twice as long
    users.unlock("li")
    assert users.sign_in("li", first, now=later).outcome is SignIn.OK
    assert users.sign_in("nobody", "x", now=NOW).outcome is SignIn.WRONG  # same as a wrong one


def test_a_disabled_account_cannot_sign_in_and_a_reset_gives_a_new_first_password(
    store: Store,
) -> None:
    users = UserStore(store)
    _, first = users.create("zhao", Role.STAFF)
    users.disable("zhao")
    assert users.sign_in("zhao", first, now=NOW).outcome is SignIn.DISABLED
    users.enable("zhao")
    user, second = users.reset_password("zhao")
    assert user.must_change and second != first
    assert users.sign_in("zhao", second, now=NOW).outcome is SignIn.OK


def test_the_second_factor_is_asked_once_turned_on(store: Store) -> None:
    users = UserStore(store)
    user, first = users.create("qian", Role.ADMIN)
    secret = users.new_totp_secret()
    with pytest.raises(UserError, match="验证码"):
        users.enable_totp(
            user.id, secret, "000000" if pyotp.TOTP(secret).now() != "000000" else "1"
        )
    users.enable_totp(user.id, secret, pyotp.TOTP(secret).now())
    assert users.sign_in("qian", first, now=NOW).outcome is SignIn.CODE_NEEDED
    code = pyotp.TOTP(secret).at(NOW)
    assert users.sign_in("qian", first, code, now=NOW).outcome is SignIn.OK
    assert users.sign_in("qian", first, _wrong(secret, NOW), now=NOW).outcome is SignIn.WRONG
    assert users.sign_in("qian", "guess", code, now=NOW).outcome is SignIn.WRONG
    users.disable_totp("qian")
    assert users.sign_in("qian", first, now=NOW).outcome is SignIn.OK
