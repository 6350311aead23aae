"""Names as the matcher sees them: latinized tokens with a kind, a skeleton and a weight.

Person names lose honorifics ("Sheikh", "Dr", "General"); organization names have their legal
forms rewritten to generic forms (text/legal_forms.py: ООО / OOO / Limited Liability Company
-> "llc") and weighed lightly, not dropped. Particles ("al", "bin", "van") are canonicalized
("ibn" -> "bin") and weighed lightly. Given names with many romanizations carry their
variant group ("Yevgeny" and "Evgeniy" -> "yevgeny").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache

from rapidfuzz.distance import OSA

from .latinize import latinize, script_of
from .legal_forms import replace_legal_forms
from .phonetic import skeleton
from .resources import honorifics, load_resource, name_variants, particles

PERSON_SCHEMAS = frozenset({"Person"})
VESSEL_SCHEMAS = frozenset({"Vessel"})
ORG_SCHEMAS = frozenset({"Organization", "Company", "LegalEntity", "PublicBody"})


class TokenKind(StrEnum):
    NAME = "name"
    PARTICLE = "particle"
    LEGAL_FORM = "legal_form"
    GENERIC = "generic"
    NUMBER = "number"
    INITIAL = "initial"


# How much a token of each kind counts towards a name's identity.
WEIGHTS = {
    TokenKind.NAME: 1.0,
    TokenKind.PARTICLE: 0.2,
    TokenKind.LEGAL_FORM: 0.2,
    TokenKind.GENERIC: 0.4,
    TokenKind.NUMBER: 1.0,
    TokenKind.INITIAL: 0.4,
}
COMMON_NAME_WEIGHT = 0.6
# Scripts that do not write short vowels: their tokens are compared by skeleton.
ABJADS = frozenset({"arabic", "hebrew"})


class Token:
    """One latinized name token. Tokens are interned by `make_token`, compared by `key`."""

    __slots__ = ("text", "skeleton", "kind", "weight", "variant", "key")

    def __init__(
        self, text: str, skeleton: str, kind: TokenKind, weight: float, variant: str | None = None
    ) -> None:
        self.text = text
        self.skeleton = skeleton
        self.kind = kind
        self.weight = weight
        self.variant = variant  # canonical spelling of the given-name group, if any
        self.key = f"{kind.value}:{text}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Token) and self.key == other.key

    def __hash__(self) -> int:
        return hash(self.key)

    def __repr__(self) -> str:
        return f"Token({self.text!r}, {self.kind.value})"


@dataclass(frozen=True, slots=True)
class NameForm:
    original: str
    tokens: tuple[Token, ...]
    script: str
    removed: tuple[str, ...] = ()  # honorifics taken out
    family: int = 0  # leading tokens that are the family name ("FAMILY, Given"), 0: unknown

    @property
    def abjad(self) -> bool:
        return self.script in ABJADS

    @property
    def text(self) -> str:
        return " ".join(t.text for t in self.tokens)


@cache
def _org_words() -> tuple[frozenset[str], frozenset[str]]:
    table = load_resource("org_words")
    return frozenset(table["legal_forms"]), frozenset(table["generic"])


@cache
def syllables() -> frozenset[str]:
    """Romanized Chinese and Korean name syllables (resources/syllables.yml)."""
    return frozenset(load_resource("syllables")["syllables"])


@cache
def _common_names() -> frozenset[str]:
    return frozenset(load_resource("name_variants")["common"])


# A number in figures, or an ordinal in figures ("7th"): ordinals stay apart from cardinals,
# so "Seven" does not pass for "7TH".
_NUMBER = re.compile(r"\d+(st|nd|rd|th)?")


@lru_cache(maxsize=500_000)
def make_token(text: str, organization: bool, initial: bool = False) -> Token:
    legal_forms, generic = _org_words()
    variant = name_variants().get(text)
    if initial and len(text) == 1:
        kind, variant = TokenKind.INITIAL, None  # "E." is an initial, not the particle "e"
    elif _NUMBER.fullmatch(text):
        kind = TokenKind.NUMBER
    elif text in particles():
        kind = TokenKind.PARTICLE
        variant = particles()[text]  # "ibn" and "bin" compare as variants of one particle
    elif organization and text in legal_forms:
        kind = TokenKind.LEGAL_FORM
    elif organization and text in generic:
        kind = TokenKind.GENERIC
    elif organization and text in _spelled_out():
        kind = TokenKind.LEGAL_FORM  # a legal form's word the table could not read in this order
    elif len(text) == 1:
        kind = TokenKind.INITIAL
    else:
        kind = TokenKind.NAME
    weight = WEIGHTS[kind]
    if kind is TokenKind.NAME and variant in _common_names():
        weight = COMMON_NAME_WEIGHT
    return Token(text, skeleton(text), kind, weight, variant)


def _strip_honorifics(words: list[str]) -> tuple[list[str], list[str]]:
    titles = honorifics()
    kept: list[str] = []
    removed: list[str] = []
    i = 0
    while i < len(words):
        pair = " ".join(words[i : i + 2])
        if i + 1 < len(words) and pair in titles:
            removed.append(pair)
            i += 2
        elif words[i] in titles:
            removed.append(words[i])
            i += 1
        else:
            kept.append(words[i])
            i += 1
    if not kept:  # a name that is only a title ("General") keeps it
        return words, []
    return kept, removed


@cache
def _number_words() -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    table = load_resource("numbers")
    return table["units"], table["tens"], table["ordinals"]


def _ordinal(value: int) -> str:
    """7 -> "7th", 21 -> "21st"."""
    if value % 100 in (11, 12, 13):
        return f"{value}th"
    return f"{value}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(value % 10, 'th') }"


_ORDINAL_FIGURES = re.compile(r"(\d+)(st|nd|rd|th)")


def _read_numbers(words: list[str]) -> list[str]:
    """Number words as figures: "forty four" -> "44", "first" and "1ST" -> "1st"."""
    units, tens, ordinals = _number_words()
    out: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word in tens:
            value = tens[word]
            if i + 1 < len(words) and words[i + 1] in units and units[words[i + 1]] < 10:
                value += units[words[i + 1]]
                i += 1
            out.append(str(value))
        elif word in units:
            out.append(str(units[word]))
        elif word in ordinals:
            out.append(_ordinal(ordinals[word]))
        elif found := _ORDINAL_FIGURES.fullmatch(word):
            out.append(_ordinal(int(found.group(1))))
        else:
            out.append(word)
        i += 1
    return out


def _join_initials(words: list[str]) -> list[str]:
    """Runs of single letters in organization names are one token: "A.B.C." -> "abc"."""
    out: list[str] = []
    run: list[str] = []
    for word in [*words, ""]:
        if len(word) == 1 and word.isalpha():
            run.append(word)
            continue
        if len(run) >= 2:
            out.append("".join(run))
        else:
            out.extend(run)
        run = []
        if word:
            out.append(word)
    return out


@cache
def _vessel_prefixes() -> frozenset[str]:
    return frozenset(load_resource("vessels")["prefixes"])


def _strip_vessel_prefix(words: list[str]) -> tuple[list[str], list[str]]:
    """ "mv aqua" -> (["aqua"], ["mv"]): the ship prefix in front of a vessel's name."""
    prefixes = _vessel_prefixes()
    for size in (2, 1):
        head = " ".join(words[:size])
        if len(words) > size and head in prefixes:
            return words[size:], [head]
    return words, []


