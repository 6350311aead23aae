"""The driver side of Spark screening: one index shipped to the executors, a frame mapped.

The index is the store's persistent one (`Screener.from_store`: mapped when it fits the
active versions, rebuilt when not), opened on the driver once. Its file is staged under a
name made of its checksum and handed to `SparkContext.addFile`, so every executor fetches
it once and a rebuilt index can never be confused with an old one; `worker.screen_batches`
maps it once per Python worker process and screens Arrow batches in `mapInArrow`.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import tempfile
from collections.abc import Sequence
from contextlib import suppress
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UsageError
from ..screen import DEFAULT_LIMIT, DEFAULT_THRESHOLD, Screener, check_lists, check_options
from ..store import Store
from .worker import (
    HIT_FIELDS,
    OUTPUT_SCHEMA,
    QUERY_FIELDS,
    IndexHandle,
    ScreenOptions,
    screen_batches,
)

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

# Index files staged for SparkFiles, per application: (application id, checksum) -> handle.
_SHIPPED: dict[tuple[str, str], IndexHandle] = {}
_STAGING: list[Path] = []


def file_checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _staging_dir() -> Path:
    if not _STAGING:
        folder = Path(tempfile.mkdtemp(prefix="sanctions-spark-index-"))
        _STAGING.append(folder)
        atexit.register(shutil.rmtree, folder, True)
    return _STAGING[0]


def ship_index(
    spark: SparkSession, screener: Screener, *, index_dir: str | Path | None = None
) -> IndexHandle:
    """Hand the screener's index file to every executor, once per context: by SparkFiles,
    or, with `index_dir` (a folder every executor sees at the same path: NFS, a mounted
    volume), by copying it there once under its checksum's name."""
    index = screener.index
    staging = _staging_dir()
    source = index.path
    if source is None:  # an index built in memory (no file beside the store): save one
        source = staging / f"unsaved-{os.getpid()}.index"
        index.save(source)
    checksum = file_checksum(source)
    if index_dir is not None:
        shared = Path(index_dir) / f"sanctions-{checksum[:20]}.index"
        if not shared.exists():
            if not shared.parent.is_dir():
                raise UsageError(f"{shared.parent}: the index folder does not exist")
            temporary = shared.with_name(f".{shared.name}.{os.getpid()}.tmp")
            shutil.copyfile(source, temporary)
            os.replace(temporary, shared)  # executors never see half a file
        return _replace_lists(IndexHandle(str(shared), checksum, (), None, True), screener)
    key = (spark.sparkContext.applicationId, checksum)
    if key in _SHIPPED:
        return _replace_lists(_SHIPPED[key], screener)
    staged = staging / f"sanctions-{checksum[:20]}.index"
    if not staged.exists():
        try:  # a hard link pins this version even if the store's index is rebuilt meanwhile
            os.link(source, staged)
        except OSError:
            shutil.copyfile(source, staged)
    spark.sparkContext.addFile(str(staged))
    handle = IndexHandle(staged.name, checksum, (), None)
    _SHIPPED[key] = handle
    return _replace_lists(handle, screener)


def _replace_lists(handle: IndexHandle, screener: Screener) -> IndexHandle:
    sources = tuple(sorted(screener.sources)) if screener.sources is not None else None
    versions = tuple(sorted(screener.versions.items()))
    return IndexHandle(handle.file_name, handle.checksum, versions, sources, handle.shared_path)


def resolve_column(df: DataFrame, name: str, *, option: str) -> str:
    """The frame's column called `name`, case and surrounding blanks ignored (as local batch
    screening matches a file's header)."""
    wanted = name.strip().lower()
    found = [c for c in df.columns if c.strip().lower() == wanted]
    if len(found) > 1:
        raise UsageError(f"{option}: the input has {len(found)} columns called {name!r}")
    if not found:
        have = ", ".join(repr(c) for c in df.columns) or "none"
        raise UsageError(f"{option}: no {name!r} column in the input (columns: {have})")
    return found[0]


