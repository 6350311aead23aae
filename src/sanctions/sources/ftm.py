"""FollowTheMoney entity files (OpenSanctions `entities.ftm.json`) and Senzing exports → entities.

FtM (format `ftm-json`): JSON Lines, one `{"id", "schema", "caption"?, "properties": {prop:
[str, ...]}, "datasets"?, ...}` per line; ids `opensanctions:<ftm id>` (unique upstream, so
not re-checked: a set of a million ids would cost 100 MB).

* Kept: Person, Organization, Company, LegalEntity, Vessel, Airplane; PublicBody is read as
  Organization. Other schemas (Sanction, Ownership, Address, Family, Passport, ...) are
  skipped and counted in a warning.
* `Sanction` entities are used, not kept: their `entity` property names the sanctioned
  entity, whose `program` (or `programId` when the text is missing), `programId`,
  `listingDate` (or `startDate`) and `authority` they fill. A Sanction may come before or
  after its target, so the file is read twice: a first pass collects the Sanction facts by
  target id (memory ∝ the number of Sanctions, a few short strings each), the second
  streams the entities.
* Names: `name` → PRIMARY for the caption (or the first name when the caption is not one of
  them), ALIAS for the others; `alias` → ALIAS; `weakAlias` and `abbreviation` → WEAK;
  `previousName` → FORMER. A non-Latin name gets its ISO 15924 script as `lang`.
* `birthDate` → partial dates; countries (nationality, citizenship, country, ...) are ISO
  codes already and only lower-cased ("gb-sct" stays as it is); identifier properties →
  Identifier kinds (`ID_PROPERTIES`); `address` → Address(full); a fixed list of other
  properties (topics, notes, position, ...) is copied; `datasets` → sourceDatasets (the
  entity's own `datasets` is [source], as for every source).
* A line that is not JSON → ParseError with its line; valid JSON that is not an object with a
  string `id` and `schema` and a `properties` object of string lists → ParseError naming
  the field.

Senzing (format `senzing-json`, `parse_senzing`): OpenSanctions' Senzing export, JSON Lines
of `{"DATA_SOURCE", "RECORD_ID", "RECORD_TYPE", "NAMES", "DATES", "COUNTRIES", "RISKS",
"IDENTIFIERS", "ADDRESSES"?, "URL", ...}`. PERSON → Person, ORGANIZATION → Organization;
records without a type (positions such as "United States senator") are skipped.
"""

from __future__ import annotations

import json
from collections.abc import Generator, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

from ..errors import FormatError, ParseError, SourceError
from ..model import PARTIAL_DATE, Address, DateValue, Entity, Identifier, IdKind, NameKind
from ..text.scripts import script_code
from ..text.values import parse_date
from .base import Publication

FORMAT = "ftm-json"
SENZING_FORMAT = "senzing-json"
SCHEMAS = {s: s for s in ("Person", "Organization", "Company", "LegalEntity", "Vessel", "Airplane")}
SCHEMAS["PublicBody"] = "Organization"
NAME_KINDS = {
    "alias": NameKind.ALIAS,
    "weakAlias": NameKind.WEAK,
    "abbreviation": NameKind.WEAK,  # acronyms alert on anything: as OFAC's weak a.k.a.
    "previousName": NameKind.FORMER,
}
# FtM property → (kind, note kept with the number).
ID_PROPERTIES: dict[str, tuple[IdKind, str | None]] = {
    "passportNumber": (IdKind.PASSPORT, None),
    "taxNumber": (IdKind.TAX_ID, None),
    "innCode": (IdKind.TAX_ID, "INN"),
    "vatCode": (IdKind.TAX_ID, "VAT"),
    "registrationNumber": (IdKind.REGISTRATION, None),
    "ogrnCode": (IdKind.REGISTRATION, "OGRN"),
    "okpoCode": (IdKind.REGISTRATION, "OKPO"),
    "leiCode": (IdKind.LEI, None),
    "imoNumber": (IdKind.IMO, None),
    "mmsi": (IdKind.MMSI, None),
    "callSign": (IdKind.CALL_SIGN, None),
    "swiftBic": (IdKind.SWIFT_BIC, None),
    "bicCode": (IdKind.SWIFT_BIC, None),
    "serialNumber": (IdKind.OTHER, None),  # an aircraft's MSN, as our own export writes it
}
COUNTRY_PROPERTIES = (
    "nationality",
    "citizenship",
    "country",
    "birthCountry",
    "jurisdiction",
    "mainCountry",
    "flag",
    "pastFlags",
)
COPIED = (
    "topics",
    "notes",
    "summary",
    "position",
    "title",
    "gender",
    "birthPlace",
    "deathDate",
    "programId",
    "website",
    "email",
    "phone",
    "legalForm",
    "incorporationDate",
    "dissolutionDate",
    "status",
    "sector",
    "classification",
    "type",
    "tonnage",
    "grossRegisteredTonnage",
    "buildDate",
    "model",
    "sourceUrl",
    "modifiedAt",
)
SANCTION_FACTS = ("program", "programId", "listingDate", "startDate", "authority")


