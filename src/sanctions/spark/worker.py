"""The executor side of Spark screening: Arrow record batches of queries in, hits out.

Runs in Spark's Python worker processes. The index file arrives through SparkFiles (or sits
on a path every executor can read); each worker process maps it once and keeps the
`Screener` in a module-level cache keyed by the file's path and checksum, so every later
batch and task in that process reuses it. Each batch is screened by `Screener.screen_many`,
the call local batch screening (`batch.screen_file`) makes, so the same rows give the same
hits. Nothing here imports pyspark but `SparkFiles`, and only when the file must be found.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from ..errors import QueryError
from ..match.index import NameIndex
from ..screen import Query, Screener

# The query columns an input frame is reduced to before it reaches the executors, named
# as the `Query` fields they fill (the `name` column first).
QUERY_FIELDS = ("name", "id", "schema", "birth_date", "country", "id_number", "gender")
# One row per hit, as local batch screening writes them (`batch.HIT_COLUMNS`, without the
# file row number, which a distributed frame does not have), plus `error` for a row that
# could not be screened (then every other column but query_id and query_name is null).
OUTPUT_SCHEMA = pa.schema(
    [
        ("query_id", pa.string()),
        ("query_name", pa.string()),
        ("entity_id", pa.string()),
        ("schema", pa.string()),
        ("matched_name", pa.string()),
        ("score", pa.float64()),
        ("lists", pa.string()),
        ("error", pa.string()),
    ]
)
HIT_FIELDS = tuple(name for name in OUTPUT_SCHEMA.names if name != "error")


@dataclass(frozen=True, slots=True)
class IndexHandle:
    """Where executors find the index and what screener to make of it (pickled to them)."""

    file_name: str  # the name given to SparkFiles, or a path every executor can read
    checksum: str  # sha256 of the file
    versions: tuple[tuple[str, int], ...]
    sources: tuple[str, ...] | None  # the lists screened; None: every list in the index
    shared_path: bool = False  # file_name is a path, not a SparkFiles name


@dataclass(frozen=True, slots=True)
class ScreenOptions:
    threshold: float
    limit: int


# The index this worker process has mapped: (path, checksum) -> index; and the screeners
# over it, by the lists and versions they screen (cheap views of the one index).
_INDEXES: dict[tuple[str, str], NameIndex] = {}
_SCREENERS: dict[IndexHandle, Screener] = {}
OPENED = {"count": 0}  # index files mapped by this process (tests check it stays at one)


def screener_for(handle: IndexHandle) -> Screener:
    """The screener over the handle's index, which is mapped once per worker process."""
    if (screener := _SCREENERS.get(handle)) is not None:
        return screener
    if handle.shared_path:
        path = handle.file_name
    else:
        from pyspark import SparkFiles

        path = SparkFiles.get(handle.file_name)
    key = (path, handle.checksum)
    index = _INDEXES.get(key)
    if index is None:
        index = NameIndex.open(Path(path))  # verifies the file's own checksum
        _INDEXES.clear()  # a new index replaces the old one: they are large
        _SCREENERS.clear()
        _INDEXES[key] = index
        OPENED["count"] += 1
    sources = frozenset(handle.sources) if handle.sources is not None else None
    screener = _SCREENERS[handle] = Screener(index, dict(handle.versions), sources)
    return screener


def screen_batches(
    handle: IndexHandle, options: ScreenOptions, batches: Iterator[pa.RecordBatch]
) -> Iterator[pa.RecordBatch]:
    """`mapInArrow`'s function: each batch of query rows to a batch of hit and error rows."""
    screener = screener_for(handle)
    for batch in batches:
        yield screen_batch(screener, options, batch)


def screen_batch(
    screener: Screener, options: ScreenOptions, batch: pa.RecordBatch
) -> pa.RecordBatch:
    queries = list(_queries(batch))
    columns: dict[str, list[Any]] = {name: [] for name in OUTPUT_SCHEMA.names}
    results = screener.screen_many(
        queries, threshold=options.threshold, limit=options.limit, workers=1
    )
    for query, result in zip(queries, results, strict=True):
        if isinstance(result, QueryError):
            _append(columns, query_id=query.id, query_name=query.name, error=str(result))
            continue
        for hit in result:
            _append(
                columns,
                query_id=query.id,
                query_name=hit.query_name,
                entity_id=hit.entity_id,
                schema=hit.schema,
                matched_name=hit.matched_name,
                score=hit.score,
                lists=";".join(hit.datasets),
            )
    return pa.RecordBatch.from_pydict(columns, schema=OUTPUT_SCHEMA)


def _append(columns: dict[str, list[Any]], **values: Any) -> None:
    for name, column in columns.items():
        column.append(values.get(name))


def _queries(batch: pa.RecordBatch) -> Iterator[Query]:
    """One query per row, read as `batch.read_queries` reads a file's row: the name as given
    (empty when missing: the screener reports it), the other fields stripped, blank as None."""
    present = {name: batch.column(name).to_pylist() for name in batch.schema.names}
    names = present.pop("name")
    for row, name in enumerate(names):
        fields = {key: _stripped(values[row]) for key, values in present.items()}
        yield Query(name=name or "", **fields)


def _stripped(value: str | None) -> str | None:
    return (value.strip() or None) if value else None
