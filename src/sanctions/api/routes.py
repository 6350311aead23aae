"""The native endpoints: health, screening, entities, lists, admin reload.

Routes only parse input, call the Screener or the Store, and shape the answer; errors are
raised as our own exceptions and turned into the one JSON error shape by `errors`.
Screening runs in FastAPI's thread pool (plain `def`), so the event loop stays free.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ..auth import bearer_key
from ..errors import QueryError
from ..screen import Screener
from .app import ApiState, Loaded
from .errors import ApiError
from .metrics import CONTENT_TYPE
from .models import (
    MAX_QUERIES,
    ErrorResponse,
    QueryErrorBody,
    QueryResult,
    ScreenRequest,
    ScreenResponse,
)

_bearer = HTTPBearer(auto_error=False, description="An API key from `sanctions keys create`.")


def api_state(request: Request) -> ApiState:
    return request.app.state.sanctions  # type: ignore[no-any-return]


def require_key(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)] = None,
) -> None:
    """401 unless the request carries a valid, unrevoked key (or the app runs --no-auth)."""
    state = api_state(request)
    if state.config.no_auth:
        return
    key = bearer_key(request.headers.get("authorization"))
    if key is None:
        raise ApiError(
            401, "an API key is required: send 'Authorization: Bearer <key>'", "authorization"
        )
    if state.keys.check(state.store(), key) is None:
        raise ApiError(401, "the API key is not valid or has been revoked", "authorization")


_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse} for status in (400, 401, 404, 413, 422, 503)
}

health = APIRouter(tags=["Health"])
v1 = APIRouter(prefix="/v1", dependencies=[Depends(require_key)], responses=_ERRORS)


# -- health ---------------------------------------------------------------------------------
@health.get("/healthz", summary="The process is up")
async def healthz() -> dict[str, Any]:
    return {"ok": True}


@health.get("/readyz", summary="The screening index is loaded", responses=_ERRORS)
async def readyz(request: Request) -> dict[str, Any]:
    loaded = api_state(request).ready()
    return {"ok": True, "lists": loaded.screener.versions, "entities": len(loaded.by_id)}


@health.get("/metrics", summary="Prometheus metrics", response_class=Response)
async def metrics(request: Request) -> Response:
    return Response(request.app.state.metrics.render(), media_type=CONTENT_TYPE)


# -- screening ------------------------------------------------------------------------------
def check_lists(screener: Screener, lists: list[str] | None) -> list[str] | None:
    if lists is None:
        return None
    unknown = sorted(set(lists) - set(screener.versions))
    if unknown:
        loaded = ", ".join(sorted(screener.versions)) or "none"
        raise QueryError(
            f"unknown list {', '.join(unknown)}; the loaded lists are {loaded}", field="lists"
        )
    return sorted(set(lists))


@v1.post("/screen", response_model=ScreenResponse, tags=["Screening"])
async def screen(body: ScreenRequest, request: Request) -> ScreenResponse:
    """Screen one query (fields at the top level) or many (`queries`, at most 1,000).

    Runs on the event loop, not the thread pool: screening is CPU-bound and short (about a
    millisecond a name), and handing it to threads only adds switching under the GIL.

    One query: an unusable field is a 422 naming it. Many: each result carries either its
    hits or its own error, so one bad row does not spoil the rest.
    """
    loaded: Loaded = api_state(request).ready()  # one index for the whole request
    screener = loaded.screener
    single = body.model_dump(
        include={"name", "schema_", "birth_date", "country", "id_number", "gender", "id"},
        exclude_none=True,
    )
    if body.queries is not None and single:
        raise QueryError(
            f"give either one query's fields or 'queries', not both (got {', '.join(single)})",
            field="queries",
        )
    if body.queries is None and body.name is None:
        raise QueryError("a name to screen is required (or 'queries': [...])", field="name")
    if body.queries is not None and len(body.queries) > MAX_QUERIES:
        raise ApiError(
            413,
            f"{len(body.queries):,} queries in one request; the limit is {MAX_QUERIES:,}: "
            "split them, or upload a file to /v1/batches",
            "queries",
        )
    lists = check_lists(screener, body.lists)
    options = {"threshold": body.threshold, "limit": body.limit, "lists": lists}
    results = []
    for fields in body.queries if body.queries is not None else [body]:
        try:
            hits = screener.screen(fields.to_query(), **options)  # type: ignore[arg-type]
        except QueryError as exc:
            if body.queries is None:
                raise
            error = QueryErrorBody(field=exc.field, message=exc.message)
            results.append(QueryResult(query=_echo(fields), error=error))
            continue
        results.append(QueryResult(query=_echo(fields), hits=[h.to_json() for h in hits]))
    request.app.state.metrics.queries.inc(len(results))
    return ScreenResponse(
        lists=screener.versions, threshold=body.threshold, limit=body.limit, results=results
    )


def _echo(fields: Any) -> dict[str, Any]:
    keep = ("name", "schema", "birth_date", "country", "id_number", "gender", "id")
    return {k: v for k, v in fields.echo().items() if k in keep}


# -- entities and lists ---------------------------------------------------------------------
@v1.get("/entities/{entity_id:path}", tags=["Lists"])
def entity(entity_id: str, request: Request) -> dict[str, Any]:
    """One listed entity as FtM JSON, as it stands in the active version of its list."""
    return api_state(request).store().entity(entity_id).to_ftm()


@v1.get("/lists", tags=["Lists"])
def lists(request: Request) -> dict[str, Any]:
    """The active version of every list in the store, and the versions this worker screens."""
    state = api_state(request)
    current = state.current
    return {
        "lists": [v.to_json() for v in state.store().lists()],
        "screening": current.screener.versions if current is not None else {},
    }


@v1.get("/lists/{source}/changes", tags=["Lists"])
def changes(
    source: str,
    request: Request,
    from_version: int | None = Query(None, alias="from", ge=1, description="Older version."),
    to_version: int | None = Query(None, alias="to", ge=1, description="Newer [latest]."),
) -> dict[str, Any]:
    """Entities added, removed and changed between two versions (default: the last two)."""
    store = api_state(request).store()
    return store.changes(source, from_version, to_version).to_json()  # type: ignore[no-any-return]


# -- admin ----------------------------------------------------------------------------------
@v1.post("/admin/reload", tags=["Admin"])
def reload(request: Request, force: bool = False) -> dict[str, Any]:
    """Check the store for newer active versions now and swap the index if there are any.

    Answers once the new index is in place. Only this worker process reloads; the others
    pick the change up at their next periodic check.
    """
    state = api_state(request)
    swapped = state.reload(force=force)
    loaded = state.ready()
    return {"ok": True, "reloaded": swapped, "lists": loaded.screener.versions}


__all__ = ["api_state", "check_lists", "health", "require_key", "v1"]
