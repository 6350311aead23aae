"""Comparing two names directly: the calibration tool behind `sanctions compare`."""

from __future__ import annotations

from dataclasses import dataclass

from ..text.names import NameForm, analyze_name
from .names import NameScore, compare_name_forms


@dataclass(frozen=True, slots=True)
class Comparison:
    score: float
    query: NameForm
    listed: NameForm
    detail: NameScore

    def to_json(self) -> dict[str, object]:
        return {
            "score": round(self.score, 4),
            "query": self.query.original,
            "listed": self.listed.original,
            **{k: v for k, v in self.detail.to_json().items() if k != "score"},
        }


def compare_names(name1: str, name2: str, schema: str | None = None) -> Comparison:
    """Score two names as the screener would score a query against a listed name."""
    first, second = analyze_name(name1, schema), analyze_name(name2, schema)
    detail = compare_name_forms(first, second)
    return Comparison(detail.score, first, second, detail)