@cache
def _spelled_out() -> tuple[str, ...]:
    return tuple(load_resource("legal_words")["spelled_out"])


@lru_cache(maxsize=100_000)
def _legal_word(word: str) -> str:
    """The spelled-out legal-form word `word` is one slip from, or the start of ("LIMIT.",
    "COMP"), else `word` itself."""
    if len(word) < 4 or not word.isalpha():
        return word
    words = _spelled_out()
    if word in words:
        return word
    started = [w for w in words if w.startswith(word)]
    if started:
        return min(started, key=len)
    if len(word) < 5:
        return word
    close = [w for w in words if abs(len(w) - len(word)) <= 1 and OSA.distance(w, word) <= 1]
    return close[0] if len(close) == 1 else word


@lru_cache(maxsize=100_000)
@cache
def _run_in_forms() -> tuple[tuple[str, ...], tuple[str, ...]]:
    table = load_resource("legal_words")
    by_length = sorted(table["run_in_suffixes"], key=len, reverse=True)  # "ltda" before "ltd"
    return tuple(by_length), tuple(table["run_in_prefixes"])


def _split_legal_word(word: str) -> tuple[str, ...]:
    """A legal form run into a name word: spelled out ("companyforum", "hongkonglimited") or
    abbreviated ("estategmbh", "ooovektor")."""
    if len(word) < 6 or not word.isalpha():
        return (word,)
    suffixes, prefixes = _run_in_forms()
    for legal in suffixes:
        if word.endswith(legal) and len(word) - len(legal) >= 3:
            return (word[: -len(legal)], legal)
    for legal in prefixes:
        if word.startswith(legal) and len(word) - len(legal) >= 3:
            return (legal, word[len(legal) :])
    if len(word) < 9:
        return (word,)
    for legal in _spelled_out():
        if len(legal) < 7 or len(word) - len(legal) < 3:
            continue
        if word.startswith(legal):
            return (legal, word[len(legal) :])
        if word.endswith(legal):
            return (word[: -len(legal)], legal)
    return (word,)


