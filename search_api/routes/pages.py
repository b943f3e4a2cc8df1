"""Page images, original or processed, whole or as thumbnails, with caching headers."""

from __future__ import annotations

import hashlib
import io
from enum import StrEnum
from pathlib import Path as FsPath
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import FileResponse, Response
from PIL import Image, ImageDraw

from archive.domain import Actor
from archive.usecases.records import page_image as find_page_image
from search_api.auth import READERS, allow
from search_api.errors import documented
from search_api.services import Services, services

router = APIRouter(tags=["页面图像"])
# Personal data: only the caller's own browser may keep it, and must ask again after an hour.
CACHE_CONTROL = "private, max-age=3600"


class ImageKind(StrEnum):
    original = "original"
    processed = "processed"


def _image(path: FsPath, width: int | None, hidden: list[list[int]]) -> bytes:
    """The page as JPEG, ``width`` wide when given, the ``hidden`` boxes painted over (a
    margin round each: a box read by OCR may sit a little inside the ink)."""
    with Image.open(path) as scan:
        if width and not hidden:
            scan.draft("L" if scan.mode == "L" else "RGB", (width, width * 4))  # decodes smaller
        image: Image.Image = scan
        if hidden:
            image = image.convert("L" if image.mode in ("1", "L") else "RGB")
            draw = ImageDraw.Draw(image)
            for x0, y0, x1, y1 in hidden:
                pad = max(2, (y1 - y0) // 4)
                draw.rectangle((x0 - pad, y0 - pad, x1 + pad, y1 + pad), fill=0)
        width = width or image.width
        if image.width > width:
            height = max(1, round(image.height * width / image.width))
            image = image.resize((width, height), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        image.convert("L" if image.mode in ("1", "L") else "RGB").save(out, "JPEG", quality=80)
        return out.getvalue()


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
    return Response(_image(path, width, image.hidden), media_type="image/jpeg", headers=headers)
