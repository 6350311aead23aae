"""Which (customer, entity) pairs hit, in either direction, with the one scorer.

A pair is a candidate when one of the customer's names and one of the entity's names pass
the coverage rule of `match/coverage.py`, or when they share an identifier, and the
schemas are compatible. A candidate pair's score is the best over the customer's names of
`Screener.score_entity` against all of the entity's names; it hits at the threshold. Both
the rule and the score depend on the pair alone, so customers -> entities (`forward`) and
entities -> customers (`reverse`) find the same hits.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..errors import QueryError
from ..match.coverage import CoverageIndex, alike, listed_keys, query_keys, thresholds
from ..match.features import COUNTRY_PROPERTIES, normalize_identifier, schema_compatible
from ..model import Entity
from ..screen.query import Hit, Query
from ..screen.screener import Screener
from ..screen.validate import prepare_query
from ..store import customers as customer_rows
from ..store._db import Database
from ..store.customers import CustomerRow
from ..text.names import NameForm

IDENTIFIER_KEY = "id:"  # customer identifiers share the key table, under this prefix


def customer_queries(data: dict[str, Any]) -> list[Query]:
    """One screening query per name of a customer, each with the customer's evidence."""
    evidence = {
        "schema": data["schema"],
        "birth_date": data.get("birth_date"),
        "country": data.get("nationality") or data.get("country"),
        "id_number": data.get("id_number") or data.get("imo_number"),
    }
    names = dict.fromkeys([data["name"], *data.get("aliases", [])])
    return [Query(name, **evidence) for name in names]


def customer_identifiers(data: dict[str, Any]) -> list[str]:
    return [v for v in (data.get("id_number"), data.get("imo_number")) if v]


Progress = Callable[[int], None]


@dataclass(frozen=True)
class Customer:
    """A customer ready to screen: its current revision's queries, analysed."""

    id: str
    revision: int
    hash: str
    schema: str
    queries: tuple[tuple[Query, NameForm], ...]
    identifiers: tuple[str, ...]

    @classmethod
    def from_row(cls, row: CustomerRow) -> Customer:
        return cls.from_data(row.id, row.revision, row.hash, row.data)

    @classmethod
    def from_data(cls, cid: str, revision: int, digest: str, data: dict[str, Any]) -> Customer:
        prepared = []
        for query in customer_queries(data):
            try:
                prepared.append(prepare_query(query))
            except QueryError:
                continue  # a name with nothing to match (the import refuses most of these)
        idents = {normalize_identifier(v) for v in customer_identifiers(data)}
        return cls(
            cid,
            revision,
            digest,
            data["schema"],
            tuple(prepared),
            tuple(sorted(i for i in idents if i)),
        )

    def index_rows(self) -> tuple[list[tuple[int, str]], list[customer_rows.KeyRow]]:
        """What the reverse index stores for this customer: its names (number, analysed
        text) and key rows (key, name number, token, units, loose, sure)."""
        names: list[tuple[int, str]] = []
        keys: list[customer_rows.KeyRow] = []
        for number, (_, form) in enumerate(self.queries):
            total, rows = query_keys(form)
            loose, sure = thresholds(total)
            names.append((number, form.text))
            length = len(form.text)
            keys.extend(
                (key, number, token, units, loose, sure, length) for key, token, units in rows
            )
        # Identifiers: any shared one makes the pair a candidate (0 >= 0).
        keys.extend((IDENTIFIER_KEY + ident, -1, 0, 0, 0, 0, 0) for ident in self.identifiers)
        return names, keys


@dataclass(frozen=True)
class PairHit:
    customer: Customer
    entity: Entity
    hit: Hit
    fingerprint: str


