"""The archive API: /api/v1 for staff pages and other systems, /healthz and /readyz for probes."""

from __future__ import annotations

import gc
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from archive import __version__
from archive.settings import Settings
from archive.store.keys import KeyStore
from archive.store.sessions import SessionPolicy, SessionStore
from archive.store.users import UserStore
from archive.usecases import Archive
from search_api import docs, errors, headers
from search_api.routes import (
    admin,
    eligibility,
    lookup,
    pages,
    persons,
    records,
    search,
    uploads,
)
from search_api.services import Services
from search_api.sessions import Sessions, secret_in
from search_api.throttle import Throttle
from search_api.web import accounts, review
from search_api.web import eligibility as web_eligibility
from search_api.web import routes as web

API_PREFIX = "/api/v1"
DESCRIPTION = """
退役军人档案检索与核查接口。

- 认证：`Authorization: Bearer <API 密钥>`（`archive keys create --role ROLE --name NAME` 生成）。
  缺少、无效或已吊销的密钥返回 401；角色无权时返回 403。
- 角色：`staff`（检索、查看，身份证号遮蔽）、`archivist`（另可上传、复核更正）、
  `service`（外部系统批量核查 /lookup）、`admin`（全部，含审计日志）。
- 每次检索、查看档案或页面图像、核查、更正都写入只追加的审计日志。
- 所有错误同一格式：`{"error": {"code", "message", "message_en", "request_id"}}`。
"""


def create_app(settings: Settings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        archive = Archive.open(settings)
        # Uploads spool to disk as they stream in (Starlette's multipart parser uses the
        # process's temp dir): inside the data dir, beside the rest of the personal data.
        settings.spool_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        system_temp, tempfile.tempdir = tempfile.tempdir, str(settings.spool_dir)
        policy = SessionPolicy(
            timedelta(hours=settings.session_hours),
            timedelta(minutes=settings.session_idle_minutes),
        )
        app.state.services = Services(
            settings,
            archive,
            KeyStore(archive.store),
            UserStore(archive.store),
            Sessions(SessionStore(archive.store, policy), secret_in(settings.data_dir)),
            Throttle(settings.auth_failures, settings.auth_window_s),
        )
        # What start-up made lives as long as the process: out of the collector's sight, a
        # full collection no longer walks it in the middle of a request.
        gc.freeze()
        yield
        tempfile.tempdir = system_temp
        archive.close()

    app = FastAPI(
        title="vetarchive 档案接口",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served by search_api.docs, from the app's own files
        redoc_url=None,
        responses=errors.documented(*errors.EVERY_ROUTE),
    )
    errors.install(app)
    headers.install(app)
    for module in (search, records, persons, pages, lookup, eligibility, uploads, admin):
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(admin.health)
    app.include_router(accounts.router)
    app.include_router(web.router)
    app.include_router(review.router)
    app.include_router(web_eligibility.router)
    app.mount("/static", StaticFiles(directory=web.HERE / "static"), name="static")
    docs.install(app)

    @app.exception_handler(web.SignIn)
    async def sign_in_first(request: Request, exc: web.SignIn) -> RedirectResponse:
        return RedirectResponse(f"/login?next={quote(str(request.url.path))}", status_code=303)

    @app.exception_handler(web.ChangePassword)
    async def change_password_first(request: Request, exc: web.ChangePassword) -> RedirectResponse:
        return RedirectResponse("/account", status_code=303)

    return app


def from_environment() -> FastAPI:
    """The app as each of several server processes makes it (`archive serve --processes N`)."""
    return create_app(Settings())
