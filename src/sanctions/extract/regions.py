"""Comprehensively sanctioned countries and regions, and where text names them.

The places, their programmes and their spellings are data: `resources/sanctioned_regions.yml`
(read its header for what is listed, what is left out and why). This module folds that table
and the text the same way (case, accents, Arabic letter variants, invisible characters) and
finds every spelling, adjective and town as a whole word with one compiled regular expression,
built as a trie so the engine never tries two spellings that share a prefix twice. The longest
match wins and matches never overlap; offsets point into the text as given, however folding
changed its length.

A finding's `kind` says what matched: "name" (Iran, ДНР), "adjective" (Iranian; trade-finance
practice reads "Iranian-origin" as the place, so it is a finding), or "town" (Simferopol).
Phrases under `exceptions` (Mark Cuban, Donetsk Oblast) swallow the match inside them and
report nothing.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..errors import ResourceError
from ..text.resources import load_resource
from ..text.values import country_code

TABLE = "sanctioned_regions"
_WHERE = f"sanctions/resources/{TABLE}.yml"
# Russia claims to have annexed the occupied regions; addresses there often say so.
_CLAIMANTS = frozenset({"RU"})
_KINDS = ("spellings", "adjectives", "towns")
_KIND_OF = {"spellings": "name", "adjectives": "adjective", "towns": "town"}
_ARABIC_PROCLITICS = "وبلف"  # and, in/with, to/for, so: written joined to the next word
# Korean writes case particles joined to the noun (북한의 "of North Korea", 북한에 "to ...").
_HANGUL_PARTICLES = [
    "의",
    "은",
    "는",
    "이",
    "가",
    "을",
    "를",
    "에",
    "에서",
    "과",
    "와",
    "도",
    "로",
    "으로",
]
_ACRONYM_MAX = 5


@dataclass(frozen=True)
class Region:
    id: str  # "ir", "ua-crimea"
    name: str
    country: str | None  # ISO 3166-1 alpha-2 when the region is a whole country
    programs: tuple[str, ...]
    within: str | None = None  # the country a region lies in ("UA"); None for a country


@dataclass(frozen=True)
class PlaceFinding:
    region: Region
    matched_text: str  # text[start:end], as written
    start: int
    end: int
    kind: str = "name"  # "name", "adjective" or "town"


# -- folding ------------------------------------------------------------------------------------
_GONE = "\x00"  # what a character that folds to nothing becomes before it is cut out
_SPECIAL = {
    **dict.fromkeys("’‘ʼʻ`´′", "'"),
    **dict.fromkeys("‐‑‒–—", "-"),
    **dict.fromkeys("\xa0\u2007\u202f", " "),
    # Arabic and Persian letter variants written interchangeably in names.
    "ٱ": "ا",
    "ى": "ي",
    "ی": "ي",
    "ک": "ك",
    "ۀ": "ه",
    # Invisible characters inside words: tatweel, zero-width (non-)joiners, soft hyphen.
    **dict.fromkeys("ـ\u200b\u200c\u200d\u2060\ufeff\xad", _GONE),
}
_TABLE: dict[int, str] = {}  # ord -> its one-character fold, only where it differs
_SEEN: set[str] = set()


def _fold_char(char: str) -> str:
    """One character for one: case folded, accents dropped; `_GONE` for a mark alone."""
    if char in _SPECIAL:
        return _SPECIAL[char]
    kept = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    if not kept:
        return _GONE
    if len(kept) > 1:  # a ligature, or a Hangul syllable NFKD splits into its letters
        kept = unicodedata.normalize("NFKC", char)
    first = kept.casefold()[0]
    return _SPECIAL.get(first, first)


def _fold(text: str) -> tuple[str, list[int] | None]:
    """The folded text and, when characters were cut out, the sorted positions (in the
    folded text) before which each cut character stood; None when offsets are unchanged."""
    if text.isascii():
        folded = text.lower()
        return (folded.replace("`", "'") if "`" in folded else folded), None
    for char in set(text) - _SEEN:
        folded = _fold_char(char)
        if folded != char:
            _TABLE[ord(char)] = folded
        _SEEN.add(char)
    folded = text.translate(_TABLE)
    if _GONE not in folded:
        return folded, None
    cuts = [m.start() - k for k, m in enumerate(re.finditer(_GONE, folded))]
    return folded.replace(_GONE, ""), cuts


def _original(position: int, cuts: list[int] | None) -> int:
    """Offset in the original text of the folded character at `position`."""
    return position if cuts is None else position + bisect_right(cuts, position)


_SEPARATORS = re.compile(r"[\s\-]+")


def _key(text: str) -> str:
    """What a spelling and a matched span are compared by: folded, one space between words,
    no apostrophes."""
    folded, _ = _fold(text)
    return _SEPARATORS.sub(" ", folded.replace(_GONE, "")).replace("'", "").strip()


# -- the table ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Entry:
    region: str  # id, or "" for an exception
    kind: str  # "name", "adjective", "town" or "exception"
    acronym: bool  # matches only where the text writes it in capitals
    skip: int = 0  # leading characters that are a joined Arabic prefix, not the place
    trim: int = 0  # trailing characters that are a joined Korean particle


@dataclass(frozen=True)
class _Places:
    regions: dict[str, Region]
    by_code: dict[str, Region]
    entries: dict[str, _Entry]  # key -> entry
    pattern: re.Pattern[str]


def _is_acronym(spelling: str) -> bool:
    letters = spelling.replace(" ", "")
    return letters.isalpha() and letters.isupper() and len(letters) <= _ACRONYM_MAX


def _pattern_spelling(spelling: str) -> str:
    """The folded spelling with one space between words, apostrophes kept (they are optional
    in the pattern)."""
    folded, _ = _fold(spelling)
    return _SEPARATORS.sub(" ", folded.replace(_GONE, "")).strip()


def _check_ids(table: dict[str, Any]) -> None:
    ids = set(table["names"])
    for field in ("codes", "within", "programs", *_KINDS):
        for region_id in table[field]:
            if region_id not in ids:
                raise ResourceError(f"{field}: {region_id!r} is not under names", _WHERE)
    for region_id in ids:
        if not table["programs"].get(region_id):
            raise ResourceError(f"programs: {region_id!r} has no programme", _WHERE)


def _add(
    entries: dict[str, _Entry], owners: dict[str, tuple[str, str]], spelling: str, entry: _Entry
) -> str:
    """Register one spelling under its key; the key, for the pattern. Refuses a spelling that
    folds to the same text as one of another place or kind."""
    key = _key(spelling)
    if not re.fullmatch(r"\w(.*\w)?", key):
        raise ResourceError(f"{spelling!r} must start and end with a letter or digit", _WHERE)
    owner = f"{entry.kind} of {entry.region}" if entry.region else "exceptions"
    first, first_owner = owners.setdefault(key, (spelling, owner))
    if first_owner != owner:
        raise ResourceError(
            f"{spelling!r} ({owner}) reads the same as {first!r} ({first_owner}) once folded",
            _WHERE,
        )
    entries.setdefault(key, entry)
    return _pattern_spelling(spelling)


def _joined_forms(spelling: str, entry: _Entry) -> Iterator[tuple[str, _Entry]]:
    """The spelling with the short words its script writes joined to it."""
    kind, region = entry.kind, entry.region
    if "\u0600" <= spelling[0] <= "\u06ff":
        for prefix in _ARABIC_PROCLITICS:
            yield prefix + spelling, _Entry(region, kind, False, skip=1)
    if "\uac00" <= spelling[-1] <= "\ud7a3":
        for particle in _HANGUL_PARTICLES:
            yield spelling + particle, _Entry(region, kind, False, trim=len(particle))


@cache
def _places() -> _Places:
    return _build(load_resource(TABLE))


def _build(table: dict[str, Any]) -> _Places:
    """The matcher of one table (the packaged one, or a test's); ResourceError when broken."""
    _check_ids(table)
    regions: dict[str, Region] = {}
    by_code: dict[str, Region] = {}
    for region_id, name in table["names"].items():
        codes = table["codes"].get(region_id, [])
        within = table["within"].get(region_id)
        region = Region(
            id=region_id,
            name=name,
            country=codes[0] if codes and within is None else None,
            programs=tuple(table["programs"][region_id]),
            within=within,
        )
        regions[region_id] = region
        for code in codes:
            by_code[code.upper()] = region
    entries: dict[str, _Entry] = {}
    owners: dict[str, tuple[str, str]] = {}
    spellings: list[str] = []
    for field in _KINDS:
        for region_id, values in table[field].items():
            for spelling in values:
                entry = _Entry(region_id, _KIND_OF[field], _is_acronym(spelling))
                spellings.append(_add(entries, owners, spelling, entry))
                for joined, variant in _joined_forms(spelling, entry):
                    spellings.append(_add(entries, owners, joined, variant))
    for phrase in table["exceptions"]:
        spellings.append(_add(entries, owners, phrase, _Entry("", "exception", False)))
    return _Places(regions, by_code, entries, _compile(spellings))


def _compile(spellings: Iterable[str]) -> re.Pattern[str]:
    """One pattern for every spelling, as a trie: shared prefixes are matched once, and at each
    branch the longer continuation is tried first, so the longest spelling wins."""
    trie: dict[str, Any] = {}
    for spelling in spellings:
        node = trie
        for char in spelling:
            token = r"[\s\-]+" if char == " " else "'?" if char == "'" else re.escape(char)
            node = node.setdefault(token, {})
        node[""] = {}  # the end of a spelling

    def emit(node: dict[str, Any]) -> str:
        branches = [token + emit(child) for token, child in sorted(node.items()) if token]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return re.compile(r"(?<!\w)" + emit(trie) + r"(?!\w)")


# -- the API ------------------------------------------------------------------------------------
def regions() -> list[Region]:
    """Every region of the table, in its order."""
    return list(_places().regions.values())


def find_places(text: str) -> list[PlaceFinding]:
    """Every sanctioned place named in `text`, in order, as whole words; offsets into `text`."""
    places = _places()
    folded, cuts = _fold(text)
    findings: list[PlaceFinding] = []
    for match in places.pattern.finditer(folded):
        entry = places.entries.get(_SEPARATORS.sub(" ", match.group()).replace("'", ""))
        if entry is None or entry.kind == "exception":
            continue
        start = _original(match.start() + entry.skip, cuts)
        end = _original(match.end() - 1 - entry.trim, cuts) + 1
        while end < len(text) and unicodedata.combining(text[end]):
            end += 1  # a decomposed accent on the last letter belongs to the word
        written = text[start:end]
        if entry.acronym and not written.isupper():
            continue
        findings.append(PlaceFinding(places.regions[entry.region], written, start, end, entry.kind))
    return findings


def region_of_country(code: str) -> Region | None:
    """The sanctioned country or region a payment's country field names: an ISO code
    ("IR", "irn", "UA-43") or a name ("Iran", "Crimea"); None for any other country."""
    text = " ".join(code.split())
    if not text:
        return None
    places = _places()
    if (region := places.by_code.get(text.upper())) is not None:
        return region
    entry = places.entries.get(_key(text))
    if entry is not None and entry.kind == "name":
        return places.regions[entry.region]
    iso = country_code(text) if len(text) > 3 else None
    return places.by_code.get(iso.upper()) if iso else None


def region_of_town(town: str, country: str | None) -> Region | None:
    """The sanctioned place a payment's town (with the address's country, if any) is in.

    A town in a sanctioned country is in it whatever its name. Otherwise the town must be one
    the table lists, and the country must agree: none given, the town's own country, or for
    the occupied regions of Ukraine also RU (Russia's claim). "Havana" with "US" is Havana,
    Florida: None."""
    iso: str | None = None
    if country and country.strip():
        region = region_of_country(country)
        if region is not None:
            return region
        iso = _iso(country)
    places = _places()
    entry = places.entries.get(_key(town))
    candidates: list[Region] = []
    if entry is not None:
        if entry.kind == "exception":
            return None
        candidates.append(places.regions[entry.region])
    else:
        # A town field with more in it ("G. SIMFEROPOL", "295000 Simferopol").
        candidates = [f.region for f in find_places(town) if f.kind != "adjective"]
    for region in candidates:
        home = region.country or region.within
        if iso is None or iso == home or (region.within is not None and iso in _CLAIMANTS):
            return region
    return None


def _iso(country: str) -> str | None:
    text = country.strip()
    if len(text) == 2 and text.isalpha():
        return text.upper()
    iso = country_code(text)
    return iso.upper() if iso else None
