"""`POST /v1/screen`: one query or many, through the `Screener` façade."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request

from ...errors import QueryError
from ...settings import MAX_QUERIES
from ..deps import ERROR_RESPONSES, api_state, check_lists, require_key
from ..errors import ApiError
from ..models import QueryErrorBody, QueryResult, ScreenRequest, ScreenResponse
from ..state import Loaded

router = APIRouter(prefix="/v1", dependencies=[Depends(require_key)], responses=ERROR_RESPONSES)


@router.post("/screen", response_model=ScreenResponse, tags=["Screening"])
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
        by_alias=True,  # "schema", not the attribute's name, in the message below
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
