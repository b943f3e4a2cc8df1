"""A person: all records holding one ID number, merged; where they disagree, every value."""

from __future__ import annotations

from archive.domain import FIELD_KEYS, Actor, ExtractedField
from archive.idnumber import as_18, well_formed
from archive.usecases.context import Archive
from archive.usecases.errors import Invalid, NotFound
from archive.usecases.views import Masker, PersonField, PersonOut, PersonValue


def _merged(
    key: str, ids: list[int], found: dict[int, list[ExtractedField]], m: Masker
) -> PersonField:
    values: dict[str | None, PersonValue] = {}
    for doc_id in ids:
        f = next((f for f in found.get(doc_id, []) if f.key == key), None)
        if f is None or f.value is None:
            continue
        v = values.setdefault(
            f.value,
            PersonValue(
                value=m.value(key, f.value), document_ids=[], confidence=0.0, needs_review=False
            ),
        )
        v.document_ids.append(doc_id)
        v.confidence = max(v.confidence, f.confidence)
        v.needs_review = v.needs_review or f.needs_review
    only = next(iter(values.values())).value if len(values) == 1 else None
    return PersonField(value=only, agreed=len(values) <= 1, values=list(values.values()))


def view_person(archive: Archive, actor: Actor, id_number: str) -> PersonOut:
    id_number = as_18(id_number.upper())
    if not well_formed(id_number):
        raise Invalid(
            "invalid_id_number",
            "身份证号格式或校验位不对",
            "malformed ID number or wrong check digit",
        )
    store = archive.store
    ids = store.documents_with_value("id_number", [id_number]).get(id_number, [])
    # Audited whole, hit or miss: a look for a person by the whole number is the one way staff
    # may test a guess, and the audit is where an admin sees who guessed what.
    if not ids:
        archive.audit.record(actor, "view_person", {"id_number": id_number}, [])
        raise NotFound.of("此身份证号的档案", "person")
    found = store.fields_of(ids)
    m = Masker(actor)
    merged = {key: _merged(key, ids, found, m) for key in FIELD_KEYS}
    documents: list[dict[str, int | str]] = []
    for doc_id in ids:
        doc = store.document(doc_id)
        if doc:
            documents.append({"document_id": doc_id, "source": m.text(doc.source_name)})
    archive.audit.record(actor, "view_person", {"id_number": id_number}, ids)
    return PersonOut(
        id_number=m.value("id_number", id_number) or "",
        documents=documents,
        fields=merged,
        conflicts=[k for k, f in merged.items() if not f.agreed],
    )
