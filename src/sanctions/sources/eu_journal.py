"""EU designations transcribed from the Official Journal by OpenSanctions → entities.

Files: `<celex>.csv`, one per framework act (32014R0269.csv, ...), UTF-8, comma-separated,
a header of 45 columns (celex, recordId, programKey, annex, measure, startDate, reason,
schema, name, alias, weakAlias, previousName, country, nationality, ..., notes: the layout of
OpenSanctions' datasets/eu/journal_sanctions/data/FORMAT.md). Every entity column but `name`
is multi-valued: values are separated by `;`, and a value that holds a `;` is CSV-quoted
inside the cell (`"A; B"; C`), so cells are split with a `;` CSV reader. Cells keep the act's
printed wording. Several files are read into one publication.

Decisions, from the four files in shared/data (2026-08):

* Ids. recordId is the entry number the act prints; it restarts in every annex (269/2014
  numbers I.PERSONS and I.ENTITIES both from 1) and is empty in 490 rows (all of 881/2002,
  11 annexes of 833/2014). The id is `<source>:<celex>-<annex>-<recordId>`, and
  `<source>:<celex>-<annex>-<name slug>` without a recordId (stable while the act keeps the
  spelling). The celex keeps files apart. Inside a file only 881/2002 repeats an id: two
  persons printed twice with the same data; their rows are merged. One id in two files or
  under two schemas is a ParseError.
* Asset rows (ports, airports, economic zones, crypto-assets of 833/2014) are skipped and
  counted in `warnings`: nobody is screened under those names.
* name → PRIMARY, alias → ALIAS, weakAlias → WEAK, previousName → FORMER. A value
  "Latin (Кириллица)" is two names (a primary one also stays whole); commas never split.
* program = programKey ("EU-UKR"), provisions = measure, listingDate = startDate, notes =
  reason then notes, sourceUrl = the act on EUR-Lex. `published` stays None: no file says
  when it was made.
* Enumerations "(a) X, (b) Y" are split. Dates go through values.parse_date_value; document
  numbers are cut from their prose ("01503093 (Afghan passport, issued ...)" → 01503093, the
  prose kept as the identifier's note). A country or date that cannot be read whole is kept
  as text in notes and counted in `warnings`.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import FormatError, ParseError, UsageError
from ..model import Address, DateValue, Entity, Identifier, IdKind, NameKind
from ..text.latinize import romanize
from ..text.scripts import script_code
from ..text.values import country_code, parse_date, parse_date_value
from ._csv import csv_rows
from .base import Publication

FORMAT = "eu-journal-csv"
REQUIRED = ("celex", "recordId", "annex", "schema", "name")
SCHEMAS = ("Person", "LegalEntity", "Company", "Vessel", "Organization")
SKIPPED = ("Asset",)
EURLEX = "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:{celex}"

_NAME_KINDS = {"alias": NameKind.ALIAS, "weakAlias": NameKind.WEAK, "previousName": NameKind.FORMER}
_COUNTRIES = {"nationality": "Nationality", "country": "Country", "jurisdiction": "Jurisdiction",
              "flag": "Flag"}  # fmt: skip
_DATES = {"birthDate": "Date of birth", "incorporationDate": "Incorporation date"}
_IDS = {
    "passportNumber": (IdKind.PASSPORT, None), "idNumber": (IdKind.NATIONAL_ID, None),
    "registrationNumber": (IdKind.REGISTRATION, None), "taxNumber": (IdKind.TAX_ID, None),
    "innCode": (IdKind.TAX_ID, "INN"), "ogrnCode": (IdKind.REGISTRATION, "OGRN"),
    "kppCode": (IdKind.OTHER, "KPP"), "okpoCode": (IdKind.OTHER, "OKPO"),
    "leiCode": (IdKind.LEI, None), "swiftBic": (IdKind.SWIFT_BIC, None),
    "imoNumber": (IdKind.IMO, None), "mmsi": (IdKind.MMSI, None),
}  # fmt: skip
# Columns whose values are kept as printed, under the same (FtM) property name.
_PLAIN = ("birthPlace", "position", "appearance", "ethnicity", "fatherName", "motherName",
          "legalForm", "sector", "ticker", "phone", "email", "website")  # fmt: skip
_PLACEHOLDERS = {"n/d", "n/a", "na", "-", "unknown"}

# "(a) ", ", (b) ", " b) ", "(ii) ", "(2) ": the act's enumerations inside one value.
_ENUM = re.compile(r"(?:^|[\s,;]+)(?:\(?[a-h]\)|\((?:[ivx]{1,4}|\d)\))\s*")
_TRAILING = re.compile(r"^(.*\S)\s*\(([^()]+)\)$")  # "Latin name (Кириллица)"
_ORIGINAL_SCRIPT = re.compile(r"^original script:\s*", re.I)
_NAME_DETAIL = re.compile(
    r"^(.*?\S)\s*\(((?:date of birth|born|place of birth|national identification|passport)\b.*)\)$",
    re.I,
)
# Where a document value's prose starts, and the labels inside a number ("4507 No 336855").
_PROSE = re.compile(r"\s*[(,;]|\s+(?:issued|expire[sd]?|expiring|valid)\b", re.I)
_LEADING_LABEL = re.compile(r"^(?:\(?[A-Z]{2,5}\)?:?\s+)+(?=\d)")
_NUMBER_LABEL = re.compile(r"^(?:no|nr|number|n°)[.:]?$", re.I)
# Qualifiers after a country or date: "Italian since 1990", "2.7.1990 (incorporation ...)".
_QUALIFIER = re.compile(r"\s*\(|\.\s|,\s|\s+(?:since|until|as at|as of|by|under)\s", re.I)
_PROBABLY = re.compile(r"^\(?(?:probably|possibly)\)?:?\s*", re.I)
_BETWEEN = re.compile(r"^between (\S+) and (\S+)$", re.I)
_DATE_ALTERNATIVES = re.compile(r",\s*|\s*\(?\bor\s+|\s*/\s*")  # "1976 or 1977", "1968/1969"
_LEADING_DATE = re.compile(r"^(?:\d{1,2}\.\d{1,2}\.)?\d{4}\b")  # "7.10.1952 POB: ..."
_HIJRI = re.compile(r"hijri", re.I)  # 1343 (Iranian Hijri calendar) is not a Gregorian year
_COUNTRY_PARTS = re.compile(r",\s*|\s+and/or\s+|\s+and\s+|\s+or\s+|/")
_DEMONYMS = {"belarussian": "by"}  # spellings the territory table does not know


@dataclass
class _Plan:
    """What the first pass learnt: the files, and the ids that occur on several rows."""

    files: list[Path]
    source: str
    repeated: dict[str, int] = field(default_factory=dict)  # id -> number of rows
    warnings: list[str] = field(default_factory=list)


def parse_eu_journal(paths: Path | Sequence[Path], *, source: str = "eu-journal") -> Publication:
    """Read one or several journal CSV files as one publication.

    Checked now (a first pass over every row, keeping only ids): empty files, missing
    columns (FormatError naming the column), bad bytes, malformed rows, unknown schemas and
    ids repeated across files (ParseError with file and line). Entities are then built
    lazily, file after file; rows sharing an id within a file are merged into one entity.
    """
    files = [Path(paths)] if isinstance(paths, str | Path) else [Path(p) for p in paths]
    if not files:
        raise UsageError("no EU journal file given")
    if len({p.resolve() for p in files}) != len(files):
        raise UsageError("the same EU journal file is given twice")
    plan = _scan(files, source)
    publication = Publication(source=source, format=FORMAT, files=files, entities=iter(()))
    publication.warnings.extend(plan.warnings)
    publication.entities = _entities(plan, publication.warnings)
    return publication


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, row) of a journal file, the header checked first."""
    with closing(csv_rows(path)) as rows:
        first = next(rows, None)
        if first is None:
            raise ParseError("file is empty", path=path)
        header = [column.strip() for column in first[1]]
        for column in REQUIRED:
            if column not in header:
                hint = "not an EU journal sanctions CSV (OpenSanctions FORMAT.md)?"
                raise FormatError(
                    f"column {column} missing; {hint}", path=path, line=1, field=column
                )
        for line, cells in rows:
            if len(cells) != len(header):
                message = f"expected {len(header)} columns, found {len(cells)} (truncated file?)"
                raise ParseError(message, path=path, line=line)
            yield line, {k: v.strip() for k, v in zip(header, cells, strict=True)}


