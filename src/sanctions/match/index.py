"""Candidate retrieval: which listed names are worth scoring for a query.

Every listed name is analysed once at build time and posted under retrieval keys of each
token (`keys.posting_keys`: its text, consonant skeleton, given-name variant group,
prefix, adjacent tokens joined...). A query looks up its own keys; names sharing rare keys
rank first (keys are weighed by inverse frequency; keys posted under a large share of all
names are skipped when rarer ones exist).

The index is a handful of flat NumPy arrays (`NameIndex.build`), so it can be written to
one file and mapped back by any number of processes in milliseconds (`save`, `open`):
postings sorted by a 64-bit hash of their key, names and entities as JSON rows in one
byte buffer each, decoded only for the candidates a query actually scores. Schema and list
filters are small code arrays, so a filter is one vectorized comparison.

The index is immutable once built: the screener swaps in a new one when lists change.
"""

from __future__ import annotations

import hashlib
import json
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, overload

import numpy as np

from ..model import Entity, NameKind
from ..text.names import NameForm, Token, TokenKind, analyze_name
from .features import normalize_identifier
from .index_file import IndexFileError, read_arrays, write_arrays
from .keys import lookup_keys, posting_keys

# Keys posted under more than this share of all names only count when nothing rarer matched.
COMMON_KEY_SHARE = 0.02
# Share of the query's (non-common) token weight a listed name must share keys with.
MIN_COVERAGE = 0.5
# Decoded entities kept per process (the rest are decoded again when next needed).
ENTITY_CACHE = 50_000

NAME_KINDS = tuple(NameKind)
TOKEN_KINDS = tuple(TokenKind)
_TOKEN_KIND_CODE = {kind: code for code, kind in enumerate(TOKEN_KINDS)}

Array = np.ndarray[Any, Any]


@dataclass(frozen=True, slots=True)
class IndexedName:
    entity: int  # position in NameIndex.entities
    form: NameForm
    kind: NameKind


