"""All documents of one person, merged: where they agree one value, where not every value."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from archive.domain import FIELD_KEYS
from archive.idnumber import well_formed
from search_api.auth import SEARCHERS, Caller, allow
from search_api.errors import ApiError, not_found
from search_api.masking import mask_id
from search_api.schemas import PersonField, PersonOut, PersonValue
from search_api.services import Services, services
from search_api.views import Masker

router = APIRouter(tags=["档案"])


@router.get(
    "/persons/{id_number}", response_model=PersonOut, summary="一个人的全部档案（合并，不掩盖冲突）"
)
def get_person(
    id_number: Annotated[
        str,
        Path(
            min_length=18,
            max_length=18,
            description="18 位身份证号",
            examples=["11010519491231002X"],
        ),
    ],
    caller: Annotated[Caller, Depends(allow(*SEARCHERS))],
    svc: Annotated[Services, Depends(services)],
) -> PersonOut:
    id_number = id_number.upper()
    if not well_formed(id_number):
        raise ApiError(
            422,
            "invalid_id_number",
            "身份证号格式或校验位不对",
            "malformed ID number or wrong check digit",
        )
    ids = svc.store.documents_with_value("id_number", [id_number]).get(id_number, [])
    if not ids:
        raise not_found("此身份证号的档案", "person")
    found = svc.store.fields_of(ids)
    m = Masker(caller)
    merged: dict[str, PersonField] = {}
    for key in FIELD_KEYS:
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
        agreed = len(values) <= 1
        only = next(iter(values.values())).value if len(values) == 1 else None
        merged[key] = PersonField(value=only, agreed=agreed, values=list(values.values()))
    documents = []
    for doc_id in ids:
        doc = svc.store.document(doc_id)
        if doc:
            documents.append({"document_id": doc_id, "source": doc["source_name"]})
    svc.audit.append(
        caller.key_name,
        caller.role.value,
        "view_person",
        {"id_number": mask_id(id_number)},
        ids,
        caller.request_id,
    )
    return PersonOut(
        id_number=m.value("id_number", id_number) or "",
        documents=documents,
        fields=merged,
        conflicts=[k for k, f in merged.items() if not f.agreed],
    )
