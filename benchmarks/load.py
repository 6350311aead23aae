"""Load time and peak memory for the real lists, against a bare-read baseline in the same run.

    python load.py [--repeat 5] [--write ../docs/benchmarks.md]    (from benchmarks/)

Each measurement runs in a fresh child process (so peak RSS is that load's alone) into a new
store file. The baseline reads the same bytes with no parsing into entities (csv.reader for
OFAC, lxml iterparse for UN), so the ratio shows what our parsing and storing cost on this
machine at this moment. Medians are quoted because the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from _common import DATA, machine, write_section

SDN_FILES = ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv")
CASES = {
    "OFAC SDN CSV set (sdn+add+alt+comments)": [DATA / "ofac" / name for name in SDN_FILES],
    "UN consolidated XML": [DATA / "un" / "consolidated.xml"],
}

CHILD = r"""
import csv, json, resource, sys, time
from pathlib import Path
mode, db, targets = sys.argv[1], sys.argv[2], [Path(p) for p in sys.argv[3:]]
start = time.perf_counter()
count = 0
if mode == "load":
    from sanctions.ingest.load import load_paths
    from sanctions.store import Store
    with Store(db) as store:
        results = load_paths(store, targets)
        count = sum(r.version.entities for r in results)
elif targets[0].suffix == ".csv":
    for target in targets:
        with open(target, encoding="utf-8", newline="") as handle:
            count += sum(1 for _ in csv.reader(handle))
else:
    from lxml import etree
    for _, el in etree.iterparse(str(targets[0]), events=("end",), resolve_entities=False):
        count += 1
        el.clear()
elapsed = time.perf_counter() - start
peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": elapsed, "peak_mib": peak_kib / 1024, "count": count}))
"""


def run_child(mode: str, targets: list[Path]) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            [sys.executable, "-c", CHILD, mode, str(Path(tmp) / "bench.db"), *map(str, targets)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--write", type=Path, help="Markdown file whose load section is replaced.")
    args = parser.parse_args()
    if not DATA.is_dir():
        sys.exit(f"real data not found at {DATA}")

    rows = []
    for label, target in CASES.items():
        # Interleave baseline and load runs so drift on a shared machine hits both alike.
        loads, bases = [], []
        for _ in range(args.repeat):
            bases.append(run_child("baseline", target))
            loads.append(run_child("load", target))
        load_s = statistics.median(r["seconds"] for r in loads)
        base_s = statistics.median(r["seconds"] for r in bases)
        row = {
            "case": label,
            "entities": int(loads[0]["count"]),
            "load_s": load_s,
            "entities_per_s": loads[0]["count"] / load_s,
            "peak_mib": statistics.median(r["peak_mib"] for r in loads),
            "baseline_s": base_s,
            "baseline_peak_mib": statistics.median(r["peak_mib"] for r in bases),
        }
        rows.append(row)
        print(json.dumps(row))

    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    lines = [
        "## Loading lists (`benchmarks/load.py`)",
        "",
        f"Measured {stamp} on {machine()}; median of {args.repeat} runs, each in a fresh process "
        "into a new SQLite store. The baseline reads the same files without building entities "
        "(csv.reader over the OFAC files, lxml iterparse over the UN file).",
        "",
        "| list | entities | load (s) | entities/s | peak RSS (MiB) "
        "| baseline read (s) | baseline peak RSS (MiB) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['case']} | {r['entities']:,} | {r['load_s']:.2f} | {r['entities_per_s']:,.0f} | "
            f"{r['peak_mib']:.0f} | {r['baseline_s']:.2f} | {r['baseline_peak_mib']:.0f} |"
        )
    section = "\n".join(lines) + "\n"
    print(section)
    if args.write:
        write_section(args.write, "## Loading lists", section)


if __name__ == "__main__":
    main()
