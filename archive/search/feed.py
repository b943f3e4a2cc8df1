"""From the store to a search backend: documents as search sees them, and the outbox drain."""

from __future__ import annotations

from collections.abc import Iterator

import structlog

from archive.masking import mask_ids_in_text
from archive.search.model import IndexDocument, SearchBackend
from archive.store import Store

log = structlog.get_logger(__name__)


def index_documents(store: Store, document_ids: list[int] | None = None) -> Iterator[IndexDocument]:
    """Every stored document (or those named) with its current fields and page texts."""
    for item in store.iter_documents(with_text=True, with_fields=True, ids=document_ids):
        yield IndexDocument(
            document_id=item.document.id,
            source=item.document.source_name,
            fields={f.key: f.value for f in item.fields},
            # Indexed as staff may see it, so that no text search and no highlight can tell
            # a hidden digit of an ID number (a whole number is found by its field).
            pages=[mask_ids_in_text(p) for p in item.page_text],
        )


def drain(store: Store, backend: SearchBackend, batch: int = 500) -> int:
    """Send pending index updates until none are left; returns how many were acknowledged.

    A document is sent as it stands now, however many updates wait for it, and an update is
    marked done only after the backend took it: if the backend fails, the rest stay pending
    and the next drain sends them again (upserts by document id, so never twice over)."""
    done = 0
    while pending := store.pending_outbox(batch):
        ids = sorted({document_id for _, document_id in pending})
        docs = list(index_documents(store, ids))
        backend.upsert(docs)
        found = {d.document_id for d in docs}
        gone = [i for i in ids if i not in found]
        if gone:
            backend.delete(gone)
        store.outbox_done([outbox_id for outbox_id, _ in pending])
        done += len(pending)
        log.info("index.drained", updates=len(pending), documents=len(ids), backend=backend.name)
    return done
