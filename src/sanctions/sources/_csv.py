"""Reading header-based CSV list files: encoding sniffing, rows with line numbers, headers.

Shared by the custom watchlist, OFSI, FCDO and trade.gov CSL parsers. Every problem raises an
error naming the file and line: bytes invalid in the file's encoding, broken quoting (a file
cut inside a quoted cell), a row with missing cells, a missing or repeated column.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Generator, Iterable, Iterator
from contextlib import closing
from pathlib import Path

from ..errors import FormatError, ParseError, SourceError

_CHUNK = 1 << 16
Row = tuple[int, list[str]]  # (line the record starts on, its cells)


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

    def row(self, cells: list[str], columns: Iterable[str]) -> dict[str, str]:
        """{column: stripped cell} for the given columns."""
        return {column: self.get(cells, column) for column in columns}


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


def csv_rows(
    path: Path, *, encoding: str = "utf-8", delimiter: str = ",", strict: bool = True
) -> Generator[Row, None, None]:
    """Non-blank records with the line each starts on. Bytes invalid in `encoding` and broken
    quoting (a file cut inside a quoted cell) raise ParseError naming the line."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise SourceError(f"cannot open file: {exc.strerror}", path=path) from exc
    with handle:
        reader = csv.reader(_decoded_lines(handle, encoding), delimiter=delimiter, strict=strict)
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


def keyed_rows(
    path: Path, encoding: str, header: Header, key: str
) -> Iterator[tuple[int, str, list[str]]]:
    """(line, key value, cells) of every data row after `header`; the key must be filled."""
    for line, cells in csv_rows(path, encoding=encoding):
        if line <= header.line:
            continue
        value = header.get(cells, key)
        header.check_width(line, cells, value or None)
        if not value:
            raise ParseError(f"{key} is empty", path=path, line=line, field=key)
        yield line, value, cells


def read_header(path: Path, required: Iterable[str], *, hint: str) -> Header:
    """The first row of a CSV file as its header, with the `required` columns present."""
    with closing(csv_rows(path)) as rows:
        first = next(rows, None)
    if first is None:
        raise ParseError("file is empty", path=path)
    header = Header(path, *first)
    header.require(required, hint=hint)
    return header
