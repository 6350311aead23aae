"""Screening speed: index build, single-query latency, batch throughput, and a 1M-name index.

    python speed.py [--write ../docs/benchmarks.md] [--million-size 1000000] [--quick]

Queries mix clean synthetic people (yente negatives) with typo-treated listed names (yente UN
positives), so both the "no hit" and the "hit" paths are timed. The in-run baseline is
brute force: the same queries through rapidfuzz `process.extractOne` (WRatio, default
processing) over every listed name. Medians and p99 come from one run; the machine is shared,
so compare against the baseline measured alongside, not against other days.
"""

from __future__ import annotations

import argparse
import csv
import gc
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from rapidfuzz import fuzz, process, utils

from _common import DATA, load_screening_store, machine, write_section
from sanctions.match.index import NameIndex
from sanctions.model import Entity, NameKind
from sanctions.screen import Query, Screener
from sanctions.store import Store

PAIRS = DATA / "pairs"


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def read_names(path: Path, limit: int | None = None) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        names = [row["full_name"] for row in csv.DictReader(handle) if row["full_name"].strip()]
    return names[:limit] if limit else names


def query_mix(count: int, seed: int = 7) -> list[Query]:
    rng = random.Random(seed)
    clean = read_names(PAIRS / "yente_negatives_global.csv") + read_names(
        PAIRS / "yente_negatives_us.csv"
    )
    listed = read_names(PAIRS / "yente_positives_un_treated.csv")
    names = rng.sample(clean, count * 3 // 4) + [rng.choice(listed) for _ in range(count // 4)]
    rng.shuffle(names)
    return [Query(name, schema="Person") for name in names]


def latencies(screener: Screener, queries: list[Query]) -> list[float]:
    for query in queries[:200]:  # warm the caches the way a running service has them
        screener.screen(query)
    out = []
    for query in queries:
        start = time.perf_counter()
        screener.screen(query)
        out.append((time.perf_counter() - start) * 1000)
    return out


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def brute_force(names: list[str], queries: list[Query]) -> list[float]:
    choices = [utils.default_process(n) for n in names]
    out = []
    for query in queries:
        start = time.perf_counter()
        process.extractOne(
            utils.default_process(query.name), choices, scorer=fuzz.WRatio, processor=None
        )
        out.append((time.perf_counter() - start) * 1000)
    return out


def batch_rate(screener: Screener, queries: list[Query], workers: int) -> float:
    start = time.perf_counter()
    for _ in screener.screen_many(queries, workers=workers):
        pass
    return len(queries) / (time.perf_counter() - start)


def synthetic_entities(size: int, seed: int = 11) -> list[Entity]:
    """`size` person names recombined from real given names and surnames (listed and not)."""
    rng = random.Random(seed)
    pool = read_names(PAIRS / "yente_negatives_global.csv") + read_names(
        PAIRS / "yente_negatives_us.csv"
    )
    firsts, lasts = [], []
    for name in pool:
        parts = name.split()
        if len(parts) >= 2:
            firsts.append(parts[0])
            lasts.append(parts[-1])
    entities = []
    for number in range(size):
        entity = Entity(f"synthetic:{number}", "Person", datasets=["synthetic"])
        middle = f" {rng.choice(firsts)}" if rng.random() < 0.3 else ""
        entity.add_name(f"{rng.choice(firsts)}{middle} {rng.choice(lasts)}", NameKind.PRIMARY)
        entities.append(entity)
    return entities


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", type=Path)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--million-size", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="fewer queries, 100k synthetic names")
    args = parser.parse_args()
    if args.quick:
        args.queries, args.million_size = 500, 100_000
    if not DATA.is_dir():
        sys.exit(f"real data not found at {DATA}")
    queries = query_mix(args.queries)
    rows: list[str] = []

    with tempfile.TemporaryDirectory() as tmp:
        db = load_screening_store(Path(tmp) / "bench.db")
        with Store(db) as store:
            gc.collect()
            before = rss_mib()
            start = time.perf_counter()
            screener = Screener.from_store(store)
            build_s = time.perf_counter() - start
            index_mib = rss_mib() - before
    names = [n.form.original for n in screener.index.names]
    lat = latencies(screener, queries)
    brute = brute_force(names, queries[:200])
    batch_queries = (queries * (1 + 10_000 // len(queries)))[:10_000]
    rate_1 = batch_rate(screener, batch_queries, 1)
    rate_2 = batch_rate(screener, batch_queries, 2)
    real = (
        f"{len(screener.index):,} entities / {len(names):,} names "
        f"({', '.join(f'{s} v{v}' for s, v in sorted(screener.versions.items()))})"
    )
    rows.append(
        f"| real lists: {real} | {build_s:.1f} | {index_mib:,.0f} | "
        f"{statistics.median(lat):.2f} | {percentile(lat, 0.99):.2f} | "
        f"{rate_1:,.0f} / {rate_2:,.0f} | {statistics.median(brute):.2f} |"
    )
    print(rows[-1], flush=True)
    del screener
    gc.collect()

    entities = synthetic_entities(args.million_size)
    gc.collect()
    before = rss_mib()
    start = time.perf_counter()
    big = Screener(NameIndex(entities))
    build_s = time.perf_counter() - start
    index_mib = rss_mib() - before
    lat = latencies(big, queries[:1000])
    brute = brute_force([e.names[0].value for e in entities], queries[:10])
    rows.append(
        f"| synthetic: {args.million_size:,} person names | {build_s:.1f} | {index_mib:,.0f} | "
        f"{statistics.median(lat):.2f} | {percentile(lat, 0.99):.2f} | - | "
        f"{statistics.median(brute):.1f} |"
    )
    print(rows[-1], flush=True)

    stamp = time.strftime("%Y-%m-%d")
    section = "\n".join(
        [
            "## Screening speed (`benchmarks/speed.py`)",
            "",
            f"Measured {stamp} on {machine()}. {len(queries):,} queries (3/4 clean synthetic "
            "people, 1/4 typo-treated UN-listed people), Person schema, default threshold, "
            "in-process. Latency after a 200-query warm-up. Batch is `Screener.screen_many` over "
            "10,000 queries with 1 and 2 worker processes. Baseline: rapidfuzz "
            "`process.extractOne` (WRatio) over every name, same queries, same run.",
            "",
            "| index | build (s) | index RSS (MiB) | p50 (ms) | p99 (ms) | batch names/s "
            "(1 / 2 workers) | brute-force rapidfuzz p50 (ms) |",
            "|---|---:|---:|---:|---:|---:|---:|",
            *rows,
            "",
        ]
    )
    print(section)
    if args.write:
        write_section(args.write, "## Screening speed", section)


if __name__ == "__main__":
    main()
