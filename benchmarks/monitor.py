"""Monitoring speed: a synthetic portfolio against the OFAC SDN (2023) + UN, full run, then the 2024
SDN snapshot and a delta run, then a full run again (which must find nothing new).

    python monitor.py [--customers 100000] [--write ../docs/benchmarks.md]

Customers are people recombined from real given names and surnames (the yente negative
fixtures), plus 1 % real listed individuals written "First Last" and 0.2 % names only listed
in the 2024 snapshot, so both runs have alerts to open. The in-run baseline for the delta run
is the full run over the same portfolio and lists (target: delta <= 5 % of full).
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from _common import DATA, machine, write_section
from sanctions.ingest.load import load_paths
from sanctions.monitor.customers import import_customers
from sanctions.monitor.run import RunResult, run_monitor
from sanctions.store import Store, alerts

PAIRS = DATA / "pairs"
SNAPSHOT = DATA / "ofac" / "snapshots" / "sdn_2024-05-03.csv"


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def names(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [r["full_name"] for r in csv.DictReader(handle) if r["full_name"].strip()]


def sdn_people(path: Path) -> dict[str, str]:
    people = {}
    with path.open(encoding="latin-1", newline="") as handle:
        for row in csv.reader(handle):
            if len(row) > 3 and row[2].strip() == "individual" and row[1].count(",") == 1:
                last, first = (p.strip() for p in row[1].split(","))
                if first and last:
                    people[row[0]] = f"{first.title()} {last.title()}"
    return people


def write_portfolio(path: Path, count: int, seed: int = 5) -> dict[str, int]:
    rng = random.Random(seed)
    pool = names(PAIRS / "yente_negatives_global.csv") + names(PAIRS / "yente_negatives_us.csv")
    firsts = [n.split()[0] for n in pool if len(n.split()) >= 2]
    lasts = [n.split()[-1] for n in pool if len(n.split()) >= 2]
    old, new = sdn_people(DATA / "ofac" / "sdn.csv"), sdn_people(SNAPSHOT)
    listed = sorted(old.values())
    added = sorted(new[k] for k in set(new) - set(old))
    counts = {"synthetic": 0, "listed": 0, "added_in_2024": 0}
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "schema", "birth_date", "segment"])
        for number in range(count):
            roll = rng.random()
            if roll < 0.01:
                name, group = rng.choice(listed), "listed"
            elif roll < 0.012:
                name, group = rng.choice(added), "added_in_2024"
            else:
                middle = f" {rng.choice(firsts)}" if rng.random() < 0.2 else ""
                name, group = f"{rng.choice(firsts)}{middle} {rng.choice(lasts)}", "synthetic"
            born = str(rng.randrange(1940, 2005)) if rng.random() < 0.5 else ""
            writer.writerow([f"C{number:07d}", name, "Person", born, group])
            counts[group] += 1
    return counts


def timed_run(store: Store, **options: object) -> tuple[RunResult, float]:
    start = time.perf_counter()
    result = run_monitor(store, **options)  # type: ignore[arg-type]
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--write", type=Path, help="update this markdown file's section")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "monitor.db"
        portfolio = Path(folder) / "customers.csv"
        mix = write_portfolio(portfolio, args.customers)
        store = Store(db)
        load_paths(store, [DATA / "ofac" / "sdn.csv"])
        load_paths(store, [DATA / "un" / "consolidated.xml"])
        start = time.perf_counter()
        imported = import_customers(store, portfolio)
        import_seconds = time.perf_counter() - start
        print(f"import {imported.rows:,} rows: {import_seconds:.1f} s", flush=True)
        full, full_seconds = timed_run(store)
        full_peak = peak_rss_mib()
        print(f"full: {full_seconds:.1f} s, {full.new_alerts} alerts, {full_peak:.0f} MiB")
        load_paths(store, [SNAPSHOT])
        delta, delta_seconds = timed_run(store)
        print(
            f"delta: {delta_seconds:.1f} s, {delta.entities_screened} entities, "
            f"{delta.new_alerts} new, {delta.closed} closed",
            flush=True,
        )
        after_delta = {
            (a.customer_id, a.entity_id, a.state)
            for a in alerts.listing(store.db, limit=10_000_000)
        }
        again, again_seconds = timed_run(store, full=True)
        after_full = {
            (a.customer_id, a.entity_id, a.state)
            for a in alerts.listing(store.db, limit=10_000_000)
        }
        peak = peak_rss_mib()
        store.close()
    agrees = after_delta == after_full and again.new_alerts == again.reopened == again.closed == 0
    share = delta_seconds / again_seconds
    print(f"full again: {again_seconds:.1f} s; delta/full {share:.1%}; delta = full: {agrees}")
    full_detail = (
        f"{full.customers_screened:,} customers x {full.entities_screened:,} entities, "
        f"{full.new_alerts:,} alerts"
    )
    delta_detail = (
        f"{delta.entities_screened:,} changed entities x every customer (stored reverse "
        f"index), {delta.new_alerts:,} new, {delta.closed:,} closed"
    )
    again_detail = f"{again.new_alerts} new, {again.reopened} reopened, {again.closed} closed"
    verdict = (
        "exactly as the delta run did (delta = full)" if agrees else "DIFFERENT from the delta run"
    )
    section = f"""## Monitoring (`benchmarks/monitor.py`)

{time.strftime("%Y-%m-%d")}, {machine()}. {args.customers:,} customers
({mix["synthetic"]:,} synthetic people, {mix["listed"]:,} real SDN individuals as "First
Last", {mix["added_in_2024"]:,} names only listed in the 2024 snapshot) against the OFAC SDN
(2023) and UN; then the SDN snapshot of 2024-05-03 is loaded. One run of each, wall time.

| step | time | detail |
|---|---|---|
| import customers (CSV) | {import_seconds:.1f} s | {imported.rows:,} rows, one transaction |
| first run (full) | {full_seconds:.1f} s | {full_detail} |
| delta run after the 2024 snapshot | {delta_seconds:.1f} s | {delta_detail} |
| full run on the same state (baseline) | {again_seconds:.1f} s | {again_detail} |

Delta run: **{share:.1%} of the full run** (target 5 %). The full run after the delta left
the alerts {verdict}. Peak resident memory: {full_peak:,.0f} MiB after the first full run,
{peak:,.0f} MiB for the whole benchmark (store, index over OFAC + UN, portfolio).
"""
    print(section)
    if args.write:
        write_section(args.write, "## Monitoring", section)
    if not agrees:
        sys.exit(1)


if __name__ == "__main__":
    main()
