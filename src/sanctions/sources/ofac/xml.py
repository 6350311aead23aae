"""OFAC SDN list in its XML form (sdn.xml, `sdnList.xsd`) → entities.

The element names and order follow OFAC's schema (uid, firstName, lastName, title, sdnType,
remarks, programList, idList, akaList, addressList, nationalityList, citizenshipList,
dateOfBirthList, placeOfBirthList, vesselInfo). Both namespaces OFAC has used are read
(`http://tempuri.org/sdnList.xsd` and the Sanctions List Service one): only local names
are compared.

The same list is published as legacy CSV (ofac_csv.py), and a load of either file must
give the same entities wherever the formats carry the same facts. So this module follows
the CSV parser's conventions: ids "<source>:<uid>" (uid = ent_num); names "LAST, First";
the address line as add.csv prints it ("address1, City, State Postal, Country"); an
`idType` means what the same label means in the CSV remarks ("Passport DM002656 (Burma)
issued 25 Aug 2014" ↔ <idType>Passport</idType><idNumber>DM002656</idNumber>...): the same
IdKind, the label in `note` only when it says more than the kind, issue/expiry wording as
printed, IMO numbers without their "IMO" prefix. Facts filed under idList (e-mail, website,
gender, vessel flags, sanctions information, ...) become the same properties as there.
Weak akas are WEAK whatever their type, as the CSV (which only marks them weak) has them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

from lxml import etree

from ...errors import ParseError
from ...model import Address, Entity, Identifier, IdKind, Link, NameKind
from ...text.values import country_code, parse_date, parse_date_value
from .._xml import child_text, children, expect_root, iter_elements, local_name, text_of
from ..base import Publication
from ._ids import id_kind, label_key

ROOT = "sdnList"
FORMAT = "ofac-xml"

_SCHEMAS = {
    "individual": "Person",
    "entity": "Organization",
    "vessel": "Vessel",
    "aircraft": "Airplane",
}
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_YEAR_SPAN = re.compile(r"^(circa\s+)?(\d{4})\s*-\s*(\d{4})$", re.I)  # "circa 1979-1980"
_NO_FLAG = "none identified"
_ID_DATES = (("issued", "issueDate"), ("expires", "expirationDate"))


def _text(prop: str) -> Callable[[Entity, str], None]:
    return lambda entity, value: entity.add(prop, value)


def _date(prop: str) -> Callable[[Entity, str], None]:
    def handler(entity: Entity, value: str) -> None:
        parsed = parse_date_value(value)
        entity.add(prop, parsed.start if parsed and parsed.end is None else value)

    return handler


def _flag(prop: str) -> Callable[[Entity, str], None]:
    def handler(entity: Entity, value: str) -> None:
        if value.lower() != _NO_FLAG:  # "None Identified" means no flag, not an unknown one
            entity.add(prop, country_code(value) or value)

    return handler


def _gender(entity: Entity, value: str) -> None:
    if value.lower() in ("male", "female"):
        entity.add("gender", value.lower())


# idTypes that state a fact rather than identify the party: property handlers.
_FACTS: dict[str, Callable[[Entity, str], None]] = {
    "website": _text("website"),
    "email address": _text("email"),
    "phone number": _text("phone"),
    "phone no.": _text("phone"),
    "telephone no.": _text("phone"),
    "telephone": _text("phone"),
    "phone": _text("phone"),
    "gender": _gender,
    "organization established date": _date("incorporationDate"),
    "organization type": _text("sector"),
    "target type": _text("classification"),
    "title": _text("title"),
    "position": _text("position"),
    "aircraft model": _text("model"),
    "aircraft operator": _text("operator"),
    "aircraft manufacture date": _date("buildDate"),
    "vessel year of build": _date("buildDate"),
    "other vessel flag": _flag("flag"),
    "former vessel flag": _flag("pastFlags"),
    "other vessel type": _text("type"),
    "additional sanctions information": _text("sanctionsInfo"),
}
# Facts whose label is part of the statement ("Secondary sanctions risk: section 1(b) ...").
_LABELLED_FACTS = {
    "secondary sanctions risk": "sanctionsInfo",
    "transactions prohibited for persons owned or controlled by u.s. financial institutions": (
        "sanctionsInfo"
    ),
}
# Legal or market context only: kept as notes.
_NOTE_PREFIXES = (
    "executive order",
    "for more information",
    "listing date (",
    "effective date (",
    "caatsa section",
    "ifca determination",
    "purchase/sales for divestment date",
    "equity ticker",
    "issuer name",
    "fax",
    "telex",
)


def parse_ofac_xml(path: Path, *, source: str = "ofac-sdn") -> Publication:
    """Read OFAC's sdn.xml; entities are streamed and `published` is set from
    `publshInformation` (which precedes the entries) as soon as iteration starts.

    Checked now: an empty file → ParseError; a DOCTYPE or another root → FormatError.
    While iterating: a truncated or badly encoded body, or an entry without uid →
    ParseError.
    """
    path = Path(path)
    expect_root(path, ROOT)
    publication = Publication(source=source, format=FORMAT, files=[path], entities=iter(()))
    publication.entities = _entities(path, source, publication)
    return publication


def _entities(path: Path, source: str, publication: Publication) -> Iterator[Entity]:
    expected: int | None = None
    count = 0
    for element in iter_elements(path, {"publshInformation", "sdnEntry"}, root=ROOT):
        if local_name(element) == "publshInformation":
            publication.published = publish_date(child_text(element, "Publish_Date"))
            record_count = child_text(element, "Record_Count") or ""
            expected = int(record_count) if record_count.isdigit() else None
            continue
        count += 1
        yield _entity(element, path, source, publication.warnings)
    if expected is not None and expected != count:
        publication.warnings.append(
            f"{path.name}: Record_Count says {expected} entries, the file holds {count}"
        )


def publish_date(text: str | None) -> str | None:
    """OFAC's Publish_Date is US-style MM/DD/YYYY ("10/29/2020" → "2020-10-29")."""
    if text and (m := _US_DATE.match(text)):
        try:
            return date(int(m.group(3)), int(m.group(1)), int(m.group(2))).isoformat()
        except ValueError:
            return None
    return parse_date(text)