def _row_id(path: Path, line: int, row: dict[str, str], source: str) -> str:
    record = row["recordId"] or f"row {line}"
    for column in ("celex", "schema", "name"):
        if not row[column]:
            raise ParseError(
                f"{column} is empty", path=path, line=line, record=record, field=column
            )
    if row["schema"] not in SCHEMAS + SKIPPED:
        message = f"unknown schema {row['schema']!r}; expected one of {', '.join(SCHEMAS)}"
        raise ParseError(message, path=path, line=line, record=record, field="schema")
    key = row["recordId"] or _slug(row["name"])
    return f"{source}:{'-'.join(p for p in (row['celex'], row['annex'], key) if p)}"


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", romanize(name).lower()).strip("-")[:60].strip("-")
    if not slug or slug.isdigit():  # never mistaken for a recordId
        slug = "n" + hashlib.sha1(name.encode()).hexdigest()[:10]
    return slug


def _scan(files: list[Path], source: str) -> _Plan:
    plan = _Plan(files, source)
    owner: dict[str, tuple[Path, int, str]] = {}  # id -> (file, first line, schema)
    for path in files:
        counts: dict[str, int] = {}
        skipped = 0
        for line, row in _rows(path):
            entity_id = _row_id(path, line, row, source)
            if row["schema"] in SKIPPED:
                skipped += 1
                continue
            first = owner.setdefault(entity_id, (path, line, row["schema"]))
            if first[0] != path or first[2] != row["schema"]:
                where = f"{first[0].name}:{first[1]} ({first[2]})"
                message = f"id {entity_id} already used at {where}; cannot merge"
                raise ParseError(message, path=path, line=line, record=row["recordId"] or None)
            counts[entity_id] = counts.get(entity_id, 0) + 1
        if skipped:
            plan.warnings.append(f"{path.name}: {skipped} Asset rows skipped (not screened)")
        if repeated := {k: n for k, n in counts.items() if n > 1}:
            plan.repeated.update(repeated)
            ids = ", ".join(sorted(repeated))
            plan.warnings.append(f"{path.name}: entries printed twice, merged: {ids}")
    return plan


