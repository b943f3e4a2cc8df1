"""`archive export --format jsonl`: one object per source file, every field key present."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, TextIO

from archive.domain import FIELD_KEYS
from archive.store import Store


def export_records(store: Store, with_text: bool) -> Iterator[dict[str, Any]]:
    for item in store.iter_documents(with_text=with_text, with_fields=True):
        doc = item.document
        record: dict[str, Any] = {"source": doc.source_name, "pages": doc.page_count}
        # Every key, null when not found (or not extracted yet), never absent.
        record.update(dict.fromkeys(FIELD_KEYS))
        found = [f for f in item.fields if f.value is not None]
        record.update({f.key: f.value for f in found})
        record["confidence"] = {f.key: f.confidence for f in found}
        if with_text:
            record["page_text"] = item.page_text
        yield record


def write_jsonl(store: Store, out: TextIO, with_text: bool) -> int:
    count = 0
    for record in export_records(store, with_text):
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count
