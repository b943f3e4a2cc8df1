"""Keeping the search index caught up with the store: the store already holds every update
(its outbox), so a backend that is down only delays search, and the next sync catches up."""

from __future__ import annotations

from dataclasses import dataclass

import structlog

from archive.search.feed import drain, index_documents
from archive.search.model import SearchUnavailable
from archive.usecases.context import Archive
from archive.usecases.errors import Unavailable

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class IndexSync:
    sent: int  # updates the backend acknowledged
    pending: int  # updates still waiting (the backend did not answer)
    problem: str | None  # why it did not, if it did not
    stale: str | None = None  # the index holds an earlier release's tokens: reindex

    @property
    def caught_up(self) -> bool:
        return self.problem is None


def sync_index(archive: Archive) -> IndexSync:
    """Sends every pending update; an unreachable backend is reported, not raised."""
    try:
        sent = drain(archive.store, archive.search)
        # Asked only when something was written: that is when old tokens beside new ones
        # start to matter, and an idle server does not ask every second.
        stale = archive.search.stale() if sent else None
    except SearchUnavailable as exc:
        pending = archive.store.count_pending_outbox()
        log.warning("index.behind", pending=pending, reason=str(exc))
        return IndexSync(0, pending, str(exc))
    if stale:
        log.warning("index.stale", reason=stale)
    return IndexSync(sent, 0, None, stale)


def rebuild_index(archive: Archive) -> int:
    """The index made anew from the store, searches answering from the old one meanwhile;
    how many documents it holds."""
    pending = archive.store.pending_outbox(10**9)
    try:
        archive.search.rebuild(index_documents(archive.store))
    except SearchUnavailable as exc:
        raise Unavailable(
            "search_unavailable", f"重建失败，原索引未改动：{exc}", f"rebuild failed: {exc}"
        ) from exc
    archive.store.outbox_done([outbox_id for outbox_id, _ in pending])
    return archive.search.count()
