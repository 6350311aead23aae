"""UN Security Council Consolidated List (XML, sc-sanctions.xsd) → entities.

Decisions taken from reading the 2018 and the 2026 files, not the schema alone:

* Alias QUALITY "Good"/"a.k.a." → ALIAS, "Low" → WEAK, "f.k.a." → FORMER (only entities
  use it). The only "formerly known as" in COMMENTS1 (QDe.168) repeats an f.k.a. alias, so
  free text is not mined for former names. Aliases noted "previously/formerly listed as" are
  old UN spellings the person still answers to: they keep their quality's kind.
* One alias cell often packs several names: "A; B", "A b) B", "Jin Tiesan (金铁三)",
  "حسن غول (Hassan Ghul; Hassan Gul)", "Abubakar (original script: Абубакар)". They are split
  (`split_names`); a Latin parenthetical after a Latin name ("(AQAP)", "(birth name)") is
  kept, because it is not another name.
* `Name.lang` of a non-Latin name is the ISO 15924 script code in lower case ("arab",
  "cyrl", "hani", "ethi", ...), or the ISO 639 language when the file names it
  ("(Tigrinya)" → "ti"). Arabic script is not labelled "ar": many Taliban names are Pashto
  or Dari. Latin names get None.
* Countries go through `values.country_code`; a value it cannot map ("Sudan/South Sudan",
  "Indonesia (as at Dec. 2003)") is kept as text (notes, address line, document note) and
  counted in `publication.warnings`, never dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

from lxml import etree

from ..errors import ParseError
from ..model import Address, DateValue, Entity, Identifier, IdKind, NameKind
from ..text.resources import load_resource
from ..text.scripts import script_code
from ..text.values import country_code, parse_date, parse_date_value
from ._xml import child_text, children, expect_root, iter_elements, local_name, text_of
from .base import Publication

ROOT = "CONSOLIDATED_LIST"
FORMAT = "un-xml"

_NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")

_ALIAS_KINDS = {
    "good": NameKind.ALIAS,
    "a.k.a.": NameKind.ALIAS,
    "low": NameKind.WEAK,
    "f.k.a.": NameKind.FORMER,
}

_ORIGINAL_PREFIX = re.compile(r"^(?:original script|in arabic(?: script)?)\s*:\s*", re.I)
_ORIGINAL_SUFFIX = re.compile(r"\s*\(original script\)$", re.I)
_SEPARATORS = re.compile(r";|\s+[b-h]\)\s+")  # "A; B" and enumerations "a) A b) B"
_ENUM_START = re.compile(r"^[a-h]\)\s+")
# An original-script spelling given in an alias NOTE ("... In Arabic: سيف العدل").
_NOTE_ORIGINAL = re.compile(r"(?:in arabic(?: script)?|original script)\s*:\s*([^;()]+)", re.I)
_BETWEEN_MONTHS = re.compile(r"^between (\w+)\.? and (\w+)\.? (\d{4})$", re.I)

# Checked in order against TYPE_OF_DOCUMENT2 (specific) then TYPE_OF_DOCUMENT (generic).
_DOC_KINDS: tuple[tuple[IdKind, re.Pattern[str]], ...] = (
    (IdKind.OTHER, re.compile(r"birth certificate|ration card|driver|certificate of", re.I)),
    (IdKind.PASSPORT, re.compile(r"passport|passeport|pasaporte", re.I)),
    (IdKind.TAX_ID, re.compile(r"\btax\b|fiscal", re.I)),
    (
        IdKind.NATIONAL_ID,
        re.compile(r"identi|tazkira|social security|national number|\bid\b", re.I),
    ),
)


@cache
def _languages() -> dict[str, str]:
    """Language names written after original-script names -> ISO 639 (un_languages.yml)."""
    table: dict[str, str] = load_resource("un_languages")["languages"]
    return table


def parse_un_xml(path: Path, *, source: str = "un-sc") -> Publication:
    """Read a UN consolidated list; entities are streamed, `published` set on the first read.

    Checked now: an empty file → ParseError; a DOCTYPE or another root → FormatError.
    While iterating: a truncated or badly encoded body, or an entry without reference
    number → ParseError.
    """
    path = Path(path)
    expect_root(path, ROOT)
    publication = Publication(source=source, format=FORMAT, files=[path], entities=iter(()))
    publication.entities = _entities(path, source, publication)
    return publication


def _entities(path: Path, source: str, publication: Publication) -> Iterator[Entity]:
    # The root is in `tags` only so that a list with no entries still yields dateGenerated.
    for element in iter_elements(path, {"INDIVIDUAL", "ENTITY", ROOT}, root=ROOT):
        if publication.published is None:
            generated = element.getroottree().getroot().get("dateGenerated")
            publication.published = parse_date(generated)
        if local_name(element) == ROOT:
            continue
        yield _entity(element, path, source, publication.warnings)


def _entity(el: etree._Element, path: Path, source: str, warnings: list[str]) -> Entity:
    person = local_name(el) == "INDIVIDUAL"
    ref = child_text(el, "REFERENCE_NUMBER")
    if ref is None:
        raise ParseError(
            f"{local_name(el)} without a reference number",
            path=path,
            line=el.sourceline,
            record=f"DATAID {child_text(el, 'DATAID') or '?'}",
            field="REFERENCE_NUMBER",
        )
    schema = "Person" if person else "Organization"
    entity = Entity(id=f"{source}:{ref}", schema=schema, datasets=[source])
    _names(el, entity, person, warnings)

    entity.add("unscId", ref)
    entity.add("program", child_text(el, "UN_LIST_TYPE"))
    entity.add("listingDate", parse_date(child_text(el, "LISTED_ON")))
    updated = [parse_date(v) for v in _values(el, "LAST_DAY_UPDATED")]
    if dates := [d for d in updated if d]:
        entity.add("modifiedAt", max(dates))
    entity.add("notes", child_text(el, "COMMENTS1"))
    for title in _values(el, "TITLE"):
        entity.add("title", title)
    for position in _values(el, "DESIGNATION"):
        entity.add("position", position)
    gender = (child_text(el, "GENDER") or "").lower()
    if gender in ("male", "female"):
        entity.add("gender", gender)
    for raw in _values(el, "NATIONALITY"):
        code = _country(raw, entity, "nationality", warnings)
        entity.add("nationality", code)
        if code is None:
            entity.add("notes", f"Nationality: {raw}")

    for sub in children(el, "INDIVIDUAL_DATE_OF_BIRTH"):
        _birth_date(sub, entity)
    for sub in children(el, "INDIVIDUAL_PLACE_OF_BIRTH"):
        entity.add("birthPlace", _place(sub))
    for sub in children(el, "INDIVIDUAL_DOCUMENT"):
        _document(sub, entity, warnings)
    for sub in children(el, "INDIVIDUAL_ADDRESS") + children(el, "ENTITY_ADDRESS"):
        _address(sub, entity, warnings)
    return entity


# -- names ---------------------------------------------------------------------------------


def _names(el: etree._Element, entity: Entity, person: bool, warnings: list[str]) -> None:
    parts = _NAME_PARTS if person else _NAME_PARTS[:1]
    primary = " ".join(p for p in (child_text(el, name) for name in parts) if p)
    if primary:
        entity.add_name(primary, NameKind.PRIMARY)
        pieces = split_names(primary)
        if len(pieces) > 1:  # "A (X) ; B (Y)": keep the whole as filed, each piece as alias
            for value, lang in pieces:
                entity.add_name(value, NameKind.ALIAS, lang)
    else:
        warnings.append(f"{entity.id}: no name")
    original = child_text(el, "NAME_ORIGINAL_SCRIPT")
    for value, lang in split_names(original or ""):
        entity.add_name(value, NameKind.ORIGINAL, lang)

    for alias in children(el, "INDIVIDUAL_ALIAS") + children(el, "ENTITY_ALIAS"):
        quality = (child_text(alias, "QUALITY") or "").lower()
        kind = _ALIAS_KINDS.get(quality, NameKind.ALIAS)
        for value, lang in split_names(child_text(alias, "ALIAS_NAME") or ""):
            entity.add_name(value, kind, lang)
        if (note := child_text(alias, "NOTE")) and (m := _NOTE_ORIGINAL.search(note)):
            value = m.group(1).strip(" .,")
            if script_code(value) not in (None, "latn"):
                entity.add_name(value, kind, script_code(value))


def split_names(text: str) -> list[tuple[str, str | None]]:
    """The names one UN name cell packs, each with its language/script hint."""
    text = " ".join(text.split()).strip(" ,;")
    if not text:
        return []
    lang = None
    outer, inner = _trailing_group(text)
    languages = _languages()
    if inner is not None and inner.lower() in languages:  # "ፍትዊ ዓብዱረዛቕ (Tigrinya)"
        lang, text, inner = languages[inner.lower()], outer, None
    pieces = [text]
    if inner is not None and outer and (";" in inner or script_code(outer) != script_code(inner)):
        pieces = [outer, inner]
    out: list[tuple[str, str | None]] = []
    for piece in pieces:
        for part in _SEPARATORS.split(piece):
            part = _ENUM_START.sub("", _ORIGINAL_PREFIX.sub("", part.strip()))
            part = _ORIGINAL_SUFFIX.sub("", part).strip(" ,;")
            if part:
                script = script_code(part)
                out.append((part, lang or (script if script != "latn" else None)))
    return out


def _trailing_group(text: str) -> tuple[str, str | None]:
    """Split "outer (inner)" on the balanced parenthesis group that ends the text."""
    if not text.endswith(")"):
        return text, None
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        if text[i] == ")":
            depth += 1
        elif text[i] == "(":
            depth -= 1
            if depth == 0:
                return text[:i].strip(), text[i + 1 : -1].strip()
    return text, None


# -- dates, places, documents, addresses ---------------------------------------------------


def _birth_date(el: etree._Element, entity: Entity) -> None:
    kind = (child_text(el, "TYPE_OF_DATE") or "").upper()
    note = child_text(el, "NOTE")
    circa = kind == "APPROXIMATELY"
    if note and note.lower().startswith("approx"):  # BETWEEN ... NOTE "Approximately"
        circa, note = True, None
    start, end = parse_date(child_text(el, "FROM_YEAR")), parse_date(child_text(el, "TO_YEAR"))
    single = parse_date(child_text(el, "DATE")) or parse_date(child_text(el, "YEAR"))
    value: DateValue | None = None
    if start and end:
        value = DateValue(start, end, circa)
    elif single := single or start or end:
        # A month in the note refines a bare year: YEAR 1958 + NOTE "Sep." → 1958-09.
        if note and len(single) == 4 and (refined := parse_date(f"{note} {single}")):
            single, note = refined, None
        value = DateValue(single, circa=circa)
    elif note and (value := parse_date_value(note) or _between_months(note)):
        value = DateValue(value.start, value.end, value.circa or circa)
        note = None
    if value is not None and value not in entity.birth_dates:
        entity.birth_dates.append(value)
    if note:  # "30-35 years old", a Hijri date, "from false passport": keep, don't guess
        entity.add("notes", f"Date of birth{f' {value.start}' if value else ''}: {note}")


def _between_months(note: str) -> DateValue | None:
    """ "Between Aug. and Sep. 1977" → 1977-08 to 1977-09."""
    if m := _BETWEEN_MONTHS.match(note):
        start = parse_date(f"{m.group(1)} {m.group(3)}")
        end = parse_date(f"{m.group(2)} {m.group(3)}")
        if start and end:
            return DateValue(start, end)
    return None


def _place(el: etree._Element) -> str | None:
    parts = _dedupe(child_text(el, f) for f in ("STREET", "CITY", "STATE_PROVINCE", "COUNTRY"))
    text = ", ".join(parts)
    if note := child_text(el, "NOTE"):
        note = note if note.startswith("(") else f"({note})"
        text = f"{text} {note}" if text else note.strip("()")
    return text or None


def _document(el: etree._Element, entity: Entity, warnings: list[str]) -> None:
    types = _dedupe([child_text(el, "TYPE_OF_DOCUMENT2"), child_text(el, "TYPE_OF_DOCUMENT")])
    kind = next((k for t in types if (k := _doc_kind(t)) is not None), IdKind.OTHER)
    raw_country = child_text(el, "ISSUING_COUNTRY")
    place = _dedupe([child_text(el, "CITY_OF_ISSUE"), child_text(el, "COUNTRY_OF_ISSUE")])
    if raw_country is None and len(place) == 1 and country_code(place[0]):
        raw_country, place = place[0], []  # COUNTRY_OF_ISSUE alone is the issuing country
    details = list(reversed(types))  # generic type first, then the specific wording
    if issued := child_text(el, "DATE_OF_ISSUE"):
        details.append(f"issued {parse_date(issued) or issued}")
    if place:
        details.append(f"issued in {', '.join(place)}")
    if note := child_text(el, "NOTE"):
        details.append(note)
    number = child_text(el, "NUMBER")
    code = _country(raw_country, entity, "document country", warnings)
    if raw_country and code is None:
        details.append(raw_country)
    if number is None:  # e.g. NOTE "Italian Fiscal Code: DAOMMD74T11Z352Z": keep as text
        if details:
            entity.add("notes", "Document: " + "; ".join(details))
        return
    for i, old in enumerate(entity.identifiers):
        if (old.kind, old.value) == (kind, number):
            # One document restated per language (KPi.006: "Numéro de passeport", "Número de
            # pasaporte", "Passport"): keep one identifier, add only the new details.
            parts = old.note.split("; ") if old.note else []
            parts += [d for d in details if d not in parts and d not in types]
            merged = "; ".join(parts) or None
            entity.identifiers[i] = Identifier(kind, number, old.country or code, merged)
            return
    entity.identifiers.append(Identifier(kind, number, code, "; ".join(details) or None))


def _doc_kind(text: str) -> IdKind | None:
    return next((kind for kind, pattern in _DOC_KINDS if pattern.search(text)), None)


def _address(el: etree._Element, entity: Entity, warnings: list[str]) -> None:
    street, city = child_text(el, "STREET"), child_text(el, "CITY")
    region, postal = child_text(el, "STATE_PROVINCE"), child_text(el, "ZIP_CODE")
    raw_country, note = child_text(el, "COUNTRY"), child_text(el, "NOTE")
    full = ", ".join(_dedupe([street, city, region, postal, raw_country]))
    if note:  # "as of early 2016", "Operates in": context the address line needs
        full = f"{full} ({note})" if full else note
    if not full:
        return
    code = _country(raw_country, entity, "address country", warnings)
    address = Address(full, street, city, region, postal, code)
    if address not in entity.addresses:
        entity.addresses.append(address)
    entity.add("country", code)


# -- small helpers -------------------------------------------------------------------------


def _values(el: etree._Element, name: str) -> list[str]:
    """Texts of <name><VALUE>…</VALUE>…</name> children (NATIONALITY, TITLE, ...)."""
    out = []
    for group in children(el, name):
        for value in children(group, "VALUE"):
            if text := text_of(value):
                out.append(text)
    return out


def _country(raw: str | None, entity: Entity, what: str, warnings: list[str]) -> str | None:
    if raw is None:
        return None
    code = country_code(raw)
    if code is None:
        warnings.append(f"{entity.id}: {what} {raw!r} is not a known country; kept as text")
    return code


def _dedupe(values: Iterable[str | None]) -> list[str]:
    out: list[str] = []
    for value in values:
        if value and value not in out:
            out.append(value)
    return out
