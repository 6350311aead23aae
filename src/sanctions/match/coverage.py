"""Deterministic candidate retrieval for monitoring, in both directions.

Interactive screening ranks candidates and keeps the top few, skipping keys that are too
common (`NameIndex.candidates`): right for one query, but whether a pair is retrieved then
depends on everything else in the index. Monitoring needs a rule that depends on the pair
alone, so that screening the customers against the entities (a full run) and the changed
entities against the customers (a delta run) find exactly the same pairs.

The rule: a query name q and a listed name n are candidates when the tokens of q that share
at least one retrieval key (`token_keys`) with n carry at least half of q's token weight.
Weights are counted in integer units, so both directions compare exactly the same sums.

    forward  `CoverageIndex(entity names).covering(customer form)`: listed names for a query
    reverse  `CoverageIndex(customer names).covered_by(entity form)`: query names for a
             listed name

Both return the index positions of the names that pass; the rule is the same function of
(q, n) either way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..text.names import NameForm
from .index import name_keys, token_keys

# Query tokens sharing keys must carry at least this share of the query's weight.
MIN_SHARE = 0.5
_UNITS = 1000  # weight units per 1.0 of token weight
_TOKENS = 1024  # packing: entry = name position * _TOKENS + token position

IntArray = np.ndarray[Any, np.dtype[np.int64]]


def _units(weight: float) -> int:
    return max(1, round(weight * _UNITS))


def _needed(total: int) -> int:
    """Least covered weight (units) a name of `total` units needs: ceil(MIN_SHARE * total)."""
    return -(-total * round(MIN_SHARE * _UNITS) // _UNITS)


class CoverageIndex:
    """Postings of (name, token) per retrieval key over a fixed list of analysed names."""

    def __init__(self, forms: Sequence[NameForm]) -> None:
        postings: dict[str, list[int]] = defaultdict(list)
        weights: list[int] = []
        offsets = [0]
        totals: list[int] = []
        for position, form in enumerate(forms):
            tokens = form.tokens[:_TOKENS]
            units = [_units(t.weight) for t in tokens]
            weights.extend(units)
            offsets.append(len(weights))
            totals.append(sum(units))
            for number, keys in enumerate(token_keys(form)[:_TOKENS]):
                for key in keys:
                    postings[key].append(position * _TOKENS + number)
        self.size = len(forms)
        self.postings = {k: np.asarray(v, dtype=np.int64) for k, v in postings.items()}
        self.weights = np.asarray(weights, dtype=np.int64)
        self.offsets = np.asarray(offsets, dtype=np.int64)
        self.needed = np.asarray([_needed(t) for t in totals], dtype=np.int64)

    def __len__(self) -> int:
        return self.size

    def covering(self, form: NameForm) -> IntArray:
        """Positions of indexed names n that `form` (a query name) is a candidate for."""
        tokens = form.tokens[:_TOKENS]
        total = sum(_units(t.weight) for t in tokens)
        parts: list[IntArray] = []
        part_weights: list[IntArray] = []
        for token, keys in zip(tokens, token_keys(form)[:_TOKENS], strict=True):
            found = [self.postings[k] for k in keys if k in self.postings]
            if not found:
                continue
            names = np.unique(np.concatenate(found) // _TOKENS)
            parts.append(names)
            part_weights.append(np.full(len(names), _units(token.weight), dtype=np.int64))
        if not parts:
            return np.empty(0, dtype=np.int64)
        names, inverse = np.unique(np.concatenate(parts), return_inverse=True)
        covered = np.bincount(inverse, weights=np.concatenate(part_weights)).astype(np.int64)
        return names[covered >= _needed(total)]

    def covered_by(self, form: NameForm) -> IntArray:
        """Positions of indexed names q (query names) that are candidates for `form` (a
        listed name): the same rule as `covering`, seen from the other side."""
        found = [self.postings[k] for k in name_keys(form) if k in self.postings]
        if not found:
            return np.empty(0, dtype=np.int64)
        entries = np.unique(np.concatenate(found))
        names = entries // _TOKENS
        tokens = entries % _TOKENS
        weights = self.weights[self.offsets[names] + tokens]
        unique, inverse = np.unique(names, return_inverse=True)
        covered = np.bincount(inverse, weights=weights).astype(np.int64)
        return unique[covered >= self.needed[unique]]
