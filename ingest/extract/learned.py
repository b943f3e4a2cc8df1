"""The labels a bureau taught the extractor: accepted by its admins from its archivists'
corrections (archive.store.synonyms), read from the store where a run of extraction starts."""

from __future__ import annotations

from dataclasses import replace

from archive.store import Store
from archive.store.synonyms import SynonymStore
from ingest.extract.extractor import ExtractOptions


def learned(options: ExtractOptions, store: Store, bureau: str) -> ExtractOptions:
    """``options`` with the bureau's accepted labels, as they stand now."""
    return replace(options, synonyms=SynonymStore(store).accepted(bureau))
