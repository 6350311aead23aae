"""Candidate retrieval: which listed names are worth scoring for a query.

Every listed name is analysed once at build time and posted under retrieval keys of each
token: its text, its consonant skeleton (romanization variants), its given-name variant
group, a four-letter prefix (typos late in a word), and the text and skeleton of adjacent
tokens joined ("Abdul Rahman" finds "Abdulrahman"). A query looks up its own keys; names
sharing rare keys rank first (keys are weighed by inverse frequency; keys posted under a
large share of all names are skipped when rarer ones exist). Postings are NumPy arrays, so
ranking touches only the names that share a key with the query.

The index is immutable once built: the screener swaps in a new one when lists change.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from ..model import Entity, NameKind
from ..text.names import NameForm, analyze_name
from .features import normalize_identifier
from .keys import retrieval_keys

# Keys posted under more than this share of all names only count when nothing rarer matched.
COMMON_KEY_SHARE = 0.02
# Share of the query's (non-common) token weight a listed name must share keys with.
MIN_COVERAGE = 0.5


@dataclass(frozen=True, slots=True)
class IndexedName:
    entity: int  # position in NameIndex.entities
    form: NameForm
    kind: NameKind


class NameIndex:
    """Listed entities and their analysed names, with postings for candidate retrieval."""

    def __init__(self, entities: Iterable[Entity]) -> None:
        self.entities: list[Entity] = []
        self.names: list[IndexedName] = []
        self.entity_names: list[list[IndexedName]] = []
        postings: dict[str, list[int]] = defaultdict(list)
        # Normalized identifier -> entity positions, for exact passport/IMO/registration lookup.
        self.identifiers: dict[str, list[int]] = defaultdict(list)
        for entity in entities:
            position = len(self.entities)
            self.entities.append(entity)
            for ident in entity.identifiers:
                if number := normalize_identifier(ident.value):
                    self.identifiers[number].append(position)
            own: list[IndexedName] = []
            self.entity_names.append(own)
            for name in entity.names:
                form = analyze_name(name.value, entity.schema)
                if not form.tokens:
                    continue
                name_id = len(self.names)
                indexed = IndexedName(position, form, name.kind)
                self.names.append(indexed)
                own.append(indexed)
                for key in set().union(*retrieval_keys(form)):
                    postings[key].append(name_id)
        total = max(1, len(self.names))
        self.postings = {key: np.asarray(ids, dtype=np.int32) for key, ids in postings.items()}
        self.idf = {key: math.log((total + 1) / (len(ids) + 0.5)) for key, ids in postings.items()}
        self.common_limit = max(50, int(total * COMMON_KEY_SHARE))
        self.name_entity = np.asarray([n.entity for n in self.names], dtype=np.int32)

    def __len__(self) -> int:
        return len(self.entities)

    def candidates(
        self, forms: list[NameForm], limit: int, allowed: np.ndarray | None = None
    ) -> dict[int, list[IndexedName]]:
        """Up to `limit` listed names sharing the rarest keys with `forms`, by entity position.

        `allowed` is an optional boolean array over entity positions (schema and list filters).
        Entities come in rank order (dicts keep insertion order).
        """
        # A listed name must share keys with tokens carrying at least MIN_COVERAGE of the
        # query's weight. Tokens whose every key is common ("mohammed") are left out of that
        # count and of the lookup, which keeps common names cheap; when every token is
        # common, the two rarest keys decide.
        covered: list[np.ndarray] = []
        coverage_weights: list[np.ndarray] = []
        ranking: list[np.ndarray] = []
        ranking_weights: list[np.ndarray] = []
        fallback: set[str] = set()
        total = 0.0
        for form in forms:
            for token, keys in zip(form.tokens, retrieval_keys(form), strict=True):
                present = [k for k in keys if k in self.postings]
                fallback.update(present)
                rare = [k for k in present if len(self.postings[k]) <= self.common_limit]
                if not rare:
                    continue
                total += token.weight
                ids = np.unique(np.concatenate([self.postings[k] for k in rare]))
                covered.append(ids)
                coverage_weights.append(np.full(len(ids), token.weight, dtype=np.float32))
                for key in rare:
                    ranking.append(self.postings[key])
                    ranking_weights.append(np.full(len(self.postings[key]), self.idf[key]))
        if not covered:
            if not fallback:
                return {}
            chosen = sorted(fallback, key=lambda k: len(self.postings[k]))[:2]
            ranking = [self.postings[k] for k in chosen]
            ranking_weights = [np.full(len(self.postings[k]), self.idf[k]) for k in chosen]
            covered, coverage_weights, total = ranking, ranking_weights, 0.0
        ids = np.concatenate(covered)
        unique, inverse = np.unique(ids, return_inverse=True)
        coverage = np.bincount(inverse, weights=np.concatenate(coverage_weights))
        keep = coverage >= MIN_COVERAGE * total - 1e-9
        if allowed is not None:
            keep &= allowed[self.name_entity[unique]]
        unique, coverage = unique[keep], coverage[keep]
        if not len(unique):
            return {}
        # Rank by coverage, then by how rare the shared keys are.
        rank_ids = np.concatenate(ranking)
        rank_scores = np.concatenate(ranking_weights)
        position = np.searchsorted(unique, rank_ids)
        position[position >= len(unique)] = 0
        hit = unique[position] == rank_ids
        rarity = np.bincount(position[hit], weights=rank_scores[hit], minlength=len(unique))
        scores = coverage * 1000.0 + rarity
        if len(unique) > limit:
            top = np.argpartition(-scores, limit - 1)[:limit]
            top = top[np.argsort(-scores[top])]
        else:
            top = np.argsort(-scores)
        grouped: dict[int, list[IndexedName]] = {}
        for name_id in unique[top]:
            name = self.names[name_id]
            grouped.setdefault(name.entity, []).append(name)
        return grouped
