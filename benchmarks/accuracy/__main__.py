"""Entry point of `python -m accuracy` (run from benchmarks/, so `_common` imports)."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from _common import (
    PAIRS,
    load_screening_store,
    machine,
    timed,
    write_section,
)
from sanctions.match import DEFAULT_THRESHOLD
from sanctions.screen import Screener
from sanctions.store import Store

from . import (
    HEADING,
    QUICK_SAMPLE,
    REFERENCE_THRESHOLD,
    TRUTH_SOURCE,
)
from . import __doc__ as PACKAGE_DOC
from .crossscript import (
    AlgoPair,
    CrossScript,
    algo_table,
    algorithm_comparison,
    cross_script,
    cross_script_table,
)
from .metrics import Summary
from .pairs import NameBench, entity_bench, name_bench, print_name_bench, scorer_table, slice_table
from .screening import (
    Alerts,
    Positives,
    alerts_table,
    recall_table,
    screen_negatives,
    yente_positives,
)
from .tables import fmt

# ------------------------------------------------------------------------------------------
# Report


@dataclass(frozen=True, slots=True)
class Report:
    threshold: float
    quick: bool
    seed: int
    workers: int
    bench: NameBench
    positives: Positives
    alerts: list[Alerts]
    crosses: list[CrossScript]
    algos: list[AlgoPair]
    entity: Summary
    seconds: float  # wall time of the whole run


def markdown(r: Report) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    t = r.threshold
    mode = (
        f"quick mode: {QUICK_SAMPLE:,} names sampled from each negatives file (seed {r.seed})"
        if r.quick
        else "full run"
    )
    lines = [
        HEADING,
        "",
        f"Measured {stamp} on {machine()}; {mode}; `screen_many` with {r.workers} workers. "
        f"Threshold {t} (`DEFAULT_THRESHOLD` = {DEFAULT_THRESHOLD}). Data: `shared/data/pairs` "
        "(only the 70 % development part of the nomenklatura name bench; see its README). "
        f"Total wall time {r.seconds:,.0f} s.",
        "",
        "**Name pairs (nomenklatura name bench).** P/R/F1 at the threshold shown; best F1 over "
        "all thresholds (match if score ≥ t); ROC AUC by Mann-Whitney (ties half). logic-v2 is "
        "nomenklatura's frozen run on a slightly older set of rows with its own labels "
        f"(its predictions imply t in {r.bench.lv2_implied}; {r.bench.lv2_label_diffs} shared "
        f"pairs are labelled differently, {r.bench.lv2_unmatched} of its rows are not in "
        "cases.csv). Baselines compare case-folded names; they have no default threshold, so F1 "
        f"is quoted at {REFERENCE_THRESHOLD} for reference.",
        "",
        *scorer_table(r.bench.scorers),
        "",
        "Ours by case group and quality tier:",
        "",
        *slice_table(r.bench.slices, keep=lambda name: not name.startswith("schema:")),
        "",
        "**Screening recall (yente UN positives)** against every real list loaded, as "
        f"Person queries with birth date and nationality. Truth: the {TRUTH_SOURCE} entity "
        "with a name exactly equal to the untreated query (case, punctuation and spacing "
        f"ignored); {r.positives.no_truth} rows have none and are excluded. The treated rows "
        f"add typos and reordering ({r.positives.changed_names} of the names and "
        f"{r.positives.changed_dates} of the birth dates differ from the untreated ones).",
        "",
        *recall_table(r.positives.recalls, t),
        "",
        f"**False alerts**: names with at least one hit at {t}, per 1,000 (95 % Wilson "
        "interval). The yente negatives are synthetic people; US Congress members are PEPs on "
        "no sanctions list, so every hit is false.",
        "",
        *alerts_table(r.alerts),
        "",
        f"**Cross-script pairs (watchman)**, `compare_names(query, expected)`; pass = score ≥ {t}. "
        '"watchman min" is the score watchman\'s own embedding model is expected to reach.',
        "",
        *cross_script_table(r.crosses, t),
        "",
        "**watchman algorithm comparison**: ours next to watchman's Jaro-Winkler and the range "
        "of its 12 algorithms; dominguez/jimenez is the false-positive control.",
        "",
        *algo_table(r.algos, t),
        "",
        "**Entity-bench checks, names only** (query vs candidate name, or name parts joined; "
        "other properties ignored, so checks that hinge on field order or dates cannot pass): "
        f"n = {r.entity.at.n}, P {fmt(r.entity.at.precision)}, R {fmt(r.entity.at.recall)}, "
        f"F1 {fmt(r.entity.at.f1)} at {t}; best F1 {fmt(r.entity.best_f1)} @ "
        f"{fmt(r.entity.best_t)}; AUC {fmt(r.entity.auc)}.",
        "",
    ]
    return "\n".join(lines)


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
        write_section(args.write, HEADING, section)
        print(f"wrote {args.write}")


if __name__ == "__main__":
    main()
