"""Scores against labels: confusion counts at a threshold, best F1 over every threshold, ROC AUC
(Mann-Whitney), and the Wilson interval quoted for alert rates. No I/O here."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Confusion:
    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else float("nan")

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else float("nan")

    @property
    def f1(self) -> float:
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn) if self.tp else 0.0

    @property
    def errors(self) -> int:
        return self.fp + self.fn


def confusion(labels: Sequence[bool], predicted: Sequence[bool]) -> Confusion:
    tp = sum(1 for y, p in zip(labels, predicted, strict=True) if y and p)
    fp = sum(1 for y, p in zip(labels, predicted, strict=True) if not y and p)
    fn = sum(1 for y, p in zip(labels, predicted, strict=True) if y and not p)
    return Confusion(tp, fp, fn, len(labels) - tp - fp - fn)


def at_threshold(scores: Sequence[float], labels: Sequence[bool], threshold: float) -> Confusion:
    return confusion(labels, [s >= threshold for s in scores])


def best_f1(scores: Sequence[float], labels: Sequence[bool]) -> tuple[float, float]:
    """The best F1 of "match if score >= t" over every t, and the t (a score) achieving it."""
    positives = sum(labels)
    best, best_t = 0.0, math.inf
    tp = fp = 0
    pairs = sorted(zip(scores, labels, strict=True), key=lambda p: -p[0])
    for i, (score, label) in enumerate(pairs):
        tp += label
        fp += not label
        if i + 1 < len(pairs) and pairs[i + 1][0] == score:
            continue  # a threshold cannot split tied scores
        f1 = 2 * tp / (tp + fp + positives) if tp else 0.0
        if f1 > best:
            best, best_t = f1, score
    return best, best_t


def roc_auc(scores: Sequence[float], labels: Sequence[bool]) -> float:
    """Mann-Whitney AUC: P(score of a random match > a random non-match), ties counted half."""
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    ranks = [0.0] * len(scores)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and scores[order[j + 1]] == scores[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1  # average 1-based rank of the tie block
        i = j + 1
    n_pos = sum(labels)
    n_neg = len(labels) - n_pos
    if not n_pos or not n_neg:
        return float("nan")
    rank_sum = sum(r for r, y in zip(ranks, labels, strict=True) if y)
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


@dataclass(frozen=True, slots=True)
class Summary:
    """One scorer on one labelled set: confusion at a threshold, best F1 and AUC."""

    at: Confusion
    threshold_label: str
    best_f1: float
    best_t: float
    auc: float


def summarize(
    scores: Sequence[float], labels: Sequence[bool], threshold: float, label: str
) -> Summary:
    f1, t = best_f1(scores, labels)
    return Summary(at_threshold(scores, labels, threshold), label, f1, t, roc_auc(scores, labels))


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95 % Wilson score interval of a proportion k/n."""
    if not n:
        return float("nan"), float("nan")
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)
