"""A record as a person looks at it: every field with its evidence and history; the person's
other records; the next field the machine was unsure of."""

from __future__ import annotations

from dataclasses import dataclass
from os import stat_result
from pathlib import Path

from archive.domain import Actor
from archive.masking import id_boxes
from archive.usecases.context import Archive
from archive.usecases.errors import Gone, NotFound
from archive.usecases.views import Masker, RecordOut, record_out


def view_record(archive: Archive, actor: Actor, document_id: int) -> RecordOut:
    store = archive.store
    document = store.document(document_id)
    if document is None:
        archive.audit.record(actor, "view_record", {"document_id": document_id}, [])
        raise NotFound.of("这份档案", "record")
    out = record_out(
        document,
        store.pages_of(document_id),
        store.current_fields(document_id),
        store.other_items(document_id),
        store.corrections(document_id),
        Masker(actor),
    )
    archive.audit.record(actor, "view_record", {"document_id": document_id}, [document_id])
    return out


@dataclass(frozen=True, slots=True)
class DocumentLink:
    document_id: int
    source: str


def other_documents(archive: Archive, actor: Actor, document_id: int) -> list[DocumentLink]:
    """The other records of the person this one belongs to, by its current ID number (whole:
    the record shown may be masked, the lookup is not), their names as the actor may see them."""
    store = archive.store
    current = store.current_fields(document_id)
    id_number = next((f.value for f in current if f.key == "id_number"), None)
    if not id_number:
        return []
    others = []
    for other in store.documents_with_value("id_number", [id_number]).get(id_number, []):
        doc = store.document(other)
        if other != document_id and doc:
            others.append(DocumentLink(other, Masker(actor).text(doc.source_name)))
    return others


def next_review(archive: Archive, after: tuple[int, str] | None = None) -> tuple[int, str] | None:
    """(document id, field key) of the next field the machine flagged and no person has looked
    at; past ``after`` when given (a field skipped for now)."""
    return archive.store.next_for_review(after)


def fields_to_review(archive: Archive) -> int:
    """Fields the machine flagged that wait for a person."""
    return archive.store.count_for_review()


@dataclass(frozen=True, slots=True)
class PageImage:
    path: Path
    stat: stat_result  # of the file when it was looked at: its size and when it changed
    # Boxes to paint over before the actor sees it: where ID numbers stand, for one who may
    # not see them (archive.masking); empty for everyone else.
    hidden: list[list[int]]


def page_image(
    archive: Archive,
    actor: Actor,
    document_id: int,
    number: int,
    processed: bool = False,
    width: int | None = None,
) -> PageImage:
    """The image file of a page, the scan as scanned or as processed, with where ID numbers
    stand to be painted over for one who may not see them; looking is audited like any view
    of a record."""
    page = next((p for p in archive.store.pages_of(document_id) if p.number == number), None)
    asked = {
        "document_id": document_id,
        "page": number,
        "kind": "processed" if processed else "original",
        "width": width,
    }
    if page is None:
        archive.audit.record(actor, "view_image", asked, [])
        raise NotFound.of("这一页", "page")
    path = archive.data_dir / (page.processed_image if processed else page.original_image)
    try:
        stat = path.stat()
    except OSError as exc:
        raise Gone(
            "image_missing",
            "页面图像文件已不在数据目录中",
            "the page image file is gone from the data dir",
        ) from exc
    hidden: list[list[int]] = []
    if not actor.sees_id_numbers:
        [record] = archive.store.page_records(document_id, number)
        hidden = id_boxes(record.lines, on_original=not processed)
        if not processed:
            # The ID number field's evidence too: the box the extractor read it from.
            hidden += [
                list(f.evidence.box)
                for f in archive.store.current_fields(document_id)
                if f.key == "id_number" and f.evidence and f.evidence.page == number
            ]
    archive.audit.record(actor, "view_image", asked, [document_id])
    return PageImage(path, stat, hidden)
