"""Custom watchlist CSV (format `custom-csv`): your organisation's own list of parties to screen.

Use it for names that must be screened besides the official lists: an internal blocklist,
exited customers, local court orders. Load it under a source name that starts with `custom-`
(`custom-internal`, `custom-fraud`, ...); its entities get the ids `custom-<list>:<id>`.

The file
    UTF-8 (a byte-order mark is allowed), comma-separated, quoted as RFC 4180 (a cell holding
    a comma, a quote or a line break is put in double quotes, a quote inside is doubled). The
    first row names the columns, in any order, case-insensitively; every other row is one party.

Columns
    ============ ======== ===================================================================
    id           required Your stable identifier, unique in the file ("C-1001"). Keep it
                          unchanged from one version of the file to the next: list changes
                          and alerts are tracked by it.
    schema       optional Person (the default when empty), Organization, Company, LegalEntity,
                          Vessel or Airplane.
    name         required The main name, as you file it ("John Smith", "ACME TRADING LLC").
    aliases      optional Other names, separated by `;`.
    birth_date   optional People only: `1961`, `1961-12`, `1961-12-05` or `5.12.1961`.
    country      optional ISO 3166 alpha-2 code (`gb`) or English country name ("Germany");
                          several separated by `;`.
    identifiers  optional `kind:value` pairs separated by `;`, e.g. `passport:A1234567;
                          tax_id:7707083893`. Kinds: passport, national_id, tax_id,
                          registration, imo, mmsi, call_sign, swift_bic, lei, crypto, other.
    notes        optional Free text kept with the entity.
    ============ ======== ===================================================================

Example
    id,schema,name,aliases,birth_date,country,identifiers,notes
    C-1001,Person,John Smith,Johnny Smith;J. Smith,1961-12,gb,passport:123456789,Ex-employee
    C-1002,Company,ACME TRADING LLC,,,ae,registration:CN-1234567,

Errors (the whole file is refused, so a half-read list never replaces the previous one)
    * no `id` or no `name` column → FormatError naming the column. A column not listed above
      is ignored and reported as a warning, so exports with extra columns still load.
    * in a row: an empty id or name, an id used before, an unknown schema, a birth date in
      another form or on a non-person, an unknown country, an identifier without `kind:` or
      of an unknown kind → ParseError naming the line and the column.

The CSV reading helpers below (`sniff_encoding`, `csv_rows`, `Header`) are shared by the other
header-based CSV sources (uk_ofsi, uk_fcdo, us_csl).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from ..errors import ParseError, UsageError
from ..model import PARTIAL_DATE, SCHEMAS, DateValue, Entity, Identifier, IdKind, NameKind
from ..text.values import country_code
from ._csv import Header, csv_rows, read_header
from .base import Publication

FORMAT = "custom-csv"
COLUMNS = ("id", "schema", "name", "aliases", "birth_date", "country", "identifiers", "notes")
REQUIRED = ("id", "name")
_DMY = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


def parse_custom_csv(path: Path, *, source: str) -> Publication:
    """Read a custom watchlist; the header is checked now, the rows while iterating."""
    if not source.startswith("custom-") or source == "custom-":
        raise UsageError(f"source {source!r}: a custom list's name must look like custom-<list>")
    path = Path(path)
    header = read_header(path, REQUIRED, hint="not a custom watchlist CSV?")
    publication = Publication(source=source, format=FORMAT, files=[path], entities=iter(()))
    unknown = [name for name in header.names if name and name not in COLUMNS]
    if unknown:
        publication.warnings.append(
            f"{path.name}: columns {', '.join(unknown)} are not part of the format; ignored"
        )
    publication.entities = _entities(path, header, source)
    return publication


def _entities(path: Path, header: Header, source: str) -> Iterator[Entity]:
    seen: set[str] = set()  # ids only: a company watchlist is small
    for line, cells in csv_rows(path):
        if line <= header.line:
            continue
        header.check_width(line, cells)
        yield _entity(path, line, header.row(cells, COLUMNS), source, seen)


def _entity(path: Path, line: int, row: dict[str, str], source: str, seen: set[str]) -> Entity:
    def error(message: str, field: str) -> ParseError:
        return ParseError(message, path=path, line=line, record=row["id"] or None, field=field)

    for column in REQUIRED:
        if not row[column]:
            raise error(f"{column} is empty", column)
    if row["id"] in seen:
        raise error("duplicate id (ids must be unique in the file)", "id")
    seen.add(row["id"])
    schema = _schema(row["schema"])
    if schema is None:
        raise error(f"unknown schema {row['schema']!r}; expected one of {SCHEMAS}", "schema")
    entity = Entity(id=f"{source}:{row['id']}", schema=schema, datasets=[source])
    entity.add_name(row["name"], NameKind.PRIMARY)
    for alias in _split(row["aliases"]):
        entity.add_name(alias, NameKind.ALIAS)
    if row["birth_date"]:
        if schema != "Person":
            raise error("only a Person has a birth date", "birth_date")
        if (date := _date(row["birth_date"])) is None:
            raise error(
                f"birth date {row['birth_date']!r} is not YYYY, YYYY-MM, YYYY-MM-DD or D.M.YYYY",
                "birth_date",
            )
        entity.birth_dates.append(date)
    for country in _split(row["country"]):
        if (code := country_code(country)) is None:
            raise error(f"unknown country {country!r} (use an ISO 3166 alpha-2 code)", "country")
        entity.add("country", code)
    for item in _split(row["identifiers"]):
        kind, sep, value = item.partition(":")
        if not sep or not value.strip():
            raise error(f"identifier {item!r} is not kind:value", "identifiers")
        try:
            id_kind = IdKind(kind.strip().lower())
        except ValueError:
            kinds = ", ".join(k.value for k in IdKind)
            raise error(
                f"unknown identifier kind {kind!r}; one of {kinds}", "identifiers"
            ) from None
        ident = Identifier(id_kind, value.strip())
        if ident not in entity.identifiers:
            entity.identifiers.append(ident)
    entity.add("notes", row["notes"])
    return entity


def _schema(text: str) -> str | None:
    if not text:
        return "Person"
    return next((s for s in SCHEMAS if s.lower() == text.lower()), None)


def _date(text: str) -> DateValue | None:
    if m := _DMY.match(text):
        day, month, year = (int(g) for g in m.groups())
        text = f"{year:04d}-{month:02d}-{day:02d}"
    if not PARTIAL_DATE.match(text):
        return None
    if len(text) == 10:  # a full date must exist: no 31 February
        try:
            date.fromisoformat(text)
        except ValueError:
            return None
    return DateValue(text)


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]
