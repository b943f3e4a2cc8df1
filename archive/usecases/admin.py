"""What the bureau asks of the archive as a whole: progress figures, the audit trail, and
whether the archive can answer at all."""

from __future__ import annotations

from datetime import datetime

from archive.store.audit import AuditEntry
from archive.store.stats import Period, Progress, progress
from archive.store.store import StoreError
from archive.usecases.context import Archive


def digitisation_progress(archive: Archive, by: Period) -> Progress:
    """Files, pages, persons and review figures, in total and per local day or month."""
    return progress(archive.store, by, archive.timezone)


def audit_trail(
    archive: Archive,
    *,
    before_id: int | None = None,
    limit: int = 100,
    action: str | None = None,
    key_name: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[AuditEntry]:
    """Entries newest first, filtered; ``before_id`` pages back through older ones."""
    return archive.audit.entries(
        before_id=before_id,
        limit=limit,
        action=action,
        key_name=key_name,
        since=since,
        until=until,
    )


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
