"""Streaming rows in and out of CSV and Parquet files, for batch screening and comparing.

Reading never holds more than one Parquet record batch or one CSV record in memory, and
every value arrives as a string (or None), whatever the file's own types. Writing goes to a
temporary file beside the target, renamed over it only when everything was written: a
failed run leaves no half-written output behind.

The format is chosen by the file name: `.parquet` and `.pq` are Parquet, anything else CSV
(UTF-8, a byte-order mark tolerated, a header row required).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import os
import secrets
from collections.abc import Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Literal

import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import ParseError, SourceError, UsageError

PARQUET_SUFFIXES = frozenset({".parquet", ".pq"})
# Rows per Parquet record batch, read or written: bounds memory whatever the file size.
BATCH_ROWS = 10_000
_COUNT_CHUNK = 1 << 20

ColumnType = Literal["int", "float", "str", "bool"]
_ARROW_TYPES: dict[str, pa.DataType] = {
    "int": pa.int64(),
    "float": pa.float64(),
    "str": pa.string(),
    "bool": pa.bool_(),
}


def is_parquet(path: Path) -> bool:
    return path.suffix.lower() in PARQUET_SUFFIXES


@dataclass(frozen=True, slots=True)
class Record:
    row: int  # 1-based data row: the first row after the header is 1
    line: int | None  # physical line where the row ends (CSV only), for error messages
    values: list[str | None]


class RowReader:
    """A CSV or Parquet file's header and rows, streamed. Use as a context manager."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.columns: list[str] = []
        self._handle: IO[bytes] | None = None
        self._parquet: pq.ParquetFile | None = None
        self._csv: Iterator[list[str]] | None = None
        self._line = 0

    def __enter__(self) -> RowReader:
        if not self.path.is_file():
            what = "is a folder, not a file" if self.path.is_dir() else "no such file"
            raise UsageError(f"{self.path}: {what}")
        try:
            if is_parquet(self.path):
                self._open_parquet()
            else:
                self._open_csv()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._parquet is not None:
            self._parquet.close()
            self._parquet = None
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    # -- columns ------------------------------------------------------------------------
    def column(self, name: str, *, required: bool = False) -> int | None:
        """Position of the column called `name` (case and surrounding blanks ignored)."""
        found = [i for i, c in enumerate(self.columns) if c.strip().lower() == name]
        if len(found) > 1:
            raise SourceError(f"has {len(found)} columns called {name!r}", path=self.path)
        if not found:
            if required:
                have = ", ".join(repr(c) for c in self.columns) or "none"
                raise SourceError(
                    f"no {name!r} column in the header (columns: {have})",
                    path=self.path,
                    field=name,
                )
            return None
        return found[0]

    def count_rows(self) -> int:
        """Data rows, cheaply: Parquet metadata, or newlines counted in the raw CSV bytes.

        The CSV count is an estimate (quoted fields may span lines; blank lines count), good
        for a progress bar, not for anything else.
        """
        if self._parquet is not None:
            return int(self._parquet.metadata.num_rows)
        lines, last = 0, b"\n"
        with self.path.open("rb") as handle:
            while chunk := handle.read(_COUNT_CHUNK):
                lines += chunk.count(b"\n")
                last = chunk[-1:]
        lines += last != b"\n"  # a last line without a newline
        return max(0, lines - 1)

    # -- rows ---------------------------------------------------------------------------
    def __iter__(self) -> Iterator[Record]:
        if self._parquet is not None:
            return self._parquet_rows()
        return self._csv_rows()

    def _open_csv(self) -> None:
        self._handle = self.path.open("rb")
        self._csv = csv.reader(self._decoded_lines(self._handle))
        header = self._next_csv_record()
        if header is None:
            raise SourceError("is empty; expected a header row naming the columns", path=self.path)
        self.columns = [c.strip() for c in header]

    def _decoded_lines(self, handle: IO[bytes]) -> Iterator[str]:
        # Decoding line by line (not in 8 KiB chunks) lets a bad byte be blamed on its line.
        for number, raw in enumerate(handle, start=1):
            self._line = number
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ParseError(
                    f"not valid UTF-8: byte 0x{raw[exc.start]:02x} at column {exc.start + 1}",
                    path=self.path,
                    line=number,
                ) from None

    def _next_csv_record(self) -> list[str] | None:
        """The next non-blank CSV record, or None at the end."""
        assert self._csv is not None
        try:
            for record in self._csv:
                if record:
                    return record
        except csv.Error as exc:
            raise ParseError(f"malformed CSV: {exc}", path=self.path, line=self._line) from None
        return None

    def _csv_rows(self) -> Iterator[Record]:
        width, row = len(self.columns), 0
        while (record := self._next_csv_record()) is not None:
            row += 1
            if len(record) != width:
                raise ParseError(
                    f"row {row} has {len(record)} columns; the header has {width}",
                    path=self.path,
                    line=self._line,
                )
            yield Record(row, self._line, list(record))

    def _open_parquet(self) -> None:
        try:
            self._parquet = pq.ParquetFile(self.path)
        except (pa.ArrowException, OSError) as exc:
            raise ParseError(f"not a readable Parquet file: {exc}", path=self.path) from None
        except UnicodeDecodeError:  # pyarrow decodes the column names of the schema
            raise ParseError(
                "not a readable Parquet file: a column name is not valid UTF-8", path=self.path
            ) from None
        self.columns = list(self._parquet.schema_arrow.names)

    def _parquet_rows(self) -> Iterator[Record]:
        assert self._parquet is not None
        row = 0
        try:
            for batch in self._parquet.iter_batches(batch_size=BATCH_ROWS):
                columns = [[_as_text(v) for v in column.to_pylist()] for column in batch.columns]
                for values in zip(*columns, strict=True):
                    row += 1
                    yield Record(row, None, list(values))
        except (pa.ArrowException, OSError) as exc:
            raise ParseError(
                f"unreadable Parquet data after row {row}: {exc}", path=self.path
            ) from None
        except UnicodeDecodeError as exc:  # a corrupt string column, decoded by to_pylist
            raise ParseError(
                f"unreadable Parquet data after row {row}: a text value is not valid UTF-8 "
                f"(byte 0x{exc.object[exc.start]:02x})",
                path=self.path,
            ) from None


