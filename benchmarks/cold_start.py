"""Cold CLI start-up and end-to-end batch throughput over the persistent screening index.

    python cold_start.py --db STORE [STORE...] [--batch FILE.csv] [--runs 5]
        [--write ../docs/benchmarks.md]

Every timing is a fresh `sanctions` process, as a user or a cron job runs it, so imports,
opening the saved index and the first query are all included. The store must already hold
the lists (`sanctions load ...`), which also builds the index file beside it. Medians of
`--runs` processes; the machine is shared, so quote them with the date and machine.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import machine, write_section

QUERY = "Dan Gertler"


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):  # 1 means "hits", which is fine here
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr}")
    return elapsed


def rows_in(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, nargs="+", required=True, help="stores to time")
    parser.add_argument("--batch", type=Path, help="CSV with id,name[,schema] columns")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()
    cli = str(Path(sys.executable).with_name("sanctions"))
    lines = [
        "## Cold start and batch (`benchmarks/cold_start.py`)",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} on {machine()}; median of {args.runs} fresh "
        "processes (batch: of half as many). The batch runs against the first store.",
        "",
        "| what | median (s) | min (s) | max (s) | names/s |",
        "|---|---:|---:|---:|---:|",
    ]
    for db in args.db:
        screen = [timed([cli, "screen", QUERY, "--db", str(db)]) for _ in range(args.runs)]
        lines.append(
            f"| `sanctions screen '{QUERY}'`, store {db.name} | {statistics.median(screen):.2f} "
            f"| {min(screen):.2f} | {max(screen):.2f} | - |"
        )
    if args.batch:
        rows = rows_in(args.batch)
        with tempfile.TemporaryDirectory() as tmp:
            for workers in (1, 2):
                output = str(Path(tmp) / "hits.csv")
                command = [cli, "screen", "--batch", str(args.batch), "-o", output]
                command += ["--workers", str(workers), "--db", str(args.db[0])]
                runs = [timed(command) for _ in range(max(1, args.runs // 2))]
                median = statistics.median(runs)
                lines.append(
                    f"| `screen --batch` {rows:,} rows, {workers} worker(s) | {median:.2f} | "
                    f"{min(runs):.2f} | {max(runs):.2f} | {rows / median:,.0f} |"
                )
    section = "\n".join(lines) + "\n"
    print(section)
    if args.write:
        write_section(args.write, lines[0], section)


if __name__ == "__main__":
    main()
