"""`/ui/screen`: the search form and, with `name=`, the hits ranked with their explanation.
An htmx request (typing in the form) gets only the results fragment."""

from __future__ import annotations

import unicodedata
from typing import Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from ...api.deps import api_state, check_lists
from ...errors import QueryError
from ...model import Entity
from ...screen import Hit
from ...screen import Query as ScreenQuery
from ...settings import DEFAULT_THRESHOLD
from ..render import page
from ..security import Viewer

router = APIRouter(prefix="/ui", include_in_schema=False)
SCHEMAS = ("", "Person", "Organization", "Company", "LegalEntity", "Vessel", "Airplane")
LIMIT = 25


def _fold(word: str) -> str:
    text = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in text if c.isalnum())


def highlight(name: str, tokens: set[str]) -> list[tuple[str, bool]]:
    """The words of `name`, each marked when its letters are among the matched tokens."""
    parts: list[tuple[str, bool]] = []
    for i, word in enumerate(name.split(" ")):
        if i:
            parts.append((" ", False))
        parts.append((word, bool(tokens) and _fold(word) in tokens))
    return parts


def hit_view(hit: Hit, entity: Entity | None) -> dict[str, Any]:
    name = hit.explanation.get("name", {})
    listed = {_fold(p.get("listed", "")) for p in name.get("pairs", [])}
    queried = {_fold(p.get("query", "")) for p in name.get("pairs", [])}
    return {
        "hit": hit,
        "matched": highlight(hit.matched_name, {t for t in listed if t}),
        "query": highlight(hit.query_name, {t for t in queried if t}),
        "pairs": name.get("pairs", []),
        "unmatched_query": name.get("unmatched_query", []),
        "unmatched_listed": name.get("unmatched_listed", []),
        "notes": [*name.get("notes", []), *hit.explanation.get("notes", [])],
        "features": hit.explanation.get("features", {}),
        "programs": entity.get("program") if entity else [],
    }


@router.get("/screen")
def screen(
    request: Request,
    session: Viewer,
    name: str = Query("", max_length=2000),
    schema: str = Query("", max_length=40),
    birth_date: str = Query("", max_length=40),
    country: str = Query("", max_length=60),
    threshold: float = Query(DEFAULT_THRESHOLD, ge=0.0, le=1.0),
    lists: list[str] = Query(default=[]),  # noqa: B008 - FastAPI's declaration style
) -> Response:
    form = {"name": name, "schema": schema, "birth_date": birth_date, "country": country}
    results: list[dict[str, Any]] | None = None
    error = None
    versions: dict[str, int] = {}
    if name.strip():
        loaded = api_state(request).ready()
        versions = loaded.screener.versions
        try:
            query = ScreenQuery(
                name=name,
                schema=schema or None,
                birth_date=birth_date.strip() or None,
                country=country.strip() or None,
            )
            wanted = check_lists(loaded.screener, [x for x in lists if x] or None)
            hits = loaded.screener.screen(query, threshold=threshold, limit=LIMIT, lists=wanted)
            results = [hit_view(hit, loaded.by_id.get(hit.entity_id)) for hit in hits]
        except QueryError as exc:
            error = f"{exc.field}: {exc.message}" if exc.field else exc.message
    template = "_results.html" if request.headers.get("hx-request") else "screen.html"
    return page(
        request,
        template,
        session,
        form=form,
        threshold=threshold,
        schemas=SCHEMAS,
        results=results,
        error=error,
        versions=versions,
        chosen_lists=[x for x in lists if x],
        limit=LIMIT,
    )
