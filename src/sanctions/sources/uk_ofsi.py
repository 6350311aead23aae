"""OFSI's Consolidated List of Financial Sanctions Targets (ConList.csv) → entities.

The file has one row per name (and per date of birth): the rows sharing a `Group ID` are one
target, `uk-ofsi:<Group ID>`. Both column sets OFSI has used are read by header name: the old
one (`Passport Details`, `NI Number`, `Alias Type` Prime Alias/AKA/FKA) and the 2022 one
(`Name Non-Latin Script`, `Passport Number`, `National Identification Number`, `Alias Quality`,
Group Type `Ship`).

Quirks handled (see shared/data/README.md, uk/):
* Windows-1252, not UTF-8: the file is decoded as UTF-8 when all of it is valid UTF-8 (a BOM
  is dropped), else as cp1252; a byte invalid in both raises ParseError with its line.
* The official first line `Last Updated,dd/mm/yyyy` (→ `published`) may be missing, and the
  header may carry an extra empty leading cell (30 names for 29 cells): it is dropped.
* Dates are dd/mm/yyyy with `00` (or `dd`/`mm`) for an unknown day or month.
* Several values share one cell as "(1) X (2) Y", "1) X 2) Y" or "a) X b) Y": they are split.
  Passport and national-id cells of the old format are free text: each part's first token
  holding a digit is the number, the whole part is kept as the identifier's note.

Memory: rows of one group need not be consecutive, so targets are built in a dict keyed by
Group ID and yielded, in order of first appearance, after the last row. Memory is therefore
proportional to the list (about 4,000 targets, a few MB), which is bounded by what OFSI
publishes; the rows themselves are streamed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

from ..errors import FormatError, ParseError
from ..model import Address, DateValue, Entity, Identifier, IdKind, NameKind
from .base import Publication
from .csvfile import Header, csv_rows, keyed_rows, sniff_encoding
from .un_xml import script_of
from .values import country_code, parse_date

FORMAT = "uk-ofsi-csv"
REQUIRED = ("Name 6", "Group Type", "Group ID")
SCHEMAS = {"individual": "Person", "entity": "Organization", "ship": "Vessel"}

# Alias Type (old format) / Name type (FCDO) → kind; Alias Quality / strength may weaken it.
NAME_KINDS = {
    "prime alias": NameKind.PRIMARY,
    "primary name": NameKind.PRIMARY,
    "primary name variation": NameKind.ALIAS,  # a spelling variant of the primary name
    "aka": NameKind.ALIAS,
    "alias": NameKind.ALIAS,
    "good quality a.k.a": NameKind.ALIAS,
    "good quality aka": NameKind.ALIAS,
    "fka": NameKind.FORMER,
    "low quality a.k.a": NameKind.WEAK,
    "low quality aka": NameKind.WEAK,
}
# UK spellings rigour's territory table does not know.
_COUNTRIES = {"congo (democratic republic)": "cd", "congo (republic)": "cg"}
_ENUM = re.compile(r"(?:^|\s)\(?(?:\d{1,2}|[a-h])\)(?:-\(\d{1,2}\))?\s*")  # "(1) ", "2) ", "b) "
_TRAILING_NOTE = re.compile(r"\s*\([^()]*\)\s*$")
_NUMBER = re.compile(r"(?<![\w/.-])(?=[\w/.-]*\d)[A-Za-z0-9][\w/.-]*[A-Za-z0-9](?![\w/-])")
_VESSEL_IDS = re.compile(r"\b(IMO|MMSI)\s*(?:number|no\.?)?\s*[:.]?\s*(\d{7,9})\b", re.I)


def parse_uk_ofsi(path: Path, *, source: str = "uk-ofsi") -> Publication:
    """Read ConList.csv; the preamble and header are checked now, the rows while iterating."""
    path = Path(path)
    encoding = sniff_encoding(path)  # ParseError on an empty file
    with closing(csv_rows(path, encoding=encoding)) as rows:
        published, header = _preamble(path, rows)
    publication = Publication(
        source=source, format=FORMAT, files=[path], entities=iter(()), published=published
    )
    publication.entities = _entities(path, encoding, header, source, publication)
    return publication


def _preamble(path: Path, rows: Iterator[tuple[int, list[str]]]) -> tuple[str | None, Header]:
    published = None
    for line, cells in rows:
        values = [c.strip() for c in cells if c.strip()]
        if values and values[0].lower() == "last updated" and len(values) <= 2:
            published = parse_date(values[1]) if len(values) == 2 else None
            continue
        if cells and not cells[0].strip() and "group id" in (c.strip().lower() for c in cells):
            cells = cells[1:]  # the extra empty leading header cell of some copies
        header = Header(path, line, cells)
        header.require(REQUIRED, hint="not an OFSI ConList.csv?")
        return published, header
    raise FormatError("no header row (not an OFSI ConList.csv?)", path=path)


def _entities(
    path: Path, encoding: str, header: Header, source: str, publication: Publication
) -> Iterator[Entity]:
    groups: dict[str, Entity] = {}
    notes = Warnings()
    for line, group_id, cells in keyed_rows(path, encoding, header, "Group ID"):
        entity = groups.get(group_id)
        if entity is None:
            group_type = header.get(cells, "Group Type")
            schema = SCHEMAS.get(group_type.lower())
            if schema is None:
                raise ParseError(
                    f"unknown Group Type {group_type!r} (expected Individual, Entity or Ship)",
                    path=path,
                    line=line,
                    record=group_id,
                    field="Group Type",
                )
            entity = groups[group_id] = Entity(
                id=f"{source}:{group_id}", schema=schema, datasets=[source]
            )
        _merge(entity, header, cells, notes)
    for entity in groups.values():
        if not any(n.kind is NameKind.PRIMARY for n in entity.names):
            notes.count("targets without a Prime Alias row (names kept as aliases)", entity.id)
        order_names(entity)
        yield entity
    publication.warnings.extend(notes.lines(path.name))


def _merge(entity: Entity, header: Header, cells: list[str], notes: Warnings) -> None:
    """Add one row's facts to its target (rows repeat most facts: duplicates are skipped)."""

    def get(column: str) -> str:
        return header.get(cells, column)

    parts = [get(f"Name {i}") for i in range(1, 7)]  # Name 6 is the surname / entity name
    kind = name_kind(get("Alias Type"), get("Alias Quality"), notes)
    entity.add_name(" ".join(p for p in parts if p), kind)
    add_original_name(entity, get("Name Non-Latin Script"))
    entity.add("title", get("Title"))
    add_birth_date(entity, get("DOB"), notes)
    for town in split_values(get("Town of Birth")):
        entity.add("birthPlace", town)
    for country in split_values(get("Country of Birth")):
        add_country(entity, "birthCountry", country, notes)
    for country in split_values(get("Nationality")):
        add_country(entity, "nationality", country, notes)
    add_identifiers(entity, IdKind.PASSPORT, get("Passport Number"), get("Passport Details"))
    add_identifiers(
        entity,
        IdKind.NATIONAL_ID,
        get("National Identification Number"),
        get("National Identification Details") or get("NI Number"),
    )
    entity.add("position", get("Position"))
    lines = [get(f"Address {i}") for i in range(1, 7)]
    add_address(entity, lines, get("Post/Zip Code"), get("Country"), notes)
    other = get("Other Information")
    entity.add("notes", other)
    add_vessel_ids(entity, other)
    entity.add("program", get("Regime"))
    entity.add("listingDate", parse_date(get("Listed On")))
    add_latest(entity, "modifiedAt", parse_date(get("Last Updated")))


