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
    reverse  the customers' `query_keys` and `thresholds` are stored with each revision
             (`store/customers.py`); a changed listed name's keys find the query tokens
             sharing them, summed per query name and held against the same thresholds

The rule is one function of (q, n), whichever side is indexed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np
from rapidfuzz import fuzz

from ..text.names import NameForm
from .keys import token_keys

# Query tokens sharing keys must carry at least this share of the query's weight, and at
# least the weight of one full name token (or all of the query's): a shared common given
# name ("john", "mohammed"), a legal form or a generic word alone never makes a candidate.
MIN_SHARE = 0.5
MIN_WEIGHT = 1.0
# Between MIN_SHARE and SURE_SHARE the names must also read alike as wholes (token-sorted
# similarity, 0-100), which keeps "Lucien Nzambamwita" / "NZABAMWITA, Lucien" and drops
# "Ivan Petrov" / "Ivan Sidorov".
SURE_SHARE = 0.6
MIN_SIMILARITY = 80.0  # store/customers.py covered_names assumes 80
_UNITS = 1000  # weight units per 1.0 of token weight
_TOKENS = 1024  # tokens of a name that count (names are at most 500 characters anyway)

IntArray = np.ndarray[Any, np.dtype[np.int64]]


def coverage_keys(form: NameForm) -> list[set[str]]:
    """`token_keys` plus, for tokens of four letters or more, the token without its first
    letter: a typo in the first letter ("Hertler" for "Gertler") keeps no other key."""
    groups = token_keys(form)
    for token, keys in zip(form.tokens, groups, strict=True):
        if len(token.text) >= 4:
            keys.update(("x:" + token.text, "x:" + token.text[1:]))
    return groups


def units(weight: float) -> int:
    """A token weight in integer units."""
    return max(1, round(weight * _UNITS))


def _needed(total: int, share: float) -> int:
    """Least covered weight (units) a name of `total` units needs at `share`."""
    least = -(-total * round(share * _UNITS) // _UNITS)  # ceil(share * total)
    return max(least, min(total, round(MIN_WEIGHT * _UNITS)))


def thresholds(total: int) -> tuple[int, int]:
    """For a query name of `total` units: the covered units it needs to be a candidate if
    the names are `alike` (loose), and to be one whatever the texts (sure)."""
    return _needed(total, MIN_SHARE), _needed(total, SURE_SHARE)


def band(covered: int, total: int) -> bool | None:
    """The rule on weights alone: True (a candidate), False (not), None (only when the
    names are `alike`). `covered` of the query name's `total` units share keys."""
    loose, sure = thresholds(total)
    if covered >= sure:
        return True
    if covered < loose:
        return False
    return None


def alike(query_text: str, listed_text: str) -> bool:
    """The analysed names' texts (`NameForm.text`) read alike as wholes. (Never true when
    5 * |len(a) - len(b)| > len(a) + len(b): the reverse index filters on that.)"""
    return bool(fuzz.token_sort_ratio(query_text, listed_text) >= MIN_SIMILARITY)


def passes(covered: int, total: int, query_text: str, listed_text: str) -> bool:
    """The whole rule for one (query name, listed name) pair."""
    verdict = band(covered, total)
    return alike(query_text, listed_text) if verdict is None else verdict


def query_keys(form: NameForm) -> tuple[int, list[tuple[str, int, int]]]:
    """A query name's total weight units and its (key, token number, token units) rows."""
    tokens = form.tokens[:_TOKENS]
    rows: list[tuple[str, int, int]] = []
    for number, (token, keys) in enumerate(zip(tokens, coverage_keys(form), strict=False)):
        weight = units(token.weight)
        rows.extend((key, number, weight) for key in sorted(keys))
    return sum(units(t.weight) for t in tokens), rows


def listed_keys(form: NameForm) -> set[str]:
    """Every key of a listed name: a query token sharing any of them counts as covered."""
    return set().union(*coverage_keys(form)) if form.tokens else set()


class CoverageIndex:
    """Postings of name positions per retrieval key over a fixed list of analysed (listed)
    names, for the forward direction."""

    def __init__(self, forms: Sequence[NameForm]) -> None:
        postings: dict[str, list[int]] = defaultdict(list)
        for position, form in enumerate(forms):
            for key in listed_keys(form):
                postings[key].append(position)
        self.size = len(forms)
        self.postings = {k: np.asarray(v, dtype=np.int64) for k, v in postings.items()}
        self.texts = [form.text for form in forms]

    def __len__(self) -> int:
        return self.size

    def covering(self, form: NameForm) -> IntArray:
        """Positions of indexed names n that `form` (a query name) is a candidate for."""
        total, _ = query_keys(form)
        parts: list[IntArray] = []
        part_weights: list[IntArray] = []
        for token, keys in zip(form.tokens[:_TOKENS], coverage_keys(form), strict=False):
            found = [self.postings[k] for k in keys if k in self.postings]
            if not found:
                continue
            names = np.unique(np.concatenate(found))
            parts.append(names)
            part_weights.append(np.full(len(names), units(token.weight), dtype=np.int64))
        if not parts:
            return np.empty(0, dtype=np.int64)
        names, inverse = np.unique(np.concatenate(parts), return_inverse=True)
        covered = np.bincount(inverse, weights=np.concatenate(part_weights)).astype(np.int64)
        # Below the loose share nothing passes; test the rest one by one (few, and cheap).
        keep = names[covered >= _needed(total, MIN_SHARE)]
        kept = covered[covered >= _needed(total, MIN_SHARE)]
        text = form.text
        chosen = [
            n
            for n, c in zip(keep.tolist(), kept.tolist(), strict=True)
            if passes(c, total, text, self.texts[n])
        ]
        return np.asarray(chosen, dtype=np.int64)