def _entities(plan: _Plan, warnings: list[str]) -> Iterator[Entity]:
    pending: dict[str, tuple[Entity, int]] = {}  # merged ids: entity so far, rows left
    unread = 0
    for path in plan.files:
        for line, row in _rows(path):
            entity_id = _row_id(path, line, row, plan.source)
            if row["schema"] in SKIPPED:
                continue
            entity = Entity(id=entity_id, schema=row["schema"], datasets=[plan.source])
            unread += _fill(entity, row, warnings)
            if entity_id not in plan.repeated:
                yield entity
                continue
            merged, left = pending.pop(entity_id, (entity, plan.repeated[entity_id]))
            if merged is not entity:
                _merge(merged, entity)
            if left > 1:
                pending[entity_id] = (merged, left - 1)
            else:
                yield merged
    if unread:
        warnings.append(f"{unread} date values only partly readable; kept in notes")


def _fill(entity: Entity, row: dict[str, str], warnings: list[str]) -> int:
    """Build the entity from one row; returns how many date cells were not fully read."""
    name = row["name"]
    entity.add_name(name, NameKind.PRIMARY, _lang(name))
    if len(pieces := _split_names(name)[0]) > 1:  # the name as printed stays primary
        for piece in pieces:
            entity.add_name(piece, NameKind.ALIAS, _lang(piece))
    for column, kind in _NAME_KINDS.items():
        for value in _values(row, column):
            for item in _enumerated(value):  # "A; (c)B; (d)C" printed inside one value
                names, detail = _split_names(item)
                for piece in names:
                    entity.add_name(piece, kind, _lang(piece))
                entity.add("notes", f"{names[0]}: {detail}" if detail else None)
    entity.add("program", row.get("programKey"))
    entity.add("provisions", row.get("measure"))
    entity.add("listingDate", parse_date(row.get("startDate")))
    entity.add("notes", row.get("reason"))
    for note in _values(row, "notes"):
        entity.add("notes", note)
    entity.add("sourceUrl", EURLEX.format(celex=row["celex"]))
    for column, label in _COUNTRIES.items():
        for value in _values(row, column):
            _countries(entity, column, label, value, warnings)
    unread = 0
    for column, label in _DATES.items():
        for value in _values(row, column):
            dates, whole = _dates(value)
            unread += not whole
            if not whole:
                entity.add("notes", f"{label}: {value}")
            if column == "birthDate":
                entity.birth_dates.extend(d for d in dates if d not in entity.birth_dates)
            if column == "incorporationDate":  # birth dates are in birth_dates
                for date in dates:
                    entity.add(column, date.start)
    for column, (id_type, id_label) in _IDS.items():
        for value in _values(row, column):
            _documents(entity, column, id_type, id_label, value)
    for value in _values(row, "address"):
        for piece in _enumerated(value):
            _address(entity, piece)
    for column in _PLAIN:
        for value in _values(row, column):
            if value.lower() not in _PLACEHOLDERS:
                entity.add(column, value)
    for value in _values(row, "gender"):
        entity.add("gender", value.lower() if value.lower() in ("male", "female") else None)
    return unread


