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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import QueryError
from ..match.coverage import CoverageIndex
from ..match.features import COUNTRY_PROPERTIES, normalize_identifier, schema_compatible
from ..model import Entity
from ..screen.query import Hit, Query
from ..screen.screener import Screener
from ..screen.validate import prepare_query
from ..store.customers import CustomerRow
from ..text.names import NameForm
from .customers import customer_identifiers, customer_queries

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
        prepared = []
        for query in customer_queries(row.data):
            try:
                prepared.append(prepare_query(query))
            except QueryError:
                continue  # a name with nothing to match (the import refuses most of these)
        idents = {normalize_identifier(v) for v in customer_identifiers(row.data)}
        return cls(
            row.id,
            row.revision,
            row.hash,
            row.data["schema"],
            tuple(prepared),
            tuple(sorted(i for i in idents if i)),
        )


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


class CustomerSide:
    """Customers indexed by their names and identifiers, for reverse retrieval."""

    def __init__(self, customers: Iterable[Customer]) -> None:
        self.customers: list[Customer] = []
        owners: list[int] = []
        forms: list[NameForm] = []
        self.identifiers: dict[str, list[int]] = {}
        for customer in customers:
            number = len(self.customers)
            self.customers.append(customer)
            for _, form in customer.queries:
                forms.append(form)
                owners.append(number)
            for ident in customer.identifiers:
                self.identifiers.setdefault(ident, []).append(number)
        self.coverage = CoverageIndex(forms)
        self.owner = np.asarray(owners, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.customers)

    def reverse(self, entities: EntitySide, position: int, threshold: float) -> Iterator[PairHit]:
        """Every hit of one indexed entity against all these customers."""
        entity = entities.entity(position)
        found: set[int] = set()
        for name in entities.screener.index.entity_names[position]:
            found.update(self.owner[self.coverage.covered_by(name.form)].tolist())
        for ident in entity.identifiers:
            found.update(self.identifiers.get(normalize_identifier(ident.value), []))
        for number in sorted(found):
            customer = self.customers[number]
            if schema_compatible(customer.schema, entity.schema):
                pair = entities.score(customer, position, threshold)
                if pair is not None:
                    yield pair


def hits_json(pair: PairHit) -> dict[str, Any]:
    return pair.hit.to_json()
