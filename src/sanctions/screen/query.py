"""What a screening call takes (`Query`) and gives (`Hit`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Query:
    name: str
    schema: str | None = None
    birth_date: str | None = None
    country: str | None = None
    gender: str | None = None
    id_number: str | None = None
    id: str | None = None  # the caller's own reference, echoed in batch output


@dataclass(slots=True)
class Hit:
    entity_id: str
    schema: str
    caption: str
    score: float
    query_name: str
    matched_name: str
    matched_kind: str
    datasets: list[str]
    explanation: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "entity_id": self.entity_id,
            "schema": self.schema,
            "caption": self.caption,
            "score": round(self.score, 4),
            "query_name": self.query_name,
            "matched_name": self.matched_name,
            "matched_kind": self.matched_kind,
            "lists": self.datasets,
            "explanation": self.explanation,
        }
