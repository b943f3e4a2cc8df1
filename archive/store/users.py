"""Personal staff accounts: a password kept as an argon2id hash, a role, an optional TOTP second
factor, lockout after repeated failures with a longer wait each time, disabled but never deleted
(the audit names them). Keys stay for systems (archive.store.keys)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from archive.domain import Role
from archive.store import schema
from archive.store.rows import utc
from archive.store.store import Store

MIN_PASSWORD = 10
MAX_PASSWORD = 256  # argon2 takes any length: a bound keeps one sign-in from costing seconds
FAILURES_BEFORE_LOCK = 5
FIRST_LOCK = timedelta(minutes=5)
LONGEST_LOCK = timedelta(hours=24)
_HASHER = PasswordHasher()  # argon2id, the library's (RFC 9106 low-memory) parameters


class UserError(Exception):
    """An account operation that cannot be done: a name taken, a weak password, no such user."""


class SignIn(StrEnum):
    OK = "ok"
    WRONG = "wrong"  # no such user, or a wrong password or code: the same answer for both
    CODE_NEEDED = "code_needed"  # the password was right; the account asks for its TOTP code
    LOCKED = "locked"
    DISABLED = "disabled"


@dataclass(frozen=True, slots=True)
class User:
    id: int
    username: str
    display_name: str
    role: Role
    must_change: bool  # the password was given by an admin: to be changed at first sign-in
    totp: bool
    locked_until: datetime | None
    disabled_at: datetime | None
    created_at: datetime

    @property
    def active(self) -> bool:
        return self.disabled_at is None


@dataclass(frozen=True, slots=True)
class Attempt:
    outcome: SignIn
    user: User | None = None
    locked_until: datetime | None = None  # when LOCKED: until when


def _user(row: Any) -> User:
    return User(
        row.id,
        row.username,
        row.display_name,
        Role(row.role),
        bool(row.must_change),
        row.totp_secret is not None,
        utc(row.locked_until) if row.locked_until else None,
        utc(row.disabled_at) if row.disabled_at else None,
        utc(row.created_at),
    )


def check_password(password: str, username: str) -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise UserError(f"密码应为 {MIN_PASSWORD}–{MAX_PASSWORD} 个字符")
    if username.lower() in password.lower():
        raise UserError("密码不能包含用户名")
    if len(set(password)) < 4:
        raise UserError("密码过于简单")


def temporary_password() -> str:
    """A first password an admin hands over: 16 characters, to be changed at first sign-in."""
    return secrets.token_urlsafe(12)


class UserStore:
    def __init__(self, store: Store) -> None:
        self.store = store

    def create(self, username: str, role: Role, display_name: str = "") -> tuple[User, str]:
        """A new account and its temporary password (shown once; changed at first sign-in).
        A name a key already has is refused: the audit must tell a person from a system."""
        username = username.strip()
        if not username or len(username) > 64 or any(c.isspace() for c in username):
            raise UserError("用户名应为 1–64 个字符，不含空格")
        password = temporary_password()
        with self.store.begin() as conn:
            taken = conn.execute(
                select(func.count()).where(schema.api_keys.c.name == username)
            ).scalar_one()
            if taken:
                raise UserError(f"已有名为「{username}」的密钥，请换一个用户名")
            try:
                result = conn.execute(
                    schema.users.insert().values(
                        username=username,
                        display_name=display_name.strip() or username,
                        role=role.value,
                        password_hash=_HASHER.hash(password),
                        must_change=True,
                        failures=0,
                        lockouts=0,
                        created_at=datetime.now(UTC),
                    )
                )
            except IntegrityError as exc:
                raise UserError(f"已有用户「{username}」") from exc
            user_id = int(result.inserted_primary_key[0])  # type: ignore[index]
        return self._get(user_id), password

    def get(self, user_id: int) -> User | None:
        with self.store.connect() as conn:
            row = conn.execute(select(schema.users).where(schema.users.c.id == user_id)).first()
        return _user(row) if row else None

    def _get(self, user_id: int) -> User:
        user = self.get(user_id)
        if user is None:
            raise UserError(f"没有编号为 {user_id} 的用户")
        return user

    def named(self, username: str) -> User:
        with self.store.connect() as conn:
            row = conn.execute(
                select(schema.users).where(schema.users.c.username == username.strip())
            ).first()
        if row is None:
            raise UserError(f"没有用户「{username}」")
        return _user(row)

    def list(self) -> list[User]:
        with self.store.connect() as conn:
            rows = conn.execute(select(schema.users).order_by(schema.users.c.id)).all()
        return [_user(r) for r in rows]

    def sign_in(
        self, username: str, password: str, code: str = "", now: datetime | None = None
    ) -> Attempt:
        """Checks a sign-in. Failures count against the account: after FAILURES_BEFORE_LOCK in
        a row it is locked, for FIRST_LOCK and twice as long each time after."""
        now = now or datetime.now(UTC)
        t = schema.users
        with self.store.connect() as conn:
            row = conn.execute(select(t).where(t.c.username == username.strip())).first()
        if row is None or len(password) > MAX_PASSWORD:
            _HASHER.hash("timing")  # as slow as a real check: no telling names that exist
            return Attempt(SignIn.WRONG)
        user = _user(row)
        if not user.active:
            return Attempt(SignIn.DISABLED, user)
        if user.locked_until and user.locked_until > now:
            return Attempt(SignIn.LOCKED, user, user.locked_until)
        try:
            _HASHER.verify(row.password_hash, password)
            right = True
        except (VerificationError, InvalidHashError):
            right = False
        if right and row.totp_secret and not code:
            return Attempt(SignIn.CODE_NEEDED, user)
        if right and row.totp_secret:
            right = pyotp.TOTP(row.totp_secret).verify(code.strip(), for_time=now, valid_window=1)
        with self.store.begin() as conn:
            if right:
                conn.execute(update(t).where(t.c.id == user.id).values(failures=0, lockouts=0))
                return Attempt(SignIn.OK, user)
            failures = row.failures + 1
            if failures < FAILURES_BEFORE_LOCK:
                conn.execute(update(t).where(t.c.id == user.id).values(failures=failures))
                return Attempt(SignIn.WRONG, user)
            until = now + min(FIRST_LOCK * 2**row.lockouts, LONGEST_LOCK)
            conn.execute(
                update(t)
                .where(t.c.id == user.id)
                .values(failures=0, lockouts=row.lockouts + 1, locked_until=until)
            )
        return Attempt(SignIn.LOCKED, user, until)

    def _set(self, username: str, **values: Any) -> User:
        user = self.named(username)
        with self.store.begin() as conn:
            conn.execute(update(schema.users).where(schema.users.c.id == user.id).values(**values))
        return self._get(user.id)

    def change_password(self, user_id: int, old: str, new: str) -> User:
        """The person's own change: the old password first."""
        user = self._get(user_id)
        with self.store.connect() as conn:
            digest = conn.execute(
                select(schema.users.c.password_hash).where(schema.users.c.id == user_id)
            ).scalar_one()
        try:
            _HASHER.verify(digest, old)
        except (VerificationError, InvalidHashError) as exc:
            raise UserError("原密码不对") from exc
        if old == new:
            raise UserError("新密码不能与原密码相同")
        check_password(new, user.username)
        return self._set(user.username, password_hash=_HASHER.hash(new), must_change=False)

    def reset_password(self, username: str) -> tuple[User, str]:
        """An admin's reset: a new temporary password, to be changed at the next sign-in; the
        lock and the failure count go with it."""
        password = temporary_password()
        user = self._set(
            username,
            password_hash=_HASHER.hash(password),
            must_change=True,
            failures=0,
            locked_until=None,
        )
        return user, password

    def unlock(self, username: str) -> User:
        return self._set(username, failures=0, locked_until=None)

    def disable(self, username: str) -> User:
        return self._set(username, disabled_at=datetime.now(UTC))

    def enable(self, username: str) -> User:
        return self._set(username, disabled_at=None)

    def new_totp_secret(self) -> str:
        return pyotp.random_base32()

    def enable_totp(self, user_id: int, secret: str, code: str) -> User:
        """Turns the second factor on once the person shows a code from their app."""
        if not pyotp.TOTP(secret).verify(code.strip(), valid_window=1):
            raise UserError("验证码不对：请按手机应用当前显示的 6 位数字填写")
        return self._set(self._get(user_id).username, totp_secret=secret)

    def disable_totp(self, username: str) -> User:
        return self._set(username, totp_secret=None)
