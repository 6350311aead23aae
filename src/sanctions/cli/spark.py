"""`sanctions spark screen`: a CSV or Parquet portfolio screened on Spark, hits as Parquet.

Reads the input with Spark (CSV with a header row, or Parquet: a file or a folder of part
files), screens it through `sanctions.spark.screen_frame` and writes the hits as a folder
of Parquet part files with the columns of local batch screening (without its file row
number). Exit codes as `screen --batch`: 1 when any row hit, 2 when rows could not be
screened (and none hit) or PySpark or Java are missing, 0 otherwise.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from ..errors import SanctionsError, SourceError, UsageError
from ..screen import DEFAULT_LIMIT, DEFAULT_THRESHOLD, check_lists, check_options
from .common import DbOption, JsonOption, err, handles_errors, out, parse_lists, print_json
from .files import ThresholdOption, summary_grid
from .screening import load_screener

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

spark_app = typer.Typer(
    name="spark",
    help="Screen a whole portfolio on Spark (needs the spark extra and a Java runtime).",
    no_args_is_help=True,
)
T = TypeVar("T")
# Rows that could not be screened, kept for the summary; the rest are only counted.
MAX_KEPT_ERRORS = 100


@spark_app.command("screen")
@handles_errors
def spark_screen(
    input: Annotated[
        Path, typer.Argument(help="CSV (with a header) or Parquet file or folder to screen.")
    ],
    output: Annotated[Path, typer.Argument(help="Folder to write the hits to, as Parquet.")],
    master: Annotated[
        str, typer.Option(help="Spark master, e.g. local[2], spark://host:7077, yarn.")
    ] = "local[*]",
    name_col: Annotated[str, typer.Option("--name-col", help="Column of names.")] = "name",
    id_col: Annotated[
        str | None,
        typer.Option("--id-col", help="Column of your references [default: id, if present]."),
    ] = None,
    schema_col: Annotated[
        str | None,
        typer.Option("--schema-col", help="Column of schemas [default: schema, if present]."),
    ] = None,
    threshold: ThresholdOption = DEFAULT_THRESHOLD,
    limit: Annotated[int, typer.Option(help="Most hits per name.")] = DEFAULT_LIMIT,
    lists: Annotated[
        str | None, typer.Option(help="Only these sources, comma-separated [default: all].")
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Screen every row of INPUT on Spark; write one row per hit to OUTPUT. Exit 1 on hits."""
    from .. import spark as spark_screening

    sources = parse_lists(lists)
    check_options(threshold, limit)
    check_lists(sources)
    _check_paths(input, output)
    spark_screening.require()
    screener = load_screener(db, sources)
    started = time.perf_counter()
    from pyspark.sql import SparkSession

    embedded = SparkSession.getActiveSession() is not None  # a notebook's or a test's: keep it
    with err.status("starting Spark", spinner="dots"):
        session = spark_screening.local_session(master)
    try:
        frame = _read(session, input)
        ids = id_col if id_col is not None else ("id" if _has_column(frame, "id") else None)
        result = spark_screening.screen_frame(
            frame,
            screener,
            name_col=name_col,
            id_col=ids,
            schema_col=schema_col,
            threshold=threshold,
            limit=limit,
        ).persist()
        with _spark_progress(session, "screening"):
            hits = result.where(result.error.isNull()).drop("error")
            _guarded(lambda: hits.write.mode("overwrite").parquet(str(output)), input)
            summary = _summary(frame, result, input)
        result.unpersist()
    finally:
        if not embedded:
            session.stop()
    summary["elapsed_seconds"] = round(time.perf_counter() - started, 3)
    summary["rows_per_second"] = round(summary["rows"] / max(summary["elapsed_seconds"], 1e-9), 1)
    summary = {
        "input": str(input),
        "output": str(output),
        "master": master,
        "threshold": threshold,
        "lists": screener.versions,
        **summary,
    }
    if as_json:
        print_json(summary)
    else:
        _print_summary(summary)
    if summary["hit_rows"]:
        raise typer.Exit(1)
    if summary["error_count"]:
        count = summary["error_count"]
        err.print(
            f"[bold red]error:[/] {count:,} row{'s' if count > 1 else ''} could not be screened "
            "(listed with the summary)",
            highlight=False,
        )
        raise typer.Exit(2)


