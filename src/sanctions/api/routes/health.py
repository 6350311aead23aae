"""Liveness and readiness, for load balancers and orchestrators (no key needed)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from ..deps import ERROR_RESPONSES, api_state

router = APIRouter(tags=["Health"])


@router.get("/healthz", summary="The process is up")
async def healthz() -> dict[str, Any]:
    return {"ok": True, "status": "ok"}  # `status`: what yente's /healthz answers


@router.get(
    "/readyz",
    summary="The screening index is loaded and no list is stale",
    responses=ERROR_RESPONSES,
)
def readyz(request: Request) -> Any:
    """200 when the index is loaded and every list is fresh; 503 naming the stale lists
    (older than their expected cadence, see `sanctions sources`) or why nothing is loaded."""
    state = api_state(request)
    loaded = state.ready()
    stale = state.stale_lists()
    body = {
        "ok": not stale,
        "status": "stale" if stale else "ok",
        "stale": stale,
        "lists": loaded.screener.versions,
        "entities": len(loaded.by_id),
    }
    if stale:
        body["error"] = f"not ready: stale lists: {', '.join(stale)}"
        return JSONResponse(body, status_code=503)
    return body
