"""What every request shares: the settings, the current index, the store, the key check.

Each worker process builds its own `Screener` from the store when it starts (in the
background, so /healthz answers at once and /readyz says 503 until the index is loaded),
then checks every `reload_every` seconds whether a newer list version is active. A new
index is mapped from the file the loader saved beside the store (built by a child process
when it is missing or stale, `persistent.open_index(build_aside=True)`) in a background
thread, and swapped in with one reference assignment: a request takes the
current `Loaded` once and finishes on it even if a swap happens meanwhile. Nothing else is
kept between requests but the store, so replicas can run side by side against one store.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import threading
import time
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, field

from ..auth import KeyChecker
from ..model import Entity
from ..screen import Screener
from ..settings import ApiSettings, Settings
from ..store import Store
from .errors import ApiError

log = logging.getLogger("sanctions.api")


@dataclass(frozen=True)
class Loaded:
    """One index and what belongs with it; replaced whole, never changed."""

    screener: Screener
    by_id: Mapping[str, Entity]
    loaded_at: float = field(default_factory=time.time)  # wall clock, for the index age


class ApiState:
    """Everything a request needs: the settings, the current index, the store, the key check."""

    def __init__(self, settings: ApiSettings) -> None:
        self.settings = settings
        self.current: Loaded | None = None
        self.load_error: str | None = None
        self.keys = KeyChecker()
        self._list_settings: Settings | None = None
        self._local = threading.local()
        self._reload_lock = threading.Lock()

    def store(self) -> Store:
        """This thread's store connection (sqlite3 connections stay in their thread)."""
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = Store(self.settings.db)
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
                # No store path here: it reaches clients in /readyz and every 503.
                self.load_error = "no lists are loaded in the store (see `sanctions load`)"
                raise ApiError(503, self.load_error)
            current = self.current
            if current is not None and current.screener.versions == active and not force:
                return False
            started = time.perf_counter()
            # A missing or stale saved index is built by a child process (the loader has
            # usually built it already): never on this process's GIL, which the request
            # threads and the event loop need.
            screener = Screener.from_store(store, build_aside=True)
            loaded = Loaded(screener, screener.index.by_id)
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

    def list_settings(self) -> Settings:
        """The download settings (SANCTIONS_CONFIG): the lists' expected cadences."""
        if self._list_settings is None:
            from ..ingest.config import load_settings

            self._list_settings = load_settings(None)
        return self._list_settings

    def stale_lists(self) -> list[str]:
        from ..monitor.freshness import stale_lists

        return stale_lists(self.store(), self.list_settings())

    def housekeeping(self) -> None:
        """Stale-list notices and due webhook deliveries, from the server's own loop, so a
        dead updater is still noticed. Never raises."""
        from ..monitor.freshness import notify_stale
        from ..monitor.webhooks import deliver_due

        try:
            notify_stale(self.store(), self.list_settings())
            deliver_due(self.store())
        except Exception as exc:  # the server keeps serving whatever happens here
            log.warning("stale-list check or webhook delivery failed: %s", exc)

    async def keep_loaded(self) -> None:
        """Load at start-up (retrying), then check for newer versions every reload_every s.

        Housekeeping runs in a task of its own: it writes to the store, and a write waits
        while a loader holds the store's write transaction (up to the busy timeout, longer
        than many loads), which must not hold up the check that swaps in the new index."""
        every = self.settings.reload_every
        chores = asyncio.create_task(self._keep_housekeeping(every))
        try:
            while True:
                try:
                    await asyncio.to_thread(self.reload)
                except Exception as exc:  # keep serving the old index; say why in /readyz
                    message = exc.message if isinstance(exc, ApiError) else str(exc)
                    if self.current is None:
                        self.load_error = message
                    log.warning("index reload failed: %s", message)
                if self.current is not None and every <= 0:
                    break
                await asyncio.sleep(every if self.current is not None and every > 0 else 2.0)
            await chores  # with no periodic checks, housekeeping runs once
        finally:
            chores.cancel()
            with suppress(asyncio.CancelledError):
                await chores

    async def _keep_housekeeping(self, every: float) -> None:
        while True:
            await asyncio.to_thread(self.housekeeping)
            if every <= 0:
                return
            await asyncio.sleep(every)
