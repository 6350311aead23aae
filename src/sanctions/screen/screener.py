"""The `Screener`: the one façade every interface (CLI, API, batch) screens through.

It holds an immutable snapshot (a `NameIndex` built from the store's active list versions,
the versions it was built from, and the caches that belong to that index). `refresh` builds
a whole new snapshot aside and swaps the reference in one assignment, so a screening call
in flight finishes on the snapshot it started with and never sees a half-built one.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Generator, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import QueryError
from ..match.features import (
    FEATURES,
    IDENTIFIER_FLOOR,
    MOST_GAINED,
    identifier_match,
    normalize_identifier,
    schema_compatible,
)
from ..match.index import IndexedName, NameIndex
from ..match.names import NameScore, compare_name_forms_above
from ..model import Entity, NameKind
from ..settings import DEFAULT_LIMIT, DEFAULT_THRESHOLD
from ..store import Store
from ..text.names import NameForm
from .persistent import open_index
from .query import Hit, Query
from .validate import check_lists, check_options, prepare_query

# Listed names fully scored per query, picked by the index's key overlap.
CANDIDATES = 20
# A weak alias (OFAC weak a.k.a., UN "Low" quality) only counts when this close.
WEAK_ALIAS_MIN = 0.97

Mask = np.ndarray[Any, np.dtype[np.bool_]]


@dataclass(frozen=True)
class Snapshot:
    """One index and everything derived from it; replaced whole, never changed (but for
    its mask cache, which only ever gains entries computed from this same index)."""

    index: NameIndex
    versions: dict[str, int]
    masks: dict[tuple[str | None, tuple[str, ...] | None], Mask | None] = field(
        default_factory=dict
    )

    def mask(self, schema: str | None, lists: tuple[str, ...] | None) -> Mask | None:
        """Which indexed entities a query of `schema`, limited to `lists`, may hit."""
        key = (schema, lists)
        if key not in self.masks:
            if schema is None and lists is None:
                self.masks[key] = None
            else:
                index = self.index
                schemas = None
                if schema is not None:
                    schemas = [s for s in index.schema_names if schema_compatible(schema, s)]
                self.masks[key] = index.entity_mask(schemas, lists)
        return self.masks[key]


class Screener:
    """Screens queries against an in-memory index of listed entities."""

    def __init__(
        self,
        index: NameIndex,
        versions: dict[str, int] | None = None,
        sources: frozenset[str] | None = None,
    ) -> None:
        self._snapshot = Snapshot(index, dict(versions or {}))
        self.sources = sources  # the lists it screens; None: every list in the store

    @property
    def index(self) -> NameIndex:
        return self._snapshot.index

    @property
    def versions(self) -> dict[str, int]:
        return self._snapshot.versions

    @classmethod
    def from_entities(cls, entities: Iterable[Entity]) -> Screener:
        return cls(NameIndex(entities))

    @classmethod
    def from_store(
        cls,
        store: Store,
        sources: Iterable[str] | None = None,
        *,
        rebuild: bool = False,
        build_aside: bool = False,
    ) -> Screener:
        """A screener over the store's active versions, through the index saved beside the
        store (`persistent.open_index`: mapped when it fits, rebuilt when it does not, in a
        child process with `build_aside`). `sources` limits screening to those lists."""
        wanted = set(sources) if sources is not None else None
        active = store.lists()
        if wanted is not None and (missing := wanted - {v.source for v in active}):
            raise QueryError(
                f"no active version of {', '.join(sorted(missing))}; load it first", field="lists"
            )
        index = open_index(store, rebuild=rebuild, build_aside=build_aside)
        versions = {v.source: v.version for v in active if wanted is None or v.source in wanted}
        return cls(index, versions, frozenset(wanted) if wanted is not None else None)

    def refresh(self, store: Store) -> bool:
        """Reopen the index when an active version changed or a list was added; True when a
        new index was swapped in."""
        current = {
            v.source: v.version
            for v in store.lists()
            if self.sources is None or v.source in self.sources
        }
        if current == self.versions:
            return False
        fresh = Screener.from_store(store, sources=self.sources)
        self._snapshot = fresh._snapshot  # the swap: one assignment
        return True

    # -- screening -----------------------------------------------------------------------
    def screen(
        self,
        query: Query,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        limit: int = DEFAULT_LIMIT,
        lists: Iterable[str] | None = None,
    ) -> list[Hit]:
        """Listed entities scoring at least `threshold` against the query, best first."""
        snapshot = self._snapshot  # one snapshot for the whole call, even if refresh() swaps
        index = snapshot.index
        check_options(threshold, limit)
        query, form = prepare_query(query)
        allowed = self._allowed(snapshot, query, lists)
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

    def candidate_ids(self, query: Query, *, lists: Iterable[str] | None = None) -> list[str]:
        """The entities candidate retrieval hands the scorer for `query`, best ranked first,
        before any scoring or threshold: retrieval measured on its own."""
        snapshot = self._snapshot
        query, form = prepare_query(query)
        allowed = self._allowed(snapshot, query, lists)
        found = snapshot.index.candidates([form], CANDIDATES, allowed)
        return [snapshot.index.entity_id(position) for position in found]

    def _allowed(
        self, snapshot: Snapshot, query: Query, lists: Iterable[str] | None
    ) -> Mask | None:
        """The entities a query may hit: its schema's, on the chosen lists."""
        chosen = check_lists(lists)
        if self.sources is not None:  # a screener limited to some lists never leaves them
            chosen = tuple(sorted(set(chosen or self.sources) & self.sources))
        return snapshot.mask(query.schema, tuple(sorted(chosen)) if chosen is not None else None)

    def screen_names(
        self,
        queries: Iterable[Query],
        *,
        threshold: float = DEFAULT_THRESHOLD,
        limit: int = DEFAULT_LIMIT,
        lists: Iterable[str] | None = None,
    ) -> list[Hit]:
        """Several names of one party (its name and aliases): each listed entity once, with
        its best-scoring hit, best first."""
        chosen = check_lists(lists)
        best: dict[str, Hit] = {}
        for query in queries:
            for hit in self.screen(query, threshold=threshold, limit=limit, lists=chosen):
                if hit.entity_id not in best or hit.score > best[hit.entity_id].score:
                    best[hit.entity_id] = hit
        return sorted(best.values(), key=lambda h: (-h.score, h.entity_id))[:limit]

    def screen_entity(
        self,
        entity: Entity,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        limit: int = DEFAULT_LIMIT,
        lists: Iterable[str] | None = None,
    ) -> list[Hit]:
        """Screen a whole entity (a stored customer, or a listed entity against the other
        lists): every name but weak aliases, with its birth date, country, gender and first
        identifier as evidence. The entity itself is never its own hit."""
        hits = self.screen_names(
            entity_queries(entity), threshold=threshold, limit=limit + 1, lists=lists
        )
        return [hit for hit in hits if hit.entity_id != entity.id][:limit]

    def score_entity(
        self, position: int, query: Query, form: NameForm, threshold: float = 0.0
    ) -> Hit | None:
        """Score one indexed entity, over all its names, against a prepared query (see
        `prepare_query`): the scorer `screen` uses, without candidate retrieval."""
        index = self.index
        return self._score_entity(
            index, position, index.entity_names[position], query, form, threshold
        )

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
        evidence = {"birth_date": query.birth_date, "country": query.country}
        evidence["gender"] = query.gender
        # Names that cannot reach the threshold even with every feature's gain are skipped
        # unscored: the best name is the same whenever the entity can be a hit.
        floor = threshold - sum(MOST_GAINED[label] for label, value in evidence.items() if value)
        if query.id_number:
            floor = 0.0  # an identical identifier floors the score whatever the name
        best: tuple[float, NameScore, str, NameKind] | None = None
        for name in names:
            weak = name.kind is NameKind.WEAK
            detail = compare_name_forms_above(
                form, name.form, max(floor, WEAK_ALIAS_MIN) if weak else floor
            )
            if detail is None or (weak and detail.score < WEAK_ALIAS_MIN):
                continue
            if best is None or detail.score > best[0]:
                best = (detail.score, detail, name.form.original, name.kind)
        if best is None:
            return None
        name_score, detail, matched, kind = best
        entity = index.entities[position]  # decoded only for entities with a scored name
        features: dict[str, float] = {"name": round(name_score, 4)}
        notes: list[str] = []
        score = name_score
        for label, feature in FEATURES:
            delta, note = feature(evidence[label], entity)
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
        limit: int = DEFAULT_LIMIT,
        lists: Iterable[str] | None = None,
        workers: int = 1,
    ) -> Generator[list[Hit] | QueryError, None, None]:
        """Screen a stream of queries, in order; a bad query yields its QueryError, not a stop.

        With `workers` > 1 (or -1 for every core), forked processes share this index
        copy-on-write; input is consumed in chunks, so memory stays flat for any input size.
        """
        check_options(threshold, limit)
        chosen = check_lists(lists)
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


def entity_queries(entity: Entity) -> list[Query]:
    """One query per usable name of the entity, each carrying the entity's other evidence."""
    countries = [*entity.get("nationality"), *entity.get("citizenship"), *entity.get("country")]
    countries += [a.country for a in entity.addresses if a.country]
    evidence = {
        "schema": entity.schema,
        "birth_date": entity.birth_dates[0].start if entity.birth_dates else None,
        "country": countries[0] if countries else None,
        "gender": next(iter(entity.get("gender")), None),
        "id_number": entity.identifiers[0].value if entity.identifiers else None,
        "id": entity.id,
    }
    names = dict.fromkeys(n.value for n in entity.names if n.kind is not NameKind.WEAK)
    return [Query(name, **evidence) for name in names]
