"""Small helpers shared by the parser tests."""

from __future__ import annotations

from sanctions.model import Entity
from sanctions.sources.base import Publication


def entities_by_id(publication: Publication) -> dict[str, Entity]:
    """Consume a publication; fail on a repeated id."""
    entities: dict[str, Entity] = {}
    for entity in publication.entities:
        assert entity.id not in entities, f"duplicate id {entity.id}"
        entities[entity.id] = entity
    return entities
