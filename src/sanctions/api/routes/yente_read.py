"""yente's read routes, so yente clients (yente-client) work unchanged: `/catalog`,
`/algorithms`, `/search/{dataset}`, `/entities/{entity_id}` and its adjacency.

Shapes follow yente (yente/data/common.py, yente/routers/): entities in FtM form with
`referents`, `target` and the seen dates; paged results with `total`, `limit`, `offset`.
Search is a name search over the loaded index: the query screened through the Screener with
a low threshold (`SEARCH_THRESHOLD`), not yente's full-text search; see docs/api.md.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi import Query as Param

from ...errors import QueryError, UsageError
from ...model import Entity
from ...screen import MAX_LIMIT, Query, canonical_schema
from ...sources.registry import get_source
from ...store import Store
from ..deps import ERROR_RESPONSES, api_state, require_key
from ..errors import ApiError
from ..yente_common import FEATURES, dataset_lists, entity_topics, yente_entity

ALGORITHM = "sanctions"  # our one scorer; `/match` accepts any algorithm name for it
SEARCH_THRESHOLD = 0.5  # low: a search lists candidates, it does not decide matches
SEARCH_PAGE = 10  # yente's default page size
DEFAULT_FACETS = ("countries", "topics", "datasets")
_COUNTRY_PROPS = ("country", "nationality", "citizenship", "jurisdiction", "mainCountry")

router = APIRouter(
    tags=["yente"],
    dependencies=[Depends(require_key)],
    responses=ERROR_RESPONSES,
)


def _title(source: str) -> str:
    try:
        return get_source(source).title
    except UsageError:
        return source


@router.get("/catalog", summary="The datasets this server screens (yente-compatible)")
def catalog(request: Request) -> dict[str, Any]:
    """Every loaded list as a dataset, and `default`, the collection of all of them."""
    state = api_state(request)
    screening = state.ready().screener.versions
    datasets: list[dict[str, Any]] = []
    outdated: list[str] = []
    active = state.store().lists()
    for info in active:
        current = screening.get(info.source) == info.version
        if not current:
            outdated.append(info.source)
        datasets.append(
            {
                "name": info.source,
                "title": _title(info.source),
                "version": str(info.version),
                "entity_count": info.entities,
                "updated_at": info.loaded_at,
                "load": info.source in screening,
                "index_current": current,
                "index_version": str(screening.get(info.source, "")) or None,
                "children": [],
            }
        )
    datasets.append(
        {
            "name": "default",
            "title": "All loaded lists",
            "version": None,
            "entity_count": sum(info.entities for info in active),
            "load": True,
            "index_current": not outdated,
            "children": sorted(screening),
        }
    )
    current_names = [d["name"] for d in datasets if d["name"] not in outdated]
    return {
        "datasets": datasets,
        "current": current_names,
        "outdated": outdated,
        "index_stale": bool(outdated),
    }


@router.get("/algorithms", summary="The matching algorithms (yente-compatible)")
def algorithms() -> dict[str, Any]:
    """One algorithm, our scorer; `/match` uses it whatever `algorithm` names."""
    description = "Name similarity with birth date, country, gender and identifier features."
    return {
        "algorithms": [{"name": ALGORITHM, "description": description, "docs": FEATURES}],
        "default": ALGORITHM,
        "best": ALGORITHM,
    }


def _facet_values(name: str, entity: Entity, ftm: Mapping[str, Any]) -> list[str]:
    props: Mapping[str, list[str]] = ftm["properties"]
    if name == "datasets":
        return list(entity.datasets)
    if name == "schema":
        return [entity.schema]
    if name == "topics":
        return entity_topics(entity)
    if name == "countries":
        return sorted({v for prop in _COUNTRY_PROPS for v in props.get(prop, [])})
    return list(props.get(name, []))


@router.get("/search/{dataset}", summary="Search entities by name (yente-compatible)")
def search(
    dataset: str,
    request: Request,
    q: str = Param("", max_length=500, title="A name to search for; empty lists everything"),
    schema: str | None = Param(None, title="Only entities of this schema"),
    countries: Annotated[list[str] | None, Param(title="Only entities with a country")] = None,
    topics: Annotated[list[str] | None, Param(title="Only entities with a topic")] = None,
    include_dataset: Annotated[list[str] | None, Param(title="Only these lists")] = None,
    exclude_dataset: Annotated[list[str] | None, Param(title="Not these lists")] = None,
    exclude_schema: Annotated[list[str] | None, Param(title="Not these schemas")] = None,
    facets: Annotated[list[str] | None, Param(title="Facets to count")] = None,
    limit: int = Param(SEARCH_PAGE, ge=0, le=MAX_LIMIT, title="Results per page"),
    offset: int = Param(0, ge=0, le=10_000, title="Results to skip"),
) -> dict[str, Any]:
    """Entities whose names resemble `q`, best first; yente's filters, paging and facets."""
    loaded = api_state(request).ready()
    lists = dataset_lists(loaded.screener, dataset, include_dataset, exclude_dataset)
    try:
        wanted = canonical_schema(schema)
    except QueryError as exc:
        raise ApiError(400, exc.message, "schema") from None
    if q.strip():
        try:
            hits = loaded.screener.screen(
                Query(name=q, schema=wanted),
                threshold=SEARCH_THRESHOLD,
                limit=MAX_LIMIT,
                lists=sorted(lists),
            )
        except QueryError as exc:
            raise ApiError(400, exc.message, "q") from None
        found = [loaded.by_id[h.entity_id] for h in hits if h.entity_id in loaded.by_id]
    else:  # no query: every entity of the lists, in id order
        found = [
            e
            for _, e in sorted(loaded.by_id.items())
            if set(e.datasets) & lists and (wanted in (None, "LegalEntity") or e.schema == wanted)
        ]
    rows = []
    for entity in found:
        if entity.schema in (exclude_schema or ()):
            continue
        ftm = entity.to_ftm()
        if countries and not set(countries) & set(_facet_values("countries", entity, ftm)):
            continue
        if topics and not set(topics) & set(entity_topics(entity)):
            continue
        rows.append((entity, ftm))
    counts: dict[str, Counter[str]] = {name: Counter() for name in facets or DEFAULT_FACETS}
    for entity, ftm in rows:
        for name, counter in counts.items():
            counter.update(_facet_values(name, entity, ftm))
    return {
        "results": [yente_entity(entity) for entity, _ in rows[offset : offset + limit]],
        "facets": {
            name: {
                "label": name,
                "values": [
                    {"name": value, "label": value, "count": n}
                    for value, n in counter.most_common(50)
                ],
            }
            for name, counter in counts.items()
        },
        "total": {"value": len(rows), "relation": "eq"},
        "limit": limit,
        "offset": offset,
    }


