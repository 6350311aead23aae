"""The FastAPI application: state, start-up, periodic reload, and the app factory.

Each worker process builds its own `Screener` from the store when it starts (in the
background, so /healthz answers at once and /readyz says 503 until the index is loaded),
then checks every `reload_every` seconds whether a newer list version is active. A new
index is built aside and swapped in with one reference assignment: a request takes the
current `Loaded` once and finishes on it even if a swap happens meanwhile. Nothing else is
kept between requests but the store, so replicas can run side by side against one store.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import FastAPI

from ..auth import KeyChecker
from ..model import Entity
from ..screen import Screener
from ..store import Store
from .errors import ApiError, BodyLimit, install_error_handlers
from .metrics import Metrics, MetricsMiddleware

log = logging.getLogger("sanctions.api")

DEFAULT_MAX_BODY = 5 * 2**20
DEFAULT_MAX_UPLOAD = 200 * 2**20
DEFAULT_RELOAD_EVERY = 60.0


@dataclass(frozen=True)
class ApiConfig:
    db: Path
    no_auth: bool = False
    reload_every: float = DEFAULT_RELOAD_EVERY  # seconds; 0 turns periodic checks off
    max_body_bytes: int = DEFAULT_MAX_BODY
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD
    batch_dir: Path | None = None  # default: "<store>-batches" beside the store file

    @property
    def jobs_dir(self) -> Path:
        return self.batch_dir or self.db.with_name(self.db.stem + "-batches")


@dataclass(frozen=True)
class Loaded:
    """One index and what belongs with it; replaced whole, never changed."""

    screener: Screener
    by_id: dict[str, Entity]
    loaded_at: float = field(default_factory=time.time)  # wall clock, for the index age


class ApiState:
    """Everything a request needs: the config, the current index, the store, the key check."""

    def __init__(self, config: ApiConfig) -> None:
        self.config = config
        self.current: Loaded | None = None
        self.load_error: str | None = None
        self.keys = KeyChecker()
        self._local = threading.local()
        self._reload_lock = threading.Lock()

    def store(self) -> Store:
        """This thread's store connection (sqlite3 connections stay in their thread)."""
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = Store(self.config.db)
        return store

    def ready(self) -> Loaded:
        current = self.current
        if current is None:
            why = self.load_error or "the screening index is still loading"
            raise ApiError(503, f"not ready: {why}")
        return current

    def reload(self, *, force: bool = False) -> bool:
        """Build and swap in a new index when the active versions changed; True if swapped."""
        with self._reload_lock:  # one build at a time; a second caller waits, then sees it
            store = self.store()
            active = {v.source: v.version for v in store.lists()}
            if not active:
                self.load_error = f"no lists are loaded in {self.config.db}"
                raise ApiError(503, f"not ready: {self.load_error}")
            current = self.current
            if current is not None and current.screener.versions == active and not force:
                return False
            started = time.perf_counter()
            screener = Screener.from_store(store)
            loaded = Loaded(screener, {e.id: e for e in screener.index.entities})
            self.current = loaded  # the swap: requests already running keep their Loaded
            self.load_error = None
            # Move the index out of the cyclic collector's sight: otherwise each full
            # collection walks millions of index objects and stalls requests for hundreds of
            # ms. A replaced index is still freed by reference counting once no request
            # holds it (it has no reference cycles).
            gc.collect()
            gc.freeze()
            log.info(
                "index loaded: %s in %.1f s",
                ", ".join(f"{s} v{v}" for s, v in screener.versions.items()),
                time.perf_counter() - started,
            )
            return True

    async def keep_loaded(self) -> None:
        """Load at start-up (retrying), then check for newer versions every reload_every s."""
        every = self.config.reload_every
        while True:
            try:
                await asyncio.to_thread(self.reload)
            except Exception as exc:  # keep serving the old index; say why in /readyz
                message = exc.message if isinstance(exc, ApiError) else str(exc)
                if self.current is None:
                    self.load_error = message
                log.warning("index reload failed: %s", message)
            if self.current is not None and every <= 0:
                return
            await asyncio.sleep(every if self.current is not None and every > 0 else 2.0)


def create_app(
    db: str | Path,
    *,
    no_auth: bool = False,
    reload_every: float = DEFAULT_RELOAD_EVERY,
    max_body_bytes: int = DEFAULT_MAX_BODY,
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD,
    batch_dir: str | Path | None = None,
) -> FastAPI:
    """The HTTP API over the store at `db`. See docs/api.md."""
    from . import batches, routes, yente  # routes import this module's types

    config = ApiConfig(
        db=Path(db),
        no_auth=no_auth,
        reload_every=reload_every,
        max_body_bytes=max_body_bytes,
        max_upload_bytes=max_upload_bytes,
        batch_dir=Path(batch_dir) if batch_dir is not None else None,
    )
    state = ApiState(config)
    Store(config.db).close()  # fail now on a broken store path, and run migrations once
    jobs = batches.BatchJobs(state)

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
        version=_version(),
        lifespan=lifespan,
    )
    app.state.sanctions = state
    app.state.jobs = jobs
    metrics = Metrics(state)
    app.state.metrics = metrics
    install_error_handlers(app)
    app.include_router(routes.health)
    app.include_router(routes.v1)
    app.include_router(yente.router)
    app.include_router(batches.router)
    # Outermost first: metrics see every response, including 413s from the body limit.
    app.add_middleware(BodyLimit, limit=config.max_body_bytes, upload_limit=config.max_upload_bytes)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    return app


def create_app_from_env() -> FastAPI:
    """For `uvicorn --factory` and `sanctions serve --workers N`: settings from SANCTIONS_*."""
    db = os.environ.get("SANCTIONS_DB")
    if not db:
        raise RuntimeError("set SANCTIONS_DB to the store file")
    return create_app(
        db,
        no_auth=os.environ.get("SANCTIONS_API_NO_AUTH") == "1",
        reload_every=float(os.environ.get("SANCTIONS_API_RELOAD_EVERY", DEFAULT_RELOAD_EVERY)),
        max_body_bytes=int(os.environ.get("SANCTIONS_API_MAX_BODY", DEFAULT_MAX_BODY)),
        max_upload_bytes=int(os.environ.get("SANCTIONS_API_MAX_UPLOAD", DEFAULT_MAX_UPLOAD)),
        batch_dir=os.environ.get("SANCTIONS_API_BATCH_DIR") or None,
    )


def _version() -> str:
    from .. import __version__

    return __version__


__all__ = ["ApiConfig", "ApiState", "Loaded", "create_app", "create_app_from_env"]
