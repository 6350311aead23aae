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

from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

from ...errors import FormatError, ParseError
from ...model import Entity, IdKind, NameKind
from ...text.values import parse_date
from .._csv import Header, csv_rows, keyed_rows, sniff_encoding
from ..base import Publication
from ._common import (
    Warnings,
    add_address,
    add_birth_date,
    add_country,
    add_identifiers,
    add_latest,
    add_original_name,
    add_vessel_ids,
    name_kind,
    order_names,
    split_values,
)

FORMAT = "uk-ofsi-csv"
REQUIRED = ("Name 6", "Group Type", "Group ID")
SCHEMAS = {"individual": "Person", "entity": "Organization", "ship": "Vessel"}


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
