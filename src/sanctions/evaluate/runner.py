"""Running an evaluation: generate (or read) the cases, screen them all in one pass, summarize.

Every case is screened once, through `Screener.screen_many`, at a low floor (`FLOOR`, or the
threshold when that is lower) rather than at the threshold: one pass then gives, for each
query, the best score of the entity it should find and the best score of any hit, which is all
a threshold sweep needs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import QueryError
from ..screen import Hit, Query, Screener
from .cases import Case, listed_entities, listed_keys
from .clean import generate_clean, generate_lookalikes
from .labelled import read_labelled
from .metrics import MAX_CLEAN_ALERTS, Outcome, Summary, summarize
from .variants import CATEGORIES, generate_variants

FLOOR = 0.5  # screening floor: sweeps and the best-threshold rule look no lower
LIMIT = 25  # hits kept per query: the expected entity must be among them to count
CLEAN_PER_VARIANT = 2  # clean names per variant when no count is given
LOOKALIKES_PER_CATEGORY = 0.5  # look-alikes per variant of one category

Progress = Callable[[int, int], None]  # (done, total)


@dataclass(frozen=True)
class Evaluation:
    """An evaluation's inputs, every outcome, and its summary."""

    summary: Summary
    outcomes: list[Outcome]
    versions: dict[str, int]
    evaluated_at: str
    source: str  # "generated", or the labelled file's path
    seed: int | None = None
    sample: int | None = None
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def threshold(self) -> float:
        return self.summary.threshold

    def misses(self, limit: int = 20) -> list[Outcome]:
        """Listed cases not found at the threshold, closest first."""
        missed = [o for o in self.outcomes if o.listed and not o.found(self.threshold)]
        return sorted(missed, key=lambda o: -(o.expected_score or 0.0))[:limit]

    def false_alerts(self, limit: int = 20) -> list[Outcome]:
        """Unlisted cases that alerted at the threshold, highest score first."""
        hits = [o for o in self.outcomes if not o.listed and o.alerted(self.threshold)]
        return sorted(hits, key=lambda o: -o.best_score)[:limit]

    def to_json(self) -> dict[str, Any]:
        s = self.summary
        return {
            "evaluated_at": self.evaluated_at,
            "source": self.source,
            "lists": dict(self.versions),
            "seed": self.seed,
            "sample": self.sample,
            "settings": dict(self.settings),
            "threshold": s.threshold,
            "counts": {
                "variants": s.recall.n,
                "clean": s.clean.n,
                "lookalike": s.lookalike.n,
                "refused": s.refused,
            },
            "recall": s.recall.to_json(),
            "categories": [rate.to_json() for rate in s.categories],
            "false_alerts": {
                "clean_per_1000": s.clean.to_json(),
                "lookalike_per_1000": s.lookalike.to_json(),
            },
            "sweep": [point.to_json() for point in s.sweep],
            "best_threshold": {"threshold": s.best_threshold, "rule": s.rule},
            "misses": [_outcome_json(o) for o in self.misses()],
            "false_alert_examples": [_outcome_json(o) for o in self.false_alerts()],
        }


def _outcome_json(outcome: Outcome) -> dict[str, Any]:
    return {
        **outcome.case.to_json(),
        "expected_score": None
        if outcome.expected_score is None
        else round(outcome.expected_score, 4),
        "best_score": round(outcome.best_score, 4),
        "best_entity": outcome.best_entity,
        "best_name": outcome.best_name,
        "refused": outcome.refused,
    }


def generate_cases(
    screener: Screener,
    *,
    sample: int,
    seed: int,
    lists: Iterable[str] | None = None,
    clean: int | None = None,
    lookalikes: int | None = None,
    categories: Iterable[str] = CATEGORIES,
) -> list[Case]:
    """Variants (`sample` per category), clean names and look-alikes, over the listed entities
    of `lists` (default: every list the screener screens)."""
    entities = listed_entities(screener, lists)
    variants = generate_variants(entities, sample=sample, seed=seed, categories=categories)
    forbidden = listed_keys(screener.index.entities)  # clean means: on no list at all
    clean_count = clean if clean is not None else CLEAN_PER_VARIANT * len(variants)
    look_count = (
        lookalikes if lookalikes is not None else round(LOOKALIKES_PER_CATEGORY * len(variants))
    )
    return [
        *variants,
        *generate_clean(entities, count=clean_count, seed=seed, forbidden=forbidden),
        *generate_lookalikes(entities, count=look_count, seed=seed, forbidden=forbidden),
    ]