def _entity(el: etree._Element, path: Path, source: str, warnings: list[str]) -> Entity:
    uid = child_text(el, "uid")
    if uid is None:
        raise ParseError(
            "sdnEntry without uid",
            path=path,
            line=el.sourceline,
            record=child_text(el, "lastName"),
            field="uid",
        )
    sdn_type = child_text(el, "sdnType") or ""
    schema = _SCHEMAS.get(sdn_type.lower())
    if schema is None:
        warnings.append(f"{source}:{uid}: unknown sdnType {sdn_type!r}; read as LegalEntity")
        schema = "LegalEntity"
    entity = Entity(id=f"{source}:{uid}", schema=schema, datasets=[source])
    entity.add_name(_name(el), NameKind.PRIMARY)
    entity.add("title", child_text(el, "title"))
    if remarks := child_text(el, "remarks"):
        entity.add("notes", remarks)
        for target in _linked_to(remarks):
            if (link := Link(target)) not in entity.links:
                entity.links.append(link)
    for program in _items(el, "programList", "program"):
        entity.add("program", text_of(program))

    # vesselInfo closes the entry but is read first: the CSV has these columns before the
    # remarks, so the call sign leads the identifiers in both loads.
    for info in children(el, "vesselInfo"):
        if call_sign := child_text(info, "callSign"):
            _add_identifier(entity, Identifier(IdKind.CALL_SIGN, call_sign))
        entity.add("type", child_text(info, "vesselType"))
        if flag := child_text(info, "vesselFlag"):
            _flag("flag")(entity, flag)
        entity.add("ownerName", child_text(info, "vesselOwner"))
        # Kept as printed, like the CSV's Tonnage/GRT columns ("99,144").
        entity.add("tonnage", child_text(info, "tonnage"))
        entity.add("grossRegisteredTonnage", child_text(info, "grossRegisteredTonnage"))
    for item in _items(el, "idList", "id"):
        _identifier(item, entity, warnings)
    # Weak akas last: the CSV lists alt.csv's strong names before the remarks' weak ones.
    akas = [_alias(aka) for aka in _items(el, "akaList", "aka")]
    for name, kind in sorted(akas, key=lambda alias: alias[1] is NameKind.WEAK):
        entity.add_name(name, kind)
    for item in _items(el, "addressList", "address"):
        _address(item, entity, warnings)
    for prop, (group, name) in (
        ("nationality", ("nationalityList", "nationality")),
        ("citizenship", ("citizenshipList", "citizenship")),
    ):
        for item in _items(el, group, name):
            raw = child_text(item, "country")
            code = _country(raw, entity, prop, warnings)
            entity.add(prop, code)
            if raw and code is None:
                entity.add("notes", f"{prop}: {raw}")
    for item in _items(el, "dateOfBirthList", "dateOfBirthItem"):
        _birth_date(child_text(item, "dateOfBirth"), entity, warnings)
    for item in _items(el, "placeOfBirthList", "placeOfBirthItem"):
        entity.add("birthPlace", child_text(item, "placeOfBirth"))
    return entity


