"""Sections 2-4, screening against every real list: recall of the yente UN positives (the truth
is the un-sc entity with the untreated name) and false alerts on people who are on no list (the
yente synthetic negatives and US Congress PEPs)."""

from __future__ import annotations

import math
import random
import sys
import time
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from _common import PAIRS, Person, read_people
from sanctions.screen import Hit, Query, Screener
from sanctions.store import Store

from . import LIMIT, QUICK_SAMPLE, TRUTH_SOURCE, WORST
from .metrics import wilson
from .tables import pct, table

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


def screen_negatives(
    screener: Screener, threshold: float, workers: int, quick: bool, seed: int
) -> list[Alerts]:
    """False alerts on each negatives file; --quick samples the two large yente files only."""
    print("\n== 3./4. false alerts ==")
    sample = QUICK_SAMPLE if quick else None
    files = (
        ("yente negatives, global", "yente_negatives_global.csv", sample),
        ("yente negatives, US", "yente_negatives_us.csv", sample),
        ("US Congress (PEPs)", "yente_positives_us_congress_untreated.csv", None),
    )
    return [
        false_alerts(name, PAIRS / file, screener, threshold, workers, n, seed)
        for name, file, n in files
    ]
