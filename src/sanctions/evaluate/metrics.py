"""From screening outcomes to the numbers a validation reports: recall per category, false
alerts per 1,000 clean names and per 1,000 look-alikes (each with a 95 % Wilson interval),
a threshold sweep, and the threshold a stated rule picks. No screening and no I/O here."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .cases import CLEAN, LOOKALIKE, Case

Z95 = 1.959964  # two-sided 95 % normal quantile
SWEEP = tuple(round(0.60 + 0.01 * i, 2) for i in range(36))  # 0.60 .. 0.95
MAX_CLEAN_ALERTS = 3.0  # per 1,000 clean names: the best-threshold rule's ceiling
RULE = (
    "the threshold of the sweep with the highest overall recall among those with at most "
    "{limit:g} false alerts per 1,000 clean names (ties: the highest such threshold); when "
    "none qualifies, the one with the fewest clean false alerts (ties: the higher recall)"
)


@dataclass(frozen=True, slots=True)
class Outcome:
    """One screened case: the best score of the entity it should find, and of any hit."""

    case: Case
    expected_score: float | None  # None: the expected entity was not among the hits (or none)
    best_score: float  # 0.0 when nothing scored above the screening floor
    best_entity: str | None = None
    best_name: str | None = None
    refused: str | None = None  # the screener's error, when it refused the query

    @property
    def listed(self) -> bool:
        return self.case.expected is not None

    def found(self, threshold: float) -> bool:
        return self.expected_score is not None and self.expected_score >= threshold

    def alerted(self, threshold: float) -> bool:
        return self.best_entity is not None and self.best_score >= threshold


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of the proportion k/n."""
    if n == 0:
        return (math.nan, math.nan)
    p = k / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


@dataclass(frozen=True, slots=True)
class Rate:
    """k of n, as a proportion (`scale` 1) or per 1,000 (`scale` 1000), with its interval."""

    label: str
    k: int
    n: int
    scale: int = 1

    @property
    def value(self) -> float:
        return self.scale * self.k / self.n if self.n else math.nan

    @property
    def interval(self) -> tuple[float, float]:
        low, high = wilson(self.k, self.n)
        return (self.scale * low, self.scale * high)

    def to_json(self) -> dict[str, Any]:
        low, high = self.interval
        return {
            "label": self.label,
            "k": self.k,
            "n": self.n,
            "value": _round(self.value),
            "low": _round(low),
            "high": _round(high),
        }


@dataclass(frozen=True, slots=True)
class SweepPoint:
    threshold: float
    recall: float
    clean_per_1000: float
    lookalike_per_1000: float

    def to_json(self) -> dict[str, Any]:
        return {
            "threshold": self.threshold,
            "recall": _round(self.recall),
            "clean_per_1000": _round(self.clean_per_1000),
            "lookalike_per_1000": _round(self.lookalike_per_1000),
        }


@dataclass(frozen=True, slots=True)
class Summary:
    threshold: float
    categories: list[Rate]  # recall per variant category, in first-seen order
    recall: Rate  # every listed case
    clean: Rate  # false alerts per 1,000 clean names
    lookalike: Rate  # false alerts per 1,000 look-alikes
    refused: int
    sweep: list[SweepPoint]
    best_threshold: float | None
    rule: str


def recall(outcomes: Sequence[Outcome], threshold: float, label: str = "all") -> Rate:
    listed = [o for o in outcomes if o.listed]
    return Rate(label, sum(1 for o in listed if o.found(threshold)), len(listed))


def alerts(outcomes: Sequence[Outcome], threshold: float, category: str) -> Rate:
    group = [o for o in outcomes if not o.listed and _group(o) == category]
    return Rate(category, sum(1 for o in group if o.alerted(threshold)), len(group), 1000)


def _group(outcome: Outcome) -> str:
    """An unlisted case counts as a look-alike when labelled so, else as clean."""
    return LOOKALIKE if outcome.case.category == LOOKALIKE else CLEAN


def summarize(
    outcomes: Sequence[Outcome],
    threshold: float,
    *,
    sweep: Sequence[float] = SWEEP,
    max_clean: float = MAX_CLEAN_ALERTS,
) -> Summary:
    categories = list(dict.fromkeys(o.case.category for o in outcomes if o.listed))
    per_category = [
        recall([o for o in outcomes if o.case.category == c], threshold, c) for c in categories
    ]
    points = [
        SweepPoint(
            t,
            recall(outcomes, t).value,
            alerts(outcomes, t, CLEAN).value,
            alerts(outcomes, t, LOOKALIKE).value,
        )
        for t in sweep
    ]
    return Summary(
        threshold=threshold,
        categories=per_category,
        recall=recall(outcomes, threshold),
        clean=alerts(outcomes, threshold, CLEAN),
        lookalike=alerts(outcomes, threshold, LOOKALIKE),
        refused=sum(1 for o in outcomes if o.refused),
        sweep=points,
        best_threshold=best_threshold(points, max_clean),
        rule=RULE.format(limit=max_clean),
    )


def best_threshold(points: Sequence[SweepPoint], max_clean: float) -> float | None:
    """The threshold RULE picks from a sweep."""
    if not points:
        return None
    ok = [p for p in points if _num(p.clean_per_1000) <= max_clean]
    if ok:
        return max(ok, key=lambda p: (_num(p.recall, -1.0), p.threshold)).threshold
    fewest = min(points, key=lambda p: (_num(p.clean_per_1000), -_num(p.recall, -1.0)))
    return fewest.threshold


def _num(value: float, nan: float = 0.0) -> float:
    """NaN (an empty group) as `nan`: no clean names means no false alerts to count."""
    return nan if math.isnan(value) else value


def _round(value: float) -> float | None:
    return None if math.isnan(value) else round(value, 4)
