"""Scaling benchmarks: screening throughput on Spark against local batch screening.

    python scale.py --part spark [--rows 100000] [--json] [--write ../docs/benchmarks.md]
    python scale.py --part store --pg-url postgresql://postgres@127.0.0.1:5432/postgres

Each part is one function in PARTS, returning its results (for --json) and its markdown
section (for --write); `--part all` runs every part. The Spark part screens the same rows
(10 % names taken from the listed entities, 90 % clean Faker names, fixed seed, as Parquet)
through local batch screening (`screen_file`, 1 and 2 worker processes: the baseline, in the
same run) and through `sanctions.spark.screen_dataframe` on `local[1]` and `local[2]`,
Parquet in and out, over the real OFAC and UN lists.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from rich.console import Console
from rich.table import Table

from _common import DATA, machine, write_section

SEED = 20261207
LISTED_SHARE = 0.1
LOCALES = ("en_US", "de_DE", "fr_FR", "es_ES", "tr_TR", "ru_RU", "pl_PL", "it_IT")
console = Console(stderr=True)


@dataclass(frozen=True, slots=True)
class Run:
    engine: str  # "local batch" or "spark"
    parallelism: str  # "1 worker", "local[2]", ...
    rows: int
    hit_rows: int
    seconds: float  # screening, input read to hits written
    startup_seconds: float  # Spark session start (0 for local batch)

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def _store(folder: Path) -> Path:
    from sanctions.ingest.load import load_paths
    from sanctions.store import Store

    path = folder / "store.db"
    with Store(path) as store:
        load_paths(store, [DATA / "ofac", DATA / "un" / "consolidated.xml"])
    return path


def _queries(db: Path, rows: int, path: Path) -> Path:
    """`rows` query rows (id, name) as Parquet: listed names and clean Faker names, shuffled."""
    from faker import Faker

    from sanctions.store import Store

    rng = random.Random(SEED)
    with Store(db) as store:
        names = [
            name.value
            for version in store.lists()
            for entity in store.iter_entities(version.source, version.version)
            for name in entity.names[:1]
        ]
    listed = int(rows * LISTED_SHARE)
    values = [rng.choice(names) for _ in range(listed)]
    fakers = [Faker(locale) for locale in LOCALES]
    for faker in fakers:
        faker.seed_instance(SEED)
    for n in range(rows - listed):
        faker = fakers[n % len(fakers)]
        values.append(faker.company() if n % 5 == 0 else faker.name())
    rng.shuffle(values)
    table = pa.table({"id": [f"q{n}" for n in range(rows)], "name": values})
    pq.write_table(table, path)
    return path


def _local_run(db: Path, queries: Path, output: Path, workers: int) -> Run:
    from sanctions.batch import screen_file
    from sanctions.screen import Screener
    from sanctions.store import Store

    with Store(db) as store:
        screener = Screener.from_store(store)
    started = time.perf_counter()
    summary = screen_file(screener, queries, output, workers=workers)
    seconds = time.perf_counter() - started
    label = f"{workers} worker{'s' if workers > 1 else ''}"
    return Run("local batch", label, summary.rows, summary.hit_rows, seconds, 0.0)


def _spark_run(db: Path, queries: Path, output: Path, master: str, scratch: Path) -> Run:
    from sanctions.spark import local_session, screen_dataframe

    started = time.perf_counter()
    session = local_session(master, app_name="sanctions-scale", local_dir=scratch)
    startup = time.perf_counter() - started
    try:
        started = time.perf_counter()
        frame = session.read.parquet(str(queries))
        screen_dataframe(frame, store=db).write.mode("overwrite").parquet(str(output))
        seconds = time.perf_counter() - started
        hit_rows = session.read.parquet(str(output)).count()
        rows = frame.count()
    finally:
        session.stop()
    return Run("spark", master, rows, hit_rows, seconds, startup)


def spark_part(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    with tempfile.TemporaryDirectory(prefix="sanctions-scale-") as tmp:
        folder = Path(tmp)
        db = args.db or _store(folder)
        console.print(f"writing {args.rows:,} query rows")
        queries = _queries(db, args.rows, folder / "queries.parquet")
        runs: list[Run] = []
        for workers in (1, 2):
            console.print(f"local batch, {workers} worker(s)")
            runs.append(_local_run(db, queries, folder / f"local-{workers}.parquet", workers))
        for master in args.masters:
            console.print(f"spark {master}")
            output = folder / f"spark-{master.strip('[]').replace('[', '-')}"
            runs.append(_spark_run(db, queries, output, master, folder / "spark-scratch"))
    _print_table(runs)
    same = len({run.hit_rows for run in runs}) == 1
    results = {"rows": args.rows, "same_hit_rows": same, "runs": [_run_json(r) for r in runs]}
    return results, _spark_section(runs, same)


def _run_json(run: Run) -> dict[str, Any]:
    return {**asdict(run), "rows_per_second": round(run.rows_per_second, 1)}


def _print_table(runs: list[Run]) -> None:
    table = Table(title="screening throughput")
    for column in ("engine", "parallelism", "rows", "hit rows", "seconds", "rows/s", "start (s)"):
        table.add_column(column, justify="left" if column in {"engine", "parallelism"} else "right")
    for run in runs:
        table.add_row(
            run.engine,
            run.parallelism,
            f"{run.rows:,}",
            f"{run.hit_rows:,}",
            f"{run.seconds:,.1f}",
            f"{run.rows_per_second:,.0f}",
            f"{run.startup_seconds:.1f}" if run.engine == "spark" else "-",
        )
    console.print(table)


def _spark_section(runs: list[Run], same: bool) -> str:
    rows = runs[0].rows
    lines = [
        "## Scaling: Spark (`benchmarks/scale.py --part spark`)",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} on {machine()}, {_memory()} (2 cores shared with "
        "other jobs: absolute numbers are noisy, the ratios less so). "
        f"{rows:,} rows (10 % names of listed entities, 90 % clean Faker names, seed {SEED}), "
        "Parquet in and out, against OFAC (SDN + consolidated) and UN, default threshold. "
        "Local batch is `screen_file` with 1 and 2 worker processes (the baseline, same run); "
        "Spark is `sanctions.spark.screen_dataframe` then a Parquet write, in a started session "
        "(its start is the last column), index shipped by SparkFiles and mapped once per "
        "Python worker.",
        "",
        "| engine | parallelism | rows | hit rows | seconds | rows/s | session start (s) |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        start = f"{run.startup_seconds:.1f}" if run.engine == "spark" else "-"
        lines.append(
            f"| {run.engine} | {run.parallelism} | {run.rows:,} | {run.hit_rows:,} | "
            f"{run.seconds:,.1f} | {run.rows_per_second:,.0f} | {start} |"
        )
    verdict = "the same" if same else "NOT the same"
    lines += ["", f"Every run wrote {verdict} number of hit rows."]
    return "\n".join(lines) + "\n"


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024**2:.0f} GiB RAM"
    except OSError:
        pass
    return "unknown RAM"


# -- the store part: loading the OFAC list into SQLite and into PostgreSQL -------------------
SNAPSHOT = DATA / "ofac" / "snapshots" / "sdn_2024-05-03.csv"


@dataclass(frozen=True, slots=True)
class StoreRun:
    backend: str
    first_load: float  # the OFAC folder (SDN + consolidated) into an empty store
    second_load: float  # then the 2024-05-03 SDN file: a new version, diffed against the first
    read_all: float  # every active entity read back (what an index build reads)
    poll_ms: float  # `Store.lists()`, the query a server's version poll makes
    added: int
    removed: int


def _pg_database(admin_url: str, n: int) -> str:
    """A fresh database on the server of `admin_url`; its URL."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    name = f"sanctions_bench_{n}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
    return urlunsplit(urlsplit(admin_url)._replace(path="/" + name))


