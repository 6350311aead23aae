"""Entry point of `python -m accuracy` (run from benchmarks/, so `_common` imports)."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from _common import PAIRS, load_screening_store, timed
from sanctions.match import DEFAULT_THRESHOLD
from sanctions.screen import Screener
from sanctions.store import Store

from . import QUICK_SAMPLE
from . import __doc__ as PACKAGE_DOC
from .crossscript import algorithm_comparison, cross_script
from .pairs import entity_bench, name_bench, print_name_bench
from .report import Report, markdown, replace_section
from .screening import screen_negatives, yente_positives


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m accuracy", description=PACKAGE_DOC.splitlines()[0]
    )
    parser.add_argument(
        "--threshold",
        type=float,
        default=DEFAULT_THRESHOLD,
        help=f"match/alert threshold (default: DEFAULT_THRESHOLD = {DEFAULT_THRESHOLD})",
    )
    parser.add_argument(
        "--write", type=Path, help="Markdown file whose accuracy section is replaced."
    )
    parser.add_argument(
        "--quick", action="store_true", help=f"sample {QUICK_SAMPLE:,} names per negatives file"
    )
    parser.add_argument("--seed", type=int, default=0, help="sampling seed for --quick")
    parser.add_argument("--workers", type=int, default=2, help="screen_many worker processes")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    started = time.perf_counter()
    if not PAIRS.is_dir():
        sys.exit(f"labelled data not found at {PAIRS}")
    t = args.threshold
    label = f"{t} (default)" if t == DEFAULT_THRESHOLD else f"{t} (--threshold)"
    with timed("1. name bench"):
        bench = name_bench(t, label)
        print_name_bench(bench, t)
    with timed("5. watchman pairs"):
        crosses = cross_script(t)
        algos = algorithm_comparison(t)
    with timed("6. entity-bench names"):
        entity = entity_bench(t, label)
    with tempfile.TemporaryDirectory(prefix="sanctions-accuracy-") as tmp:
        with timed("load lists into a temp store"):
            db = load_screening_store(Path(tmp) / "lists.db")
        with Store(db) as store:
            with timed("build screener"):
                screener = Screener.from_store(store, sources=None)
            with timed("2. yente UN positives"):
                positives = yente_positives(screener, store, t, args.workers)
            with timed("3./4. false alerts"):
                alerts = screen_negatives(screener, t, args.workers, args.quick, args.seed)
    report = Report(
        threshold=t,
        quick=args.quick,
        seed=args.seed,
        workers=args.workers,
        bench=bench,
        positives=positives,
        alerts=alerts,
        crosses=crosses,
        algos=algos,
        entity=entity,
        seconds=time.perf_counter() - started,
    )
    section = markdown(report)
    print("\n" + section)
    print(f"[time] total: {report.seconds:.1f} s")
    if args.write:
        replace_section(args.write, section)
        print(f"wrote {args.write}")


if __name__ == "__main__":
    main()