def _check_paths(input: Path, output: Path) -> None:
    """Fail before Spark starts when the input is missing or the output would clobber
    something that is not an earlier output."""
    if not input.exists():
        raise UsageError(f"{input}: no such file or folder")
    if not output.parent.is_dir():
        raise UsageError(f"{output}: folder {output.parent} does not exist")
    if output.exists():
        if output.resolve() == input.resolve():
            raise UsageError(f"{output}: the output would overwrite the input")
        if not output.is_dir():
            raise UsageError(f"{output}: exists and is a file; the output is a folder")
        if any(output.iterdir()) and not (output / "_SUCCESS").exists():
            raise UsageError(f"{output}: a folder that is not an earlier Spark output")


def _is_parquet(path: Path) -> bool:
    if path.is_dir():
        return any(path.glob("*.parquet")) or any(path.glob("*.pq"))
    return path.suffix.lower() in {".parquet", ".pq"}


def _read(session: SparkSession, path: Path) -> DataFrame:
    if _is_parquet(path):
        return _guarded(lambda: session.read.parquet(str(path)), path)
    reader = session.read.options(
        header=True, multiLine=True, escape='"', mode="FAILFAST", encoding="UTF-8"
    )
    return _guarded(lambda: reader.csv(str(path)), path)


def _has_column(frame: DataFrame, name: str) -> bool:
    return any(column.strip().lower() == name for column in frame.columns)


def _guarded(action: Callable[[], T], path: Path) -> T:
    """Spark's own errors (unreadable input, a malformed CSV row) as one-line errors."""
    from pyspark.errors import PySparkException

    # py4j (PySpark's bridge to the JVM) has no type information
    py4j_error: type[Exception] = import_module("py4j.protocol").Py4JError
    try:
        return action()
    except SanctionsError:
        raise
    except (PySparkException, py4j_error) as exc:
        lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
        reason = lines[0] if lines else type(exc).__name__
        raise SourceError(f"Spark failed: {reason}", path=path) from None


def _summary(frame: DataFrame, result: DataFrame, path: Path) -> dict[str, Any]:
    from pyspark.sql import functions as F

    counts = _guarded(
        lambda: result.agg(
            F.count(F.when(F.col("error").isNull(), 1)).alias("hits"),
            F.count(F.col("error")).alias("errors"),
        ).first(),
        path,
    )
    assert counts is not None  # an aggregate without grouping has one row
    errors = result.where(F.col("error").isNotNull()).limit(MAX_KEPT_ERRORS)
    kept = [row.asDict() for row in errors.select("query_id", "query_name", "error").collect()]
    return {
        "rows": _guarded(frame.count, path),
        "hit_rows": int(counts["hits"]),
        "error_count": int(counts["errors"]),
        "errors": [
            {"query_id": r["query_id"], "query_name": r["query_name"], "message": r["error"]}
            for r in kept
        ],
    }


def _print_summary(summary: dict[str, Any]) -> None:
    versions = ", ".join(f"{source} v{v}" for source, v in summary["lists"].items())
    out.print(
        summary_grid(
            [
                ("rows", f"{summary['rows']:,}"),
                ("hit rows written", f"{summary['hit_rows']:,}"),
                ("rows with errors", f"{summary['error_count']:,}"),
                ("elapsed", f"{summary['elapsed_seconds']:,.1f} s"),
                ("names/s", f"{summary['rows_per_second']:,.0f}"),
                ("master", summary["master"]),
                ("lists", versions),
                ("output", summary["output"]),
            ]
        )
    )
    for error in summary["errors"]:
        who = error["query_id"] or repr(error["query_name"])
        out.print(Text(f"  {summary['input']} row {who}: {error['message']}"), soft_wrap=True)
    if summary["error_count"] > len(summary["errors"]):
        more = summary["error_count"] - len(summary["errors"])
        out.print(f"  … and {more:,} more (see --json)")


@contextmanager
def _spark_progress(session: SparkSession, label: str) -> Iterator[None]:
    """A progress bar of the running stages' tasks, polled from Spark's status tracker."""
    progress = Progress(
        SpinnerColumn(),
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("tasks"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )
    task = progress.add_task(label, total=None)
    tracker = session.sparkContext.statusTracker()
    stop = threading.Event()

    def poll() -> None:
        while not stop.wait(0.5):
            done = total = 0
            for stage in tracker.getActiveStageIds():
                info = tracker.getStageInfo(stage)
                if info is not None:
                    done, total = done + info.numCompletedTasks, total + info.numTasks
            if total:
                progress.update(task, completed=done, total=total)

    thread = threading.Thread(target=poll, name="spark-progress", daemon=True)
    with progress:
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()
