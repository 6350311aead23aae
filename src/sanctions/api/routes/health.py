"""Liveness and readiness, for load balancers and orchestrators (no key needed)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from ..deps import ERROR_RESPONSES, api_state

router = APIRouter(tags=["Health"])


@router.get("/healthz", summary="The process is up")
async def healthz() -> dict[str, Any]:
    return {"ok": True}


@router.get("/readyz", summary="The screening index is loaded", responses=ERROR_RESPONSES)
async def readyz(request: Request) -> dict[str, Any]:
    loaded = api_state(request).ready()
    return {"ok": True, "lists": loaded.screener.versions, "entities": len(loaded.by_id)}
