"""`archive export --format jsonl`: one object per source file, every field key present; the
export is a look at every record it holds, and is audited as one."""

from __future__ import annotations

import json
from typing import Any, TextIO

from archive.domain import FIELD_KEYS, Actor
from archive.store.rows import DocumentContents
from archive.usecases.context import Archive
from archive.usecases.views import Masker


def _record(item: DocumentContents, with_text: bool, m: Masker) -> dict[str, Any]:
    record: dict[str, Any] = {
        "source": m.text(item.document.source_name),
        "pages": item.document.page_count,
    }
    # Every key, null when not found (or not extracted yet), never absent.
    record.update(dict.fromkeys(FIELD_KEYS))
    found = [f for f in item.fields if f.value is not None]
    record.update({f.key: m.value(f.key, f.value) for f in found})
    record["confidence"] = {f.key: f.confidence for f in found}
    if with_text:
        record["page_text"] = [m.text(page) for page in item.page_text]
    return record


def write_jsonl(archive: Archive, actor: Actor, out: TextIO, with_text: bool) -> int:
    """Writes every record as a JSON line; returns how many."""
    m = Masker(actor)
    ids: list[int] = []
    for item in archive.store.iter_documents(with_text=with_text, with_fields=True):
        out.write(json.dumps(_record(item, with_text, m), ensure_ascii=False) + "\n")
        ids.append(item.document.id)
    archive.audit.record(actor, "export", {"format": "jsonl", "with_text": with_text}, ids)
    return len(ids)