# -- helpers shared with uk_fcdo -------------------------------------------------------------


class Warnings:
    """Counts of recoverable oddities, reported once per publication with an example."""

    def __init__(self) -> None:
        self.counts: dict[str, list[str]] = {}

    def count(self, what: str, example: str) -> None:
        self.counts.setdefault(what, []).append(example)

    def lines(self, file: str) -> list[str]:
        return [
            f"{file}: {len(examples)} {what}, e.g. {examples[0]}"
            for what, examples in self.counts.items()
        ]


def order_names(entity: Entity) -> None:
    """Primary names first and original-script ones last, whatever the row order."""
    rank = {NameKind.PRIMARY: 0, NameKind.ORIGINAL: 2}
    entity.names.sort(key=lambda name: rank.get(name.kind, 1))


def name_kind(name_type: str, strength: str, notes: Warnings) -> NameKind:
    """Alias Type / Name type plus Alias Quality / Alias strength → NameKind."""
    key = " ".join(name_type.lower().split()).rstrip(".")
    kind = NAME_KINDS.get(key)
    if kind is None:
        if key:
            notes.count("unknown alias types (read as a.k.a.)", repr(name_type))
        kind = NameKind.ALIAS
    if kind is NameKind.ALIAS and strength.lower().startswith("low"):
        kind = NameKind.WEAK  # UN "Low quality": never alert on fuzzy similarity alone
    return kind


