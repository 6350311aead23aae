"""The UK Sanctions List published by the FCDO (since 2022) → entities `uk-fcdo:<Unique ID>`.

Two forms of the same list are read, giving the same entities:

* CSV (format `uk-fcdo-csv`, UK-Sanctions-List.csv): optional preamble lines ("Report Date:
  ...", → `published`), then a header row, then one row per name of a designation; the rows
  sharing a `Unique ID` (e.g. "RUS0001") are one designation. Columns are looked up by name,
  case-insensitively: Last Updated, Unique ID, OFSI Group ID, UN Reference Number, Name 6,
  Name 1-5, Name type, Alias strength, Title, Name non-latin script, Non-latin script type,
  Non-latin script language, Regime Name, "Individual, Entity, Ship" (or "Designation Type"),
  Designation source, Sanctions Imposed, Other Information, UK Statement of Reasons, Address
  Line 1-6, Address Postal Code, Address Country, Phone number, Website, Email address, Date
  Designated, D.O.B, Nationality(/ies), National Identifier number (+ additional
  information), Passport number (+ additional information), Position, Gender, Town of
  birth, Country of birth, Type of entity, Subsidiaries, Parent company, Business
  registration number (s), IMO number, Current/Previous owner/operator (s), Current believed
  flag of ship, Previous flags, Type of ship, Tonnage of ship, Length of ship, Year Built,
  Hull identification number (HIN). Rows are grouped in a dict (memory ∝ the list, ~5k
  designations), as for OFSI.
* XML (format `uk-fcdo-xml`, UK-Sanctions-List.xml): `<Designations>` with `<DateGenerated>`
  (→ `published`) and one `<Designation>` per target, streamed; the same facts as elements
  (UniqueID, Names/Name/Name1-6/NameType/AliasStrength, NonLatinNames, RegimeName,
  IndividualEntityShip, IndividualDetails/Individual/DOBs/DOB, ShipDetails/Ship/IMONumbers,
  ...).

The layout follows the published files as parsed by opensanctions (datasets/gb/fcdo_sanctions)
and moov-io/watchman (pkg/sources/csl_uk). Conventions shared with uk_ofsi: names "Name 1 ...
Name 5 Name 6"; Name type Primary name → PRIMARY, Primary name variation and Alias → ALIAS,
weakened to WEAK by Alias strength "Low quality"; dd/mm/yyyy dates where dd/mm/00 mean unknown;
countries through `uk_country`. Regime → program; Date Designated → listingDate; Sanctions
Imposed (`|`-separated) → provisions; Designation source → authority; UK Statement of Reasons
→ reason; OFSI Group ID → ofsiGroupId (the same target in uk-ofsi); UN Reference Number →
unscId.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

from lxml import etree

from ...errors import FormatError, ParseError
from ...model import Entity, Identifier, IdKind, Link
from ...text.values import parse_date
from .._csv import Header, csv_rows, keyed_rows, normalise, sniff_encoding
from .._xml import child_text, iter_elements, local_name, root_tag, text_of
from ..base import Publication
from ._common import (
    Warnings,
    add_address,
    add_birth_date,
    add_country,
    add_latest,
    add_original_name,
    add_vessel_ids,
    name_kind,
    order_names,
    split_values,
    uk_date,
)

FORMAT_CSV = "uk-fcdo-csv"
FORMAT_XML = "uk-fcdo-xml"
ROOT = "Designations"
SCHEMAS = {"individual": "Person", "entity": "Organization", "ship": "Vessel"}
TYPE_COLUMNS = ("Individual, Entity, Ship", "Designation Type", "Type")
_PREAMBLE_ROWS = 5


def _text(prop: str) -> Callable[[Entity, str, Warnings], None]:
    return lambda entity, value, _notes: entity.add(prop, value)


def _country(prop: str) -> Callable[[Entity, str, Warnings], None]:
    def handler(entity: Entity, value: str, notes: Warnings) -> None:
        add_country(entity, prop, value, notes)

    return handler


def _date(prop: str) -> Callable[[Entity, str, Warnings], None]:
    return lambda entity, value, _notes: entity.add(prop, uk_date(value) or value)


def _ident(kind: IdKind, note: str | None = None) -> Callable[[Entity, str, Warnings], None]:
    def handler(entity: Entity, value: str, _notes: Warnings) -> None:
        value = value.removeprefix("IMO").strip() if kind is IdKind.IMO else value
        ident = Identifier(kind, value, note=note)
        if ident not in entity.identifiers:
            entity.identifiers.append(ident)

    return handler


def _link(relation: str) -> Callable[[Entity, str, Warnings], None]:
    def handler(entity: Entity, value: str, _notes: Warnings) -> None:
        if (link := Link(value, relation)) not in entity.links:
            entity.links.append(link)

    return handler


def _other_information(entity: Entity, value: str, _notes: Warnings) -> None:
    entity.add("notes", value)
    add_vessel_ids(entity, value)


# Single-valued facts: XML element name → handler; CSV columns map onto the same names.
FACTS: dict[str, Callable[[Entity, str, Warnings], None]] = {
    "Title": _text("title"),
    "RegimeName": _text("program"),
    "DesignationSource": _text("authority"),
    "OtherInformation": _other_information,
    "UKStatementofReasons": _text("reason"),
    "DateDesignated": _date("listingDate"),
    "LastUpdated": lambda entity, value, _n: add_latest(entity, "modifiedAt", uk_date(value)),
    "OFSIGroupID": _text("ofsiGroupId"),
    "UNReferenceNumber": _text("unscId"),
    "PhoneNumber": _text("phone"),
    "EmailAddress": _text("email"),
    "Website": _text("website"),
    "DOB": lambda entity, value, notes: add_birth_date(entity, value, notes),
    "Nationality": _country("nationality"),
    "Position": _text("position"),
    "Gender": lambda entity, value, _n: entity.add("gender", value.lower()),
    "TypeOfEntity": _text("classification"),
    "BusinessRegistrationNumber": _ident(IdKind.REGISTRATION),
    "ParentCompany": _link("parent"),
    "Subsidiary": _link("subsidiary"),
    "IMONumber": _ident(IdKind.IMO),
    "CurrentOwnerOperator": _link("owner_operator"),
    "PreviousOwnerOperator": _link("previous_owner_operator"),
    "CurrentBelievedFlagOfShip": _country("flag"),
    "PreviousFlag": _country("pastFlags"),
    "TypeOfShip": _text("type"),
    "TonnageOfShip": _text("tonnage"),
    "LengthOfShip": _text("length"),
    "YearBuilt": _text("buildDate"),
    "HullIdentificationNumber": _ident(IdKind.OTHER, "HIN"),
}
_SPLIT = {"SanctionsImposed", "Nationality", "PreviousFlag", "CurrentOwnerOperator"}
CSV_FACTS = {
    "Last Updated": "LastUpdated",
    "OFSI Group ID": "OFSIGroupID",
    "UN Reference Number": "UNReferenceNumber",
    "Title": "Title",
    "Regime Name": "RegimeName",
    "Designation source": "DesignationSource",
    "Sanctions Imposed": "SanctionsImposed",
    "Other Information": "OtherInformation",
    "UK Statement of Reasons": "UKStatementofReasons",
    "Phone number": "PhoneNumber",
    "Website": "Website",
    "Email address": "EmailAddress",
    "Date Designated": "DateDesignated",
    "D.O.B": "DOB",
    "Nationality(/ies)": "Nationality",
    "Position": "Position",
    "Gender": "Gender",
    "Type of entity": "TypeOfEntity",
    "Subsidiaries": "Subsidiary",
    "Parent company": "ParentCompany",
    "Business registration number (s)": "BusinessRegistrationNumber",
    "IMO number": "IMONumber",
    "Current owner/operator (s)": "CurrentOwnerOperator",
    "Previous owner/operator (s)": "PreviousOwnerOperator",
    "Current believed flag of ship": "CurrentBelievedFlagOfShip",
    "Previous flags": "PreviousFlag",
    "Type of ship": "TypeOfShip",
    "Tonnage of ship": "TonnageOfShip",
    "Length of ship": "LengthOfShip",
    "Year Built": "YearBuilt",
    "Hull identification number (HIN)": "HullIdentificationNumber",
}


def fact(entity: Entity, name: str, value: str | None, notes: Warnings) -> None:
    """Apply one fact by its XML element name; `|`-separated lists are split first."""
    value = " ".join((value or "").split())
    if not value:
        return
    values = [v.strip() for v in value.split("|")] if name in _SPLIT else [value]
    for item in values:
        if name == "SanctionsImposed":
            entity.add("provisions", item)
        elif item:
            FACTS[name](entity, item, notes)


def add_name(entity: Entity, parts: list[str], name_type: str, strength: str, n: Warnings) -> None:
    entity.add_name(" ".join(p for p in parts if p), name_kind(name_type, strength, n))


def add_id(entity: Entity, kind: IdKind, number: str, info: str) -> None:
    for value in split_values(number):
        ident = Identifier(kind, value, note=info or None)
        if ident not in entity.identifiers:
            entity.identifiers.append(ident)


def _new_entity(source: str, unique_id: str, kind: str, path: Path, line: int | None) -> Entity:
    schema = SCHEMAS.get(kind.strip().lower())
    if schema is None:
        raise ParseError(
            f"unknown designation type {kind!r} (expected Individual, Entity or Ship)",
            path=path,
            line=line,
            record=unique_id,
            field="Individual, Entity, Ship",
        )
    return Entity(id=f"{source}:{unique_id}", schema=schema, datasets=[source])


# -- CSV -------------------------------------------------------------------------------------


def parse_uk_fcdo_csv(path: Path, *, source: str = "uk-fcdo") -> Publication:
    """Read UK-Sanctions-List.csv; preamble and header now, the rows while iterating."""
    path = Path(path)
    encoding = sniff_encoding(path)
    published: str | None = None
    with closing(csv_rows(path, encoding=encoding)) as rows:
        for _ in range(_PREAMBLE_ROWS):
            line, cells = next(rows, (0, []))
            if "unique id" in (normalise(c) for c in cells):
                header = Header(path, line, cells)
                break
            published = _report_date(" ".join(c.strip() for c in cells if c.strip())) or published
        else:
            raise FormatError(
                "no header row with 'Unique ID' (not the UK Sanctions List?)", path=path
            )
    header.require(("Unique ID", "Name 6", "Name type"), hint="not the UK Sanctions List?")
    type_column = next((c for c in TYPE_COLUMNS if normalise(c) in header.index), None)
    if type_column is None:
        header.require(TYPE_COLUMNS[:1], hint="not the UK Sanctions List?")
    publication = Publication(
        source=source, format=FORMAT_CSV, files=[path], entities=iter(()), published=published
    )
    publication.entities = _csv_entities(path, encoding, header, str(type_column), publication)
    return publication


def _report_date(text: str) -> str | None:
    """ "Report Date: 23-Sep-2026" (or "Last Updated,23/09/2026") → "2026-09-23"."""
    for label in ("report date", "last updated", "date generated"):
        if text.lower().startswith(label):
            value = text[len(label) :].strip(" :,")
            return parse_date(value) or parse_date(value.replace("-", " "))
    return None


def _csv_entities(
    path: Path, encoding: str, header: Header, type_column: str, publication: Publication
) -> Iterator[Entity]:
    designations: dict[str, Entity] = {}
    notes = Warnings()
    for line, unique_id, cells in keyed_rows(path, encoding, header, "Unique ID"):
        entity = designations.get(unique_id)
        if entity is None:
            kind = header.get(cells, type_column)
            entity = _new_entity(publication.source, unique_id, kind, path, line)
            designations[unique_id] = entity
        _csv_row(entity, header, cells, notes)
    for entity in designations.values():
        order_names(entity)  # the same order from CSV rows and XML
        yield entity
    publication.warnings.extend(notes.lines(path.name))


def _csv_row(entity: Entity, header: Header, cells: list[str], notes: Warnings) -> None:
    def get(column: str) -> str:
        return header.get(cells, column)

    names = [get(f"Name {i}") for i in range(1, 7)]
    add_name(entity, names, get("Name type"), get("Alias strength"), notes)
    add_original_name(entity, get("Name non-latin script"))
    lines = [get(f"Address Line {i}") for i in range(1, 7)]
    add_address(entity, lines, get("Address Postal Code"), get("Address Country"), notes)
    add_id(entity, IdKind.PASSPORT, get("Passport number"), get("Passport additional information"))
    add_id(
        entity,
        IdKind.NATIONAL_ID,
        get("National Identifier number"),
        get("National Identifier additional information"),
    )
    _birth_place(entity, get("Town of birth"), get("Country of birth"), notes)
    for column, name in CSV_FACTS.items():
        fact(entity, name, get(column), notes)


def _birth_place(entity: Entity, town: str, country: str, notes: Warnings) -> None:
    entity.add("birthPlace", ", ".join(p for p in (town, country) if p))
    if country:
        add_country(entity, "birthCountry", country, notes)


# -- XML -------------------------------------------------------------------------------------


def parse_uk_fcdo_xml(path: Path, *, source: str = "uk-fcdo") -> Publication:
    """Read UK-Sanctions-List.xml; `published` is set from DateGenerated, which precedes the
    designations. Empty file → ParseError; another root or a DOCTYPE → FormatError."""
    path = Path(path)
    if (found := root_tag(path)) != ROOT:
        raise FormatError(f"root element is <{found}>, expected <{ROOT}>", path=path)
    publication = Publication(source=source, format=FORMAT_XML, files=[path], entities=iter(()))
    publication.entities = _xml_entities(path, publication)
    return publication


def _xml_entities(path: Path, publication: Publication) -> Iterator[Entity]:
    notes = Warnings()
    seen: set[str] = set()
    for el in iter_elements(path, {"DateGenerated", "Designation"}, root=ROOT):
        if local_name(el) == "DateGenerated":
            publication.published = uk_date(text_of(el) or "")
            continue
        unique_id = child_text(el, "UniqueID")
        line = el.sourceline
        if not unique_id:
            raise ParseError("Designation without UniqueID", path=path, line=line, field="UniqueID")
        if unique_id in seen:
            raise ParseError("duplicate UniqueID", path=path, line=line, record=unique_id)
        seen.add(unique_id)
        kind = child_text(el, "IndividualEntityShip") or ""
        entity = _new_entity(publication.source, unique_id, kind, path, line)
        _xml_designation(entity, el, notes)
        order_names(entity)  # the same order from CSV rows and XML
        yield entity
    publication.warnings.extend(notes.lines(path.name))


def _xml_designation(entity: Entity, designation: etree._Element, notes: Warnings) -> None:
    for el in designation.iter():
        name = local_name(el)
        if name == "Name" and len(el):
            parts = [child_text(el, f"Name{i}") or "" for i in range(1, 7)]
            kind, strength = child_text(el, "NameType") or "", child_text(el, "AliasStrength")
            add_name(entity, parts, kind, strength or "", notes)
        elif name == "NameNonLatinScript":
            add_original_name(entity, text_of(el) or "")
        elif name == "Address":
            lines = [child_text(el, f"AddressLine{i}") or "" for i in range(1, 7)]
            postal, country = child_text(el, "AddressPostalCode"), child_text(el, "AddressCountry")
            add_address(entity, lines, postal or "", country or "", notes)
        elif name == "Passport":
            number, info = (
                child_text(el, "PassportNumber"),
                child_text(el, "PassportAdditionalInformation"),
            )
            add_id(entity, IdKind.PASSPORT, number or "", info or "")
        elif name == "NationalIdentifier":
            number = child_text(el, "NationalIdentifierNumber") or ""
            info = child_text(el, "NationalIdentifierAdditionalInformation") or ""
            add_id(entity, IdKind.NATIONAL_ID, number, info)
        elif name == "Location":
            town, country = child_text(el, "TownOfBirth"), child_text(el, "CountryOfBirth")
            _birth_place(entity, town or "", country or "", notes)
        elif name in FACTS or name == "SanctionsImposed":
            fact(entity, name, text_of(el), notes)
