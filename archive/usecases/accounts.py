"""Personal accounts, as the CLI, the admin page and the sign-in page use them: each change and
each sign-in (made or failed) on record. The audit names the person by their user name."""

from __future__ import annotations

from archive.domain import Actor, Role
from archive.store.sessions import end_all
from archive.store.users import Attempt, SignIn, User, UserError, UserStore
from archive.usecases.context import Archive
from archive.usecases.errors import Invalid

__all__ = [
    "Attempt",
    "SignIn",
    "User",
    "account_actor",
    "change_own_password",
    "create_user",
    "enable_totp",
    "list_users",
    "manage_user",
    "new_totp_secret",
    "sign_in",
]


def _refused(exc: UserError) -> Invalid:
    return Invalid("account_refused", str(exc), str(exc))


def account_actor(user: User, request_id: str = "") -> Actor:
    return Actor(user.username, user.role, request_id)


def list_users(archive: Archive) -> list[User]:
    return UserStore(archive.store).list()


def create_user(
    archive: Archive, actor: Actor, username: str, role: Role, display_name: str = ""
) -> tuple[User, str]:
    """A new account and its temporary password, to be changed at first sign-in."""
    try:
        user, password = UserStore(archive.store).create(username, role, display_name)
    except UserError as exc:
        raise _refused(exc) from exc
    archive.audit.record(actor, "create_user", {"user": user.username, "role": role.value}, [])
    return user, password


def manage_user(archive: Archive, actor: Actor, username: str, what: str) -> tuple[User, str]:
    """An admin's change to an account: ``disable``, ``enable``, ``unlock``, ``reset`` (a new
    temporary password, returned; otherwise ""), ``totp_off``. Disabling and resetting end the
    account's sessions at once (the session store looks the account up on every request)."""
    users = UserStore(archive.store)
    password = ""
    try:
        if what == "reset":
            user, password = users.reset_password(username)
        elif what in ("disable", "enable", "unlock"):
            user = getattr(users, what)(username)
        elif what == "totp_off":
            user = users.disable_totp(username)
        else:
            raise UserError(f"未知的操作「{what}」")
    except UserError as exc:
        raise _refused(exc) from exc
    if what in ("reset", "disable"):
        end_all(archive.store, user.id)
    archive.audit.record(actor, f"{what}_user", {"user": user.username}, [])
    return user, password


def sign_in(
    archive: Archive, username: str, password: str, code: str, request_id: str, client: str
) -> Attempt:
    """Checks a sign-in and puts it on record, made or failed, with the client it came from."""
    attempt = UserStore(archive.store).sign_in(username, password, code)
    asked: dict[str, object] = {"user": username[:64], "client": client}
    if attempt.outcome is SignIn.OK and attempt.user:
        archive.audit.record(account_actor(attempt.user, request_id), "sign_in", asked, [])
    elif attempt.outcome is not SignIn.CODE_NEEDED:
        asked["reason"] = attempt.outcome.value
        if attempt.locked_until:
            asked["locked_until"] = attempt.locked_until.isoformat()
        archive.audit.record_as(username[:64], "", "sign_in_failed", asked, [], request_id)
    return attempt


def change_own_password(archive: Archive, actor: Actor, user_id: int, old: str, new: str) -> User:
    try:
        user = UserStore(archive.store).change_password(user_id, old, new)
    except UserError as exc:
        raise _refused(exc) from exc
    archive.audit.record(actor, "change_password", {}, [])
    return user


def new_totp_secret(archive: Archive) -> str:
    return UserStore(archive.store).new_totp_secret()


def enable_totp(archive: Archive, actor: Actor, user_id: int, secret: str, code: str) -> User:
    try:
        user = UserStore(archive.store).enable_totp(user_id, secret, code)
    except UserError as exc:
        raise _refused(exc) from exc
    archive.audit.record(actor, "enable_totp", {}, [])
    return user
