"""Headers every answer carries: no framing, no sniffing, no referrer, scripts and styles only
from the app itself, and nothing personal kept in a cache.

The pages load their scripts from /static and run none inline, so a script an attacker slips
into a page (a file name, an OCR text) does not run even where escaping were to fail. Style
attributes stay allowed: the boxes drawn over a scan are placed by them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from starlette.responses import Response

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
FIXED = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
# FastAPI's interactive docs load Swagger UI and ReDoc from a CDN and run an inline script.
_DOCS = ("/docs", "/redoc")


def install(app: FastAPI) -> None:
    @app.middleware("http")
    async def secure_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        path = request.url.path
        response.headers.update(FIXED)
        if not path.startswith(_DOCS):
            response.headers["Content-Security-Policy"] = CSP
        # Answers hold personal data: none is cached, save the app's own scripts and styles,
        # and what a route decided for itself (a page scan, private to the browser for an hour).
        if not path.startswith("/static/") and "cache-control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"
        return response