def _first_record(path: Path) -> tuple[int, dict[str, Any]]:
    """(line, record) of the file's first JSON record, checked before streaming the rest."""
    with closing(_records(path)) as records:
        first = next(records, None)
    if first is None:
        raise ParseError("file is empty", path=path)
    return first


def parse_ftm(path: Path, *, source: str = "opensanctions") -> Publication:
    """Read an FtM entities file; the first entity is checked now, the rest while iterating."""
    path = Path(path)
    line, record = _first_record(path)
    if "schema" not in record and "RECORD_ID" in record:
        raise FormatError("a Senzing export, not FtM entities (use parse_senzing)", path=path)
    _check(path, line, record)
    publication = Publication(source=source, format=FORMAT, files=[path], entities=iter(()))
    publication.entities = _ftm_entities(path, source, publication)
    return publication


def _records(path: Path, needle: bytes = b"") -> Generator[tuple[int, dict[str, Any]], None, None]:
    """(line, object) for every non-blank line holding `needle`; not JSON / not an object →
    ParseError. The needle lets the Sanction pass skip decoding the other lines."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise SourceError(f"cannot open file: {exc.strerror}", path=path) from exc
    with handle:
        for number, raw in enumerate(handle, 1):
            if not raw.strip() or needle not in raw:
                continue
            try:
                data = json.loads(raw)
            except UnicodeDecodeError as exc:
                raise ParseError(f"invalid UTF-8: {exc.reason}", path=path, line=number) from exc
            except RecursionError:  # json's C scanner recurses once per nested [ or {
                raise ParseError("JSON nested too deeply", path=path, line=number) from None
            except json.JSONDecodeError as exc:
                if number == 1 and raw.lstrip().startswith(b"["):
                    raise FormatError(
                        "a JSON array; entities are read as JSON Lines (one object per line)",
                        path=path,
                        line=1,
                    ) from exc
                raise ParseError(
                    f"not valid JSON ({exc.msg} at column {exc.colno}); truncated file?",
                    path=path,
                    line=number,
                ) from exc
            if not isinstance(data, dict):
                raise ParseError(
                    f"expected a JSON object, found {type(data).__name__}", path=path, line=number
                )
            yield number, data


def _check(path: Path, line: int, record: dict[str, Any]) -> None:
    for key in ("id", "schema"):
        if not isinstance(record.get(key), str) or not record[key]:
            raise ParseError(f"missing or not a string: {key}", path=path, line=line, field=key)
    props = record.get("properties", {})
    if not isinstance(props, dict):
        raise ParseError("properties is not an object", path=path, line=line, field="properties")
    for prop, values in props.items():
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ParseError(
                "property values must be a list of strings",
                path=path,
                line=line,
                record=record["id"],
                field=f"properties.{prop}",
            )


def _ftm_entities(path: Path, source: str, publication: Publication) -> Iterator[Entity]:
    sanctions: dict[str, dict[str, list[str]]] = {}
    for line, record in _records(path, needle=b'"Sanction"'):
        if record.get("schema") == "Sanction":
            _check(path, line, record)
            for target in record["properties"].get("entity", []):
                facts = sanctions.setdefault(target, {})
                for prop in SANCTION_FACTS:
                    facts.setdefault(prop, []).extend(record["properties"].get(prop, []))
    skipped: dict[str, int] = {}
    for line, record in _records(path):
        _check(path, line, record)
        schema = SCHEMAS.get(record["schema"])
        if schema is None:
            skipped[record["schema"]] = skipped.get(record["schema"], 0) + 1
            continue
        entity = _entity(record, schema, source)
        _add_sanctions(entity, sanctions.get(record["id"], {}))
        yield entity
    if skipped:
        counts = ", ".join(f"{name} {n}" for name, n in sorted(skipped.items()))
        publication.warnings.append(
            f"{path.name}: {sum(skipped.values())} entities of non-screening schemas "
            f"skipped ({counts})"
        )


def _entity(record: dict[str, Any], schema: str, source: str) -> Entity:
    props: dict[str, list[str]] = record.get("properties", {})
    entity = Entity(id=f"{source}:{record['id']}", schema=schema, datasets=[source])
    names = props.get("name", [])
    caption = record.get("caption")
    primary = caption if caption in names else (names[0] if names else None)
    _name(entity, primary, NameKind.PRIMARY)
    for name in names:
        _name(entity, name, NameKind.ALIAS)
    for prop, kind in NAME_KINDS.items():
        for name in props.get(prop, []):
            _name(entity, name, kind)
    for text in props.get("birthDate", []):
        date = _date(text)
        if date is None:
            entity.add("notes", f"birthDate {text}")
        elif date not in entity.birth_dates:
            entity.birth_dates.append(date)
    id_kind = IdKind.NATIONAL_ID if schema == "Person" else IdKind.OTHER
    for value in props.get("idNumber", []):
        _identifier(entity, Identifier(id_kind, value.strip()))
    for prop, (id_type, note) in ID_PROPERTIES.items():
        for value in props.get(prop, []):
            value = value.strip()
            if id_type is IdKind.IMO:
                value = value.upper().removeprefix("IMO").strip()
            _identifier(entity, Identifier(id_type, value, note=note))
    for text in props.get("address", []):
        if (address := Address(" ".join(text.split()))) not in entity.addresses and text.strip():
            entity.addresses.append(address)
    for prop in COUNTRY_PROPERTIES:
        for code in props.get(prop, []):
            entity.add(prop, code.lower())
    for prop in COPIED:
        for value in props.get(prop, []):
            entity.add(prop, value)
    for dataset in record.get("datasets", []) or []:
        entity.add("sourceDatasets", str(dataset))
    return entity


def _name(entity: Entity, value: str | None, kind: NameKind) -> None:
    if not value or any(n.value == " ".join(value.split()) for n in entity.names):
        return  # a name listed under two properties keeps its first, strongest, kind
    script = script_code(value)
    entity.add_name(value, kind, None if script in (None, "latn") else script)


def _date(text: str) -> DateValue | None:
    text = text.strip()
    if not text:
        return None
    if PARTIAL_DATE.match(text):
        return DateValue(text)
    iso = parse_date(text)
    return DateValue(iso) if iso else None


def _identifier(entity: Entity, ident: Identifier) -> None:
    """Skip blanks and a number already held under the same kind (taxNumber + innCode)."""
    same = ((i.kind, i.value) for i in entity.identifiers)
    if ident.value and (ident.kind, ident.value) not in same:
        entity.identifiers.append(ident)


def _add_sanctions(entity: Entity, facts: dict[str, list[str]]) -> None:
    for program in facts.get("program") or facts.get("programId", []):
        entity.add("program", program)
    for prop in ("programId", "authority"):
        for value in facts.get(prop, []):
            entity.add(prop, value)
    for value in facts.get("listingDate") or facts.get("startDate", []):
        entity.add("listingDate", value)


# -- Senzing ---------------------------------------------------------------------------------

SENZING_TYPES = {"PERSON": "Person", "ORGANIZATION": "Organization"}
SENZING_NAMES = {"PRIMARY": NameKind.PRIMARY, "ALIAS": NameKind.ALIAS}
SENZING_COUNTRIES = {
    "NATIONALITY": "nationality",
    "CITIZENSHIP": "citizenship",
    "REGISTRATION_COUNTRY": "jurisdiction",
}
SENZING_IDS = {
    "PASSPORT_NUMBER": (IdKind.PASSPORT, "PASSPORT_COUNTRY"),
    "NATIONAL_ID_NUMBER": (IdKind.NATIONAL_ID, "NATIONAL_ID_COUNTRY"),
    "TAX_ID_NUMBER": (IdKind.TAX_ID, "TAX_ID_COUNTRY"),
}


def parse_senzing(path: Path, *, source: str = "opensanctions-senzing") -> Publication:
    """Read an OpenSanctions Senzing export (JSON Lines); the first record is checked now."""
    path = Path(path)
    _senzing_check(path, *_first_record(path))
    publication = Publication(source=source, format=SENZING_FORMAT, files=[path], entities=iter(()))
    publication.entities = _senzing_entities(path, source, publication)
    return publication


def _senzing_check(path: Path, line: int, record: dict[str, Any]) -> None:
    for key in ("DATA_SOURCE", "RECORD_ID"):
        if not isinstance(record.get(key), str) or not record[key]:
            raise ParseError(f"missing or not a string: {key}", path=path, line=line, field=key)
    for key in ("NAMES", "DATES", "COUNTRIES", "RISKS", "IDENTIFIERS", "ADDRESSES"):
        items = record.get(key, [])
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise ParseError(
                "expected a list of objects",
                path=path,
                line=line,
                record=record["RECORD_ID"],
                field=key,
            )


def _senzing_entities(path: Path, source: str, publication: Publication) -> Iterator[Entity]:
    skipped = 0
    for line, record in _records(path):
        _senzing_check(path, line, record)
        schema = SENZING_TYPES.get(str(record.get("RECORD_TYPE")).upper())
        if schema is None:
            skipped += 1
            continue
        yield _senzing_entity(record, schema, source)
    if skipped:
        publication.warnings.append(
            f"{path.name}: {skipped} records without a PERSON/ORGANIZATION type skipped"
        )


def _text(item: dict[str, Any], key: str) -> str:
    return str(item.get(key) or "").strip()


def _senzing_entity(record: dict[str, Any], schema: str, source: str) -> Entity:
    entity = Entity(id=f"{source}:{record['RECORD_ID']}", schema=schema, datasets=[source])
    get = _text
    for item in record.get("NAMES", []):
        full = get(item, "NAME_FULL") or get(item, "NAME_ORG")
        if not full:
            parts = ("NAME_FIRST", "NAME_MIDDLE", "NAME_LAST")
            full = " ".join(p for p in (get(item, key) for key in parts) if p)
        kind = SENZING_NAMES.get(get(item, "NAME_TYPE").upper(), NameKind.ALIAS)
        _name(entity, full, kind)
    for item in record.get("DATES", []):
        date = _date(get(item, "DATE_OF_BIRTH"))
        if date is not None and date not in entity.birth_dates:
            entity.birth_dates.append(date)
        entity.add("deathDate", get(item, "DATE_OF_DEATH"))
    for item in record.get("COUNTRIES", []):
        for key, prop in SENZING_COUNTRIES.items():
            entity.add(prop, get(item, key).lower())
    for item in record.get("IDENTIFIERS", []):
        for key, (id_type, country_key) in SENZING_IDS.items():
            if number := get(item, key):
                _identifier(
                    entity, Identifier(id_type, number, get(item, country_key).lower() or None)
                )
        if get(item, "TRUSTED_ID_TYPE") == "WIKIDATA":
            entity.add("wikidataId", get(item, "TRUSTED_ID_NUMBER"))
        elif (number := get(item, "OTHER_ID_NUMBER")) and number != record["RECORD_ID"]:
            _identifier(
                entity, Identifier(IdKind.OTHER, number, note=get(item, "OTHER_ID_TYPE") or None)
            )
    for item in record.get("ADDRESSES", []):
        if (text := get(item, "ADDR_FULL")) and Address(text) not in entity.addresses:
            entity.addresses.append(Address(text))
    for item in record.get("RISKS", []):
        entity.add("topics", get(item, "TOPIC"))
    entity.add("sourceUrl", get(record, "URL"))
    entity.add("modifiedAt", get(record, "LAST_CHANGE"))
    entity.add("sourceDatasets", get(record, "DATA_SOURCE"))
    return entity