def _values(row: dict[str, str], column: str) -> list[str]:
    """The values of a multi-valued cell: `;`-separated, CSV-quoted when they hold a `;`."""
    cell = row.get(column) or ""
    if not cell:
        return []
    try:
        cells = next(csv.reader([cell], delimiter=";", skipinitialspace=True, strict=True))
    except csv.Error:  # a stray quote: the cell is one value
        cells = [cell]
    return [v for c in cells if (v := " ".join(c.split()))]


def _enumerated(value: str) -> list[str]:
    """ "(a) X, (b) Y" → X, Y; markers inside parentheses belong to a detail and stay."""
    pieces, start = [], 0
    for m in _ENUM.finditer(value):
        before = value[: m.start()]
        if before.count("(") <= before.count(")"):
            pieces.append(value[start : m.start()])
            start = m.end()
    pieces.append(value[start:])
    return [p for piece in pieces if (p := piece.strip(" ,;"))]


def _split_names(value: str) -> tuple[list[str], str | None]:
    """The names in one value, and the details printed after them (they are not a name).

    "Sergei AKSENOV (Сергей АКСЁНОВ)" → both names; "Ali Barkani (Date of birth: 22.8.1973;
    place of birth: Morocco)" → the name, and the details for notes; else the value whole.
    """
    detail = None
    if m := _NAME_DETAIL.match(value):
        value, detail = m[1], m[2]
    if m := _TRAILING.match(value):
        inner = _ORIGINAL_SCRIPT.sub("", m[2]).strip()
        outer_script, inner_script = script_code(m[1]), script_code(inner)
        if None not in (outer_script, inner_script) and outer_script != inner_script:
            return [m[1], inner], detail
    return [value], detail


def _lang(name: str) -> str | None:
    script = script_code(name)
    return None if script in (None, "latn") else script


def _countries(entity: Entity, prop: str, label: str, value: str, warnings: list[str]) -> None:
    whole = True
    if code := _country(value):
        entity.add(prop, code)
        return
    for piece in _enumerated(value):
        parts = [piece] if _country(piece) else _COUNTRY_PARTS.split(piece)
        for part in (p.strip(" .") for p in parts if p.strip(" .")):
            code = _country(part)
            if code is None and (code := _country(_QUALIFIER.split(part, maxsplit=1)[0])):
                whole = False  # "Italian since 1990": the code, and the words in notes
            whole = whole and code is not None
            entity.add(prop, code)
    if not whole:
        entity.add("notes", f"{label}: {value}")
        warning = f"{entity.id}: {prop} {value!r} not fully read; kept in notes"
        if warning not in warnings:  # a merged entry states it twice
            warnings.append(warning)


def _country(text: str) -> str | None:
    code = _DEMONYMS.get(text.strip().lower()) or country_code(text)
    return code.split("-")[0] if code else None  # "ua-cri" (Crimea) → "ua": ISO2 only


