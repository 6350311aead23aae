"""Screening and comparing whole files, streaming: constant memory whatever the row count.

Input and output are CSV or Parquet, chosen by file name (see `tabular`). A query file needs
a `name` column and may have `id` (the caller's reference, echoed in the output), `schema`,
`birth_date`, `country`, `id_number` and `gender`; header names are matched case-insensitively
and other columns are ignored. A row that cannot be screened (an empty name, a bad date) is
reported in the summary and does not stop the run; a file that cannot be read does.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from ..errors import QueryError, SourceError, UsageError
from ..screen import DEFAULT_LIMIT, DEFAULT_THRESHOLD, Hit, Query, Screener, compare_pair
from .files import ColumnType, Record, RowReader, RowWriter

# Optional query columns, named as the `Query` fields they fill.
QUERY_COLUMNS = ("id", "schema", "birth_date", "country", "id_number", "gender")
HIT_COLUMNS: tuple[tuple[str, ColumnType], ...] = (
    ("row", "int"),
    ("query_id", "str"),
    ("query_name", "str"),
    ("entity_id", "str"),
    ("schema", "str"),
    ("matched_name", "str"),
    ("score", "float"),
    ("lists", "str"),
)
# Row errors kept for the summary; the rest are only counted.
MAX_KEPT_ERRORS = 100

ProgressCallback = Callable[[int], None]


# -- reading queries ------------------------------------------------------------------------
def read_queries(path: Path) -> Iterator[tuple[int, Query]]:
    """(1-based data row, query) for every row of a CSV or Parquet query file, streamed.

    An empty name is not an error here: the screener reports it for that row alone.
    """
    with RowReader(Path(path)) as reader:
        name, optional = _query_columns(reader)
        for record in reader:
            fields = {key: _cell(record, position) for key, position in optional.items()}
            yield record.row, Query(name=record.values[name] or "", **fields)


def inspect_queries(path: Path) -> int:
    """Check a query file's header as `read_queries` would; estimate its rows (for progress)."""
    with RowReader(Path(path)) as reader:
        _query_columns(reader)
        return reader.count_rows()


def _query_columns(reader: RowReader) -> tuple[int, dict[str, int | None]]:
    name = reader.column("name", required=True)
    assert name is not None
    return name, {key: reader.column(key) for key in QUERY_COLUMNS}


def _cell(record: Record, position: int | None) -> str | None:
    """A stripped value, None when the column is absent or the cell blank."""
    if position is None:
        return None
    value = record.values[position]
    return (value.strip() or None) if value else None


# -- writing hits ---------------------------------------------------------------------------
class HitWriter:
    """One output row per hit (`HIT_COLUMNS`), written atomically. A context manager."""

    def __init__(self, path: Path) -> None:
        self._rows = RowWriter(Path(path), HIT_COLUMNS)

    def __enter__(self) -> HitWriter:
        self._rows.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._rows.__exit__(exc_type, exc, tb)

    @property
    def rows(self) -> int:
        return self._rows.rows

    def write(self, row: int, query: Query, hits: Sequence[Hit]) -> None:
        for hit in hits:
            self._rows.write(
                [
                    row,
                    query.id,
                    hit.query_name,
                    hit.entity_id,
                    hit.schema,
                    hit.matched_name,
                    hit.score,
                    ";".join(hit.datasets),
                ]
            )


# -- summaries ------------------------------------------------------------------------------
@dataclass(slots=True)
class _Summary:
    rows: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # the first MAX_KEPT_ERRORS
    error_count: int = 0
    elapsed: float = 0.0  # seconds

    def add_error(self, row: int, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_KEPT_ERRORS:
            self.errors.append((row, message))

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.elapsed if self.elapsed > 0 else 0.0

    def _base_json(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "error_count": self.error_count,
            "errors": [{"row": row, "message": message} for row, message in self.errors],
            "elapsed_seconds": round(self.elapsed, 3),
            "rows_per_second": round(self.rows_per_second, 1),
        }


@dataclass(slots=True)
class BatchSummary(_Summary):
    queries_with_hits: int = 0
    hit_rows: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            **self._base_json(),
            "queries_with_hits": self.queries_with_hits,
            "hit_rows": self.hit_rows,
        }


