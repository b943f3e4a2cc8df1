"""Page images, original or processed, whole or as thumbnails, with caching headers."""

from __future__ import annotations

import hashlib
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import FileResponse, Response

from archive.domain import Actor
from archive.usecases.records import page_image as find_page_image
from search_api.auth import READERS, allow
from search_api.errors import documented
from search_api.imaging import jpeg, painted, scaled
from search_api.services import Services, services

router = APIRouter(tags=["页面图像"])
# Personal data: only the caller's own browser may keep it, and must ask again after an hour.
CACHE_CONTROL = "private, max-age=3600"


class ImageKind(StrEnum):
    original = "original"
    processed = "processed"


@router.get(
    "/documents/{document_id}/pages/{number}/image",
    summary="页面图像",
    response_class=Response,
    responses={
        200: {"content": {"image/jpeg": {}, "image/png": {}}, "description": "图像"},
        304: {"description": "未变化"},
        **documented(404, 410),
    },
)
def page_image(
    request: Request,
    document_id: Annotated[int, Path(ge=1, le=2**62)],
    number: Annotated[int, Path(ge=1, le=100_000, description="页码")],
    caller: Annotated[Actor, Depends(allow(*READERS))],
    svc: Annotated[Services, Depends(services)],
    kind: Annotated[
        ImageKind, Query(description="original：原始扫描；processed：转正纠斜后的处理图")
    ] = ImageKind.original,
    width: Annotated[
        int | None, Query(ge=32, le=4096, description="缩略图宽度（像素），不填为原图")
    ] = None,
) -> Response:
    processed = kind is ImageKind.processed
    image = find_page_image(svc.archive, caller, document_id, number, processed, width)
    path, stat = image.path, image.stat
    seen = f"{path}:{stat.st_mtime_ns}:{stat.st_size}:{width}:{image.hidden}"
    etag = '"' + hashlib.sha256(seen.encode()).hexdigest()[:32] + '"'

    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    if width is None and not image.hidden:
        return FileResponse(path, headers=headers)
    shown = jpeg(scaled(painted(path, image.hidden, width), width))
    return Response(shown, media_type="image/jpeg", headers=headers)