def add_original_name(entity: Entity, text: str) -> None:
    script = script_of(text)
    entity.add_name(text, NameKind.ORIGINAL, None if script == "latn" else script)


def uk_date(text: str) -> str | None:
    """dd/mm/yyyy with 00 or dd/mm for an unknown part → partial ISO."""
    text = text.strip().lower().replace("dd/", "00/").replace("mm/", "00/")
    return parse_date(text)


def add_birth_date(entity: Entity, raw: str, notes: Warnings) -> None:
    if not raw:
        return
    if (value := uk_date(raw)) is None:
        entity.add("notes", f"DOB {raw}")
        notes.count("dates of birth not understood (kept in notes)", repr(raw))
        return
    date = DateValue(value)
    if date not in entity.birth_dates:
        entity.birth_dates.append(date)


def split_values(cell: str) -> list[str]:
    """ "(1) Al-Owja (2) Baghdad" → ["Al-Owja", "Baghdad"]; "(1)-(2) Indonesia" → ["Indonesia"]."""
    parts = [" ".join(p.split()).strip(" ,;.") for p in _ENUM.split(cell)]
    return [p for p in parts if p]


def uk_country(text: str) -> str | None:
    """ISO2 of a country as UK lists print it ("Afghanistan (since 2009)", "DPRK", "Iraqi")."""
    text = text.strip().rstrip(".")
    if not text:
        return None
    code = _COUNTRIES.get(text.lower()) or country_code(text)
    if code is None and (bare := _TRAILING_NOTE.sub("", text)) != text:
        code = _COUNTRIES.get(bare.lower()) or country_code(bare)
    return code


def add_country(entity: Entity, prop: str, text: str, notes: Warnings) -> str | None:
    code = uk_country(text)
    if code is None:
        notes.count("countries not recognised (kept as text)", repr(text))
    entity.add(prop, code or text)
    return code


def add_identifiers(entity: Entity, kind: IdKind, number: str, details: str) -> None:
    """A clean number column (2022 format) with its details as note, else numbers found in
    the free-text details ("(1) D00001184 (CAR passport) (2) no: P04838205 (...)")."""
    found: list[Identifier] = []
    if number:
        found = [Identifier(kind, n, note=details or None) for n in split_values(number)]
    else:
        for part in split_values(details):
            if m := _NUMBER.search(part):
                found.append(
                    Identifier(kind, m.group(0), note=part if part != m.group(0) else None)
                )
    for ident in found:
        if ident not in entity.identifiers:
            entity.identifiers.append(ident)


def add_vessel_ids(entity: Entity, text: str) -> None:
    """ "IMO: 8937675. MMSI: 445539000." in Other Information → identifiers."""
    for label, number in _VESSEL_IDS.findall(text):
        ident = Identifier(IdKind.IMO if label.upper() == "IMO" else IdKind.MMSI, number)
        if ident not in entity.identifiers:
            entity.identifiers.append(ident)


def add_address(
    entity: Entity, lines: list[str], postal: str, country: str, notes: Warnings
) -> None:
    """Address lines 1-6 as printed; line 5 is the region and line 6 the city when given."""
    full = ", ".join(p for p in (*lines, postal, country) if p)
    if not full:
        return
    code = add_country(entity, "country", country, notes) if country else None
    street = ", ".join(p for p in lines[:4] if p) or None
    address = Address(full, street, lines[5] or None, lines[4] or None, postal or None, code)
    if address not in entity.addresses:
        entity.addresses.append(address)


def add_latest(entity: Entity, prop: str, value: str | None) -> None:
    """Keep one value, the latest (partial ISO dates compare as strings)."""
    if value and value > max(entity.get(prop), default=""):
        entity.properties[prop] = [value]
