"""Entities, lists, changes between versions, and the admin reload: reads of the store."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from ...settings import MAX_ROW_ID
from ..deps import ERROR_RESPONSES, Admin, api_state, require_key

router = APIRouter(prefix="/v1", dependencies=[Depends(require_key)], responses=ERROR_RESPONSES)


@router.get("/entities/{entity_id:path}", tags=["Lists"])
def entity(entity_id: str, request: Request) -> dict[str, Any]:
    """One listed entity as FtM JSON, as it stands in the active version of its list."""
    return api_state(request).store().entity(entity_id).to_ftm()


@router.get("/lists", tags=["Lists"])
def lists(request: Request) -> dict[str, Any]:
    """The active version of every list in the store, and the versions this worker screens."""
    state = api_state(request)
    current = state.current
    return {
        "lists": [v.to_json() for v in state.store().lists()],
        "screening": current.screener.versions if current is not None else {},
    }


@router.get("/lists/{source}/changes", tags=["Lists"])
def changes(
    source: str,
    request: Request,
    from_version: int | None = Query(
        None, alias="from", ge=1, le=MAX_ROW_ID, description="Older version."
    ),
    to_version: int | None = Query(
        None, alias="to", ge=1, le=MAX_ROW_ID, description="Newer [latest]."
    ),
) -> dict[str, Any]:
    """Entities added, removed and changed between two versions (default: the last two)."""
    store = api_state(request).store()
    return store.changes(source, from_version, to_version).to_json()


# -- admin ----------------------------------------------------------------------------------
@router.post("/admin/reload", tags=["Admin"])
def reload(request: Request, _admin: Admin, force: bool = False) -> dict[str, Any]:
    """Check the store for newer active versions now and swap the index if there are any.

    Answers once the new index is in place. Only this worker process reloads; the others
    pick the change up at their next periodic check.
    """
    state = api_state(request)
    swapped = state.reload(force=force)
    loaded = state.ready()
    return {"ok": True, "reloaded": swapped, "lists": loaded.screener.versions}
