"""`/ui/`: the dashboard — the lists and their age, the alert queue by state, the last
monitoring run, the latest list changes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from ...api.deps import api_state
from ...monitor.freshness import list_ages
from ...store import alerts as alert_rows
from ...store import runs
from ..render import page
from ..security import Viewer

router = APIRouter(prefix="/ui", include_in_schema=False)
RECENT_CHANGES = 10


@router.get("")
def bare() -> Response:
    return RedirectResponse("/ui/", status_code=307)


@router.get("/")
def dashboard(request: Request, session: Viewer) -> Response:
    state = api_state(request)
    store = state.store()
    lists = store.lists()
    ages = {age.source: age for age in list_ages(store, state.list_settings())}
    versions = [v for current in lists for v in store.versions(current.source)]
    versions.sort(key=lambda v: v.loaded_at, reverse=True)
    current = state.current
    return page(
        request,
        "dashboard.html",
        session,
        lists=lists,
        ages=ages,
        screening=current.screener.versions if current else {},
        load_error=state.load_error,
        by_state=alert_rows.by_state(store.db),
        last_run=runs.last(store.db),
        changes=versions[:RECENT_CHANGES],
    )