def query_columns(
    df: DataFrame, name_col: str, id_col: str | None, schema_col: str | None
) -> dict[str, str]:
    """Query field -> input column. Name, id and schema as given (schema: the column called
    `schema` when not given, if there is one); birth_date, country, id_number and gender
    by those names when present, as local batch screening reads them."""
    columns = {"name": resolve_column(df, name_col, option="name_col")}
    if id_col is not None:
        columns["id"] = resolve_column(df, id_col, option="id_col")
    lower = {c.strip().lower() for c in df.columns}
    if schema_col is not None:
        columns["schema"] = resolve_column(df, schema_col, option="schema_col")
    elif "schema" in lower:
        columns["schema"] = resolve_column(df, "schema", option="schema_col")
    for field in QUERY_FIELDS[3:]:
        if field in lower:
            columns[field] = resolve_column(df, field, option=field)
    return columns


def screen_frame(
    df: DataFrame,
    screener: Screener,
    *,
    name_col: str = "name",
    id_col: str | None = "id",
    schema_col: str | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    limit: int = DEFAULT_LIMIT,
    index_dir: str | Path | None = None,
) -> DataFrame:
    """Hit rows and error rows (`worker.OUTPUT_SCHEMA`) for every row of `df`."""
    from pyspark.sql import functions as F

    check_options(threshold, limit)
    spark = df.sparkSession
    handle = ship_index(spark, screener, index_dir=index_dir)
    columns = query_columns(df, name_col, id_col, schema_col)
    queries = df.select(*[F.col(f"`{c}`").cast("string").alias(f) for f, c in columns.items()])
    parallelism = spark.sparkContext.defaultParallelism
    if queries.rdd.getNumPartitions() < parallelism:  # one small file: spread it over the cores
        queries = queries.repartition(parallelism)
    work = partial(screen_batches, handle, ScreenOptions(threshold, limit))
    return queries.mapInArrow(work, _spark_schema())


def _spark_schema() -> str:
    kinds = {"double": "double", "string": "string"}
    return ", ".join(f"`{f.name}` {kinds[str(f.type)]}" for f in OUTPUT_SCHEMA)


def screen_dataframe(
    df: DataFrame,
    *,
    name_col: str = "name",
    id_col: str | None = "id",
    schema_col: str | None = None,
    threshold: float | None = None,
    lists: Sequence[str] | None = None,
    limit: int = DEFAULT_LIMIT,
    store: Store | str | Path | None = None,
    index_dir: str | Path | None = None,
) -> DataFrame:
    """A frame of hits, one row per hit: query_id, query_name, entity_id, schema,
    matched_name, score (unrounded), lists; the rows local batch screening gives for the
    same input. Rows that cannot be screened (an empty name, a bad date) give no row here;
    `screen_frame` keeps them, with their `error`.

    `store` is a `Store` or its location (default: SANCTIONS_DB, else the user data store);
    its index is opened (or rebuilt) on the driver and shipped to the executors by
    SparkFiles, or copied once into `index_dir`, a folder every executor reads at the same
    path (see `ship_index`).
    """
    from pyspark.sql import functions as F

    screener = open_screener(store, lists)
    frame = screen_frame(
        df,
        screener,
        name_col=name_col,
        id_col=id_col,
        schema_col=schema_col,
        threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
        limit=limit,
        index_dir=index_dir,
    )
    return frame.where(F.col("error").isNull()).select(*HIT_FIELDS)


def open_screener(store: Store | str | Path | None, lists: Sequence[str] | None) -> Screener:
    """The screener over the store's active lists (`lists`: only those), with its index."""
    from ..settings import store_location

    chosen = check_lists(lists)
    if isinstance(store, Store):
        return _from_store(store, chosen)
    opened = Store(store_location(store))  # a path, sqlite:///path or a PostgreSQL URL
    try:
        return _from_store(opened, chosen)
    finally:
        with suppress(Exception):
            opened.close()


def _from_store(store: Store, lists: Sequence[str] | None) -> Screener:
    if not store.lists():
        raise UsageError("no lists loaded; run sanctions load first")
    return Screener.from_store(store, sources=lists)