def stable_hash(key: str) -> int:
    """A stable 64-bit hash of a retrieval key (Python's own hash changes per process)."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little")


key_hash = lru_cache(maxsize=500_000)(stable_hash)  # queries repeat keys; builds do not


# -- strings in one buffer --------------------------------------------------------------------
def _pack(strings: Iterable[str]) -> tuple[Array, Array]:
    """Strings as one UTF-8 byte buffer plus offsets (n + 1 of them)."""
    buffer = bytearray()
    offsets = array("q", [0])
    for text in strings:
        buffer += text.encode()
        offsets.append(len(buffer))
    return np.frombuffer(bytes(buffer), dtype=np.uint8), np.asarray(offsets, dtype=np.int64)


class _Strings:
    """Read one packed string at a time."""

    def __init__(self, data: Array, offsets: Array) -> None:
        self.data, self.offsets = data, offsets

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i: int) -> str:
        start, end = self.offsets[i], self.offsets[i + 1]
        return self.data[start:end].tobytes().decode()


# -- analysed names as rows -------------------------------------------------------------------
def encode_form(form: NameForm) -> str:
    tokens = [
        [t.text, t.skeleton, _TOKEN_KIND_CODE[t.kind], t.weight, t.variant] for t in form.tokens
    ]
    row = [form.original, form.script, list(form.removed), tokens, form.family]
    return json.dumps(row, ensure_ascii=False)


_TOKENS: dict[tuple[Any, ...], Token] = {}


def _token(text: str, skel: str, kind: int, weight: float, variant: str | None) -> Token:
    key = (text, skel, kind, weight, variant)
    token = _TOKENS.get(key)
    if token is None:
        if len(_TOKENS) > 500_000:
            _TOKENS.clear()
        token = _TOKENS[key] = Token(text, skel, TOKEN_KINDS[kind], weight, variant)
    return token


def decode_form(row: str) -> NameForm:
    original, script, removed, tokens, family = json.loads(row)
    return NameForm(original, tuple(_token(*t) for t in tokens), script, tuple(removed), family)


class _Builder:
    """Collects names and keys while entities stream in; `arrays` gives the index's arrays."""

    def __init__(self) -> None:
        self.entity_rows: list[str] = []
        self.entity_ids: list[str] = []
        self.schemas: dict[str, int] = {}
        self.sources: dict[str, int] = {}
        self.entity_schema = array("B")
        self.entity_source = array("H")
        self.name_start = array("i", [0])
        self.name_rows: list[str] = []
        self.name_entity = array("i")
        self.name_kind = array("B")
        # Keys are kept only as their 64-bit hashes: no dict of millions of key strings.
        self.posting_hash = array("Q")
        self.posting_name = array("i")
        self.ident_hash = array("Q")
        self.ident_entity = array("i")

    def add(self, entity: Entity) -> None:
        position = len(self.entity_ids)
        self.entity_ids.append(entity.id)
        self.entity_rows.append(json.dumps(entity.to_dict(), ensure_ascii=False))
        self.entity_schema.append(self.schemas.setdefault(entity.schema, len(self.schemas)))
        self.entity_source.append(self.sources.setdefault(entity.source, len(self.sources)))
        for ident in entity.identifiers:
            if number := normalize_identifier(ident.value):
                self.ident_hash.append(key_hash(number))
                self.ident_entity.append(position)
        for name in entity.names:
            form = analyze_name(name.value, entity.schema)
            if not form.tokens:
                continue
            name_id = len(self.name_rows)
            self.name_rows.append(encode_form(form))
            self.name_entity.append(position)
            self.name_kind.append(NAME_KINDS.index(name.kind))
            keys = set().union(*posting_keys(form))
            self.posting_hash.extend(map(stable_hash, keys))
            self.posting_name.extend([name_id] * len(keys))
        self.name_start.append(len(self.name_rows))

    def arrays(self) -> tuple[dict[str, Array], dict[str, Any]]:
        out: dict[str, Array] = {}
        out["entity_data"], out["entity_offsets"] = _pack(self.entity_rows)
        out["id_data"], out["id_offsets"] = _pack(self.entity_ids)
        out["name_data"], out["name_offsets"] = _pack(self.name_rows)
        out["entity_schema"] = np.asarray(self.entity_schema, dtype=np.uint8)
        out["entity_source"] = np.asarray(self.entity_source, dtype=np.uint16)
        out["entity_name_start"] = np.asarray(self.name_start, dtype=np.int32)
        out["name_entity"] = np.asarray(self.name_entity, dtype=np.int32)
        out["name_kind"] = np.asarray(self.name_kind, dtype=np.uint8)
        out["key_hash"], out["key_start"], out["postings"] = _csr(
            self.posting_hash, self.posting_name
        )
        out["ident_hash"], out["ident_start"], out["ident_entities"] = _csr(
            self.ident_hash, self.ident_entity
        )
        meta = {"schemas": list(self.schemas), "sources": list(self.sources)}
        return out, meta


def _csr(hash_of: array[int], value_of: array[int]) -> tuple[Array, ...]:
    """Postings grouped by key hash: sorted unique hashes, start offsets, values."""
    posting_hash = (
        np.frombuffer(hash_of, dtype=np.uint64) if len(hash_of) else np.zeros(0, np.uint64)
    )
    order = np.argsort(posting_hash, kind="stable")  # values stay ascending within a key
    sorted_hash = posting_hash[order]
    unique, starts = np.unique(sorted_hash, return_index=True)
    starts = np.append(starts, len(sorted_hash)).astype(np.int64)
    values = np.asarray(value_of, dtype=np.int32)[order]
    return unique, starts, values


# -- the index --------------------------------------------------------------------------------
class _Entities(Sequence[Entity]):
    """Listed entities, decoded from their rows on first use."""

    def __init__(self, index: NameIndex) -> None:
        self._index = index

    def __len__(self) -> int:
        return len(self._index.entity_schema)

    @overload
    def __getitem__(self, i: int) -> Entity: ...
    @overload
    def __getitem__(self, i: slice) -> list[Entity]: ...
    def __getitem__(self, i: int | slice) -> Entity | list[Entity]:
        if isinstance(i, slice):
            return [self._index.entity(j) for j in range(*i.indices(len(self)))]
        return self._index.entity(i)

    def __iter__(self) -> Iterator[Entity]:
        for i in range(len(self)):
            yield self._index.entity(i)


