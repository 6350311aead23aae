"""`POST /match/{dataset}`: yente's match API, so existing yente clients work unchanged.

Request and response mirror yente's `EntityMatchQuery` / `EntityMatchResponse` field for
field (yente/data/common.py): query entities in FtM form keyed by the caller's own ids;
per key `status`, `results` (scored FtM entities with `score`, `match`, `features` and
yente's per-feature `explanations`), `total` and the `query` echoed; plus `matcher` and
`limit`. `explanation` is our addition per result: which listed name matched which query
name, the token alignment and notes.

A query entity becomes one `Query` per name (name and alias values); the best score of an
entity over those names is its score. Other properties use their first value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi import Query as Param
from pydantic import BaseModel, ConfigDict, Field

from ...errors import QueryError
from ...model import SCHEMAS
from ...screen import Hit, Query, canonical_schema
from ...settings import DEFAULT_THRESHOLD, MAX_QUERIES
from ..deps import ERROR_RESPONSES, api_state, require_key
from ..errors import ApiError
from ..yente_common import FEATURES, entity_topics

# yente's defaults: 5 results per query, at most 500.
MATCH_PAGE = 5
MAX_MATCHES = 500
_ID_PROPS = (
    "idNumber",
    "passportNumber",
    "registrationNumber",
    "imoNumber",
    "taxNumber",
    "innCode",
    "ogrnCode",
    "swiftBic",
    "leiCode",
    "vatCode",
)
_COUNTRY_PROPS = ("nationality", "citizenship", "country", "jurisdiction", "mainCountry")
router = APIRouter(
    tags=["Matching (yente)"],
    dependencies=[Depends(require_key)],
    responses=ERROR_RESPONSES,
)


class EntityExample(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: str | None = Field(None, examples=["my-entity-id"])
    schema_: str = Field(..., alias="schema", examples=["Person"])
    properties: dict[str, str | list[Any]] = Field(..., examples=[{"name": ["John Doe"]}])


class EntityMatchQuery(BaseModel):
    weights: dict[str, float] = Field({}, description="Accepted for yente clients; ignored.")
    config: dict[str, Any] = Field({}, description="Accepted for yente clients; ignored.")
    queries: dict[str, EntityExample]


def _values(example: EntityExample, *props: str) -> list[str]:
    out: list[str] = []
    for prop in props:
        raw = example.properties.get(prop, [])
        for value in [raw] if isinstance(raw, str) else raw:
            text = str(value).strip() if value is not None else ""
            if text and text not in out:
                out.append(text)
    return out


def _queries(key: str, example: EntityExample) -> list[Query]:
    try:  # the façade's rule: schema names in any case, as the CLI takes them
        schema = canonical_schema(example.schema_)
    except QueryError:
        schema = None
    if schema is None:
        raise ApiError(
            400,
            f"query {key!r}: schema {example.schema_!r} cannot be screened; "
            f"expected one of {', '.join(SCHEMAS)}",
            f"queries.{key}.schema",
        )
    names = _values(example, "name", "alias", "previousName", "weakAlias")
    if not names:
        raise ApiError(400, f"query {key!r} has no name to match", f"queries.{key}.properties.name")
    first = {
        "birth_date": next(iter(_values(example, "birthDate")), None),
        "country": next(iter(_values(example, *_COUNTRY_PROPS)), None),
        "gender": next(iter(_values(example, "gender")), None),
        "id_number": next(iter(_values(example, *_ID_PROPS)), None),
    }
    return [Query(name=name, schema=schema, id=example.id, **first) for name in names]


@router.post("/match/{dataset}", summary="Query by example matcher (yente-compatible)")
def match(
    dataset: str,
    body: EntityMatchQuery,
    request: Request,
    limit: int = Param(MATCH_PAGE, ge=1, le=MAX_MATCHES, title="Number of results to return"),
    threshold: float = Param(
        DEFAULT_THRESHOLD, ge=0.0, le=1.0, title="Score at which a result is a match"
    ),
    cutoff: float = Param(0.5, ge=0.0, le=1.0, title="Lowest score returned at all"),
    algorithm: str = Param("sanctions", title="Accepted for yente clients; ignored"),
    include_dataset: Annotated[
        list[str] | None, Param(title="Only results from these lists")
    ] = None,
    exclude_dataset: Annotated[list[str] | None, Param(title="No results from these lists")] = None,
    exclude_schema: Annotated[list[str] | None, Param(title="No results of these schemas")] = None,
    exclude_entity_ids: Annotated[
        list[str] | None, Param(title="No results with these entity ids")
    ] = None,
    topics: Annotated[
        list[str] | None, Param(title="Only results with one of these FtM topics")
    ] = None,
    changed_since: str | None = Param(None, title="Accepted for yente clients; ignored"),
) -> dict[str, Any]:
    """Match FtM query entities against one list (`{dataset}` = a source name such as
    `ofac-sdn`) or all of them (`default`). Body and response follow yente's /match."""
    loaded = api_state(request).ready()
    screener = loaded.screener
    if dataset == "default":
        lists: set[str] | None = None
    elif dataset in screener.versions:
        lists = {dataset}
    else:
        known = ", ".join(["default", *sorted(screener.versions)])
        raise ApiError(404, f"no dataset {dataset!r}; expected one of {known}", "dataset")
    exclude_schema = exclude_schema or []
    excluded_ids = set(exclude_entity_ids or [])
    if include_dataset:
        lists = (lists if lists is not None else set(screener.versions)) & set(include_dataset)
    if exclude_dataset:
        lists = (lists if lists is not None else set(screener.versions)) - set(exclude_dataset)
    if len(body.queries) > MAX_QUERIES:
        raise ApiError(
            413, f"{len(body.queries):,} queries; the limit is {MAX_QUERIES:,}", "queries"
        )
    if not body.queries:
        raise ApiError(400, "No queries provided.", "queries")
    cutoff = min(cutoff, threshold)
    responses = {}
    for key, example in body.queries.items():
        best: dict[str, Hit] = {}
        for query in _queries(key, example):
            try:
                hits = screener.screen(
                    query,
                    threshold=cutoff,
                    # room for the results the filters below drop
                    limit=min(MAX_MATCHES, limit * (1 + len(exclude_schema)) + len(excluded_ids))
                    if not topics
                    else MAX_MATCHES,
                    lists=sorted(lists) if lists is not None else None,
                )
            except QueryError as exc:
                field = f"queries.{key}.properties.{_FTM_FIELD.get(exc.field or '', 'name')}"
                raise ApiError(400, f"query {key!r}: {exc.message}", field) from None
            for hit in hits:
                if hit.schema in exclude_schema or hit.entity_id in excluded_ids:
                    continue
                if topics and not set(topics) & set(entity_topics(loaded.by_id.get(hit.entity_id))):
                    continue
                if hit.entity_id not in best or hit.score > best[hit.entity_id].score:
                    best[hit.entity_id] = hit
        ranked = sorted(best.values(), key=lambda h: (-h.score, h.entity_id))
        responses[key] = {
            "status": 200,
            "results": [_result(loaded.by_id, hit, threshold) for hit in ranked[:limit]],
            "total": {"value": len(ranked), "relation": "eq"},
            "query": {
                "id": example.id,
                "schema": example.schema_,
                "properties": {k: _as_list(v) for k, v in example.properties.items()},
            },
        }
    request.app.state.metrics.queries.inc(len(responses))
    return {
        "responses": responses,
        "matcher": {
            name: {"description": text, "coefficient": 1.0, "url": None}
            for name, text in FEATURES.items()
        },
        "limit": limit,
    }