@dataclass(slots=True)
class CompareSummary(_Summary):
    matches: int = 0

    def to_json(self) -> dict[str, Any]:
        return {**self._base_json(), "matches": self.matches}


# -- screening a file -----------------------------------------------------------------------
def screen_file(
    screener: Screener,
    input: Path,
    output: Path,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    limit: int = DEFAULT_LIMIT,
    lists: Sequence[str] | None = None,
    workers: int = 1,
    on_progress: ProgressCallback | None = None,
) -> BatchSummary:
    """Screen every row of `input`, writing one row per hit to `output`; in input order.

    Only the rows in flight between reader and screener workers are held in memory.
    """
    input, output = Path(input), Path(output)
    _check_distinct(input, output)
    started = time.perf_counter()
    summary = BatchSummary()
    # Rows handed to the screener and not yet answered; screen_many keeps order, so the
    # oldest one belongs to the next result.
    pending: deque[tuple[int, Query]] = deque()

    def queries() -> Iterator[Query]:
        for row, query in read_queries(input):
            pending.append((row, query))
            yield query

    with HitWriter(output) as writer:
        results = screener.screen_many(
            queries(), threshold=threshold, limit=limit, lists=lists, workers=workers
        )
        with closing(results):  # stops the worker pool even when writing fails
            for result in results:
                row, query = pending.popleft()
                summary.rows += 1
                if isinstance(result, QueryError):
                    summary.add_error(row, str(result))
                elif result:
                    summary.queries_with_hits += 1
                    summary.hit_rows += len(result)
                    writer.write(row, query, result)
                if on_progress is not None:
                    on_progress(summary.rows)
    summary.elapsed = time.perf_counter() - started
    return summary


def _check_distinct(input: Path, output: Path) -> None:
    if output.exists() and input.exists() and output.samefile(input):
        raise UsageError(f"{output}: the output would overwrite the input file")


# -- comparing name pairs -------------------------------------------------------------------
def compare_file(
    input: Path,
    output: Path,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    on_progress: ProgressCallback | None = None,
) -> CompareSummary:
    """Score every `name1,name2[,schema]` row; write its columns plus `score` and `match`.

    A row that cannot be compared gets empty `score` and `match` and is reported.
    """
    input, output = Path(input), Path(output)
    _check_distinct(input, output)
    started = time.perf_counter()
    summary = CompareSummary()
    with RowReader(input) as reader:
        first, second = reader.column("name1", required=True), reader.column("name2", required=True)
        schema = reader.column("schema")
        for added in ("score", "match"):
            if reader.column(added) is not None:
                raise SourceError(
                    f"already has a {added!r} column; rename it (the output adds its own)",
                    path=input,
                    field=added,
                )
        columns: list[tuple[str, ColumnType]] = [(c, "str") for c in reader.columns]
        with RowWriter(output, [*columns, ("score", "float"), ("match", "bool")]) as writer:
            for record in reader:
                score = _compare_record(record, first, second, schema, summary)
                match = None if score is None else score >= threshold
                summary.rows += 1
                summary.matches += bool(match)
                writer.write([*record.values, score, match])
                if on_progress is not None:
                    on_progress(summary.rows)
    summary.elapsed = time.perf_counter() - started
    return summary


def _compare_record(
    record: Record,
    first: int | None,
    second: int | None,
    schema: int | None,
    summary: CompareSummary,
) -> float | None:
    name1, name2 = _cell(record, first) or "", _cell(record, second) or ""
    schema_value = _cell(record, schema)
    try:
        return compare_pair(name1, name2, schema_value).score
    except QueryError as exc:
        summary.add_error(record.row, str(exc))
        return None