def _store_run(backend: str, location: str) -> StoreRun:
    from sanctions.ingest.load import load_paths
    from sanctions.store import Store

    with Store(location) as store:
        started = time.perf_counter()
        load_paths(store, [DATA / "ofac"])
        first = time.perf_counter() - started
        started = time.perf_counter()
        [result] = load_paths(store, [SNAPSHOT])
        second = time.perf_counter() - started
        started = time.perf_counter()
        for version in store.lists():
            for _ in store.iter_entities(version.source, version.version):
                pass
        read_all = time.perf_counter() - started
        started = time.perf_counter()
        for _ in range(100):
            store.lists()
        poll_ms = (time.perf_counter() - started) * 10  # per call, ms
    version = result.version
    return StoreRun(backend, first, second, read_all, poll_ms, version.added, version.removed)


def store_part(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    """Load time of the OFAC list on SQLite and on PostgreSQL (--pg-url: a server's admin
    URL; each run makes a fresh database there; without it, SQLite only), median of
    --repeat runs each."""
    import statistics

    if not args.pg_url:
        console.print("[yellow]no --pg-url: measuring SQLite only[/]")
    runs: list[StoreRun] = []
    with tempfile.TemporaryDirectory(prefix="sanctions-scale-store-") as tmp:
        for n in range(args.repeat):
            console.print(f"store run {n + 1}/{args.repeat}")
            runs.append(_store_run("SQLite", str(Path(tmp) / f"store-{n}.db")))
            if args.pg_url:
                runs.append(_store_run("PostgreSQL", _pg_database(args.pg_url, n)))
    medians: list[StoreRun] = []
    for backend in sorted({r.backend for r in runs}, reverse=True):  # SQLite first
        mine = [r for r in runs if r.backend == backend]
        medians.append(
            StoreRun(
                backend,
                statistics.median(r.first_load for r in mine),
                statistics.median(r.second_load for r in mine),
                statistics.median(r.read_all for r in mine),
                statistics.median(r.poll_ms for r in mine),
                mine[0].added,
                mine[0].removed,
            )
        )
    results = {"repeat": args.repeat, "runs": [asdict(r) for r in runs]}
    results["medians"] = [asdict(r) for r in medians]
    return results, _store_section(medians, args.repeat)


def _store_section(medians: list[StoreRun], repeat: int) -> str:
    lines = [
        "## Scaling: the store on SQLite and PostgreSQL (`benchmarks/scale.py --part store`)",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} on {machine()}, {_memory()} (2 cores shared with "
        f"other jobs; medians of {repeat} runs). PostgreSQL 15 on the same machine over "
        "loopback TCP, default settings (fsync on), a fresh database per run; SQLite in WAL "
        "mode on local disk. First load: the OFAC folder (SDN + consolidated CSV sets, 14,263 "
        "entities) into an empty store, entities bulk-inserted (`executemany` on SQLite, "
        "`COPY` on PostgreSQL), one transaction. Second load: the 2024-05-03 SDN file, a new "
        "version diffed against the first (added / removed in the table). Read all: every "
        "active entity read back, what a server's index build reads. Poll: one "
        "`Store.lists()`, the query each server makes every `--reload-every` seconds.",
        "",
        "| backend | first load (s) | second load (s) | read all (s) | poll (ms) | added "
        "| removed |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for run in medians:
        lines.append(
            f"| {run.backend} | {run.first_load:.1f} | {run.second_load:.1f} | "
            f"{run.read_all:.2f} | {run.poll_ms:.2f} | {run.added:,} | {run.removed:,} |"
        )
    return "\n".join(lines) + "\n"


# Each part: args -> (results for --json, markdown section for --write).
PARTS: dict[str, Callable[[argparse.Namespace], tuple[dict[str, Any], str]]] = {
    "spark": spark_part,
    "store": store_part,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--part", choices=[*PARTS, "all"], default="all")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--db", type=Path, help="a store to screen against [default: OFAC + UN]")
    parser.add_argument("--masters", nargs="+", default=["local[1]", "local[2]"])
    parser.add_argument(
        "--pg-url", help="store part: a PostgreSQL server's admin URL (postgresql://...)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="store part: runs per backend")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--write", type=Path, help="write the sections into this markdown file")
    args = parser.parse_args()
    parts = list(PARTS) if args.part == "all" else [args.part]
    results: dict[str, Any] = {}
    for part in parts:
        results[part], section = PARTS[part](args)
        if args.write:
            write_section(args.write, section.splitlines()[0], section)
    if args.json:
        print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