def _correct_legal_words(text: str) -> str:
    """Typing slips in spelled-out legal forms (a letter off, cut short, split in two, run
    into the next word), fixed so the legal-form table recognises them."""
    words = [part for word in text.split() for part in _split_legal_word(word)]
    out: list[str] = []
    i = 0
    while i < len(words):
        if i + 1 < len(words) and (pair := words[i] + words[i + 1]) in _spelled_out():
            out.append(pair)  # "lim ited"
            i += 2
            continue
        out.append(_legal_word(words[i]))
        i += 1
    return " ".join(out)


# Letters and figures run together ("yu8636", "2017ltd") are two words; ordinals stay whole.
_LETTERS_FIGURES = re.compile(r"(?<=[a-z])(?=\d)|(?<=\d)(?!(?:st|nd|rd|th)\b)(?=[a-z])")


# A letter followed by a full stop, on its own ("E. Seyfi", "J.R. Smith").
_DOTTED_LETTER = re.compile(r"(?<![^\W\d_])([^\W\d_])\.")


@lru_cache(maxsize=200_000)
def analyze_name(name: str, schema: str | None = None) -> NameForm:
    """Tokens of one name. `schema` decides person vs organization handling (None: both)."""
    script = script_of(name)
    organization = schema is None or schema not in PERSON_SCHEMAS
    text = _LETTERS_FIGURES.sub(" ", latinize(name))
    if organization and text:
        text = replace_legal_forms(_correct_legal_words(text))
    words = _read_numbers(text.split())
    removed: list[str] = []
    if schema is None or schema in VESSEL_SCHEMAS:
        words, removed = _strip_vessel_prefix(words)
    if schema is None or schema in PERSON_SCHEMAS:
        words, titles = _strip_honorifics(words)
        removed += titles
    if schema in ORG_SCHEMAS:
        words = _join_initials(words)
    dotted = {latinize(m.group(1)) for m in _DOTTED_LETTER.finditer(name)} if "." in name else ()
    tokens = tuple(
        make_token(word, organization, word in dotted or (i == 0 and len(words) > 1))
        for i, word in enumerate(words)
    )
    return NameForm(name, tokens, script, tuple(removed), _family_tokens(name, schema, tokens))


def _family_tokens(name: str, schema: str | None, tokens: tuple[Token, ...]) -> int:
    """How many leading tokens a person's name written "FAMILY, Given" gives as the family
    name (OFAC's form); 0 when the name is not written so."""
    if schema not in PERSON_SCHEMAS or name.count(",") != 1:
        return 0
    family, given = name.split(",")
    count = len(analyze_name(family.strip(), schema).tokens)
    return count if 0 < count < len(tokens) and given.strip() else 0


# Longest names for which joined tokens are formed (keeps long organization names cheap).
MAX_TOKENS_FOR_JOINS = 8
MAX_TOKENS_FOR_ANY_ORDER_JOINS = 4


@lru_cache(maxsize=64)
def join_groups(count: int) -> tuple[tuple[int, ...], ...]:
    """The token positions run together as one word in a name of `count` tokens: two or
    three adjacent ones ("abdul rahman" -> "abdulrahman"), and in names of up to four tokens
    any two in either order (a surname run into the given name: "Lioneldumont" for "DUMONT,
    Lionel"); none for long names (see `match/joins.py`)."""
    if count > MAX_TOKENS_FOR_JOINS:
        return ()
    groups: list[tuple[int, ...]] = []
    for size in (2, 3):
        groups.extend(tuple(range(i, i + size)) for i in range(count - size + 1))
    if count <= MAX_TOKENS_FOR_ANY_ORDER_JOINS:
        pairs = [(i, j) for i in range(count) for j in range(count)]
        groups.extend((i, j) for i, j in pairs if j != i and j != i + 1)
    return tuple(groups)
