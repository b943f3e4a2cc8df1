"""All documents of one person, merged: where they agree one value, where not every value."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from archive.domain import Actor
from archive.usecases.persons import view_person
from archive.usecases.views import PersonOut
from search_api.auth import SEARCHERS, allow
from search_api.errors import documented
from search_api.services import Services, services

router = APIRouter(tags=["档案"])


@router.get(
    "/persons/{id_number}",
    response_model=PersonOut,
    summary="一个人的全部档案（合并，不掩盖冲突）",
    responses=documented(404),
)
def get_person(
    id_number: Annotated[
        str,
        Path(
            min_length=15,
            max_length=18,
            description="18 位身份证号（15 位旧号码按 GB 11643 升位后查）",
            examples=["11010519491231002X"],
        ),
    ],
    caller: Annotated[Actor, Depends(allow(*SEARCHERS))],
    svc: Annotated[Services, Depends(services)],
) -> PersonOut:
    return view_person(svc.archive, caller, id_number)
