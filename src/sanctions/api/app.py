"""The FastAPI application factory: state, start-up and periodic reload, the routers, the
middleware. The only module of api/ that imports the route modules."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path

from fastapi import Depends, FastAPI

from .. import __version__, web
from ..settings import ApiSettings, is_database_url
from ..store import Store
from .deps import refuse_unknown_query
from .errors import BodyLimit, install_error_handlers
from .headers import SecurityHeaders, api_headers
from .jobs import BatchJobs
from .limits import JsonDepthLimit
from .metrics import Metrics, MetricsMiddleware
from .routes import (
    alerts,
    batches,
    health,
    lists,
    metrics,
    monitoring,
    scan,
    screen,
    yente,
    yente_read,
)
from .state import ApiState

_DEFAULTS = ApiSettings(Path("sanctions.db"))


def create_app(
    db: str | Path,
    *,
    no_auth: bool = _DEFAULTS.no_auth,
    reload_every: float = _DEFAULTS.reload_every,
    max_body_bytes: int = _DEFAULTS.max_body_bytes,
    max_upload_bytes: int = _DEFAULTS.max_upload_bytes,
    batch_dir: str | Path | None = None,
) -> FastAPI:
    """The HTTP API over the store at `db`. See docs/api.md."""
    return create_app_from_settings(
        ApiSettings(
            # A postgresql:// URL stays a string: Path would collapse its "//".
            db=db if is_database_url(db) else Path(db),
            no_auth=no_auth,
            reload_every=reload_every,
            max_body_bytes=max_body_bytes,
            max_upload_bytes=max_upload_bytes,
            batch_dir=Path(batch_dir) if batch_dir is not None else None,
        )
    )


def create_app_from_settings(settings: ApiSettings) -> FastAPI:
    state = ApiState(settings)
    Store(settings.db).close()  # fail now on a broken store path, and run migrations once
    jobs = BatchJobs(state)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        task = asyncio.create_task(state.keep_loaded())
        try:
            yield
        finally:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task
            jobs.shutdown()

    app = FastAPI(
        title="sanctions",
        summary="Screen names against official sanctions lists.",
        version=__version__,
        lifespan=lifespan,
        dependencies=[Depends(refuse_unknown_query)],
    )
    app.state.sanctions = state
    app.state.jobs = jobs
    app.state.metrics = Metrics(state)
    install_error_handlers(app)
    routers = (health, metrics, screen, scan, lists, yente, yente_read, batches, monitoring, alerts)
    for module in routers:
        app.include_router(module.router)
    web.install(app)  # the analysts' UI under /ui/, on the same state and store
    # Innermost first: metrics see every response, including 413s from the body limit, and
    # the body limit counts the bytes before the nesting limit buffers a JSON body.
    app.add_middleware(JsonDepthLimit)
    app.add_middleware(
        BodyLimit, limit=settings.max_body_bytes, upload_limit=settings.max_upload_bytes
    )
    app.add_middleware(SecurityHeaders, headers_for=api_headers)
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)
    return app


def create_app_from_env() -> FastAPI:
    """For `uvicorn --factory` and `sanctions serve --workers N`: settings from SANCTIONS_*."""
    return create_app_from_settings(ApiSettings.from_env())


__all__ = ["create_app", "create_app_from_env", "create_app_from_settings"]