def _as_text(value: Any) -> str | None:
    """A Parquet cell as the string a CSV would have held."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class RowWriter:
    """Rows to a CSV or Parquet file, atomically. Use as a context manager.

    `columns` are (name, type) pairs; the type decides the Parquet column type and the CSV
    formatting: floats with four decimals, booleans as true/false, None as an empty cell.
    """

    def __init__(self, path: Path, columns: Sequence[tuple[str, ColumnType]]) -> None:
        self.path = Path(path)
        self.columns = list(columns)
        self.rows = 0
        self._temp = self.path.with_name(f".{self.path.name}.{secrets.token_hex(4)}.tmp")
        self._text: IO[str] | None = None
        self._csv: Any = None
        self._parquet: pq.ParquetWriter | None = None
        self._buffer: list[list[Any]] = [[] for _ in self.columns]
        self._schema = pa.schema([(name, _ARROW_TYPES[kind]) for name, kind in self.columns])

    def __enter__(self) -> RowWriter:
        if not self.path.parent.is_dir():
            raise UsageError(f"{self.path}: folder {self.path.parent} does not exist")
        if self.path.is_dir():
            raise UsageError(f"{self.path}: is a folder, not a file")
        try:
            if is_parquet(self.path):
                self._parquet = pq.ParquetWriter(self._temp, self._schema)
            else:
                # "x": never clobber a file we did not create; normal permissions, unlike mkstemp.
                self._text = self._temp.open("x", encoding="utf-8", newline="")
                self._csv = csv.writer(self._text)
                self._csv.writerow([name for name, _ in self.columns])
        except OSError as exc:
            raise UsageError(f"{self.path}: cannot write: {exc.strerror or exc}") from None
        return self

    def write(self, values: Sequence[Any]) -> None:
        self.rows += 1
        try:
            if self._csv is not None:
                cells = zip(values, self.columns, strict=True)
                self._csv.writerow([_format(value, kind) for value, (_, kind) in cells])
                return
            for column, value, (_, kind) in zip(self._buffer, values, self.columns, strict=True):
                column.append(round(value, 4) if kind == "float" and value is not None else value)
            if len(self._buffer[0]) >= BATCH_ROWS:
                self._flush()
        except OSError as exc:
            raise UsageError(f"{self.path}: cannot write: {exc.strerror or exc}") from None

    def _flush(self) -> None:
        if self._parquet is None or not self._buffer[0]:
            return
        schema = self._schema
        arrays = [pa.array(col, type=f.type) for col, f in zip(self._buffer, schema, strict=True)]
        self._parquet.write_batch(pa.RecordBatch.from_arrays(arrays, schema=schema))
        self._buffer = [[] for _ in self.columns]

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is not None:
            self._discard()
            return
        try:
            self._flush()
            self._close()
            os.replace(self._temp, self.path)
        except (OSError, pa.ArrowException) as error:
            self._discard()
            reason = getattr(error, "strerror", None) or error
            raise UsageError(f"{self.path}: cannot write: {reason}") from None
        except BaseException:
            self._discard()
            raise

    def _close(self) -> None:
        if self._parquet is not None:
            writer, self._parquet = self._parquet, None
            writer.close()
        if self._text is not None:
            text, self._text = self._text, None
            text.close()

    def _discard(self) -> None:
        """Close and delete the temporary file; the target is left as it was."""
        with suppress(OSError, pa.ArrowException):
            self._close()
        self._temp.unlink(missing_ok=True)


def _format(value: Any, kind: ColumnType) -> str:
    if value is None:
        return ""
    if kind == "float":
        return f"{value:.4f}"
    if kind == "bool":
        return "true" if value else "false"
    return str(value)


def estimate_rows(path: Path) -> int:
    """`RowReader.count_rows` for a file, checking on the way that it can be opened."""
    with RowReader(path) as reader:
        return reader.count_rows()
