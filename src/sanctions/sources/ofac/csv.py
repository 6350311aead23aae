"""OFAC's legacy CSV files (sdn.csv or cons_prim.csv, with add/alt/comments) as entities.

The main file is streamed row by row; the three side files are small and read into dicts
keyed by ent_num first. Quirks handled (see shared/data/README.md): no header, null written
`-0- `, a lone Ctrl-Z byte at the end of full-list files, CRLF or LF line ends, programmes
joined by `] [`, Remarks cut at 1,000 characters and continued in sdn_comments.csv, and side
rows whose ent_num is not in the main file (counted in a warning, otherwise ignored).

Bytes are decoded line by line so an invalid byte is reported with its line number. A
malformed row raises `ParseError` naming file and line, for the main file possibly during
iteration (the store loads a publication in one transaction). A file whose first row is not
OFAC CSV at all raises `FormatError`, at once.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from contextlib import closing
from pathlib import Path
from typing import TypeVar

from ...errors import FormatError, ParseError, SourceError
from ...model import Address, Entity, Identifier, IdKind, NameKind
from ...text.values import country_code
from ..base import Publication
from ._remarks import NO_FLAG, parse_remarks

FORMAT = "ofac-csv"
NULL = "-0-"
CTRL_Z = "\x1a"  # DOS end-of-file byte OFAC appends to its full-list files

MAIN_COLUMNS = 12
ADD_COLUMNS = 6
ALT_COLUMNS = 5
COMMENTS_COLUMNS = 2

SCHEMAS = {"individual": "Person", "vessel": "Vessel", "aircraft": "Airplane"}
ALIAS_KINDS = {"aka": NameKind.ALIAS, "fka": NameKind.FORMER, "nka": NameKind.ALIAS}

T = TypeVar("T")
Row = tuple[int, list[str]]  # (line the record starts on, its cells)


def parse_ofac_csv(
    main: Path,
    *,
    source: str = "ofac-sdn",
    add: Path | None = None,
    alt: Path | None = None,
    comments: Path | None = None,
) -> Publication:
    """Read one legacy OFAC CSV publication; its entities are produced lazily.

    The first row of `main` and the whole of the side files are checked here, so an empty
    or foreign file fails at once; later rows of `main` fail when iteration reaches them.
    """
    main = Path(main)
    with closing(_rows(main, MAIN_COLUMNS)) as rows:
        if next(rows, None) is None:
            raise ParseError("file is empty", path=main)
    publication = Publication(source=source, format=FORMAT, files=[main], entities=iter(()))
    side = _SideFiles(publication)
    if add is not None:
        side.addresses = side.read(Path(add), ADD_COLUMNS, _address)
    if alt is not None:
        side.aliases = side.read(Path(alt), ALT_COLUMNS, side.alias)
    if comments is not None:
        side.extensions = side.read(Path(comments), COMMENTS_COLUMNS, lambda cells: cells[1])
    publication.entities = _entities(main, source, side, publication)
    return publication


class _SideFiles:
    """The add/alt/comments rows keyed by ent_num, and the files they came from."""

    def __init__(self, publication: Publication) -> None:
        self.publication = publication
        self.addresses: dict[str, list[Address | None]] = {}
        self.aliases: dict[str, list[tuple[str, NameKind] | None]] = {}
        self.extensions: dict[str, list[str]] = {}
        self.tables: list[tuple[Path, Mapping[str, Sequence[object]]]] = []
        self.unknown_alias_types: set[str] = set()

    def read(
        self, path: Path, columns: int, convert: Callable[[list[str]], T]
    ) -> dict[str, list[T]]:
        self.publication.files.append(path)
        table: dict[str, list[T]] = {}
        with closing(_rows(path, columns)) as rows:
            for _line, cells in rows:
                table.setdefault(cells[0].strip(), []).append(convert(cells))
        if not table:
            self.publication.warnings.append(f"{path.name}: file has no rows")
        self.tables.append((path, table))
        return table

    def alias(self, cells: list[str]) -> tuple[str, NameKind] | None:
        alt_type, name = (_value(cells[2]) or "").lower(), _value(cells[3])
        if alt_type not in ALIAS_KINDS:
            self.unknown_alias_types.add(alt_type)
        return (name, ALIAS_KINDS.get(alt_type, NameKind.ALIAS)) if name else None

    def finish(self, main: Path, seen: set[str]) -> None:
        """Warn about side rows the main file never asked for."""
        warnings = self.publication.warnings
        for path, table in self.tables:
            orphans = [key for key in table if key not in seen]
            if orphans:
                rows = sum(len(table[key]) for key in orphans)
                warnings.append(
                    f"{path.name}: {rows} rows for {len(orphans)} ent_num not in {main.name} "
                    "(orphans ignored)"
                )
        if self.unknown_alias_types:
            types = ", ".join(sorted(repr(t) for t in self.unknown_alias_types))
            warnings.append(f"alt_type {types} unknown; read as a.k.a.")


def _entities(
    main: Path, source: str, side: _SideFiles, publication: Publication
) -> Iterator[Entity]:
    seen: set[str] = set()
    segments = unparsed = 0
    with closing(_rows(main, MAIN_COLUMNS)) as rows:
        for line, cells in rows:
            ent_num = cells[0].strip()
            if ent_num in seen:
                raise ParseError("duplicate ent_num", path=main, line=line, record=ent_num)
            seen.add(ent_num)
            entity, counts = _entity(main, line, cells, source, side)
            segments += counts[0]
            unparsed += counts[1]
            yield entity
    side.finish(main, seen)
    if unparsed:
        publication.warnings.append(
            f"{main.name}: {unparsed} of {segments} remark segments matched no known label "
            "(kept in notes only)"
        )


def _entity(
    path: Path, line: int, cells: list[str], source: str, side: _SideFiles
) -> tuple[Entity, tuple[int, int]]:
    """One main row joined with its side rows, and (remark segments, unparsed segments)."""
    ent_num = cells[0].strip()
    name, sdn_type, programs, title = (_value(c) for c in cells[1:5])
    if name is None:
        raise ParseError(
            "SDN_Name is empty", path=path, line=line, record=ent_num, field="SDN_Name"
        )
    schema = "Organization" if sdn_type is None else SCHEMAS.get(sdn_type.lower())
    if schema is None:
        raise ParseError(
            f"unknown SDN_Type {sdn_type!r}", path=path, line=line, record=ent_num, field="SDN_Type"
        )
    entity = Entity(id=f"{source}:{ent_num}", schema=schema, datasets=[source])
    entity.add_name(name, NameKind.PRIMARY)  # as printed: "GERTLER, Dan" stays LAST, First
    for alias in side.aliases.get(ent_num, ()):
        if alias is not None:
            entity.add_name(*alias)
    for program in (programs or "").split("] ["):
        entity.add("program", program.strip().strip("[]"))
    entity.add("title", title)

    call_sign, vessel_type, tonnage, grt, flag, owner = (_value(c) for c in cells[5:11])
    if call_sign:
        entity.identifiers.append(Identifier(IdKind.CALL_SIGN, call_sign))
    entity.add("type", vessel_type)
    entity.add("tonnage", tonnage)
    entity.add("grossRegisteredTonnage", grt)
    if flag and flag.lower() not in NO_FLAG:
        entity.add("flag", country_code(flag) or flag)
    entity.add("ownerName", owner)

    for address in side.addresses.get(ent_num, ()):
        if address is not None and address not in entity.addresses:
            entity.addresses.append(address)
            entity.add("country", address.country)

    # sdn_comments.csv continues the Remarks cell exactly where it was cut (mid-word, or
    # right after a space), so the raw texts are joined before anything is stripped.
    remarks = cells[11] if _value(cells[11]) is not None else ""
    remarks = (remarks + "".join(side.extensions.get(ent_num, ()))).strip()
    parsed = parse_remarks(remarks)
    for weak in parsed.names:
        entity.add_name(weak.value, weak.kind)
    entity.birth_dates.extend(d for d in parsed.birth_dates if d not in entity.birth_dates)
    entity.identifiers.extend(i for i in parsed.identifiers if i not in entity.identifiers)
    entity.links.extend(parsed.links)
    for prop, values in parsed.properties.items():
        for value in values:
            entity.add(prop, value)
    entity.add("notes", remarks)  # the full text, so nothing the parser skipped is lost
    # OFAC repeats the Title column as an unlabelled remark: already kept as "title".
    unparsed = [s for s in parsed.unparsed if s != title]
    return entity, (parsed.segments, len(unparsed))


def _address(cells: list[str]) -> Address | None:
    street, city, country = (_value(c) for c in cells[2:5])
    parts = [p for p in (street, city, country) if p]
    if not parts:
        return None
    return Address(", ".join(parts), street=street, city=city, country=country_code(country))


def _value(cell: str) -> str | None:
    """A cell's text, None for OFAC's null `-0- ` and for blanks."""
    text = cell.strip()
    return None if not text or text == NULL else text


# -- reading rows ---------------------------------------------------------------------------


class _BadByte(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _decoded_lines(handle: Iterable[bytes]) -> Iterator[str]:
    """Lines as text, strictly UTF-8 (the files are ASCII); the Ctrl-Z end marker dropped."""
    for number, raw in enumerate(handle, 1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _BadByte(
                number, f"invalid UTF-8/ASCII byte 0x{raw[exc.start]:02x} at column {exc.start + 1}"
            ) from exc
        if number == 1:
            text = text.removeprefix("\ufeff")
        yield text.replace(CTRL_Z, "") if CTRL_Z in text else text


def _rows(path: Path, columns: int) -> Generator[Row, None, None]:
    """Non-blank records of one file with the line each starts on, checked for shape.

    Any problem in the first record means the file is not this kind of OFAC CSV at all
    (FormatError); later problems mean a broken file (ParseError).
    """
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise SourceError(f"cannot open file: {exc.strerror}", path=path) from exc
    with handle:
        reader = csv.reader(_decoded_lines(handle), strict=True)
        first = True
        while True:
            line = reader.line_num + 1
            error: type[SourceError] = FormatError if first else ParseError
            try:
                cells = next(reader)
            except StopIteration:
                return
            except _BadByte as exc:
                raise error(exc.message, path=path, line=exc.line) from exc
            except csv.Error as exc:
                raise error(
                    f"malformed CSV ({exc}); truncated file?", path=path, line=line
                ) from exc
            if all(not c.strip() for c in cells):
                continue
            ent_num = cells[0].strip()
            record = ent_num if ent_num.isascii() and ent_num.isdigit() else None
            if len(cells) != columns:
                hint = "not an OFAC legacy CSV file?" if first else "truncated file?"
                raise error(
                    f"expected {columns} columns, found {len(cells)} ({hint})",
                    path=path,
                    line=line,
                    record=record,
                )
            if record is None:
                raise error(
                    f"ent_num {ent_num[:40]!r} is not a number",
                    path=path,
                    line=line,
                    field="ent_num",
                )
            first = False
            yield line, cells