_FTM_FIELD = {
    "name": "name",
    "birth_date": "birthDate",
    "country": "nationality",
    "gender": "gender",
    "schema": "schema",
}


def _as_list(value: str | list[Any]) -> list[Any]:
    return [value] if isinstance(value, str) else list(value)


def _result(by_id: Mapping[str, Any], hit: Hit, threshold: float) -> dict[str, Any]:
    entity = by_id.get(hit.entity_id)
    ftm = entity.to_ftm() if entity is not None else {"properties": {}, "datasets": hit.datasets}
    explanation = hit.explanation
    features: dict[str, float] = dict(explanation.get("features", {}))
    return {
        "id": hit.entity_id,
        "caption": hit.caption,
        "schema": hit.schema,
        "properties": ftm["properties"],
        "datasets": ftm["datasets"],
        "referents": [],
        "target": True,
        "first_seen": None,
        "last_seen": None,
        "last_change": None,
        "score": round(hit.score, 4),
        "features": features,
        "match": hit.score >= threshold,
        "explanations": {
            name: {
                "score": value,
                "detail": FEATURES.get(name),
                "weight": 1.0,
                **(
                    {"query": hit.query_name, "candidate": hit.matched_name}
                    if name == "name"
                    else {}
                ),
            }
            for name, value in features.items()
        },
        "explanation": {
            "query_name": hit.query_name,
            "matched_name": hit.matched_name,
            "matched_kind": hit.matched_kind,
            "name": explanation.get("name", {}),
            "notes": explanation.get("notes", []),
        },
    }


__all__ = ["EntityExample", "EntityMatchQuery", "router"]
