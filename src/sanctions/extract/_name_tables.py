"""What the prose name finder looks for, built once per index: the automata and postings.

Every listed name but weak aliases is read once from the index (its analysed tokens, the
same the scorer compares). Its *distinctive* tokens (`distinctive`) are posted under their
text, under their consonant skeleton (so a transliteration variant of every token still
finds the name) and, for adjacent tokens, under the two written as one ("Abdulrahman").
Two Aho–Corasick automata (pyahocorasick) hold those keys, one over token texts and one over
skeletons; a prose text is searched in one pass of each. Vessel names are not posted: they
are only looked for next to vessel context ("M/V", "IMO", "the tanker"; `vessel_context`).

Postings are stored compressed (one flat array of name ids, offsets per key), so OFAC + UN
costs about 8 MiB (measured by benchmarks/scan_text.py).
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import threading
import weakref
from array import array
from collections import defaultdict
from dataclasses import dataclass
from enum import IntEnum, IntFlag
from functools import cache
from pathlib import Path
from typing import Any

import ahocorasick  # type: ignore[import-not-found, unused-ignore]
import numpy as np

from ..match.index import NameIndex
from ..model import NameKind
from ..text.names import PERSON_SCHEMAS, VESSEL_SCHEMAS, Token, TokenKind
from ..text.phonetic import skeleton
from ..text.resources import load_resource
from ._common_words import common_words

Array = np.ndarray[Any, Any]

# Shortest token (letters) that can make a name distinctive; shorter ones only support.
MIN_DISTINCTIVE = 3
# Shortest token whose skeleton is a key, and shortest such skeleton.
MIN_SKELETON_TOKEN = 4
MIN_SKELETON = 3
# Shortest number (digits) that is distinctive in a non-person name ("RA-86496").
MIN_DISTINCTIVE_NUMBER = 4
# Shortest two-token join posted as one key ("abdul" + "rahman"), and longest first part of a
# join of two name words (longer ones are not written as one word: "ramirezgarcia").
MIN_JOINED = 6
MAX_JOINED_HEAD = 5
# Words that announce a ship's name before it (and "IMO", which may also follow it).
IMO = "imo"


class NameClass(IntEnum):
    SKIP = 0  # a weak alias, a name of another list, a name with nothing distinctive
    PERSON = 1
    ORGANIZATION = 2  # organisations, companies, legal entities and aircraft
    VESSEL = 3


@cache
def vessel_context() -> tuple[str, ...]:
    """Latinized words announcing a vessel: the ship prefixes of resources/vessels.yml and IMO."""
    return (*load_resource("vessels")["prefixes"], IMO)


def dictionary_words() -> set[str]:
    """English dictionary words: symspellpy's frequency dictionary (Google Books n-grams
    intersected with SCOWL, 82,765 words). Read once per build, not kept."""
    spec = importlib.util.find_spec("symspellpy")
    assert spec is not None and spec.submodule_search_locations is not None
    path = Path(spec.submodule_search_locations[0]) / "frequency_dictionary_en_82_765.txt"
    with path.open(encoding="utf-8") as lines:
        return {line.split(" ", 1)[0] for line in lines}


def given_names() -> set[str]:
    """Given names: Faker's first names of every locale, those written in ASCII."""
    import faker.providers.person as people

    names: set[str] = set()
    for found in pkgutil.iter_modules(people.__path__):
        provider = importlib.import_module(f"{people.__name__}.{found.name}").Provider
        for attribute in ("first_names", "first_names_male", "first_names_female"):
            listed = vars(provider).get(attribute)
            if isinstance(listed, list | tuple | dict):
                names.update(n.lower() for n in listed if n.isascii() and n.isalpha())
    return names


class Plain(IntFlag):
    """What an organisation's only distinctive token also is, beyond a name."""

    WORD = 1  # an English dictionary word ("Rust", "Planar")
    GIVEN_NAME = 2  # someone's first name ("Markus", "Nico")


@cache
def common_skeletons() -> frozenset[str]:
    """Skeletons of common words: a token with one of these is no skeleton key (keeps the
    skeleton automaton from firing on "homes" for HAMAS)."""
    return frozenset(skeleton(word) for word in common_words())