def screen_cases(
    screener: Screener,
    cases: Sequence[Case],
    *,
    floor: float = FLOOR,
    lists: Iterable[str] | None = None,
    workers: int = 1,
    progress: Progress | None = None,
) -> list[Outcome]:
    """Every case screened in one `screen_many` pass, at `floor`."""
    queries = [Query(c.name, schema=c.schema) for c in cases]
    chosen = list(lists) if lists is not None else None
    results = screener.screen_many(
        queries, threshold=floor, limit=LIMIT, lists=chosen, workers=workers
    )
    outcomes = []
    for done, (case, result) in enumerate(zip(cases, results, strict=True), 1):
        outcomes.append(outcome_of(case, result))
        if progress is not None:
            progress(done, len(cases))
    return outcomes


def outcome_of(case: Case, result: list[Hit] | QueryError) -> Outcome:
    if isinstance(result, QueryError):
        return Outcome(case, None, 0.0, refused=str(result))
    expected = max(
        (h.score for h in result if case.expected is not None and h.entity_id == case.expected),
        default=None,
    )
    top = max(result, key=lambda h: h.score, default=None)
    if top is None:
        return Outcome(case, expected, 0.0)
    return Outcome(case, expected, top.score, top.entity_id, top.matched_name)


def evaluate(
    screener: Screener,
    *,
    sample: int,
    threshold: float,
    lists: Iterable[str] | None = None,
    seed: int = 0,
    progress: Progress | None = None,
    clean: int | None = None,
    lookalikes: int | None = None,
    workers: int = 1,
    max_clean: float = MAX_CLEAN_ALERTS,
) -> Evaluation:
    """Generate variants of the listed names, clean names and look-alikes; screen; summarize."""
    chosen = list(lists) if lists is not None else None
    cases = generate_cases(
        screener, sample=sample, seed=seed, lists=chosen, clean=clean, lookalikes=lookalikes
    )
    floor = min(FLOOR, threshold)
    outcomes = screen_cases(
        screener, cases, floor=floor, lists=chosen, workers=workers, progress=progress
    )
    return Evaluation(
        summary=summarize(outcomes, threshold, max_clean=max_clean),
        outcomes=outcomes,
        versions=_versions(screener, chosen),
        evaluated_at=_now(),
        source="generated",
        seed=seed,
        sample=sample,
        settings={"floor": floor, "limit": LIMIT, "max_clean_per_1000": max_clean},
    )


def evaluate_labelled(
    screener: Screener,
    path: Path,
    threshold: float,
    *,
    lists: Iterable[str] | None = None,
    progress: Progress | None = None,
    workers: int = 1,
    max_clean: float = MAX_CLEAN_ALERTS,
) -> Evaluation:
    """Screen a user's labelled CSV file (see labelled.py) against `lists` (default: every
    list the screener screens) and summarize it. An expected entity must be on those lists."""
    chosen = list(lists) if lists is not None else None
    known = {e.id for e in listed_entities(screener, chosen)}
    cases = read_labelled(path, known)
    floor = min(FLOOR, threshold)
    outcomes = screen_cases(
        screener, cases, floor=floor, lists=chosen, workers=workers, progress=progress
    )
    return Evaluation(
        summary=summarize(outcomes, threshold, max_clean=max_clean),
        outcomes=outcomes,
        versions=_versions(screener, chosen),
        evaluated_at=_now(),
        source=str(path),
        settings={"floor": floor, "limit": LIMIT, "max_clean_per_1000": max_clean},
    )


def _versions(screener: Screener, lists: list[str] | None) -> dict[str, int]:
    return {s: v for s, v in screener.versions.items() if lists is None or s in lists}


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()
