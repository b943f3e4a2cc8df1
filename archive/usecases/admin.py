"""What the bureau asks of the archive as a whole: progress figures, the audit trail, and
whether the archive can answer at all."""

from __future__ import annotations

from dataclasses import dataclass

from archive.domain import Actor
from archive.search.model import SearchUnavailable
from archive.store.audit import AuditEntry, AuditQuery
from archive.store.stats import Period, Progress, progress
from archive.store.store import StoreError
from archive.usecases.context import Archive

# What the front ends ask the audit trail with, and get back.
__all__ = [
    "AuditEntry",
    "AuditQuery",
    "Readiness",
    "audit_trail",
    "digitisation_progress",
    "readiness",
    "signed_in",
]


def digitisation_progress(archive: Archive, by: Period) -> Progress:
    """Files, pages, persons and review figures, in total and per local day or month."""
    return progress(archive.store, by, archive.timezone)


def signed_in(archive: Archive, actor: Actor) -> None:
    """A person signed in to the staff pages: on record, as every look at a record is."""
    archive.audit.record(actor, "sign_in", {}, [])


def audit_trail(archive: Archive, asked: AuditQuery) -> list[AuditEntry]:
    """Entries newest first, as asked."""
    return archive.audit.entries(asked)


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
