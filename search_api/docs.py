"""The interactive API docs (/docs Swagger UI, /redoc ReDoc) served by the app itself: the
bureau's network has no internet, so nothing comes from a CDN. The assets ship inside the
fastapi-offline wheel (Swagger UI and ReDoc, MIT); only its files are used. The pages run no
inline script (the start-up of Swagger UI is /static/docs.js), so the CSP holds here too."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = Path(str(files("fastapi_offline") / "static"))
_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>
<link rel="icon" href="/docs-assets/favicon.png">{head}</head>
<body>{body}</body></html>"""


def install(app: FastAPI) -> None:
    app.mount("/docs-assets", StaticFiles(directory=ASSETS), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return HTMLResponse(
            _PAGE.format(
                title=f"{app.title} · Swagger UI",
                head='<link rel="stylesheet" href="/docs-assets/swagger-ui.css">',
                body='<div id="swagger-ui" data-spec="/openapi.json"></div>'
                '<script src="/docs-assets/swagger-ui-bundle.js"></script>'
                '<script src="/static/docs.js"></script>',
            )
        )

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return HTMLResponse(
            _PAGE.format(
                title=f"{app.title} · ReDoc",
                head="",
                body='<redoc spec-url="/openapi.json"></redoc>'
                '<script src="/docs-assets/redoc.standalone.js"></script>',
            )
        )
