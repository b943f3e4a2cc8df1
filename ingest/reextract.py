"""Fields read again from the stored OCR, without OCR: what `archive extract --all` does after
the extractor or its field specifications changed. People's corrections stay as they are."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from archive.domain import Extraction
from archive.store import Store
from ingest.extract.extractor import ExtractOptions, extract_document

BATCH = 100  # documents per transaction


def reextract(
    store: Store,
    options: ExtractOptions,
    progress: Callable[[Sequence[int]], Iterable[int]] = lambda ids: ids,
) -> tuple[int, int]:
    """New machine readings for every stored document, and their index updates; ``progress``
    wraps the documents' ids as they are read (a progress bar). Returns how many documents
    were read and how many fields the extractor flagged for review."""
    ids = store.document_ids()
    flagged = 0
    batch: dict[int, Extraction] = {}
    for document_id in progress(ids):
        found = extract_document(store.page_records(document_id), options=options)
        flagged += sum(f.needs_review for f in found.fields)
        batch[document_id] = found
        if len(batch) >= BATCH:
            store.replace_fields(batch)
            batch = {}
    store.replace_fields(batch)
    return len(ids), flagged
