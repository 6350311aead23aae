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

PREFIX_LENGTH = 4
# Keys posted under more than this share of all names only count when nothing rarer matched.
COMMON_KEY_SHARE = 0.02


@dataclass(frozen=True, slots=True)
class IndexedName:
    entity: int  # position in NameIndex.entities
    form: NameForm
    kind: NameKind


def name_keys(form: NameForm) -> set[str]:
    """The retrieval keys of one analysed name."""
    tokens = form.tokens
    keys: set[str] = set()
    for token in tokens:
        keys.add("t:" + token.text)
        if len(token.skeleton) >= 2:
            keys.add("s:" + token.skeleton)
        if token.variant:
            keys.add("v:" + token.variant)
        if len(token.text) > PREFIX_LENGTH:
            keys.add("p:" + token.text[:PREFIX_LENGTH])
    for left, right in zip(tokens, tokens[1:], strict=False):
        keys.add("t:" + left.text + right.text)
        joined_skeleton = left.skeleton + right.skeleton
        if len(joined_skeleton) >= 3:
            keys.add("s:" + joined_skeleton)
    return keys


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
                for key in name_keys(form):
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
        keys: set[str] = set()
        for form in forms:
            keys |= name_keys(form)
        found = [key for key in keys if key in self.postings]
        if not found:
            return {}
        rare = [key for key in found if len(self.postings[key]) <= self.common_limit]
        chosen = rare or sorted(found, key=lambda k: len(self.postings[k]))[:2]
        ids = np.concatenate([self.postings[key] for key in chosen])
        weights = np.concatenate(
            [np.full(len(self.postings[key]), self.idf[key], dtype=np.float32) for key in chosen]
        )
        if allowed is not None:
            keep = allowed[self.name_entity[ids]]
            ids, weights = ids[keep], weights[keep]
            if not len(ids):
                return {}
        unique, inverse = np.unique(ids, return_inverse=True)
        scores = np.bincount(inverse, weights=weights)
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
