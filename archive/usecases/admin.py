"""What the bureau asks of the archive as a whole: progress figures, the audit trail, and
whether the archive can answer at all."""

from __future__ import annotations

from dataclasses import dataclass

from archive.domain import Actor
from archive.search.model import SearchUnavailable
from archive.store.audit import Anchor, AuditEntry, AuditQuery, Break
from archive.store.stats import Period, Progress, progress
from archive.store.store import StoreError
from archive.usecases.context import Archive
from archive.usecases.errors import Invalid

# What the front ends ask the audit trail with, and get back.
__all__ = [
    "Anchor",
    "AuditEntry",
    "AuditQuery",
    "Break",
    "Readiness",
    "access_denied",
    "audit_anchor",
    "audit_trail",
    "digitisation_progress",
    "parse_anchor",
    "readiness",
    "signed_in",
    "signed_out",
    "verify_audit",
]


def digitisation_progress(archive: Archive, by: Period) -> Progress:
    """Files, pages, persons and review figures, in total and per local day or month."""
    return progress(archive.store, by, archive.timezone)


def signed_in(archive: Archive, actor: Actor) -> None:
    """A person signed in to the staff pages: on record, as every look at a record is."""
    archive.audit.record(actor, "sign_in", {}, [])


def access_denied(
    archive: Archive,
    actor: Actor | None,
    action: str,
    asked: dict[str, object],
    request_id: str = "",
) -> None:
    """A request refused (no valid key, a role that may not, a failed sign-in): on record like
    every look. ``actor`` is None when no one could be told: the entry names no one."""
    if actor is None:
        archive.audit.record_as("（未认证）", "", action, asked, [], request_id)
    else:
        archive.audit.record(actor, action, asked, [])


def signed_out(archive: Archive, actor: Actor) -> None:
    archive.audit.record(actor, "sign_out", {}, [])


def audit_trail(archive: Archive, asked: AuditQuery) -> list[AuditEntry]:
    """Entries newest first, as asked."""
    return archive.audit.entries(asked)


def audit_anchor(archive: Archive) -> Anchor | None:
    """The latest entry's number and hash, to be noted outside the system."""
    return archive.audit.anchor()


def verify_audit(archive: Archive, anchor: Anchor | None = None) -> list[Break]:
    """Every place the audit chain does not hold (none: it is whole), checked against an
    anchor noted earlier when one is given."""
    return archive.audit.verify(anchor)


def parse_anchor(text: str) -> Anchor:
    """An anchor as noted: ``N:HASH``."""
    number, _, digest = text.strip().partition(":")
    if not (
        number.isdigit() and len(digest) == 64 and all(c in "0123456789abcdef" for c in digest)
    ):
        raise Invalid(
            "invalid_anchor",
            "锚点应为“条号:哈希”（哈希为 64 位十六进制）",
            "an anchor is N:HASH, the hash 64 hex digits",
        )
    return Anchor(int(number), digest)


@dataclass(frozen=True, slots=True)
class Readiness:
    problems: dict[str, str]  # what does not answer, by part (store, search)
    notices: dict[str, str]  # what answers but wants an operator (an index to rebuild)


def readiness(archive: Archive) -> Readiness:
    problems: dict[str, str] = {}
    notices: dict[str, str] = {}
    try:
        archive.store.ping()
    except StoreError as exc:
        problems["store"] = str(exc)
    search_problem = archive.search.health()
    if search_problem:
        problems["search"] = search_problem
    else:
        try:
            stale = archive.search.stale()
        except SearchUnavailable as exc:
            stale = str(exc)
        if stale:
            notices["search"] = stale
    return Readiness(problems, notices)