class _EntityNames(Sequence[list[IndexedName]]):
    def __init__(self, index: NameIndex) -> None:
        self._index = index

    def __len__(self) -> int:
        return len(self._index.entity_schema)

    def __getitem__(self, i: int) -> list[IndexedName]:  # type: ignore[override]
        return self._index.names_of(i)


class _Names(Sequence[IndexedName]):
    def __init__(self, index: NameIndex) -> None:
        self._index = index

    def __len__(self) -> int:
        return len(self._index.name_entity)

    def __getitem__(self, i: int) -> IndexedName:  # type: ignore[override]
        return self._index.name(i)


class _ById(Mapping[str, Entity]):
    """Entities by id, decoded on first use."""

    def __init__(self, index: NameIndex) -> None:
        self._index = index

    def __len__(self) -> int:
        return len(self._index)

    def __getitem__(self, entity_id: str) -> Entity:
        position = self._index.position_of(entity_id)
        if position is None:
            raise KeyError(entity_id)
        return self._index.entity(position)

    def __iter__(self) -> Iterator[str]:
        return (self._index.entity_id(i) for i in range(len(self._index)))


class Identifiers:
    """Normalized identifier -> entity positions (passport, IMO, registration numbers)."""

    def __init__(self, hashes: Array, starts: Array, entities: Array) -> None:
        self.hashes, self.starts, self.entities = hashes, starts, entities

    def get(self, number: str, default: list[int] | None = None) -> list[int]:
        if not number or not len(self.hashes):
            return default if default is not None else []
        wanted = np.uint64(key_hash(number))
        at = int(np.searchsorted(self.hashes, wanted))
        if at >= len(self.hashes) or self.hashes[at] != wanted:
            return default if default is not None else []
        found: list[int] = self.entities[self.starts[at] : self.starts[at + 1]].tolist()
        return found


