"""POST /uploads: files streamed to disk and queued as one job; GET /jobs/{id}: its progress.

The request only stores the files; the ingest worker (started by `archive serve`) reads them,
so a request never waits for OCR. Files whose content is no scan are refused at once, each with
its reason, and the rest go on; a request with nothing acceptable is refused with 415.
"""

from __future__ import annotations

import shutil
import unicodedata
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi import Path as PathParam
from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartException
from starlette.types import Message

from archive.domain import Actor, FileResult, Outcome, UploadedFile, UploadJob
from archive.filetype import describe_unknown, sniff
from archive.settings import Settings
from archive.usecases.uploads import job_progress, queue_upload
from archive.usecases.views import JobOut
from search_api.auth import REVIEWERS, allow
from search_api.errors import ApiError, ErrorBody, documented
from search_api.services import Services, services

router = APIRouter(tags=["上传"])
_HEAD = 2048


def safe_name(raw: str | None, index: int) -> str:
    """The name as uploaded, for people to read: folders kept, but nothing that climbs out,
    starts at the root, or hides control characters."""
    text = unicodedata.normalize("NFC", raw or "").replace("\\", "/")
    parts = [
        "".join(ch for ch in part if unicodedata.category(ch)[0] != "C").strip()
        for part in text.split("/")
    ]
    kept = [p for p in parts if p and p not in (".", "..")]
    return "/".join(kept)[-255:] or f"file-{index + 1}"


def _limited(request: Request, limit: int) -> Request:
    """The request, counting its body as it streams: past ``limit`` bytes it stops with 413,
    whatever Content-Length claimed."""
    seen = 0
    receive: Callable[[], Awaitable[Message]] = request.receive

    async def counting() -> Message:
        nonlocal seen
        message = await receive()
        seen += len(message.get("body", b""))
        if seen > limit:
            raise _too_large(limit)
        return message

    return Request(request.scope, counting)


def _too_large(limit: int) -> ApiError:
    return ApiError(
        413,
        "too_large",
        f"上传内容超过 {limit:,} 字节的限制",
        f"upload over the {limit:,}-byte limit",
    )


@router.post(
    "/uploads",
    status_code=202,
    response_model=JobOut,
    summary="上传扫描件（可多个文件、整个文件夹）",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "files": {
                                "type": "array",
                                "items": {"type": "string", "format": "binary"},
                            }
                        },
                        "required": ["files"],
                    }
                }
            },
        }
    },
    responses={
        **documented(413),
        415: {
            "model": ErrorBody,
            "description": "不是 multipart，或没有一个文件是 PDF/TIFF/JPEG/PNG",
        },
    },
)
async def upload(
    request: Request,
    caller: Annotated[Actor, Depends(allow(*REVIEWERS))],
    svc: Annotated[Services, Depends(services)],
) -> JobOut:
    """表单字段 `files`，每个文件一项；文件名可含文件夹路径。
    返回作业，之后用 GET /jobs/{id} 查看进度。
    内容不是 PDF/TIFF/JPEG/PNG 的文件当即判为失败并说明原因，其余照常处理。"""
    form = await _form(request, svc.settings)
    uploads = [f for f in form.getlist("files") if isinstance(f, UploadFile)]
    if not uploads:
        await form.close()
        raise ApiError(
            422, "no_files", "没有收到文件（表单字段 files）", "no files in the form field 'files'"
        )
    # The files go to a folder of their own first; the job is queued, whole, once they are in.
    folder = svc.settings.uploads_dir / uuid.uuid4().hex
    folder.mkdir(parents=True)
    try:
        files, refused = await _store_files(uploads, folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    finally:
        await form.close()
    if len(refused) == len(files):
        shutil.rmtree(folder, ignore_errors=True)
        names = "、".join(r.source_name for r in refused[:5])
        raise ApiError(
            415,
            "unsupported_media_type",
            f"没有一个文件是 PDF、TIFF、JPEG 或 PNG：{names}",
            "none of the files is a PDF, TIFF, JPEG or PNG",
        )
    return queue_upload(
        svc.archive, caller, UploadJob(tuple(files), str(folder), caller.name), refused
    )


async def _form(request: Request, settings: Settings) -> FormData:
    """The multipart form, its size counted as it streams in."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise ApiError(
            415,
            "unsupported_media_type",
            "请以 multipart/form-data 上传，文件放在 files 字段",
            "send multipart/form-data with the files in 'files'",
        )
    limit = settings.max_upload_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    try:
        return await _limited(request, limit).form(
            max_files=settings.max_upload_files, max_fields=20
        )
    except MultiPartException as exc:
        raise ApiError(
            400, "bad_multipart", f"上传格式有误：{exc.message}", f"malformed upload: {exc.message}"
        ) from exc


async def _store_files(
    uploads: list[UploadFile], folder: Path
) -> tuple[list[UploadedFile], list[FileResult]]:
    """Each upload written into ``folder``, unless its content is no scan: that one is refused
    at once, with what it looks like."""
    files: list[UploadedFile] = []
    refused: list[FileResult] = []
    for index, item in enumerate(uploads):
        name = safe_name(item.filename, index)
        head = await item.read(_HEAD)
        await item.seek(0)
        media = sniff(head)
        target = str((folder / f"{index:05d}.{media.extension if media else 'bin'}").resolve())
        if head and media is None:
            files.append(UploadedFile(target, name, refused=True))
            refused.append(_refused(target, name, describe_unknown(head)))
            continue
        with open(target, "wb") as out:
            shutil.copyfileobj(item.file, out, 1 << 20)
        files.append(UploadedFile(target, name))
    return files, refused


def _refused(path: str, name: str, looks_like: str) -> FileResult:
    return FileResult(
        path,
        name,
        Outcome.FAILED,
        reason_code="unsupported_type",
        message=f"内容不是 PDF、TIFF、JPEG 或 PNG（{looks_like}）",
    )


@router.get(
    "/jobs/{job_id}",
    response_model=JobOut,
    summary="上传作业的进度（逐个文件）",
    responses=documented(404),
)
def get_job(
    job_id: Annotated[int, PathParam(ge=1, le=2**62)],
    caller: Annotated[Actor, Depends(allow(*REVIEWERS))],
    svc: Annotated[Services, Depends(services)],
) -> JobOut:
    return job_progress(svc.archive, job_id)