def _entity(store: Store, entity_id: str) -> Entity:
    return store.entity(entity_id)  # 404 with the store's message when it is not listed


def _adjacent(
    entity: Entity, by_id: Mapping[str, Entity], prop: str | None
) -> dict[str, list[Entity]]:
    """Entities this one's properties name by id (e.g. `associateId`), per property."""
    out: dict[str, list[Entity]] = {}
    for name, values in entity.to_ftm()["properties"].items():
        if prop is not None and name != prop:
            continue
        linked = [by_id[v] for v in values if v in by_id and v != entity.id]
        if linked:
            out[name] = linked
    return out


def _page(entities: list[Entity], limit: int, offset: int) -> dict[str, Any]:
    return {
        "results": [yente_entity(e) for e in entities[offset : offset + limit]],
        "total": {"value": len(entities), "relation": "eq"},
        "limit": limit,
        "offset": offset,
    }


@router.get("/entities/{entity_id}/adjacent", summary="An entity and its linked entities")
def adjacent(
    entity_id: str,
    request: Request,
    limit: int = Param(SEARCH_PAGE, ge=0, le=MAX_LIMIT),
    offset: int = Param(0, ge=0),
) -> dict[str, Any]:
    state = api_state(request)
    entity = _entity(state.store(), entity_id)
    links = _adjacent(entity, state.ready().by_id, None)
    return {
        "entity": yente_entity(entity),
        "adjacent": {name: _page(found, limit, offset) for name, found in links.items()},
    }


@router.get("/entities/{entity_id}/adjacent/{prop}", summary="Linked entities of one property")
def adjacent_property(
    entity_id: str,
    prop: str,
    request: Request,
    limit: int = Param(SEARCH_PAGE, ge=0, le=MAX_LIMIT),
    offset: int = Param(0, ge=0),
) -> dict[str, Any]:
    state = api_state(request)
    entity = _entity(state.store(), entity_id)
    links = _adjacent(entity, state.ready().by_id, prop)
    return _page(links.get(prop, []), limit, offset)


@router.get("/entities/{entity_id}", summary="One entity (yente-compatible)")
def entity(
    entity_id: str,
    request: Request,
    nested: bool = Param(True, title="Accepted for yente clients; properties are not nested"),
) -> dict[str, Any]:
    """The entity as yente serves it, as it stands in the active version of its list."""
    return yente_entity(_entity(api_state(request).store(), entity_id))


__all__ = ["router"]
