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
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from fastapi import Path as PathParam
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException
from starlette.types import Message

from archive.domain import FileResult, Outcome
from archive.filetype import describe_unknown, sniff
from search_api.auth import REVIEWERS, Caller, allow
from search_api.errors import ApiError, not_found
from search_api.services import Services, services

router = APIRouter(tags=["上传"])
_HEAD = 2048


class FileState(BaseModel):
    name: str = Field(description="上传时的文件名（含文件夹内的相对路径）")
    state: Literal["queued", "processing", "ok", "skipped", "failed"] = Field(
        description="queued 排队；processing 处理中；ok 已入库；skipped 已有相同内容；failed 失败"
    )
    document_id: int | None = Field(None, description="入库后（或相同内容已有）的档案编号")
    pages: int = 0
    reason_code: str | None = Field(None, description="失败或跳过的原因代码（见 README）")
    message: str | None = Field(None, description="原因说明")


class JobOut(BaseModel):
    job_id: int
    status: Literal["queued", "running", "finished", "interrupted"] = Field(description="作业状态")
    total: int = Field(description="文件数")
    done: int = Field(description="已有结果的文件数")
    ok: int
    skipped: int
    failed: int
    files: list[FileState]


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
        413: {"description": "超过大小限制"},
        415: {"description": "不是 multipart，或没有一个文件是 PDF/TIFF/JPEG/PNG"},
    },
)
async def upload(
    request: Request,
    caller: Annotated[Caller, Depends(allow(*REVIEWERS))],
    svc: Annotated[Services, Depends(services)],
) -> JobOut:
    """表单字段 `files`，每个文件一项；文件名可含文件夹路径。
    返回作业，之后用 GET /jobs/{id} 查看进度。
    内容不是 PDF/TIFF/JPEG/PNG 的文件当即判为失败并说明原因，其余照常处理。"""
    settings = svc.settings
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
        form = await _limited(request, limit).form(
            max_files=settings.max_upload_files, max_fields=20
        )
    except MultiPartException as exc:
        raise ApiError(
            400, "bad_multipart", f"上传格式有误：{exc.message}", f"malformed upload: {exc.message}"
        ) from exc
    uploads = [f for f in form.getlist("files") if isinstance(f, UploadFile)]
    if not uploads:
        await form.close()
        raise ApiError(
            422, "no_files", "没有收到文件（表单字段 files）", "no files in the form field 'files'"
        )
    # The files go to a folder of their own first; the job is queued, whole, once they are in.
    folder = settings.uploads_dir / uuid.uuid4().hex
    folder.mkdir(parents=True)
    files: list[dict[str, object]] = []
    refused: list[FileResult] = []
    try:
        for index, item in enumerate(uploads):
            name = safe_name(item.filename, index)
            head = await item.read(_HEAD)
            await item.seek(0)
            media = sniff(head)
            target = str((folder / f"{index:05d}.{media.extension if media else 'bin'}").resolve())
            if head and media is None:
                files.append({"path": target, "source_name": name, "refused": True})
                refused.append(_refused(target, name, describe_unknown(head)))
                continue
            with open(target, "wb") as out:
                shutil.copyfileobj(item.file, out, 1 << 20)
            files.append({"path": target, "source_name": name})
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
    job_id = svc.store.queue_job({"uploads": files, "folder": str(folder), "by": caller.key_name})
    svc.store.record_results(job_id, refused)
    svc.audit.append(
        caller.key_name,
        caller.role.value,
        "upload",
        {"job_id": job_id, "files": len(files)},
        [],
        caller.request_id,
    )
    return job_out(svc, job_id)


def _refused(path: str, name: str, looks_like: str) -> FileResult:
    return FileResult(
        path,
        name,
        Outcome.FAILED,
        reason_code="unsupported_type",
        message=f"内容不是 PDF、TIFF、JPEG 或 PNG（{looks_like}）",
    )


def job_out(svc: Services, job_id: int) -> JobOut:
    job = svc.store.job(job_id)
    if job is None or "uploads" not in job["arguments"]:
        raise not_found("这个上传作业", "upload job")
    results: dict[str, FileResult] = {}
    for r in svc.store.job_files(job_id):
        results.setdefault(r.path, r)  # the first outcome stands: a re-run finds its own work done
    waiting: Literal["queued", "processing"] = (
        "processing" if job["status"] == "running" else "queued"
    )
    files = [
        _state(results.get(f["path"]), f["source_name"], waiting)
        for f in job["arguments"]["uploads"]
    ]
    count = {o: sum(f.state == o.value for f in files) for o in Outcome}
    return JobOut(
        job_id=job_id,
        status=job["status"],
        total=len(files),
        done=sum(count.values()),
        ok=count[Outcome.OK],
        skipped=count[Outcome.SKIPPED],
        failed=count[Outcome.FAILED],
        files=files,
    )


def _state(r: FileResult | None, name: str, waiting: Literal["queued", "processing"]) -> FileState:
    if r is None:
        return FileState(name=name, state=waiting)
    return FileState(
        name=name,
        state=r.outcome.value,
        document_id=r.document_id,
        pages=r.pages,
        reason_code=r.reason_code,
        message=r.message,
    )


@router.get("/jobs/{job_id}", response_model=JobOut, summary="上传作业的进度（逐个文件）")
def get_job(
    job_id: Annotated[int, PathParam(ge=1, le=2**62)],
    caller: Annotated[Caller, Depends(allow(*REVIEWERS))],
    svc: Annotated[Services, Depends(services)],
) -> JobOut:
    return job_out(svc, job_id)
