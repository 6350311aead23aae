"""What an evaluation screens: `Case` (a query name, its category and the listed entity it
should find, or none), and the name helpers the generators share."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from ..model import Entity, NameKind
from ..screen import Screener

CLEAN = "clean"
LOOKALIKE = "lookalike"
# Names with fewer letters than this make no variants: a one-letter change to "ABC" is
# another name, not a misspelling.
MIN_LETTERS = 4


@dataclass(frozen=True, slots=True)
class Case:
    name: str  # the query, as a user would type it
    category: str  # a variant category, CLEAN, LOOKALIKE, or a labelled file's own
    expected: str | None  # the entity id it should hit; None: it should hit nothing
    schema: str | None = None
    source_name: str = ""  # the listed name it was made from ("" for clean names)

    def to_json(self) -> dict[str, str | None]:
        return {
            "name": self.name,
            "category": self.category,
            "expected": self.expected,
            "schema": self.schema,
            "source_name": self.source_name,
        }


def name_key(name: str) -> str:
    """Case-, accent- and punctuation-insensitive, word-order-insensitive form of a name."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    kept = "".join(
        " " if unicodedata.category(ch)[0] in "PSZ" else ch
        for ch in decomposed
        if not unicodedata.combining(ch)
    )
    return " ".join(sorted(kept.split()))


def plain_key(name: str) -> str:
    """Like `name_key` but keeping word order: tells a reordered variant from its source."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    kept = "".join(
        " " if unicodedata.category(ch)[0] in "PSZ" else ch
        for ch in decomposed
        if not unicodedata.combining(ch)
    )
    return " ".join(kept.split())


def letters(text: str) -> int:
    return sum(1 for ch in text if ch.isalpha())


def is_latin(text: str) -> bool:
    """Every letter is Latin script (accented letters included)."""
    return all(unicodedata.name(ch, "").startswith("LATIN") for ch in text if ch.isalpha())


def like(template: str, text: str) -> str:
    """`text` in the letter case of `template`: upper, capitalized, or lower."""
    if template.isupper():
        return text.upper()
    if template[:1].isupper():
        return text[:1].upper() + text[1:].lower()
    return text.lower()


def display_form(name: str, schema: str) -> str:
    """A listed name as a customer writes it: OFAC's "LAST, First Middle" as "First Middle
    Last", and a person's words in capitals ("GERTLER") capitalized ("Gertler")."""
    if schema == "Person" and name.count(",") == 1:
        last, first = (part.strip() for part in name.split(","))
        if last and first:
            name = f"{first} {last}"
    if schema == "Person":
        name = " ".join(_capitalize(w) if w.isupper() and len(w) > 1 else w for w in name.split())
    return name


def _capitalize(word: str) -> str:
    return "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))


def listed_entities(screener: Screener, lists: Iterable[str] | None = None) -> list[Entity]:
    """The screener's active entities, limited to `lists` (source names) when given."""
    wanted = set(lists) if lists is not None else screener.sources
    return [e for e in screener.index.entities if wanted is None or e.source in wanted]


def listed_keys(entities: Iterable[Entity]) -> set[str]:
    """`name_key` of every name of every entity: what a clean name must not be."""
    return {name_key(n.value) for e in entities for n in e.names}


def strong_names(entity: Entity) -> list[str]:
    """The entity's primary name and strong Latin-script aliases, primary first."""
    out = [
        n.value
        for n in entity.names
        if n.kind in (NameKind.PRIMARY, NameKind.ALIAS) and is_latin(n.value)
    ]
    primary = [n.value for n in entity.names if n.kind is NameKind.PRIMARY and is_latin(n.value)]
    return list(dict.fromkeys(primary + out))