def distinctive(token: Token, person: bool) -> bool:
    """A token that can make a listed name distinctive in prose: a name word of three letters
    or more that is not a common English word (`_common_words.py`), or, outside person names,
    a number of four digits or more."""
    if token.kind is TokenKind.NAME:
        return len(token.text) >= MIN_DISTINCTIVE and token.text not in common_words()
    if token.kind is TokenKind.NUMBER and not person:
        return len(token.text) >= MIN_DISTINCTIVE_NUMBER and token.text.isdigit()
    return False


def name_class(schema: str) -> NameClass:
    if schema in PERSON_SCHEMAS:
        return NameClass.PERSON
    if schema in VESSEL_SCHEMAS:
        return NameClass.VESSEL
    return NameClass.ORGANIZATION


def _solo(cls: NameClass, tokens: tuple[Token, ...], marks: list[bool]) -> bool:
    """Whether one distinctive token in the text can be enough to look the name up: a person
    with a second name word that is no key (a common word such as "Said", a short one such
    as "Ri"), or an organisation with one distinctive token."""
    if cls is NameClass.PERSON:
        names = [t for t in tokens if t.kind is TokenKind.NAME]
        return len(names) >= 2 and any(
            not mark and t.kind is TokenKind.NAME for t, mark in zip(tokens, marks, strict=True)
        )
    return sum(marks) == 1


@dataclass(frozen=True, slots=True)
class _Postings:
    """Name ids per key: `ids[starts[k]:starts[k + 1]]`."""

    ids: Array
    starts: Array

    def __call__(self, key: int) -> Array:
        return self.ids[self.starts[key] : self.starts[key + 1]]

    @classmethod
    def pack(cls, lists: list[array[int]]) -> _Postings:
        unique = [np.unique(np.asarray(found, dtype=np.int32)) for found in lists]
        starts = np.zeros(len(unique) + 1, dtype=np.int64)
        np.cumsum([len(ids) for ids in unique], out=starts[1:])
        ids = np.concatenate(unique) if unique else np.zeros(0, dtype=np.int32)
        return cls(ids.astype(np.int32), starts)


