"""Entry point of `python -m accuracy` (run from benchmarks/, so `_common` imports)."""

from __future__ import annotations

import argparse
import math
import random
import sys
import tempfile
import time
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from _common import (
    PAIRS,
    Person,
    load_screening_store,
    machine,
    read_people,
    timed,
    write_section,
)
from sanctions.match import DEFAULT_THRESHOLD
from sanctions.screen import Hit, Query, Screener
from sanctions.store import Store

from . import (
    HEADING,
    LIMIT,
    QUICK_SAMPLE,
    REFERENCE_THRESHOLD,
    TRUTH_SOURCE,
    WORST,
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
from .metrics import Summary, wilson
from .pairs import NameBench, entity_bench, name_bench, print_name_bench, scorer_table, slice_table
from .tables import fmt, pct, table

# ------------------------------------------------------------------------------------------
# 2. yente UN positives


_PUNCT_OR_SYMBOL = ("P", "S")


def exact_key(name: str) -> str:
    """Casefold, punctuation and symbols to spaces, whitespace collapsed."""
    folded = "".join(
        " " if unicodedata.category(ch)[0] in _PUNCT_OR_SYMBOL else ch for ch in name.casefold()
    )
    return " ".join(folded.split())


def truth_index(store: Store) -> tuple[dict[str, set[str]], dict[str, str]]:
    """Exact name key -> un-sc entity ids (every kind of name), and id -> caption."""
    index: dict[str, set[str]] = defaultdict(set)
    captions: dict[str, str] = {}
    for entity in store.iter_entities(TRUTH_SOURCE):
        captions[entity.id] = entity.caption
        for name in entity.names:
            index[exact_key(name.value)].add(entity.id)
    return index, captions


def person_query(person: Person) -> Query:
    return Query(
        name=person.full_name,
        schema="Person",
        birth_date=person.birth_date,
        country=person.country,
    )


@dataclass(frozen=True, slots=True)
class Screened:
    hits: list[list[Hit]]  # per query, best first; [] for a query the screener refused
    refused: list[tuple[str, str]]  # (query name, error) for each refused query


def run_screen(
    screener: Screener, people: Sequence[Person], threshold: float, workers: int
) -> Screened:
    """Screen the people in order; screen_many yields an exception for a query it refuses."""
    queries = [person_query(p) for p in people]
    results = screener.screen_many(queries, threshold=threshold, limit=LIMIT, workers=workers)
    hits: list[list[Hit]] = []
    refused: list[tuple[str, str]] = []
    for person, result in zip(people, results, strict=True):
        if isinstance(result, Exception):
            refused.append((person.full_name, str(result)))
            hits.append([])
        else:
            hits.append(result)
    if refused:
        print(f"  {len(refused)} queries refused by the screener, e.g. {refused[:3]}")
    return Screened(hits, refused)


@dataclass(frozen=True, slots=True)
class Recall:
    variant: str
    n: int
    at_threshold: int
    top_k: int  # truth among the top LIMIT hits at threshold 0
    best: int  # truth scored as high as the best hit at threshold 0 (ties count)
    mean_hits: float  # hits per query at the threshold
    refused: int  # queries the screener refused (counted as misses)
    seconds: float


def ranked_best(hits: list[Hit], truth: set[str]) -> bool:
    """The truth entity has the top score (the same person is often on OFAC too, at a tie)."""
    return any(h.entity_id in truth and h.score >= hits[0].score for h in hits)


def truth_rank(hits: list[Hit], truth: set[str]) -> int | None:
    for rank, hit in enumerate(hits, 1):
        if hit.entity_id in truth:
            return rank
    return None


def report_normalised_dates(label: str, people: Sequence[Person]) -> int:
    fixed = [p for p in people if p.birth_date_normalised]
    if fixed:
        examples = ", ".join(f"{p.raw_birth_date} -> {p.birth_date}" for p in fixed[:5])
        print(
            f"{label}: {len(fixed)} birth dates not valid ISO as written, normalised ({examples})"
        )
    return len(fixed)


@dataclass(frozen=True, slots=True)
class Positives:
    recalls: list[Recall]
    no_truth: int  # rows excluded: no un-sc entity has the untreated name exactly
    changed_names: int  # kept rows whose treated name differs from the untreated one
    changed_dates: int  # ... whose treated birth date differs


def yente_positives(screener: Screener, store: Store, threshold: float, workers: int) -> Positives:
    print("\n== 2. yente UN positives ==")
    index, captions = truth_index(store)
    untreated = read_people(PAIRS / "yente_positives_un_untreated.csv")
    treated = read_people(PAIRS / "yente_positives_un_treated.csv")
    if len(untreated) != len(treated):
        sys.exit("yente UN positives: untreated and treated files differ in length")
    truths = [index.get(exact_key(p.full_name), set()) for p in untreated]
    missing = [p.full_name for p, t in zip(untreated, truths, strict=True) if not t]
    several = sum(1 for t in truths if len(t) > 1)
    keep = [i for i, t in enumerate(truths) if t]
    changed_names = sum(1 for i in keep if untreated[i].full_name != treated[i].full_name)
    changed_dates = sum(1 for i in keep if untreated[i].birth_date != treated[i].birth_date)
    for variant, people in (("untreated", untreated), ("treated", treated)):
        report_normalised_dates(variant, people)
    print(
        f"{len(untreated)} rows; {len(missing)} have no {TRUTH_SOURCE} entity with that exact "
        f"name (excluded), e.g. {missing[:10]}; {several} match several entities (any counts); "
        f"treated differs from untreated in {changed_names} names and {changed_dates} birth dates"
    )
    results = []
    for variant, people in (("untreated", untreated), ("treated", treated)):
        subset = [people[i] for i in keep]
        subset_truths = [truths[i] for i in keep]
        results.append(
            recall_for(variant, screener, subset, subset_truths, captions, threshold, workers)
        )
    return Positives(results, len(missing), changed_names, changed_dates)


def recall_for(
    variant: str,
    screener: Screener,
    people: list[Person],
    truths: list[set[str]],
    captions: dict[str, str],
    threshold: float,
    workers: int,
) -> Recall:
    start = time.perf_counter()
    screened = run_screen(screener, people, threshold, workers)
    top = run_screen(screener, people, 0.0, workers).hits
    seconds = time.perf_counter() - start
    found = [truth_rank(h, t) is not None for h, t in zip(screened.hits, truths, strict=True)]
    ranks_0 = [truth_rank(h, t) for h, t in zip(top, truths, strict=True)]
    result = Recall(
        variant=variant,
        n=len(people),
        at_threshold=sum(found),
        top_k=sum(1 for r in ranks_0 if r is not None),
        best=sum(1 for h, t in zip(top, truths, strict=True) if ranked_best(h, t)),
        mean_hits=sum(len(h) for h in screened.hits) / len(people) if people else math.nan,
        refused=len(screened.refused),
        seconds=seconds,
    )
    print(
        f"{variant}: recall@{threshold} {pct(result.at_threshold, result.n)}, "
        f"in top {LIMIT} (t=0) {pct(result.top_k, result.n)}, "
        f"ranked best {pct(result.best, result.n)}, {result.mean_hits:.2f} hits/query at t "
        f"({2 * result.n / seconds:,.0f} queries/s)"
    )
    misses = [i for i, ok in enumerate(found) if not ok]
    if misses:
        print(f"  misses at {threshold} ({len(misses)}; query -> truth | best hit at t=0):")
    for i in misses[:WORST]:
        print("  " + describe_miss(people[i], truths[i], captions, top[i], ranks_0[i]))
    return result


def describe_miss(
    person: Person, truth: set[str], captions: dict[str, str], top: list[Hit], rank: int | None
) -> str:
    wanted = ", ".join(f"{t} {captions[t]!r}" for t in sorted(truth))
    best = top[0] if top else None
    best_text = f"{best.entity_id} {best.matched_name!r} {best.score:.3f}" if best else "none"
    rank_text = f", truth rank {rank} ({top[rank - 1].score:.3f})" if rank else ""
    return f"{person.full_name!r} -> {wanted} | {best_text}{rank_text}"


# ------------------------------------------------------------------------------------------
# 3./4. false alerts


@dataclass(frozen=True, slots=True)
class Alerts:
    label: str
    n: int
    total: int  # rows in the file
    alerts: int
    refused: int  # queries the screener refused (not counted as alerts)
    seconds: float

    @property
    def per_1000(self) -> float:
        return 1000 * self.alerts / self.n if self.n else math.nan

    def interval(self) -> str:
        low, high = wilson(self.alerts, self.n)
        return f"{1000 * low:.1f}–{1000 * high:.1f}"


def false_alerts(
    label: str,
    path: Path,
    screener: Screener,
    threshold: float,
    workers: int,
    sample: int | None,
    seed: int,
) -> Alerts:
    people = read_people(path)
    total = len(people)
    if sample is not None and sample < total:
        people = random.Random(seed).sample(people, sample)
    report_normalised_dates(label, people)
    start = time.perf_counter()
    screened = run_screen(screener, people, threshold, workers)
    results = screened.hits
    seconds = time.perf_counter() - start
    alerts = sum(1 for h in results if h)
    result = Alerts(label, len(people), total, alerts, len(screened.refused), seconds)
    print(
        f"{label}: {result.alerts:,} alerts in {result.n:,} names = "
        f"{result.per_1000:.1f} per 1,000 (95 % CI {result.interval()}); "
        f"{result.n / seconds:,.0f} names/s with {workers} workers"
    )
    worst = sorted(
        ((p, h[0]) for p, h in zip(people, results, strict=True) if h), key=lambda x: -x[1].score
    )
    for person, hit in worst[:10]:
        extra = ", ".join(v for v in (person.birth_date, person.country) if v)
        print(
            f"  {hit.score:.3f}  {person.full_name!r} ({extra}) -> {hit.matched_name!r} "
            f"[{hit.entity_id}]{feature_note(hit)}"
        )
    return result


def feature_note(hit: Hit) -> str:
    """The hit's score parts, when the matcher explains them (an optional extra of Hit)."""
    explanation = getattr(hit, "explanation", None)
    features = explanation.get("features") if isinstance(explanation, dict) else None
    if not features:
        return ""
    return " " + ", ".join(
        f"{k} {v:+.2f}" if k != "name" else f"name {v:.2f}" for k, v in features.items()
    )


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


def recall_table(recalls: list[Recall], threshold: float) -> list[str]:
    header = [
        "queries",
        "n",
        f"recall @ {threshold}",
        f"in top {LIMIT} (t = 0)",
        "ranked best (t = 0)",
        "hits/query @ t",
        "refused",
    ]
    body = [
        [
            x.variant,
            f"{x.n:,}",
            pct(x.at_threshold, x.n),
            pct(x.top_k, x.n),
            pct(x.best, x.n),
            f"{x.mean_hits:.2f}",
            str(x.refused),
        ]
        for x in recalls
    ]
    return table(header, body)


def alerts_table(alerts: list[Alerts]) -> list[str]:
    header = ["names", "screened", "alerts", "per 1,000", "95 % CI", "refused", "names/s"]
    body = [
        [
            a.label,
            f"{a.n:,}" + ("" if a.n == a.total else f" of {a.total:,}"),
            f"{a.alerts:,}",
            f"{a.per_1000:.1f}",
            a.interval(),
            str(a.refused),
            f"{a.n / a.seconds:,.0f}",
        ]
        for a in alerts
    ]
    return table(header, body)


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
                alerts = screen_negatives(screener, t, args)
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


def screen_negatives(
    screener: Screener, threshold: float, args: argparse.Namespace
) -> list[Alerts]:
    print("\n== 3./4. false alerts ==")
    sample = QUICK_SAMPLE if args.quick else None
    files = (
        ("yente negatives, global", "yente_negatives_global.csv", sample),
        ("yente negatives, US", "yente_negatives_us.csv", sample),
        ("US Congress (PEPs)", "yente_positives_us_congress_untreated.csv", None),
    )
    return [
        false_alerts(name, PAIRS / file, screener, threshold, args.workers, n, args.seed)
        for name, file, n in files
    ]


if __name__ == "__main__":
    main()
