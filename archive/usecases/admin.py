"""What the bureau asks of the archive as a whole: progress figures, the audit trail, and
whether the archive can answer at all."""

from __future__ import annotations

from archive.store.audit import AuditEntry, AuditQuery
from archive.store.stats import Period, Progress, progress
from archive.store.store import StoreError
from archive.usecases.context import Archive

# What the front ends ask the audit trail with, and get back.
__all__ = ["AuditEntry", "AuditQuery", "audit_trail", "digitisation_progress", "readiness"]


def digitisation_progress(archive: Archive, by: Period) -> Progress:
    """Files, pages, persons and review figures, in total and per local day or month."""
    return progress(archive.store, by, archive.timezone)


def audit_trail(archive: Archive, asked: AuditQuery) -> list[AuditEntry]:
    """Entries newest first, as asked."""
    return archive.audit.entries(asked)


def readiness(archive: Archive) -> dict[str, str]:
    """What does not answer, by part (store, search); empty when everything does."""
    problems: dict[str, str] = {}
    try:
        archive.store.ping()
    except StoreError as exc:
        problems["store"] = str(exc)
    search_problem = archive.search.health()
    if search_problem:
        problems["search"] = search_problem
    return problems