def _dates(value: str) -> tuple[list[DateValue], bool]:
    """The dates of one cell value, and whether all of it was read."""
    out: list[DateValue] = []
    whole = True
    for piece in _enumerated(value):
        piece = _PROBABLY.sub("circa ", piece)  # "(probably) 1944": uncertain, so circa
        if date := _date(piece):
            out.append(date)
            continue
        for part in (p.strip(" ()") for p in _DATE_ALTERNATIVES.split(piece)):
            if _HIJRI.search(part):
                whole = False
            elif date := _date(part):
                out.append(date)
            else:  # "1964 (possibly: 21 April)", "7.10.1952 POB: ...": the date, and a note
                whole = False
                head = _QUALIFIER.split(part, maxsplit=1)[0]
                if date := _date(head) or _date(m[0] if (m := _LEADING_DATE.match(part)) else ""):
                    out.append(date)
    return [d for i, d in enumerate(out) if d not in out[:i]], whole


def _date(text: str) -> DateValue | None:
    if m := _BETWEEN.match(text):  # "Between 1977 and 1982"
        start, end = parse_date(m[1]), parse_date(m[2])
        return DateValue(start, end) if start and end else None
    return parse_date_value(text)


def _documents(entity: Entity, column: str, kind: IdKind, label: str | None, value: str) -> None:
    for piece in _enumerated(value):
        parts = [p.strip() for p in piece.split(",")]
        if len(parts) > 1 and all(_number(p) == p for p in parts):  # "7301193828, 0710012691"
            numbers: list[tuple[str | None, str]] = [(p, p) for p in parts]
        else:
            numbers = [(_number(piece), piece)]
        for number, text in numbers:
            if number is None:
                entity.add("notes", f"{column}: {text}")
                continue
            doc_kind = kind
            if column == "passportNumber" and re.search(r"identi|national id", text, re.I):
                doc_kind = IdKind.NATIONAL_ID
            country = _doc_country(text, number)
            note = "; ".join(p for p in (label, text if text != number else None) if p) or None
            identifier = Identifier(doc_kind, number, country, note)
            if identifier not in entity.identifiers:
                entity.identifiers.append(identifier)


def _doc_country(text: str, number: str) -> str | None:
    """The issuer named around a number: "(Iran)", "(Tunisian passport ...)", "Jordan 654781"."""
    inner = m[1] if (m := re.search(r"\(([^()]+)\)", text)) else ""
    before = text.split(number.split()[0], 1)[0].strip(" (,:")
    for words in (inner, before):
        if words.isupper() and len(words) <= 4:  # "(BRN)", "(TRN)": labels, not ISO3 codes
            continue
        first = words.split()[0] if words.split() else ""
        if code := _country(words) or (len(first) > 3 and first.istitle() and _country(first)):
            return code
    return None


def _number(text: str) -> str | None:
    """The document number in a value's leading words, or None if there is none."""
    text = _LEADING_LABEL.sub("", text)  # "TIN (INN): 6230005886", "(OGRN) 1237700341801"
    words = _PROSE.split(text, maxsplit=1)[0].split()
    start = next((i for i, w in enumerate(words) if any(c.isdigit() for c in w)), None)
    if start is None:
        return None
    kept: list[str] = []
    for word in words[start:]:
        if _NUMBER_LABEL.match(word):
            continue
        if not any(c.isdigit() for c in word):
            break  # "13185231 INN: 5013045054": the number ends before the next label
        kept.append(word)
    return " ".join(kept).strip(" .:") or None


def _address(entity: Entity, text: str) -> None:
    # The country closes ("..., 191124 Russian Federation", "..., Syria (as at ...)") or opens
    # ("Russian Federation, 424003, ...") the address; a street part must not read as one.
    code = None
    for part in (text.rsplit(",", 1)[-1], text.split(",", 1)[0]):
        part = re.sub(r"^(?:[\d\s–-]+|the\s+)", "", part.strip()).split(" (")[0].strip()
        if len(part) > 3 and (code := _country(part)):
            break
    address = Address(text, country=code)
    if address not in entity.addresses:
        entity.addresses.append(address)
    entity.add("country", code)


def _merge(into: Entity, other: Entity) -> None:
    for name in other.names:
        into.add_name(name.value, name.kind, name.lang)
    into.birth_dates.extend(d for d in other.birth_dates if d not in into.birth_dates)
    into.identifiers.extend(i for i in other.identifiers if i not in into.identifiers)
    into.addresses.extend(a for a in other.addresses if a not in into.addresses)
    for prop, values in other.properties.items():
        for value in values:
            into.add(prop, value)