class NameIndex:
    """Listed entities and their analysed names, with postings for candidate retrieval.

    `NameIndex(entities)` builds one in memory; `save` writes it and `NameIndex.open` maps
    a saved one. Both behave the same.
    """

    def __init__(self, entities: Iterable[Entity] = (), *, meta: dict[str, Any] | None = None):
        builder = _Builder()
        for entity in entities:
            builder.add(entity)
        arrays, index_meta = builder.arrays()
        self._setup(arrays, index_meta | (meta or {}))
        self.path: Path | None = None

    @classmethod
    def open(cls, path: Path, *, verify: bool = True) -> NameIndex:
        """Map a saved index (IndexFileError when it is missing, damaged or of another
        format; the caller rebuilds)."""
        mapped = read_arrays(path, verify=verify)
        index = cls.__new__(cls)
        try:
            index._setup(mapped.arrays, mapped.meta)
        except (KeyError, ValueError, TypeError) as exc:
            raise IndexFileError(f"{path}: incomplete index ({exc})") from exc
        index.path = path
        return index

    def save(self, path: Path, meta: dict[str, Any] | None = None) -> None:
        """Write the index to `path` atomically (write aside, then rename)."""
        write_arrays(path, self._arrays, self.meta | (meta or {}))

    def _setup(self, arrays: dict[str, Array], meta: dict[str, Any]) -> None:
        self._arrays = arrays
        self.meta = meta
        self.schema_names: list[str] = list(meta["schemas"])
        self.source_names: list[str] = list(meta["sources"])
        self._entity_rows = _Strings(arrays["entity_data"], arrays["entity_offsets"])
        self._ids = _Strings(arrays["id_data"], arrays["id_offsets"])
        self._name_rows = _Strings(arrays["name_data"], arrays["name_offsets"])
        self.entity_schema = arrays["entity_schema"]
        self.entity_source = arrays["entity_source"]
        self.entity_name_start = arrays["entity_name_start"]
        self.name_entity = arrays["name_entity"]
        self.name_kind = arrays["name_kind"]
        self.key_hashes, self.key_starts = arrays["key_hash"], arrays["key_start"]
        self.postings = arrays["postings"]
        self.identifiers = Identifiers(
            arrays["ident_hash"], arrays["ident_start"], arrays["ident_entities"]
        )
        sizes = len(self.entity_schema), len(self.name_entity), len(self._entity_rows)
        if sizes[0] != sizes[2] or len(self.entity_name_start) != sizes[0] + 1:
            raise ValueError("entity arrays disagree in length")
        total = max(1, len(self.name_entity))
        self.total_names = total
        self.common_limit = max(50, int(total * COMMON_KEY_SHARE))
        self.entities: Sequence[Entity] = _Entities(self)
        self.entity_names: Sequence[list[IndexedName]] = _EntityNames(self)
        self.names: Sequence[IndexedName] = _Names(self)
        self.by_id: Mapping[str, Entity] = _ById(self)
        self._entity_cache: dict[int, Entity] = {}
        self._names_cache: dict[int, list[IndexedName]] = {}
        self._positions: dict[str, int] | None = None

    def __len__(self) -> int:
        return len(self.entity_schema)

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in self._arrays.values())

    # -- rows ----------------------------------------------------------------------------
    def entity(self, position: int) -> Entity:
        found = self._entity_cache.get(position)
        if found is None:
            if len(self._entity_cache) >= ENTITY_CACHE:
                self._entity_cache.clear()
            found = Entity.from_dict(json.loads(self._entity_rows[position]))
            self._entity_cache[position] = found
        return found

    def entity_id(self, position: int) -> str:
        return self._ids[position]

    def position_of(self, entity_id: str) -> int | None:
        if self._positions is None:
            self._positions = {self._ids[i]: i for i in range(len(self))}
        return self._positions.get(entity_id)

    def name(self, name_id: int) -> IndexedName:
        entity = int(self.name_entity[name_id])
        first = int(self.entity_name_start[entity])
        return self.names_of(entity)[name_id - first]

    def names_of(self, position: int) -> list[IndexedName]:
        found = self._names_cache.get(position)
        if found is None:
            start, end = self.entity_name_start[position], self.entity_name_start[position + 1]
            found = [
                IndexedName(
                    position, decode_form(self._name_rows[i]), NAME_KINDS[self.name_kind[i]]
                )
                for i in range(start, end)
            ]
            self._names_cache[position] = found
        return found

    # -- filters -------------------------------------------------------------------------
    def entity_mask(self, schemas: Iterable[str] | None, sources: Iterable[str] | None) -> Array:
        """Which entity positions have one of `schemas` and come from one of `sources`
        (None: any)."""
        mask = np.ones(len(self), dtype=bool)
        if schemas is not None:
            wanted = set(schemas)
            codes = [i for i, name in enumerate(self.schema_names) if name in wanted]
            mask &= np.isin(self.entity_schema, codes)
        if sources is not None:
            wanted = set(sources)
            codes = [i for i, name in enumerate(self.source_names) if name in wanted]
            mask &= np.isin(self.entity_source, codes)
        return mask

    # -- retrieval -----------------------------------------------------------------------
    def _lookup(self, keys: list[str]) -> list[tuple[int, int]]:
        """(start, end) of each key's postings; (0, 0) when the key is not posted."""
        if not keys or not len(self.key_hashes):
            return [(0, 0)] * len(keys)
        wanted = np.fromiter((key_hash(k) for k in keys), dtype=np.uint64, count=len(keys))
        at = np.searchsorted(self.key_hashes, wanted)
        at[at >= len(self.key_hashes)] = 0
        found = self.key_hashes[at] == wanted
        starts, ends = self.key_starts[at], self.key_starts[at + 1]
        return [
            (int(s), int(e)) if hit else (0, 0)
            for s, e, hit in zip(starts.tolist(), ends.tolist(), found.tolist(), strict=True)
        ]

    def candidates(
        self, forms: list[NameForm], limit: int, allowed: Array | None = None
    ) -> dict[int, list[IndexedName]]:
        """Up to `limit` listed names sharing the rarest keys with `forms`, by entity position.

        `allowed` is an optional boolean array over entity positions (schema and list filters).
        Entities come in rank order (dicts keep insertion order).
        """
        # A listed name must share keys with tokens carrying at least MIN_COVERAGE of the
        # query's weight. Tokens whose every key is common ("mohammed") are left out of that
        # count and of the lookup, which keeps common names cheap; when every token is
        # common, the two rarest keys decide. All keys' postings go through one
        # concatenation and one `np.unique`, whatever the number of tokens.
        groups: list[tuple[float, list[str]]] = []
        flat: list[str] = []
        for form in forms:
            for token, token_keys in zip(form.tokens, lookup_keys(form), strict=True):
                ordered = sorted(token_keys)
                groups.append((token.weight, ordered))
                flat.extend(ordered)
        spans = dict(zip(flat, self._lookup(flat), strict=True))
        postings, total_names = self.postings, self.total_names
        slices: list[Array] = []  # postings of every rare key, token by token
        key_token: list[int] = []  # which token (group) each slice is for
        token_weights: list[float] = []
        fallback: dict[str, tuple[int, int]] = {}
        for weight, keys in groups:
            present = [(k, spans[k]) for k in keys if spans[k][1] > spans[k][0]]
            fallback.update(present)
            rare = [s for _, s in present if s[1] - s[0] <= self.common_limit]
            if not rare:
                continue
            key_token.extend([len(token_weights)] * len(rare))
            token_weights.append(weight)
            slices.extend(postings[s:e] for s, e in rare)
        if not slices:
            if not fallback:
                return {}
            chosen = sorted(fallback.items(), key=lambda item: item[1][1] - item[1][0])[:2]
            slices = [postings[s:e] for _, (s, e) in chosen]
            key_token = list(range(len(slices)))
            token_weights = [0.0] * len(slices)  # coverage cannot fail; the ranking decides
        lengths = np.fromiter((len(ids) for ids in slices), dtype=np.int64, count=len(slices))
        rank_ids = np.concatenate(slices).astype(np.int64)
        idf = np.log((total_names + 1) / (lengths + 0.5))
        rank_scores = np.repeat(idf, lengths)
        if token_weights and not any(token_weights):
            # Fallback: each of the two rarest keys counts as its own token, weighed by idf.
            weights_of_token = idf
            total = 0.0
        else:
            weights_of_token = np.asarray(token_weights, dtype=np.float32).astype(np.float64)
            total = float(sum(token_weights))
        tokens_of_id = np.repeat(np.asarray(key_token, dtype=np.int64), lengths)
        # Each token counts once per listed name, however many of its keys that name shares.
        pairs = np.unique(rank_ids * len(weights_of_token) + tokens_of_id)
        pair_ids = pairs // len(weights_of_token)
        unique, inverse = np.unique(pair_ids, return_inverse=True)
        coverage = np.bincount(
            inverse, weights=weights_of_token[pairs % len(weights_of_token)], minlength=len(unique)
        )
        keep = coverage >= MIN_COVERAGE * total - 1e-9
        if allowed is not None:
            keep &= allowed[self.name_entity[unique]]
        unique, coverage = unique[keep], coverage[keep]
        if not len(unique):
            return {}
        # Rank by coverage, then by how rare the shared keys are.
        position = np.searchsorted(unique, rank_ids)
        position[position >= len(unique)] = 0
        hit = unique[position] == rank_ids
        rarity = np.bincount(position[hit], weights=rank_scores[hit], minlength=len(unique))
        scores = coverage * 1000.0 + rarity
        if len(unique) > limit:
            top = np.argpartition(-scores, limit - 1)[:limit]
            top = top[np.argsort(-scores[top], kind="stable")]
        else:
            top = np.argsort(-scores, kind="stable")
        grouped: dict[int, list[IndexedName]] = {}
        for name_id in unique[top].tolist():
            name = self.name(name_id)
            grouped.setdefault(name.entity, []).append(name)
        return grouped
