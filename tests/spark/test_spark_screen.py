"""Spark screening (`sanctions.spark`, `sanctions spark screen`) against local batch screening.

A real local[2] Spark over the real OFAC and UN lists: a few thousand rows of listed names
(taken from the store, some with their schema or birth year) and clean names (Faker, fixed
seed) must give exactly the hits local batch screening gives, row for row, score for score.

Without PySpark or Java the module is skipped with the reason; with SANCTIONS_REQUIRE_SPARK=1
(as in CI) it fails instead.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from sanctions.batch import screen_file
from sanctions.cli import build_app
from sanctions.errors import QueryError
from sanctions.screen import Query, Screener
from sanctions.spark import missing
from sanctions.store import Store

REASON = missing()
if REASON is not None:
    if os.environ.get("SANCTIONS_REQUIRE_SPARK") == "1":
        raise RuntimeError(f"SANCTIONS_REQUIRE_SPARK=1 but {REASON}")
    pytest.skip(REASON, allow_module_level=True)

from pyspark.sql import SparkSession  # noqa: E402

from sanctions.spark import local_session, screen_dataframe, screen_frame  # noqa: E402
from sanctions.spark.worker import HIT_FIELDS  # noqa: E402

LISTED, CLEAN, SEED = 1500, 1500, 20261207
EMPTY_ROWS = ("bad-1", "bad-2")  # rows the screener refuses (empty names)


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparkSession]:
    session = local_session(
        "local[2]", app_name="sanctions-tests", local_dir=tmp_path_factory.mktemp("spark")
    )
    yield session
    session.stop()


@pytest.fixture(scope="module")
def screener(eval_db: Path) -> Screener:
    with Store(eval_db) as store:
        return Screener.from_store(store)


def _rows(eval_db: Path) -> list[dict[str, str | None]]:
    """Listed names from the store (every third with its schema, every fifth with its birth
    year) and Faker's clean names, shuffled; ids unique."""
    from faker import Faker

    rng = random.Random(SEED)
    with Store(eval_db) as store:
        entities = [e for v in store.lists() for e in store.iter_entities(v.source, v.version)]
    rows: list[dict[str, str | None]] = []
    for n, entity in enumerate(rng.sample(entities, LISTED)):
        names = [name.value for name in entity.names]
        birth = entity.birth_dates[0].start[:4] if entity.birth_dates else None
        rows.append(
            {
                "id": f"listed-{n}",
                "name": rng.choice(names),
                "schema": entity.schema if n % 3 == 0 else None,
                "birth_date": birth if n % 5 == 0 else None,
            }
        )
    fakers = [Faker(locale) for locale in ("en_US", "de_DE", "ru_RU", "tr_TR")]
    for n in range(CLEAN):
        faker = fakers[n % len(fakers)]
        faker.seed_instance(SEED + n)
        name = faker.company() if n % 4 == 0 else faker.name()
        rows.append({"id": f"clean-{n}", "name": name, "schema": None, "birth_date": None})
    rows += [{"id": row, "name": "  ", "schema": None, "birth_date": None} for row in EMPTY_ROWS]
    rng.shuffle(rows)
    return rows


