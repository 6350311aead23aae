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

import codecs
import csv
import re
from collections.abc import Iterable, Iterator
from contextlib import closing
from datetime import date
from pathlib import Path

from ..errors import FormatError, ParseError, SourceError, UsageError
from ..model import PARTIAL_DATE, SCHEMAS, DateValue, Entity, Identifier, IdKind, NameKind
from .base import Publication
from .values import country_code

FORMAT = "custom-csv"
COLUMNS = ("id", "schema", "name", "aliases", "birth_date", "country", "identifiers", "notes")
REQUIRED = ("id", "name")
_DMY = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_CHUNK = 1 << 16

Row = tuple[int, list[str]]  # (line the record starts on, its cells)


def parse_custom_csv(path: Path, *, source: str) -> Publication:
    """Read a custom watchlist; the header is checked now, the rows while iterating."""
    if not source.startswith("custom-") or source == "custom-":
        raise UsageError(f"source {source!r}: a custom list's name must look like custom-<list>")
    path = Path(path)
    with closing(csv_rows(path)) as rows:
        first = next(rows, None)
        if first is None:
            raise ParseError("file is empty", path=path)
        header = Header(path, *first)
    header.require(REQUIRED, hint="not a custom watchlist CSV?")
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
        yield _entity(path, line, header.row(cells), source, seen)


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


# -- CSV reading shared by the header-based CSV sources -------------------------------------


class Header:
    """The column names of a header row, looked up by normalised name (case, spaces)."""

    def __init__(self, path: Path, line: int, cells: list[str]) -> None:
        self.path = path
        self.line = line
        self.names = [normalise(c) for c in cells]
        self.index: dict[str, int] = {}
        for i, name in enumerate(self.names):
            if name and name in self.index:
                raise FormatError(
                    f"column {cells[i].strip()!r} appears twice", path=path, line=line
                )
            if name:
                self.index[name] = i

    def require(self, columns: Iterable[str], *, hint: str) -> None:
        missing = [c for c in columns if normalise(c) not in self.index]
        if missing:
            raise FormatError(
                f"missing column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(repr(c) for c in missing)} ({hint})",
                path=self.path,
                line=self.line,
                field=missing[0],
            )

    def check_width(self, line: int, cells: list[str], record: str | None = None) -> None:
        """Fewer cells than columns is a cut row; surplus cells must be empty."""
        width = len(self.names)
        if len(cells) < width or any(c.strip() for c in cells[width:]):
            raise ParseError(
                f"expected {width} columns, found {len(cells)} (truncated or malformed row?)",
                path=self.path,
                line=line,
                record=record,
            )

    def get(self, cells: list[str], column: str) -> str:
        """A cell's text, stripped; "" when the column is absent."""
        i = self.index.get(normalise(column))
        return cells[i].strip() if i is not None and i < len(cells) else ""

    def row(self, cells: list[str]) -> dict[str, str]:
        """{known column: stripped cell} for the format's columns (custom-csv)."""
        return {column: self.get(cells, column) for column in COLUMNS}


def normalise(name: str) -> str:
    return " ".join(name.split()).lower()


def sniff_encoding(path: Path) -> str:
    """ "utf-8" when the whole file is valid UTF-8, else "cp1252" (OFSI's Windows files).

    Reads the file once, incrementally, so memory stays flat. An empty file (or one holding
    only a BOM and blanks) raises ParseError.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    blank = True
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise SourceError(f"cannot open file: {exc.strerror}", path=path) from exc
    valid = True
    with handle:
        while chunk := handle.read(_CHUNK):
            blank = blank and not chunk.lstrip(b"\xef\xbb\xbf \t\r\n")
            if valid:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    valid = False
        if valid:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                valid = False
    if blank:
        raise ParseError("file is empty", path=path)
    return "utf-8" if valid else "cp1252"


class _BadByte(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _decoded_lines(handle: Iterable[bytes], encoding: str) -> Iterator[str]:
    for number, raw in enumerate(handle, 1):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as exc:
            raise _BadByte(
                number,
                f"byte 0x{raw[exc.start]:02x} at column {exc.start + 1} is invalid in {encoding}",
            ) from exc
        yield text.removeprefix("\ufeff") if number == 1 else text


def csv_rows(path: Path, *, encoding: str = "utf-8") -> Iterator[Row]:
    """Non-blank records with the line each starts on. Bytes invalid in `encoding` and broken
    quoting (a file cut inside a quoted cell) raise ParseError naming the line."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise SourceError(f"cannot open file: {exc.strerror}", path=path) from exc
    with handle:
        reader = csv.reader(_decoded_lines(handle, encoding), strict=True)
        while True:
            line = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except _BadByte as exc:
                raise ParseError(exc.message, path=path, line=exc.line) from exc
            except csv.Error as exc:
                raise ParseError(
                    f"malformed CSV ({exc}); truncated file?", path=path, line=line
                ) from exc
            if any(c.strip() for c in cells):
                yield line, cells
