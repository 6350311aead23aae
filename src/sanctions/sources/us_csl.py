"""trade.gov's Consolidated Screening List (consolidated.csv) → entities `us-csl:<id>`.

The CSL merges eleven US export-screening and sanctions lists (SDN, SSI, Entity List, DPL,
...), one row per party, multi-valued cells joined with `;`. Columns are read by header name:
source, entity_number, type, programs, name, title, addresses, federal_register_notice,
start_date, end_date, standard_order, license_requirement, license_policy, call_sign,
vessel_type, gross_tonnage, gross_registered_tonnage, vessel_flag, vessel_owner, remarks,
source_list_url, alt_names, citizenships, dates_of_birth, nationalities, places_of_birth,
source_information_url, ids (and `_id` in current files).

Ids: the `_id` (or `id`) column when the file has one. Older files (such as the 2019 excerpt
in shared/data) have none; then the id is `<list code>-<entity_number>` ("sdn-20264"), the
list code being the abbreviation in `source` ("Specially Designated Nationals (SDN) - ..."),
and for lists without entity numbers (DPL, EL, DTC, ISN, UVL) `<list code>-<12 hex digits of
SHA-1(source, name)>`, stable as long as the list prints the name the same way. A second row
of the same list with the same name gets "-2", "-3", ... in file order (and a warning).

Facts: type Individual/Entity/Vessel/Aircraft → Person/Organization/Vessel/Airplane, an
empty type (lists that do not say) → LegalEntity; source → sourceList; programs → program;
start_date → listingDate; the `ids` cell ("country, number, type; ...") → identifiers, or
the same properties OFAC's XML gives those entries (website, email, sanctionsInfo, ...);
"Linked To:" in remarks → links. Rows are streamed; only the ids seen are kept (for the
uniqueness check), about 30 bytes per row.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

from ..errors import ParseError
from ..model import Address, Entity, Identifier, IdKind, Link, NameKind
from ..text.values import country_code, parse_date, parse_date_value
from ._csv import Header, csv_rows, read_header
from .base import Publication
from .ofac._ids import id_kind

FORMAT = "us-csl-csv"
REQUIRED = ("source", "name", "type")
SCHEMAS = {
    "individual": "Person",
    "entity": "Organization",
    "vessel": "Vessel",
    "aircraft": "Airplane",
    "": "LegalEntity",
}
_LIST_CODE = re.compile(r"\(([A-Z][A-Z0-9-]*)\)")
_LINKED = re.compile(r"Linked To:\s*([^;)]+)")
_ISO2 = re.compile(r"^[A-Z]{2}$")

# `ids` entries that state a fact rather than identify the party (as ofac_xml reads them).
_FACT_PROPS = {
    "website": "website",
    "email address": "email",
    "phone number": "phone",
    "telephone": "phone",
    "gender": "gender",
    "additional sanctions information": "sanctionsInfo",
    "organization established date": "incorporationDate",
    "organization type": "sector",
    "vessel year of build": "buildDate",
    "aircraft model": "model",
    "other vessel type": "type",
}
_FLAG_PROPS = {"former vessel flag": "pastFlags", "other vessel flag": "flag"}
_LABELLED = ("secondary sanctions risk", "transactions prohibited for persons owned")
_NOTES = ("executive order", "for more information", "listing date", "effective date", "caatsa")


def parse_us_csl(path: Path, *, source: str = "us-csl") -> Publication:
    """Read consolidated.csv; the header is checked now (FormatError naming a missing
    column), the rows while iterating (ParseError naming line, record and field)."""
    path = Path(path)
    header = read_header(path, REQUIRED, hint="not a trade.gov Consolidated Screening List CSV?")
    publication = Publication(source=source, format=FORMAT, files=[path], entities=iter(()))
    publication.entities = _entities(path, header, source, publication)
    return publication


def _entities(
    path: Path, header: Header, source: str, publication: Publication
) -> Iterator[Entity]:
    id_column = next((c for c in ("_id", "id") if c in header.index), None)
    seen: set[str] = set()
    repeats = 0
    for line, cells in csv_rows(path):
        if line <= header.line:
            continue
        header.check_width(line, cells)
        key = _row_id(header, cells, id_column)
        if key in seen:
            if id_column is not None:
                raise ParseError(f"duplicate {id_column}", path=path, line=line, record=key)
            repeats += 1
            key = next(f"{key}-{n}" for n in range(2, 1_000_000) if f"{key}-{n}" not in seen)
        seen.add(key)
        yield _entity(path, line, header, cells, f"{source}:{key}", source)
    if repeats:
        publication.warnings.append(
            f"{path.name}: {repeats} rows repeat a list's name without an entity_number; "
            "numbered -2, -3, ... in file order"
        )


def _row_id(header: Header, cells: list[str], id_column: str | None) -> str:
    if id_column is not None and (value := header.get(cells, id_column)):
        return value
    source = header.get(cells, "source")
    m = _LIST_CODE.search(source)
    code = m.group(1).lower() if m else re.sub(r"[^a-z0-9]+", "-", source.lower()).strip("-")
    if number := header.get(cells, "entity_number"):
        return f"{code}-{number}"
    name = " ".join(header.get(cells, "name").split())
    digest = hashlib.sha1(f"{source}\x1f{name}".encode()).hexdigest()[:12]
    return f"{code}-{digest}"


def _entity(
    path: Path, line: int, header: Header, cells: list[str], entity_id: str, source: str
) -> Entity:
    def get(column: str) -> str:
        return header.get(cells, column)

    def error(message: str, field: str) -> ParseError:
        return ParseError(message, path=path, line=line, record=entity_id, field=field)

    schema = SCHEMAS.get(get("type").lower())
    if schema is None:
        raise error(f"unknown type {get('type')!r}", "type")
    if not get("name"):
        raise error("name is empty", "name")
    entity = Entity(id=entity_id, schema=schema, datasets=[source])
    entity.add_name(get("name"), NameKind.PRIMARY)
    for alias in _split(get("alt_names")):
        entity.add_name(alias, NameKind.ALIAS)
    entity.add("sourceList", get("source"))
    for program in _split(get("programs")):
        entity.add("program", program)
    entity.add("title", get("title"))
    for text in _split(get("addresses")):
        _address(entity, text)
    entity.add("listingDate", parse_date(get("start_date")) or get("start_date"))
    entity.add("endDate", parse_date(get("end_date")) or get("end_date"))
    for column, prop in (
        ("federal_register_notice", "federalRegisterNotice"),
        ("standard_order", "standardOrder"),
        ("license_requirement", "licenseRequirement"),
        ("license_policy", "licensePolicy"),
        ("vessel_type", "type"),
        ("gross_tonnage", "tonnage"),
        ("gross_registered_tonnage", "grossRegisteredTonnage"),
        ("vessel_owner", "ownerName"),
        ("source_list_url", "sourceUrl"),
        ("source_information_url", "sourceUrl"),
    ):
        entity.add(prop, get(column))
    if call_sign := get("call_sign"):
        entity.identifiers.append(Identifier(IdKind.CALL_SIGN, call_sign))
    if flag := get("vessel_flag"):
        entity.add("flag", country_code(flag) or flag)
    for column, prop in (("citizenships", "citizenship"), ("nationalities", "nationality")):
        for country in _split(get(column)):
            entity.add(prop, country_code(country) or country)
    for place in _split(get("places_of_birth")):
        entity.add("birthPlace", place)
    for text in _split(get("dates_of_birth")):
        if (date := parse_date_value(text)) is None:
            raise error(f"date of birth {text!r} not understood", "dates_of_birth")
        if date not in entity.birth_dates:
            entity.birth_dates.append(date)
    for item in _split(get("ids")):
        _identifier(entity, item)
    remarks = get("remarks")
    entity.add("notes", remarks)
    for name in _LINKED.findall(remarks):
        if (link := Link(name.strip().rstrip("."))) not in entity.links:
            entity.links.append(link)
    return entity


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


def _address(entity: Entity, text: str) -> None:
    """ "street, city, state, postal code, CC": the last part is an ISO2 code when given."""
    last = text.rsplit(",", 1)[-1].strip()
    code = country_code(last) if _ISO2.match(last) else None
    address = Address(text, country=code)
    if address not in entity.addresses:
        entity.addresses.append(address)
    entity.add("country", code)


def _identifier(entity: Entity, item: str) -> None:
    """ "[country, ]number, type" as the CSL flattens OFAC's idList entries."""
    parts = [p.strip() for p in item.split(",")]
    id_type, rest = parts[-1], parts[:-1]
    country = None
    if len(rest) >= 2 and _ISO2.match(rest[0]):
        country, rest = rest[0].lower(), rest[1:]
    number = ", ".join(rest)
    label = id_type.rstrip(" :-#").lower()
    if not number:
        entity.add("notes", item)
    elif prop := _FACT_PROPS.get(label):
        entity.add(prop, number.lower() if prop == "gender" else number)
    elif prop := _FLAG_PROPS.get(label):
        entity.add(prop, country_code(number) or number)
    elif label.startswith(_LABELLED):
        entity.add("sanctionsInfo", f"{id_type} {number}")
    elif label.startswith(_NOTES):
        entity.add("notes", f"{id_type} {number}")
    elif label.startswith("digital currency address"):
        currency = id_type.rstrip(" :-").rsplit("-", 1)[-1].strip() or None
        _add(entity, Identifier(IdKind.CRYPTO, number, note=currency))
    else:
        kind, value, note = id_kind(id_type, number)
        _add(entity, Identifier(kind, value, country, note))


def _add(entity: Entity, ident: Identifier) -> None:
    if ident not in entity.identifiers:
        entity.identifiers.append(ident)
