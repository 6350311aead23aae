"""The `Screener`: the one façade every interface (CLI, API, batch) screens through.

It holds an immutable `NameIndex` built from the store's active list versions; `refresh`
builds a new index when a newer version landed and swaps the reference in one assignment,
so a screening call in flight finishes on the index it started with.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .errors import QueryError
from .match.compare import DEFAULT_THRESHOLD
from .match.features import (
    IDENTIFIER_FLOOR,
    birth_date_feature,
    country_feature,
    gender_feature,
    identifier_match,
    normalize_identifier,
    schema_compatible,
)
from .match.index import IndexedName, NameIndex
from .match.names import NameScore, compare_name_forms
from .model import SCHEMAS, Entity, NameKind
from .sources.values import country_code, parse_date
from .store import Store
from .text.names import NameForm, analyze_name

MAX_NAME_LENGTH = 500
# Listed names fully scored per query, picked by the index's key overlap.
CANDIDATES = 20
# A weak alias (OFAC weak a.k.a., UN "Low" quality) only counts when this close.
WEAK_ALIAS_MIN = 0.97


@dataclass(frozen=True, slots=True)
class Query:
    name: str
    schema: str | None = None
    birth_date: str | None = None
    country: str | None = None
    gender: str | None = None
    id_number: str | None = None
    id: str | None = None  # the caller's own reference, echoed in batch output


@dataclass(slots=True)
class Hit:
    entity_id: str
    schema: str
    caption: str
    score: float
    query_name: str
    matched_name: str
    matched_kind: str
    datasets: list[str]
    explanation: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "entity_id": self.entity_id,
            "schema": self.schema,
            "caption": self.caption,
            "score": round(self.score, 4),
            "query_name": self.query_name,
            "matched_name": self.matched_name,
            "matched_kind": self.matched_kind,
            "lists": self.datasets,
            "explanation": self.explanation,
        }


_SCHEMA_NAMES = {schema.lower(): schema for schema in SCHEMAS}
_GENDERS = {"male": "male", "m": "male", "female": "female", "f": "female"}


def check_options(threshold: float, limit: int) -> None:
    if not 0.0 <= threshold <= 1.0:
        raise QueryError(f"threshold {threshold} is outside [0, 1]", field="threshold")
    if limit < 1:
        raise QueryError(f"limit {limit} must be at least 1", field="limit")


def prepare_query(query: Query) -> tuple[Query, NameForm]:
    """Validate and normalise a query; QueryError names the field that is wrong."""
    name = " ".join((query.name or "").split())
    if not name:
        raise QueryError("query name is empty", field="name")
    if len(name) > MAX_NAME_LENGTH:
        raise QueryError(
            f"query name is {len(name):,} characters long; the limit is {MAX_NAME_LENGTH}",
            field="name",
        )
    schema = None
    if query.schema:
        schema = _SCHEMA_NAMES.get(query.schema.strip().lower())
        if schema is None:
            raise QueryError(
                f"unknown schema {query.schema!r}; expected one of {', '.join(SCHEMAS)}",
                field="schema",
            )
    birth_date = None
    if query.birth_date:
        birth_date = parse_date(query.birth_date)
        if birth_date is None:
            raise QueryError(
                f"birth date {query.birth_date!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)",
                field="birth_date",
            )
    country = None
    if query.country:
        # Codes go through the territory table too: "UK" is "gb" on every list.
        country = country_code(query.country.strip())
        if country is None:
            raise QueryError(
                f"country {query.country!r} is not a country name or ISO code", field="country"
            )
    gender = None
    if query.gender and query.gender.strip():
        gender = _GENDERS.get(query.gender.strip().lower())
        if gender is None:
            raise QueryError(f"gender {query.gender!r} is not male or female", field="gender")
    form = analyze_name(name, schema)
    if not form.tokens:
        raise QueryError(f"query name {name!r} has no letters or digits to match", field="name")
    clean = Query(name, schema, birth_date, country, gender, query.id_number, query.id)
    return clean, form


class Screener:
    """Screens queries against an in-memory index of listed entities."""

    def __init__(
        self,
        index: NameIndex,
        versions: dict[str, int] | None = None,
        sources: frozenset[str] | None = None,
    ) -> None:
        self.index = index
        self.versions = dict(versions or {})
        self.sources = sources  # the lists it screens; None: every list in the store
        self._schema_masks: dict[tuple[str | None, tuple[str, ...] | None], np.ndarray | None] = {}

    @classmethod
    def from_entities(cls, entities: Iterable[Entity]) -> Screener:
        return cls(NameIndex(entities))

    @classmethod
    def from_store(cls, store: Store, sources: Iterable[str] | None = None) -> Screener:
        wanted = set(sources) if sources is not None else None
        active = [v for v in store.lists() if wanted is None or v.source in wanted]
        if wanted is not None and (missing := wanted - {v.source for v in active}):
            raise QueryError(
                f"no active version of {', '.join(sorted(missing))}; load it first", field="lists"
            )

        def entities() -> Iterator[Entity]:
            for version in active:
                yield from store.iter_entities(version.source, version.version)

        versions = {v.source: v.version for v in active}
        return cls(NameIndex(entities()), versions, frozenset(wanted) if wanted else None)

    def refresh(self, store: Store) -> bool:
        """Rebuild from the store when an active version changed or a list was added; True
        when a new index was swapped in."""
        current = {
            v.source: v.version
            for v in store.lists()
            if self.sources is None or v.source in self.sources
        }
        if current == self.versions:
            return False
        fresh = Screener.from_store(store, sources=self.sources)
        self.index, self.versions, self._schema_masks = fresh.index, fresh.versions, {}
        return True

    # -- screening -----------------------------------------------------------------------
    def _mask(
        self, index: NameIndex, schema: str | None, lists: tuple[str, ...] | None
    ) -> np.ndarray | None:
        key = (schema, lists)
        if key not in self._schema_masks:
            if schema is None and lists is None:
                self._schema_masks[key] = None
            else:
                self._schema_masks[key] = np.asarray(
                    [
                        schema_compatible(schema, e.schema) and (lists is None or e.source in lists)
                        for e in index.entities
                    ],
                    dtype=bool,
                )
        return self._schema_masks[key]

    def screen(
        self,
        query: Query,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        limit: int = 10,
        lists: Iterable[str] | None = None,
    ) -> list[Hit]:
        """Listed entities scoring at least `threshold` against the query, best first."""
        index = self.index  # one index for the whole call, even if refresh() swaps it
        check_options(threshold, limit)
        query, form = prepare_query(query)
        list_filter = tuple(sorted(lists)) if lists is not None else None
        allowed = self._mask(index, query.schema, list_filter)
        hits = []
        for position, names in index.candidates([form], CANDIDATES, allowed).items():
            hit = self._score_entity(index, position, names, query, form, threshold)
            if hit is not None:
                hits.append(hit)
        if query.id_number:
            hits.extend(
                self._identifier_hits(index, query, form, allowed, {h.entity_id for h in hits})
            )
        hits.sort(key=lambda h: (-h.score, h.entity_id))
        return hits[:limit]

    def _identifier_hits(
        self,
        index: NameIndex,
        query: Query,
        form: NameForm,
        allowed: np.ndarray | None,
        seen: set[str],
    ) -> list[Hit]:
        """Entities whose identifier equals the query's, even when the name is far off."""
        out = []
        for position in index.identifiers.get(normalize_identifier(query.id_number or ""), []):
            entity = index.entities[position]
            if entity.id in seen or (allowed is not None and not allowed[position]):
                continue
            hit = self._score_entity(
                index, position, index.entity_names[position], query, form, 0.0
            )
            if hit is not None:
                seen.add(entity.id)
                out.append(hit)
        return out

    def _score_entity(
        self,
        index: NameIndex,
        position: int,
        names: list[IndexedName],
        query: Query,
        form: NameForm,
        threshold: float,
    ) -> Hit | None:
        """The entity as a hit, when its best name and the other evidence reach `threshold`."""
        entity = index.entities[position]
        best: tuple[float, NameScore, str, NameKind] | None = None
        for name in names:
            detail = compare_name_forms(form, name.form)
            if name.kind is NameKind.WEAK and detail.score < WEAK_ALIAS_MIN:
                continue
            if best is None or detail.score > best[0]:
                best = (detail.score, detail, name.form.original, name.kind)
        if best is None:
            return None
        name_score, detail, matched, kind = best
        features: dict[str, float] = {"name": round(name_score, 4)}
        notes: list[str] = []
        score = name_score
        for label, (delta, note) in (
            ("birth_date", birth_date_feature(query.birth_date, entity)),
            ("country", country_feature(query.country, entity)),
            ("gender", gender_feature(query.gender, entity)),
        ):
            if note is not None:
                features[label] = delta
                notes.append(note)
                score += delta
        if matched_id := identifier_match(query.id_number, entity):
            features["identifier"] = IDENTIFIER_FLOOR
            notes.append(f"identifier {matched_id} matches")
            score = max(score, IDENTIFIER_FLOOR + (1 - IDENTIFIER_FLOOR) * name_score)
        score = max(0.0, min(1.0, score))
        if score < threshold:
            return None
        return Hit(
            entity_id=entity.id,
            schema=entity.schema,
            caption=entity.caption,
            score=score,
            query_name=query.name,
            matched_name=matched,
            matched_kind=kind.value,
            datasets=list(entity.datasets),
            explanation={"name": detail.to_json(), "features": features, "notes": notes},
        )

    def screen_many(
        self,
        queries: Iterable[Query],
        *,
        threshold: float = DEFAULT_THRESHOLD,
        limit: int = 10,
        lists: Iterable[str] | None = None,
        workers: int = 1,
    ) -> Iterator[list[Hit] | QueryError]:
        """Screen a stream of queries, in order; a bad query yields its QueryError, not a stop.

        With `workers` > 1 (or -1 for every core), forked processes share this index
        copy-on-write; input is consumed in chunks, so memory stays flat for any input size.
        """
        check_options(threshold, limit)
        chosen = tuple(lists) if lists is not None else None
        options = {"threshold": threshold, "limit": limit, "lists": chosen}
        if workers < 0:
            workers = multiprocessing.cpu_count()
        if workers <= 1:
            for query in queries:
                yield _screen_one(self, query, options)
            return
        global _WORKER_SCREENER
        _WORKER_SCREENER = self
        # Freeze the index out of the collector's reach so forked workers do not copy every
        # page of it when the collector walks (and so writes to) its objects.
        gc.collect()
        gc.freeze()
        context = multiprocessing.get_context("fork")
        try:
            with context.Pool(workers) as pool:
                jobs = ((q, options) for q in queries)
                yield from pool.imap(_screen_in_worker, jobs, chunksize=64)
        finally:
            gc.unfreeze()
            _WORKER_SCREENER = None


_WORKER_SCREENER: Screener | None = None


def _screen_one(
    screener: Screener, query: Query, options: dict[str, Any]
) -> list[Hit] | QueryError:
    try:
        return screener.screen(query, **options)
    except QueryError as exc:
        return exc


def _screen_in_worker(job: tuple[Query, dict[str, Any]]) -> list[Hit] | QueryError:
    assert _WORKER_SCREENER is not None
    return _screen_one(_WORKER_SCREENER, *job)