class NameTables:
    """The automata and postings of one index (limited to `sources`, None: every list).

    `texts` finds key tokens in the space-joined token text (" dan gertler "), `skeletons`
    in the space-joined skeletons; both give key ids. `postings(key)` are the names a key is
    posted for, `solos(key)` those of them that one key in the text can make eligible.
    `context` finds vessel context words; `vessels` maps a token to the vessel names holding it.
    """

    def __init__(self, index: NameIndex, sources: frozenset[str] | None = None) -> None:
        # Weakly: the tables are the value of a WeakKeyDictionary keyed by this index, and a
        # strong reference back would keep every swapped-out index alive.
        self._index = weakref.ref(index)
        self.classes = np.zeros(index.total_names, dtype=np.uint8)
        keys: dict[str, int] = {}
        skeleton_keys: dict[str, int] = {}
        posted: list[array[int]] = []
        solo: list[array[int]] = []
        vessels: defaultdict[str, array[int]] = defaultdict(lambda: array("i"))
        allowed = None if sources is None else index.entity_mask(None, sorted(sources))
        one_key: dict[int, str] = {}  # organisation name id -> its only distinctive token

        def post(table: dict[str, int], key: str, name_id: int, alone: bool) -> None:
            if key not in table:
                table[key] = len(posted)
                posted.append(array("i"))
                solo.append(array("i"))
            posted[table[key]].append(name_id)
            if alone:
                solo[table[key]].append(name_id)

        for position in range(len(index)):
            if allowed is not None and not allowed[position]:
                continue
            cls = name_class(index.schema_names[index.entity_schema[position]])
            first = int(index.entity_name_start[position])
            for offset, name in enumerate(index.names_of(position)):
                if name.kind is NameKind.WEAK:
                    continue  # a weak alias never alerts on its own
                name_id, tokens = first + offset, name.form.tokens
                if cls is NameClass.VESSEL:
                    self.classes[name_id] = cls
                    for token in tokens:
                        if token.kind in (TokenKind.NAME, TokenKind.NUMBER):
                            vessels[token.text].append(name_id)
                    continue
                marks = [distinctive(t, cls is NameClass.PERSON) for t in tokens]
                if not any(marks):
                    continue
                self.classes[name_id] = cls
                alone = _solo(cls, tokens, marks)
                if cls is NameClass.ORGANIZATION and sum(marks) == 1:
                    one_key[name_id] = next(t.text for t, m in zip(tokens, marks, strict=True) if m)
                for token, mark in zip(tokens, marks, strict=True):
                    if not mark:
                        continue
                    post(keys, f" {token.text} ", name_id, alone)
                    if self._skeleton_key(token, cls, sum(marks)):
                        post(skeleton_keys, f" {token.skeleton} ", name_id, alone)
                for joined in _joins(tokens, marks, cls is NameClass.PERSON):
                    post(keys, f" {joined} ", name_id, alone)
        # One-key organisation names whose key is also a plain word or a given name.
        self.plain = np.zeros(index.total_names, dtype=np.uint8)
        if one_key:
            for flag, words in (
                (Plain.WORD, dictionary_words()),
                (Plain.GIVEN_NAME, given_names()),
            ):
                self.plain[[n for n, key in one_key.items() if key in words]] |= np.uint8(flag)
        self.postings = _Postings.pack(posted)
        self.solos = _Postings.pack(solo)
        self.vessels = {
            token: np.unique(np.asarray(ids, dtype=np.int32)) for token, ids in vessels.items()
        }
        self.texts = _automaton(keys)
        self.skeletons = _automaton(skeleton_keys)
        self.context = _automaton({f" {word} ": int(word == IMO) for word in vessel_context()})
        self.key_count = len(posted)

    @property
    def index(self) -> NameIndex:
        index = self._index()
        if index is None:  # only a caller that let go of its screener gets here
            raise RuntimeError("the index these name tables were built from is gone")
        return index

    @staticmethod
    def _skeleton_key(token: Token, cls: NameClass, distinctive_count: int) -> bool:
        """A skeleton is a key only where a variant spelling can alert: persons, and names
        with two distinctive tokens or more (a one-token name must be written exactly)."""
        if cls is not NameClass.PERSON and distinctive_count < 2:
            return False
        if token.kind is not TokenKind.NAME or len(token.text) < MIN_SKELETON_TOKEN:
            return False
        return len(token.skeleton) >= MIN_SKELETON and token.skeleton not in common_skeletons()

    @property
    def nbytes(self) -> int:
        """Bytes held by the automata and postings (not the index's own cached names)."""
        sizes = [self.postings.ids, self.postings.starts, self.solos.ids, self.solos.starts]
        sizes += [self.classes, self.plain]
        arrays = sum(a.nbytes for a in sizes) + sum(a.nbytes for a in self.vessels.values())
        automata = self.texts.get_stats()["total_size"] + self.skeletons.get_stats()["total_size"]
        return int(arrays + automata)


def _joins(tokens: tuple[Token, ...], marks: list[bool], person: bool) -> list[str]:
    """Adjacent tokens prose writes as one word: a particle and the next token ("Alsaud",
    "Abuali"), and in person names a short first part ("Abdulrahman", "Abdelkarim")."""
    out = []
    for i in range(len(tokens) - 1):
        left, right = tokens[i], tokens[i + 1]
        if not (marks[i] or marks[i + 1]) or right.kind is not TokenKind.NAME:
            continue
        short = person and left.kind is TokenKind.NAME and len(left.text) <= MAX_JOINED_HEAD
        joined = left.text + right.text
        if (left.kind is TokenKind.PARTICLE or short) and len(joined) >= MIN_JOINED:
            out.append(joined)
    return out


def _automaton(keys: dict[str, int]) -> Any:
    automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    for key, key_id in keys.items():
        automaton.add_word(key, key_id)
    if len(automaton):
        automaton.make_automaton()
    return automaton


_BUILT: weakref.WeakKeyDictionary[NameIndex, dict[frozenset[str] | None, NameTables]] = (
    weakref.WeakKeyDictionary()
)
_LOCK = threading.Lock()


def tables_for(index: NameIndex, sources: frozenset[str] | None = None) -> NameTables:
    """The tables of `index`, built on first use and kept as long as the index lives."""
    with _LOCK:
        by_sources = _BUILT.setdefault(index, {})
        if sources not in by_sources:
            by_sources[sources] = NameTables(index, sources)
        return by_sources[sources]
