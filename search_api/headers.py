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
        "worker-src 'self' blob:",  # ReDoc's search runs in a worker it makes from a blob
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


_SHARED = ("/static/", "/docs-assets/")  # the app's own files: the same for everyone


def install(app: FastAPI) -> None:
    @app.middleware("http")
    async def secure_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        path = request.url.path
        response.headers.update(FIXED)
        response.headers["Content-Security-Policy"] = CSP
        # Answers hold personal data: none is cached, save the app's own scripts and styles,
        # and what a route decided for itself (a page scan, private to the browser for an hour).
        if not path.startswith(_SHARED) and "cache-control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"
        return response