def entity_fingerprint(entity: Entity) -> str:
    """A hash of everything about a listed entity that the scorer reads."""
    content = {
        "schema": entity.schema,
        "names": sorted((n.value, n.kind.value) for n in entity.names),
        "birth_dates": sorted((d.start, d.end or "", d.circa) for d in entity.birth_dates),
        "identifiers": sorted(i.value for i in entity.identifiers),
        "countries": sorted(
            {*(v for p in COUNTRY_PROPERTIES for v in entity.get(p))}
            | {a.country for a in entity.addresses if a.country}
        ),
        "gender": sorted(entity.get("gender")),
    }
    text = json.dumps(content, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def pair_fingerprint(customer: Customer, entity_print: str) -> str:
    """Changes when the customer is revised or the entity's matched content changes."""
    return hashlib.sha256(f"{customer.hash}:{entity_print}".encode()).hexdigest()


class EntitySide:
    """Listed entities, indexed for forward retrieval and for scoring."""

    def __init__(self, screener: Screener) -> None:
        self.screener = screener
        index = screener.index
        self.coverage = CoverageIndex([name.form for name in index.names])
        self.name_entity = index.name_entity
        self.position = {e.id: i for i, e in enumerate(index.entities)}
        self._prints: dict[int, str] = {}

    def entity(self, position: int) -> Entity:
        return self.screener.index.entities[position]

    def fingerprint(self, position: int) -> str:
        if position not in self._prints:
            self._prints[position] = entity_fingerprint(self.entity(position))
        return self._prints[position]

    def score(self, customer: Customer, position: int, threshold: float) -> PairHit | None:
        best: Hit | None = None
        for query, form in customer.queries:
            hit = self.screener.score_entity(position, query, form)
            if hit is not None and (best is None or hit.score > best.score):
                best = hit
        if best is None or best.score < threshold:
            return None
        fingerprint = pair_fingerprint(customer, self.fingerprint(position))
        return PairHit(customer, self.entity(position), best, fingerprint)

    def forward(self, customer: Customer, threshold: float) -> Iterator[PairHit]:
        """Every hit of one customer against all the indexed entities."""
        positions: set[int] = set()
        for _, form in customer.queries:
            positions.update(self.name_entity[self.coverage.covering(form)].tolist())
        for ident in customer.identifiers:
            positions.update(self.screener.index.identifiers.get(ident, []))
        for position in sorted(positions):
            if schema_compatible(customer.schema, self.entity(position).schema):
                pair = self.score(customer, position, threshold)
                if pair is not None:
                    yield pair


class ReverseIndex:
    """The customers' stored keys, for screening changed entities against every customer."""

    def __init__(self, db: Database, skip: set[str]) -> None:
        self.db = db
        self.skip = skip  # customers screened against everything already
        self._texts: dict[tuple[str, int], str] | None = None
        self.schemas = customer_rows.indexed_schemas(db)

    def text(self, customer_id: str, number: int) -> str:
        if self._texts is None:
            self._texts = customer_rows.name_texts(self.db)
        return self._texts[(customer_id, number)]

    def candidates(self, entities: EntitySide, position: int) -> set[str]:
        """Customers passing the coverage rule (or sharing an identifier) with the entity."""
        entity = entities.entity(position)
        found: set[str] = set()
        if not any(schema_compatible(schema, entity.schema) for schema in self.schemas):
            return found  # no customer of a schema that may match this entity
        for name in entities.screener.index.entity_names[position]:
            keys, text = sorted(listed_keys(name.form)), name.form.text
            for cid, number, sure in customer_rows.covered_names(self.db, keys, len(text)):
                if cid in found or cid in self.skip:
                    continue
                if sure or alike(self.text(cid, number), text):
                    found.add(cid)
        idents = sorted(
            {IDENTIFIER_KEY + normalize_identifier(i.value) for i in entity.identifiers}
        )
        found.update(
            cid
            for cid, _, _ in customer_rows.covered_names(self.db, idents, 0)
            if cid not in self.skip
        )
        return found

    def reverse(self, entities: EntitySide, position: int, threshold: float) -> Iterator[PairHit]:
        """Every hit of one indexed entity against the stored customers but `skip`."""
        entity = entities.entity(position)
        for cid in sorted(self.candidates(entities, position)):
            row = customer_rows.get(self.db, cid)
            if row is None or row.removed_at is not None:
                continue
            # The schema first: analysing the names of a customer that cannot match is waste.
            if schema_compatible(row.data["schema"], entity.schema):
                pair = entities.score(Customer.from_row(row), position, threshold)
                if pair is not None:
                    yield pair


def hits_json(pair: PairHit) -> dict[str, Any]:
    return pair.hit.to_json()
