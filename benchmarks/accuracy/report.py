"""The benchmark's section of docs/benchmarks.md: every runner's results in one Report, turned
into markdown under HEADING, and written in place of the file's previous section."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from _common import machine, write_section
from sanctions.match import DEFAULT_THRESHOLD

from . import HEADING, QUICK_SAMPLE, REFERENCE_THRESHOLD, TRUTH_SOURCE
from .crossscript import AlgoPair, CrossScript, algo_table, cross_script_table
from .metrics import Summary
from .pairs import NameBench, scorer_table, slice_table
from .screening import Alerts, Positives, alerts_table, recall_table
from .tables import fmt


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


def replace_section(path: Path, section: str) -> None:
    """Replace the section under HEADING in `path` (or append it)."""
    write_section(path, HEADING, section)
