"""What the two UK formats (OFSI ConList.csv, FCDO UK Sanctions List) read the same way:
name types, dates, countries, identifiers, addresses. Imported by both parsers."""

from __future__ import annotations

import re

from ...model import Address, DateValue, Entity, Identifier, IdKind, NameKind
from ...text.scripts import script_code
from ...text.values import country_code, parse_date

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
# UK spellings the territory table (text/values.py) does not know.
_COUNTRIES = {"congo (democratic republic)": "cd", "congo (republic)": "cg"}
_ENUM = re.compile(r"(?:^|\s)\(?(?:\d{1,2}|[a-h])\)(?:-\(\d{1,2}\))?\s*")  # "(1) ", "2) ", "b) "
_TRAILING_NOTE = re.compile(r"\s*\([^()]*\)\s*$")
_NUMBER = re.compile(r"(?<![\w/.-])(?=[\w/.-]*\d)[A-Za-z0-9][\w/.-]*[A-Za-z0-9](?![\w/-])")
_VESSEL_IDS = re.compile(r"\b(IMO|MMSI)\s*(?:number|no\.?)?\s*[:.]?\s*(\d{7,9})\b", re.I)


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
    script = script_code(text)
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
