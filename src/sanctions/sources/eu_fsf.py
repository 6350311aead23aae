"""EU Financial Sanctions Files (FSF 1.1), as XML or as `;`-separated CSV → entities.

The EU publishes one consolidated list in both formats (`xmlFullSanctionsList_1_1`,
`csvFullSanctionsList_1_1`). Names follow the EU's schema_1_1.xsd (namespace
`http://eu.europa.ec/fpi/fsd/export`; only local names are compared): root `export`
(generationDate), `sanctionEntity` (logicalId, euReferenceNumber, unitedNationId,
designationDate, designationDetails) with `regulation`, `subjectType`, `nameAlias`,
`citizenship`, `birthdate` (birthdate, dayOfMonth, monthOfYear, year, yearRangeFrom/To,
circa, place, city, countryIso2Code), `identification`, `address` and `remark` children.
The CSV flattens that tree into 118 `<Section>_<Attribute>` columns (fileGenerationDate,
Entity_LogicalId, NameAlias_WholeName, BirthDate_Day, Identification_TypeCode, ...), one
row per detail, the rows of one entity consecutive.

Both readers turn every section into a dict keyed by the XML attribute name and hand it to
one builder, so the two files of one publication give the same entities. Decisions:

* Id `<source>:<logicalId>`; subject type person → Person, enterprise → Organization.
* Names: the first strong alias is PRIMARY, other strong ones ALIAS; `strong="false"` or a
  remark saying "low quality" → WEAK. The published CSV column list has no strength column,
  so there only the remark marks a weak alias (a `NameAlias_Strong` column is read if a
  file has one). `nameLanguage` ("RU") becomes `Name.lang` ("ru").
* Countries: countryIso2Code in lower case; "00" is the FSF's UNKNOWN; a missing code falls
  back to countryDescription through `values.country_code`.
* listingDate = designationDate, else the earliest regulation publicationDate; program =
  regulation programme ("UKR"); authorityId = euReferenceNumber; unscId = unitedNationId.
* contactInfo and the per-detail regulationSummary are not read (no screening value).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import closing
from dataclasses import dataclass, field
from itertools import takewhile
from pathlib import Path
from typing import Any

from lxml import etree

from ..errors import FormatError, ParseError
from ..model import Address, DateValue, Entity, Identifier, IdKind, NameKind
from ..text.values import country_code, parse_date
from ._csv import csv_rows
from ._xml import child_text, iter_elements, local_name, root_tag, text_of
from .base import Publication

ROOT = "export"
XML_FORMAT = "eu-fsf-xml"
CSV_FORMAT = "eu-fsf-csv"

SECTIONS = ("regulation", "nameAlias", "citizenship", "birthdate", "address", "identification")
_SCHEMAS = {"person": "Person", "p": "Person", "enterprise": "Organization", "e": "Organization"}
_ID_KINDS = {
    "passport": IdKind.PASSPORT, "id": IdKind.NATIONAL_ID, "ssn": IdKind.NATIONAL_ID,
    "nrn": IdKind.NATIONAL_ID, "fiscalcode": IdKind.TAX_ID, "regnumber": IdKind.REGISTRATION,
    "swiftbic": IdKind.SWIFT_BIC, "imo": IdKind.IMO,
}  # fmt: skip
# Codes the EU uses for documents that have no kind of their own (seen in published files).
_OTHER_ID_CODES = {
    "other", "tradelic", "birthcert", "nationcert", "travelcardid", "electionid",
    "residentperm", "drivinglicence",
}  # fmt: skip
_ID_FLAGS = (("knownFalse", "reported false"), ("knownExpired", "expired"),
             ("reportedLost", "reported lost"), ("revokedByIssuer", "revoked by issuer"),
             ("diplomatic", "diplomatic"))  # fmt: skip
_LOW_QUALITY = re.compile(r"\blow?\s+quality\b", re.I)  # "Low quality alias", "Lo quality"
_QUALITY = re.compile(r"\bquality\b", re.I)
_GENDERS = {"m": "male", "f": "female"}

# CSV columns whose XML attribute is not simply the column's rest with a lower-case initial.
_CSV_RENAMES = {
    "Entity_EU_ReferenceNumber": ("entity", "euReferenceNumber"),
    "Entity_SubjectType": ("entity", "subjectLetter"),  # "P" / "E"
    "Entity_SubjectType_ClassificationCode": ("entity", "subjectType"),  # "person"
    "Entity_Regulation_Type": ("regulation", "regulationType"),
    "BirthDate_BirthDate": ("birthdate", "birthdate"),
    "BirthDate_Day": ("birthdate", "dayOfMonth"),
    "BirthDate_Month": ("birthdate", "monthOfYear"),
    "Identification_IssuedDate": ("identification", "issueDate"),
    "Identification_TypeCode": ("identification", "identificationTypeCode"),
    "Identification_TypeDescription": ("identification", "identificationTypeDescription"),
}
_CSV_PREFIXES = {
    "Entity": "entity", "NameAlias": "nameAlias", "Address": "address", "BirthDate": "birthdate",
    "Identification": "identification", "Citizenship": "citizenship",
}  # fmt: skip
# A CSV row carries one detail; these attributes say whether it carries this section's.
_CONTENT = {
    "regulation": ("programme", "numberTitle", "publicationUrl", "publicationDate"),
    "nameAlias": ("wholeName", "firstName", "middleName", "lastName"),
    "citizenship": ("countryIso2Code", "countryDescription"),
    "birthdate": ("birthdate", "year", "yearRangeFrom", "yearRangeTo", "city", "place"),
    "address": ("street", "city", "poBox", "zipCode", "region", "place", "countryIso2Code"),
    "identification": ("number", "latinNumber"),
}
CSV_REQUIRED = ("Entity_LogicalId", "NameAlias_WholeName")
CSV_SUBJECT = ("Entity_SubjectType_ClassificationCode", "Entity_SubjectType")

Section = dict[str, str]


@dataclass
class _Record:
    """One sanctionEntity as plain dicts, whichever file format it came from."""

    entity: Section
    line: int | None
    remarks: list[str] = field(default_factory=list)
    sections: dict[str, list[Section]] = field(default_factory=lambda: {s: [] for s in SECTIONS})


# -- XML -----------------------------------------------------------------------------------


def parse_eu_fsf_xml(path: Path, *, source: str = "eu-fsf") -> Publication:
    """Read an FSF XML file; entities are streamed, `published` set on the first read.

    Checked now: empty file → ParseError; DOCTYPE or another root → FormatError. While
    iterating: truncated or badly encoded XML, an entity without logicalId or with an
    unknown subject type → ParseError.
    """
    path = Path(path)
    if (found := root_tag(path)) != ROOT:
        raise FormatError(f"root element is <{found}>, expected <{ROOT}> (EU FSF)", path=path)
    publication = Publication(source=source, format=XML_FORMAT, files=[path], entities=iter(()))
    publication.entities = _xml_entities(path, source, publication)
    return publication


def _xml_entities(path: Path, source: str, publication: Publication) -> Iterator[Entity]:
    builder = _Builder(path, source, publication.warnings)
    # The root is in `tags` only so that a list with no entries still yields its date.
    for element in iter_elements(path, {"sanctionEntity", ROOT}, root=ROOT):
        if publication.published is None:
            publication.published = parse_date(
                element.getroottree().getroot().get("generationDate")
            )
        if local_name(element) != ROOT:
            yield builder.build(_xml_record(element))
    builder.finish()


def _xml_record(el: etree._Element) -> _Record:
    record = _Record(entity=_clean(el.attrib), line=el.sourceline, remarks=_remarks(el))
    for child in el:
        name = local_name(child)
        if name == "subjectType":
            record.entity["subjectType"] = child.get("code", "")
            record.entity["subjectLetter"] = child.get("classificationCode", "")
        elif name in record.sections:
            section = _clean(child.attrib)
            if remarks := _remarks(child):
                section["remark"] = "; ".join(remarks)
            if name == "regulation" and (url := child_text(child, "publicationUrl")):
                section["publicationUrl"] = url
            record.sections[name].append(section)
    return record


def _clean(attributes: Mapping[str, str]) -> Section:
    """Attributes with blanks dropped and spaces collapsed, as the CSV reader sees cells."""
    return {k: v for k, value in attributes.items() if (v := " ".join(value.split()))}


def _remarks(el: etree._Element) -> list[str]:
    return [t for child in el if local_name(child) == "remark" and (t := text_of(child))]


# -- CSV -----------------------------------------------------------------------------------


def parse_eu_fsf_csv(path: Path, *, source: str = "eu-fsf") -> Publication:
    """Read an FSF CSV file; entities are streamed, `published` set on the first row.

    Checked now: empty file → ParseError; a header without Entity_LogicalId,
    NameAlias_WholeName or a subject type column → FormatError naming it. While iterating:
    bad bytes, a row of the wrong width, an empty Entity_LogicalId or the rows of one entity
    split apart → ParseError with the line.
    """
    path = Path(path)
    with closing(csv_rows(path, delimiter=";", strict=False)) as rows:
        first = next(rows, None)
        if first is None:
            raise ParseError("file is empty", path=path)
        _check_header(path, first[1])
    publication = Publication(source=source, format=CSV_FORMAT, files=[path], entities=iter(()))
    publication.entities = _csv_entities(path, source, publication)
    return publication


def _check_header(path: Path, header: list[str]) -> None:
    hint = "not an EU FSF CSV file (';'-separated, with a header row)?"
    for column in CSV_REQUIRED:
        if column not in header:
            raise FormatError(f"column {column} missing; {hint}", path=path, line=1, field=column)
    if not any(column in header for column in CSV_SUBJECT):
        raise FormatError(f"column {CSV_SUBJECT[0]} missing; {hint}", path=path, line=1)


def _csv_target(column: str) -> tuple[str, str] | None:
    """(section, XML attribute) of a CSV column; None for columns we do not read."""
    if column in _CSV_RENAMES:
        return _CSV_RENAMES[column]
    prefix, _, rest = column.partition("_")
    if prefix == "Entity" and rest.startswith("Regulation_"):
        rest = rest.removeprefix("Regulation_")
        return "regulation", rest[:1].lower() + rest[1:]
    if prefix not in _CSV_PREFIXES or not rest or rest.startswith("Regulation_"):
        return None  # fileGenerationDate, and the regulation of each single detail
    return _CSV_PREFIXES[prefix], rest[:1].lower() + rest[1:]


def _csv_entities(path: Path, source: str, publication: Publication) -> Iterator[Entity]:
    builder = _Builder(path, source, publication.warnings)
    seen: set[str] = set()
    record: _Record | None = None
    keys: set[tuple[object, ...]] = set()
    with closing(csv_rows(path, delimiter=";", strict=False)) as rows:
        _, header = next(rows)
        targets = [_csv_target(column) for column in header]
        date_at = header.index("fileGenerationDate") if "fileGenerationDate" in header else None
        for line, cells in rows:
            where: dict[str, Any] = {"path": path, "line": line, "field": "Entity_LogicalId"}
            if len(cells) != len(header):
                message = f"expected {len(header)} columns, found {len(cells)} (truncated file?)"
                raise ParseError(message, path=path, line=line)
            if publication.published is None and date_at is not None:
                publication.published = parse_date(cells[date_at])  # "05/08/2026" (d/m/y)
            sections: dict[str, Section] = {}
            for target, cell in zip(targets, cells, strict=True):
                if target is not None and (value := " ".join(cell.split())):
                    sections.setdefault(target[0], {})[target[1]] = value
            entity = sections.pop("entity", {})
            if (logical_id := entity.get("logicalId")) is None:
                raise ParseError("Entity_LogicalId is empty", **where)
            if record is None or logical_id != record.entity["logicalId"]:
                if record is not None:
                    yield builder.build(record)
                if logical_id in seen:  # grouping consecutive rows would split the entity
                    raise ParseError(
                        "rows of this entity are not consecutive", **where, record=logical_id
                    )
                seen.add(logical_id)
                record, keys = _Record(entity={**entity}, line=line), set()
                record.entity.pop("remark", None)
            if (remark := entity.get("remark")) and remark not in record.remarks:
                record.remarks.append(remark)
            for name, section in sections.items():
                if not any(section.get(a) for a in _CONTENT[name]):
                    continue
                key = (name, section.get("logicalId") or tuple(sorted(section.items())))
                if key not in keys:  # a detail repeated on several rows is one detail
                    keys.add(key)
                    record.sections[name].append(section)
    if record is not None:
        yield builder.build(record)
    builder.finish()


# -- one builder for both formats ----------------------------------------------------------


class _Builder:
    def __init__(self, path: Path, source: str, warnings: list[str]) -> None:
        self.path = path
        self.source = source
        self.warnings = warnings
        self.unknown_id_codes: set[str] = set()

    def finish(self) -> None:
        if self.unknown_id_codes:
            codes = ", ".join(sorted(self.unknown_id_codes))
            self.warnings.append(f"identificationTypeCode {codes} unknown; read as other")

    def build(self, record: _Record) -> Entity:
        attrs = record.entity
        logical_id = attrs.get("logicalId", "").strip()
        reference = attrs.get("euReferenceNumber") or None
        where: dict[str, Any] = {
            "path": self.path,
            "line": record.line,
            "record": logical_id or reference,
        }
        if not logical_id:
            raise ParseError("sanctionEntity without logicalId", **where, field="logicalId")
        subject = attrs.get("subjectType") or attrs.get("subjectLetter") or ""
        if (schema := _SCHEMAS.get(subject.strip().lower())) is None:
            message = f"unknown subject type {subject!r} (expected person or enterprise)"
            raise ParseError(message, **where, field="subjectType")
        entity = Entity(id=f"{self.source}:{logical_id}", schema=schema, datasets=[self.source])
        self._names(record.sections["nameAlias"], entity)
        entity.add("authorityId", reference)
        entity.add("unscId", attrs.get("unitedNationId"))
        regulations = record.sections["regulation"]
        for regulation in regulations:
            entity.add("program", regulation.get("programme"))
            entity.add("sourceUrl", regulation.get("publicationUrl"))
        published = [d for r in regulations if (d := parse_date(r.get("publicationDate")))]
        listed = parse_date(attrs.get("designationDate")) or min(published, default=None)
        entity.add("listingDate", listed)
        for remark in record.remarks:
            entity.add("notes", remark)
        entity.add("notes", attrs.get("designationDetails"))
        for section in record.sections["citizenship"]:
            entity.add("nationality", self._country(section, entity))
            entity.add("notes", section.get("remark"))
        for section in record.sections["birthdate"]:
            self._birth(section, entity)
        for section in record.sections["identification"]:
            self._document(section, entity)
        for section in record.sections["address"]:
            self._address(section, entity)
        if not entity.names:
            self.warnings.append(f"{entity.id}: no name")
        return entity

    def _names(self, aliases: list[Section], entity: Entity) -> None:
        has_primary = False
        for alias in aliases:
            parts = (alias.get(k) for k in ("firstName", "middleName", "lastName"))
            whole = " ".join((alias.get("wholeName") or " ".join(p for p in parts if p)).split())
            remark = alias.get("remark") or ""
            if not whole:
                continue
            if _flag(alias.get("strong")) is False or _LOW_QUALITY.search(remark):
                kind = NameKind.WEAK
            else:
                kind = NameKind.ALIAS if has_primary else NameKind.PRIMARY
                has_primary = True
            entity.add_name(whole, kind, (alias.get("nameLanguage") or "").lower() or None)
            if remark and not _QUALITY.search(remark):  # quality remarks are read as the kind
                entity.add("notes", remark)
            entity.add("title", alias.get("title"))
            entity.add("position" if entity.schema == "Person" else "notes", alias.get("function"))
            entity.add("gender", _GENDERS.get((alias.get("gender") or "").lower()))

    def _country(self, section: Section, entity: Entity) -> str | None:
        code = (section.get("countryIso2Code") or "").strip().lower()
        if len(code) == 2 and code.isalpha():  # "00" is the FSF's UNKNOWN
            return code
        description = section.get("countryDescription")
        if not description or description.upper() == "UNKNOWN":
            return None
        if (found := country_code(description)) is None:
            self.warnings.append(f"{entity.id}: country {description!r} unknown; not kept")
        return found.split("-")[0] if found else None  # ISO2 only: "ua-cri" → "ua"

    def _birth(self, section: Section, entity: Entity) -> None:
        circa = _flag(section.get("circa")) is True
        start = parse_date(section.get("birthdate"))
        if start is None and (year := section.get("year")):
            parts = [year, section.get("monthOfYear") or "", section.get("dayOfMonth") or ""]
            start = parse_date("-".join(takewhile(lambda p: bool(p) and p != "0", parts)))
        value = None
        if start:
            value = DateValue(start, circa=circa)
        elif low := parse_date(section.get("yearRangeFrom")):
            value = DateValue(low, parse_date(section.get("yearRangeTo")), circa)
        if value is not None and value not in entity.birth_dates:
            entity.birth_dates.append(value)
        country = _description(section)
        place = [section.get("place"), section.get("city"), section.get("region"), country]
        entity.add("birthPlace", ", ".join(_dedupe(place)) or None)
        entity.add("birthCountry", self._country(section, entity))
        entity.add("notes", section.get("remark"))

    def _document(self, section: Section, entity: Entity) -> None:
        code = (section.get("identificationTypeCode") or "").strip()
        kind = _ID_KINDS.get(code.lower(), IdKind.OTHER)
        if code and code.lower() not in _ID_KINDS and code.lower() not in _OTHER_ID_CODES:
            self.unknown_id_codes.add(code)
        details = [section.get("identificationTypeDescription")]
        details += [f"issued by {v}" if (v := section.get("issuedBy")) else None]
        details += [f"issued {parse_date(v) or v}" if (v := section.get("issueDate")) else None]
        details += [f"valid to {parse_date(v) or v}" if (v := section.get("validTo")) else None]
        details += [text for key, text in _ID_FLAGS if _flag(section.get(key)) is True]
        details.append(section.get("remark"))
        note = "; ".join(_dedupe(details)) or None
        numbers = _dedupe([section.get("number"), section.get("latinNumber")])
        if not numbers:
            entity.add("notes", f"Document: {note}" if note else None)
        country = self._country(section, entity)
        for number in numbers:
            identifier = Identifier(kind, number, country, note)
            if identifier not in entity.identifiers:
                entity.identifiers.append(identifier)

    def _address(self, section: Section, entity: Entity) -> None:
        street, city = section.get("street"), section.get("city")
        region, postal = section.get("region"), section.get("zipCode")
        po_box = f"P.O. Box {box}" if (box := section.get("poBox")) else None
        parts = [street, po_box, section.get("place"), city, region, postal, _description(section)]
        full = ", ".join(_dedupe(parts))
        entity.add("notes", section.get("remark"))
        if not full:
            return
        code = self._country(section, entity)
        address = Address(full, street, city, region, postal, code)
        if address not in entity.addresses:
            entity.addresses.append(address)
        entity.add("country", code)


def _description(section: Section) -> str | None:
    value = section.get("countryDescription")
    return None if not value or value.upper() == "UNKNOWN" else value


def _flag(value: str | None) -> bool | None:
    """ "true"/"false" attributes (and 1/0 in CSV); None when absent or unreadable."""
    lowered = (value or "").strip().lower()
    return True if lowered in ("true", "1") else False if lowered in ("false", "0") else None


def _dedupe(values: Iterable[str | None]) -> list[str]:
    out: list[str] = []
    for value in values:
        if value and (value := " ".join(value.split())) and value not in out:
            out.append(value)
    return out
