"""Fields read again from the stored OCR, without OCR: what `archive extract --all` does after
the extractor or its field specifications changed. People's corrections stay as they are."""

from __future__ import annotations

from collections.abc import Iterable

from archive.domain import ExtractedField
from archive.store import Store
from ingest.extract.extractor import ExtractOptions, extract

BATCH = 100  # documents per transaction


def reextract(store: Store, document_ids: Iterable[int], options: ExtractOptions) -> int:
    """New machine readings for the documents, and their index updates; returns how many
    fields the extractor flagged for review."""
    flagged = 0
    batch: dict[int, list[ExtractedField]] = {}
    for document_id in document_ids:
        found = extract(store.page_records(document_id), options=options)
        flagged += sum(f.needs_review for f in found)
        batch[document_id] = found
        if len(batch) >= BATCH:
            store.replace_fields(batch)
            batch = {}
    store.replace_fields(batch)
    return flagged