def _name(el: etree._Element) -> str | None:
    """ "LAST, First" as the CSV prints it; entities, vessels and aircraft have lastName only."""
    last, first = child_text(el, "lastName"), child_text(el, "firstName")
    if last and first:
        return f"{last}, {first}"
    return last or first


def _alias(aka: etree._Element) -> tuple[str | None, NameKind]:
    if (child_text(aka, "category") or "").lower() == "weak":
        kind = NameKind.WEAK  # weak wins over f.k.a.: it is what decides how to screen
    elif (child_text(aka, "type") or "").lower() == "f.k.a.":
        kind = NameKind.FORMER
    else:  # strong a.k.a., and n.k.a. (the name now used)
        kind = NameKind.ALIAS
    return _name(aka), kind


def _linked_to(remarks: str) -> list[str]:
    """Names after "Linked To:" in remarks such as "(Linked To: X; Linked To: Y (HK) LTD.)"."""
    text = remarks.strip()
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1]
    segments = (s.strip() for s in text.split(";"))
    return [s[len("Linked To:") :].strip() for s in segments if s.startswith("Linked To:")]


def _birth_date(raw: str | None, entity: Entity, warnings: list[str]) -> None:
    if not raw:
        return
    text = raw
    if m := _YEAR_SPAN.match(text):  # parse_date_value wants "1979 to 1980"
        text = f"{m.group(1) or ''}{m.group(2)} to {m.group(3)}"
    if value := parse_date_value(text):
        if value not in entity.birth_dates:
            entity.birth_dates.append(value)
        return
    entity.add("notes", f"DOB {raw}")
    warnings.append(f"{entity.id}: date of birth {raw!r} not understood; kept in notes")


def _identifier(item: etree._Element, entity: Entity, warnings: list[str]) -> None:
    id_type = child_text(item, "idType") or ""
    number = child_text(item, "idNumber")
    if number is None:
        return
    label = label_key(id_type)
    if handler := _FACTS.get(label):
        handler(entity, number)
        return
    if prop := _LABELLED_FACTS.get(label):
        entity.add(prop, f"{id_type} {number}")
        return
    if label.startswith(_NOTE_PREFIXES):
        entity.add("notes", f"{id_type} {number}")
        return
    if label.startswith("digital currency address"):
        currency = id_type.rsplit("-", 1)[-1].strip()
        _add_identifier(entity, Identifier(IdKind.CRYPTO, number, note=currency or None))
        return
    kind, value, note = id_kind(id_type, number)
    raw_country = child_text(item, "idCountry")
    code = _country(raw_country, entity, "id country", warnings)
    details = [note] if note else []
    if raw_country and code is None:
        details.append(raw_country)
    # As the CSV prints it after the number: "issued 25 Aug 2014 expires 24 Aug 2024".
    dates = [f"{word} {d}" for word, tag in _ID_DATES if (d := child_text(item, tag))]
    if dates:
        details.append(" ".join(dates))
    _add_identifier(entity, Identifier(kind, value, code, "; ".join(details) or None))


def _address(item: etree._Element, entity: Entity, warnings: list[str]) -> None:
    lines = [child_text(item, f) for f in ("address1", "address2", "address3")]
    street = ", ".join(line for line in lines if line) or None
    city, region = child_text(item, "city"), child_text(item, "stateOrProvince")
    postal, raw_country = child_text(item, "postalCode"), child_text(item, "country")
    # add.csv's "City/State/Province/Postal" column: "Kaluga, Kalugskaya Oblast 248009".
    city_line = " ".join(p for p in (", ".join(p for p in (city, region) if p), postal) if p)
    full = ", ".join(p for p in (street, city_line, raw_country) if p)
    if not full:  # OFAC keeps an <address> with only a uid for parties with no address
        return
    code = _country(raw_country, entity, "address country", warnings)
    address = Address(full, street, city, region, postal, code)
    if address not in entity.addresses:
        entity.addresses.append(address)
    entity.add("country", code)


# -- small helpers -------------------------------------------------------------------------


def _items(el: etree._Element, group: str, name: str) -> list[etree._Element]:
    """<group><name/>…</group> → the <name> elements."""
    return [item for container in children(el, group) for item in children(container, name)]


def _add_identifier(entity: Entity, ident: Identifier) -> None:
    if ident not in entity.identifiers:
        entity.identifiers.append(ident)


def _country(raw: str | None, entity: Entity, what: str, warnings: list[str]) -> str | None:
    if raw is None:
        return None
    code = country_code(raw)
    if code is None:
        warnings.append(f"{entity.id}: {what} {raw!r} is not a known country; kept as text")
    return code
