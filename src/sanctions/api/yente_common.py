"""What yente's routes (routes/yente.py, routes/yente_read.py) share: the feature docs,
the dataset names, topics and the entity shape as yente serves them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..model import Entity
from ..screen import Screener
from .errors import ApiError

FEATURES = {
    "name": "Similarity of the best listed name to the query name (0-1).",
    "birth_date": "Added to the score when the birth date agrees; subtracted when it conflicts.",
    "country": "Added when nationality/country agrees; subtracted when it conflicts.",
    "gender": "Subtracted when the gender conflicts.",
    "identifier": "An identical passport, IMO or registration number sets a score floor.",
}


def dataset_lists(
    screener: Screener,
    dataset: str,
    include: Iterable[str] | None = None,
    exclude: Iterable[str] | None = None,
) -> set[str]:
    """The lists a yente `{dataset}` covers: one source, or every list for `default`."""
    if dataset == "default":
        lists = set(screener.versions)
    elif dataset in screener.versions:
        lists = {dataset}
    else:
        known = ", ".join(["default", *sorted(screener.versions)])
        raise ApiError(404, f"no dataset {dataset!r}; expected one of {known}", "dataset")
    if include:
        lists &= set(include)
    return lists - set(exclude or ())


def yente_entity(entity: Entity) -> dict[str, Any]:
    """An entity as yente serves it: FtM JSON plus the fields yente adds."""
    return {
        **entity.to_ftm(),
        "referents": [],
        "target": True,  # every entity we hold is a listed designation
        "first_seen": None,
        "last_seen": None,
        "last_change": None,
    }


def entity_topics(entity: Entity | None) -> list[str]:
    """An entity's FtM topics; an official list's entry without any is a `sanction`."""
    if entity is None:
        return []
    topics = list(entity.to_ftm()["properties"].get("topics", []))
    return topics or ([] if entity.id.startswith("custom-") else ["sanction"])


__all__ = ["FEATURES", "dataset_lists", "entity_topics", "yente_entity"]