@pytest.fixture(scope="module")
def query_file(eval_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("queries") / "queries.parquet"
    rows = _rows(eval_db)
    columns = {key: [row[key] for row in rows] for key in ("id", "name", "schema", "birth_date")}
    pq.write_table(pa.table(columns), path)
    return path


@pytest.fixture(scope="module")
def local_hits(screener: Screener, query_file: Path) -> dict[tuple[str, str], dict[str, Any]]:
    return _local_hits(screener, query_file)


def _local_hits(
    screener: Screener, query_file: Path, **options: Any
) -> dict[tuple[str, str], dict[str, Any]]:
    """(query id, entity id) -> hit, from `screen_many` over the file's rows: the call local
    batch screening makes, unrounded."""
    table = pq.read_table(query_file).to_pylist()
    queries = [
        Query(
            name=row["name"] or "",
            schema=row["schema"],
            birth_date=row["birth_date"],
            id=row["id"],
        )
        for row in table
    ]
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for query, result in zip(queries, screener.screen_many(queries, **options), strict=True):
        if isinstance(result, QueryError):
            assert query.id in EMPTY_ROWS, (query, result)
            continue
        for hit in result:
            found[(query.id or "", hit.entity_id)] = {
                "query_id": query.id,
                "query_name": hit.query_name,
                "entity_id": hit.entity_id,
                "schema": hit.schema,
                "matched_name": hit.matched_name,
                "score": hit.score,
                "lists": ";".join(hit.datasets),
            }
    return found


def _keyed(rows: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    keyed = {(row["query_id"], row["entity_id"]): row for row in rows}
    assert len(keyed) == len(rows), "one row per query and entity"
    return keyed


def _assert_same_hits(
    got: dict[tuple[str, str], dict[str, Any]], want: dict[tuple[str, str], dict[str, Any]]
) -> None:
    assert sorted(got) == sorted(want)
    for key, hit in want.items():
        row = got[key]
        assert row["score"] == pytest.approx(hit["score"], abs=1e-9), key
        assert {k: row[k] for k in hit if k != "score"} == {
            k: v for k, v in hit.items() if k != "score"
        }, key


def test_local_batch_finds_what_the_comparison_needs(
    local_hits: dict[tuple[str, str], dict[str, Any]],
) -> None:
    # The comparison below means something only when most listed rows hit.
    listed = {query_id for query_id, _ in local_hits if query_id.startswith("listed-")}
    assert len(listed) > 0.9 * LISTED


def test_dataframe_hits_equal_local_batch_hits(
    spark: SparkSession,
    eval_db: Path,
    query_file: Path,
    local_hits: dict[tuple[str, str], dict[str, Any]],
) -> None:
    frame = spark.read.parquet(str(query_file)).repartition(6)
    hits = screen_dataframe(frame, store=eval_db)
    assert tuple(hits.columns) == HIT_FIELDS
    _assert_same_hits(_keyed([row.asDict() for row in hits.collect()]), local_hits)


def test_an_index_on_a_shared_path_gives_the_same_hits(
    spark: SparkSession,
    eval_db: Path,
    query_file: Path,
    local_hits: dict[tuple[str, str], dict[str, Any]],
    tmp_path: Path,
) -> None:
    hits = screen_dataframe(spark.read.parquet(str(query_file)), store=eval_db, index_dir=tmp_path)
    _assert_same_hits(_keyed([row.asDict() for row in hits.collect()]), local_hits)
    assert [p.suffix for p in tmp_path.iterdir()] == [".index"]  # copied there, once


def test_rows_that_cannot_be_screened_are_kept_with_their_error(
    spark: SparkSession, screener: Screener, query_file: Path
) -> None:
    frame = screen_frame(spark.read.parquet(str(query_file)), screener)
    errors = frame.where(frame.error.isNotNull()).collect()
    assert sorted(row.query_id for row in errors) == sorted(EMPTY_ROWS)
    assert all("empty" in row.error and row.entity_id is None for row in errors)


def test_lists_and_threshold_limit_the_hits_as_locally(
    spark: SparkSession, eval_db: Path, query_file: Path
) -> None:
    hits = screen_dataframe(
        spark.read.parquet(str(query_file)), store=eval_db, lists=["un-sc"], threshold=0.9
    )
    with Store(eval_db) as store:  # as `screen --batch --lists un-sc` screens
        un_only = Screener.from_store(store, sources=["un-sc"])
    want = _local_hits(un_only, query_file, threshold=0.9)
    assert want, "the sample holds UN-listed names"
    assert all(hit["entity_id"].startswith("un-sc:") for hit in want.values())
    _assert_same_hits(_keyed([row.asDict() for row in hits.collect()]), want)


def _opened_per_worker(spark: SparkSession, tasks: int) -> dict[int, int]:
    """Python worker pid -> index files it has mapped so far."""

    def report(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        from sanctions.spark import worker

        for _ in batches:
            pass
        yield pa.RecordBatch.from_pydict({"pid": [os.getpid()], "opened": [worker.OPENED["count"]]})

    probe = spark.range(tasks, numPartitions=tasks).mapInArrow(report, "pid long, opened long")
    return {row.pid: row.opened for row in probe.collect()}


def test_each_worker_process_maps_the_index_once(
    spark: SparkSession, screener: Screener, query_file: Path, tmp_path: Path
) -> None:
    tasks = 12  # each task several Arrow batches
    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", "100")
    try:
        queries = spark.read.parquet(str(query_file)).repartition(tasks)
        # an index path no worker has mapped yet
        frame = screen_frame(queries, screener, index_dir=tmp_path)
        before = _opened_per_worker(spark, tasks)
        assert frame.count() > 0
        middle = _opened_per_worker(spark, tasks)
        assert frame.count() > 0  # the same screening again: nothing new to map
        after = _opened_per_worker(spark, tasks)
    finally:
        spark.conf.unset("spark.sql.execution.arrow.maxRecordsPerBatch")
    assert len(middle) < tasks  # workers are reused across tasks...
    assert sorted({middle[pid] - before.get(pid, 0) for pid in middle}) == [1]  # ...map once...
    assert after == middle  # ...and keep it


def test_cli_writes_the_hits_local_batch_screening_writes(
    spark: SparkSession, eval_db: Path, query_file: Path, screener: Screener, tmp_path: Path
) -> None:
    local_file = tmp_path / "local.parquet"
    screen_file(screener, query_file, local_file)
    output = tmp_path / "spark-hits"
    args = ["spark", "screen", str(query_file), str(output), "--db", str(eval_db), "--json"]
    result = CliRunner().invoke(build_app(), [*args, "--master", "local[2]"])
    assert result.exit_code == 1, result.output  # hits found
    summary = json.loads(result.stdout)
    rows = pq.read_table(output).to_pylist()
    local = pq.read_table(local_file).to_pylist()
    assert summary["rows"] == LISTED + CLEAN + len(EMPTY_ROWS)
    assert summary["hit_rows"] == len(rows) == len(local)
    assert summary["error_count"] == len(EMPTY_ROWS)
    assert sorted(e["query_id"] for e in summary["errors"]) == sorted(EMPTY_ROWS)
    # the local file holds scores to four decimals; the Spark output holds them unrounded
    got = {key: {**row, "score": round(row["score"], 4)} for key, row in _keyed(rows).items()}
    want = {key: {k: v for k, v in row.items() if k != "row"} for key, row in _keyed(local).items()}
    assert got == want
    assert SparkSession.getActiveSession() is not None  # the test's session was left running


def test_cli_without_java_says_so(
    eval_db: Path, query_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "no-java"))
    args = ["spark", "screen", str(query_file), str(tmp_path / "out"), "--db", str(eval_db)]
    result = CliRunner().invoke(build_app(), args)
    assert result.exit_code == 2
    assert "no Java runtime found on JAVA_HOME" in result.stderr
    assert not (tmp_path / "out").exists()
