"""One JSON shape for every failure: a code, a message in Chinese and in English, the request id.

Handlers turn FastAPI's own errors (404, 405, 422) and anything unforeseen into that shape; an
unforeseen error is logged with its stack and answered without one.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.responses import Response

from archive.usecases import Conflict, Gone, Invalid, NotFound, Refused, Unavailable

log = structlog.get_logger(__name__)
REQUEST_ID_HEADER = "X-Request-ID"


class ErrorDetail(BaseModel):
    code: str = Field(description="机器可读的错误代码", examples=["not_found"])
    message: str = Field(description="中文说明", examples=["没有这份档案"])
    message_en: str = Field(description="English message", examples=["no such record"])
    request_id: str = Field(description="请求编号，与日志和审计记录对应")


class ErrorBody(BaseModel):
    error: ErrorDetail


class ApiError(Exception):
    def __init__(
        self, status: int, code: str, message: str, message_en: str, retry_after: int = 0
    ) -> None:
        super().__init__(message_en)
        self.status, self.code, self.message, self.message_en = status, code, message, message_en
        self.retry_after = retry_after  # seconds, sent as Retry-After when not 0


# What each error status means, as the OpenAPI schema says it (`documented`).
_MEANING: dict[int, str] = {
    400: "请求格式有误（如上传格式错、请求体不完整）",
    401: "缺少、无效或已吊销的密钥，或登录已过期",
    403: "角色无权，或缺少页面的 CSRF 令牌",
    404: "没有这个对象",
    409: "与对象当前的状态冲突",
    410: "数据库记着的文件已不在数据目录中",
    413: "超过大小限制",
    415: "内容类型不支持",
    422: "参数有误",
    429: "认证失败次数过多，须等待 Retry-After 秒",
    503: "检索服务或识别引擎暂不可用",
}
# Every route may answer these (the app declares them once).
EVERY_ROUTE = (400, 401, 403, 422, 429)


def documented(*statuses: int) -> dict[int | str, dict[str, object]]:
    """The error answers of a route for its OpenAPI ``responses``, all in the one shape."""
    return {s: {"model": ErrorBody, "description": _MEANING[s]} for s in statuses}


# How each kind of refusal of a use case is answered.
_REFUSED_STATUS: dict[type[Refused], int] = {
    Invalid: 422,
    NotFound: 404,
    Conflict: 409,
    Gone: 410,
    Unavailable: 503,
}


def refused_status(exc: Refused) -> int:
    return next((status for kind, status in _REFUSED_STATUS.items() if isinstance(exc, kind)), 400)


# The standard statuses FastAPI and Starlette raise on their own, in both languages.
_STANDARD: dict[int, tuple[str, str, str]] = {
    400: ("bad_request", "请求格式有误", "malformed request"),
    401: ("unauthenticated", "需要有效的 API 密钥", "a valid API key is required"),
    403: ("forbidden", "此密钥的角色无权执行该操作", "this key's role may not do that"),
    404: ("not_found", "没有这个地址", "no such path"),
    405: ("method_not_allowed", "该地址不支持此方法", "method not allowed here"),
    413: ("too_large", "上传内容超过大小限制", "upload larger than allowed"),
    429: ("too_many_failures", "失败次数过多，请稍后再试", "too many failures, try again later"),
    415: ("unsupported_media_type", "不支持的内容类型", "unsupported media type"),
    422: ("invalid_parameters", "参数有误", "invalid parameters"),
}


def request_id(request: Request) -> str:
    return str(getattr(request.state, "request_id", "") or "")


def error_response(
    request: Request, status: int, code: str, zh: str, en: str, retry_after: int = 0
) -> JSONResponse:
    body = ErrorBody(
        error=ErrorDetail(code=code, message=zh, message_en=en, request_id=request_id(request))
    )
    headers = {REQUEST_ID_HEADER: request_id(request)}
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if retry_after:
        headers["Retry-After"] = str(retry_after)
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for e in exc.errors()[:5]:
        where = ".".join(str(p) for p in e.get("loc", ()) if p not in ("body", "query", "path"))
        parts.append(f"{where}: {e.get('msg', '')}" if where else str(e.get("msg", "")))
    return "; ".join(parts)


def install(app: FastAPI) -> None:
    @app.middleware("http")
    async def assign_request_id(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        given = request.headers.get(REQUEST_ID_HEADER, "")
        # A caller's id is kept when it is a plain token, so systems can follow a request through.
        ok = 0 < len(given) <= 64 and given.replace("-", "").replace("_", "").isalnum()
        request.state.request_id = given if ok else uuid.uuid4().hex
        try:
            response = await call_next(request)
        except ClientDisconnect:
            # The client went away before its body was in (or sent less than its
            # Content-Length said): no fault of ours and no one to answer; a line, no stack.
            log.info("api.client_gone", path=request.url.path, request_id=request.state.request_id)
            response = error_response(
                request, 400, "incomplete_body", "请求体不完整", "the request body was cut short"
            )
        except Exception:
            log.exception(
                "api.unhandled", path=request.url.path, request_id=request.state.request_id
            )
            response = error_response(
                request, 500, "internal_error", "服务器内部错误，已记录", "internal error, logged"
            )
        response.headers[REQUEST_ID_HEADER] = request.state.request_id
        return response

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(
            request, exc.status, exc.code, exc.message, exc.message_en, exc.retry_after
        )

    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Refused) -> JSONResponse:
        return error_response(request, refused_status(exc), exc.code, exc.message, exc.message_en)

    @app.exception_handler(UnicodeEncodeError)
    async def unencodable(request: Request, exc: UnicodeEncodeError) -> JSONResponse:
        # JSON may escape half of a UTF-16 pair ("\ud800"); it parses into a string no
        # database, index or log can encode. Nothing was written: the statement that could not
        # encode it failed, and its transaction with it.
        return error_response(
            request,
            422,
            "invalid_text",
            "文本含有无效字符（孤立的 UTF-16 代理项）",
            "text holds an invalid character (a lone UTF-16 surrogate)",
        )

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        detail = _validation_message(exc)
        return error_response(
            request,
            422,
            "invalid_parameters",
            f"参数有误：{detail}",
            f"invalid parameters: {detail}",
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, zh, en = _STANDARD.get(exc.status_code, ("error", "请求失败", "request failed"))
        return error_response(request, exc.status_code, code, zh, en)
