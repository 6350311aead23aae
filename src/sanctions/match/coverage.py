"""Deterministic candidate retrieval for monitoring, in both directions.

Interactive screening ranks candidates and keeps the top few, skipping keys that are too
common (`NameIndex.candidates`): right for one query, but whether a pair is retrieved then
depends on everything else in the index. Monitoring needs a rule that depends on the pair
alone, so that screening the customers against the entities (a full run) and the changed
entities against the customers (a delta run) find exactly the same pairs.

The rule: a query name q and a listed name n are candidates when the tokens of q that share
at least one retrieval key (`token_keys`) with n carry at least half of q's token weight and
at least the weight of one ordinary name token (or all of q's weight, for a name lighter
than that).
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
from rapidfuzz import fuzz

from ..text.names import NameForm
from .index import token_keys

# Query tokens sharing keys must carry at least this share of the query's weight, and at
# least the weight of one full name token (or all of the query's): a shared common given
# name ("john", "mohammed"), a legal form or a generic word alone never makes a candidate.
MIN_SHARE = 0.5
MIN_WEIGHT = 1.0
# Between MIN_SHARE and SURE_SHARE the names must also read alike as wholes (token-sorted
# similarity, 0-100), which keeps "Lucien Nzambamwita" / "NZABAMWITA, Lucien" and drops
# "Ivan Petrov" / "Ivan Sidorov".
SURE_SHARE = 0.6
MIN_SIMILARITY = 80.0
_UNITS = 1000  # weight units per 1.0 of token weight
_TOKENS = 1024  # packing: entry = name position * _TOKENS + token position

IntArray = np.ndarray[Any, np.dtype[np.int64]]


def coverage_keys(form: NameForm) -> list[set[str]]:
    """`token_keys` plus, for tokens of four letters or more, the token without its first
    letter: a typo in the first letter ("Hertler" for "Gertler") keeps no other key."""
    groups = token_keys(form)
    for token, keys in zip(form.tokens, groups, strict=True):
        if len(token.text) >= 4:
            keys.update(("x:" + token.text, "x:" + token.text[1:]))
    return groups


def _units(weight: float) -> int:
    return max(1, round(weight * _UNITS))


def _needed(total: int, share: float) -> int:
    """Least covered weight (units) a name of `total` units needs at `share`."""
    least = -(-total * round(share * _UNITS) // _UNITS)  # ceil(share * total)
    return max(least, min(total, round(MIN_WEIGHT * _UNITS)))


def _alike(query_text: str, listed_text: str) -> bool:
    return bool(fuzz.token_sort_ratio(query_text, listed_text) >= MIN_SIMILARITY)


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
            for number, keys in enumerate(coverage_keys(form)[:_TOKENS]):
                for key in keys:
                    postings[key].append(position * _TOKENS + number)
        self.size = len(forms)
        self.postings = {k: np.asarray(v, dtype=np.int64) for k, v in postings.items()}
        self.weights = np.asarray(weights, dtype=np.int64)
        self.offsets = np.asarray(offsets, dtype=np.int64)
        self.loose = np.asarray([_needed(t, MIN_SHARE) for t in totals], dtype=np.int64)
        self.sure = np.asarray([_needed(t, SURE_SHARE) for t in totals], dtype=np.int64)
        self.texts = [form.text for form in forms]

    def __len__(self) -> int:
        return self.size

    def covering(self, form: NameForm) -> IntArray:
        """Positions of indexed names n that `form` (a query name) is a candidate for."""
        tokens = form.tokens[:_TOKENS]
        total = sum(_units(t.weight) for t in tokens)
        parts: list[IntArray] = []
        part_weights: list[IntArray] = []
        for token, keys in zip(tokens, coverage_keys(form)[:_TOKENS], strict=True):
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
        sure = names[covered >= _needed(total, SURE_SHARE)]
        maybe = names[
            (covered >= _needed(total, MIN_SHARE)) & (covered < _needed(total, SURE_SHARE))
        ]
        text = form.text
        alike = [n for n in maybe.tolist() if _alike(text, self.texts[n])]
        return np.union1d(sure, np.asarray(alike, dtype=np.int64))

    def covered_by(self, form: NameForm) -> IntArray:
        """Positions of indexed names q (query names) that are candidates for `form` (a
        listed name): the same rule as `covering`, seen from the other side."""
        found = [self.postings[k] for k in set().union(*coverage_keys(form)) if k in self.postings]
        if not found:
            return np.empty(0, dtype=np.int64)
        entries = np.unique(np.concatenate(found))
        names = entries // _TOKENS
        tokens = entries % _TOKENS
        weights = self.weights[self.offsets[names] + tokens]
        unique, inverse = np.unique(names, return_inverse=True)
        covered = np.bincount(inverse, weights=weights).astype(np.int64)
        sure = unique[covered >= self.sure[unique]]
        maybe = unique[(covered >= self.loose[unique]) & (covered < self.sure[unique])]
        text = form.text
        alike = [q for q in maybe.tolist() if _alike(self.texts[q], text)]
        return np.union1d(sure, np.asarray(alike, dtype=np.int64))
