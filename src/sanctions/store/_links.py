"""Resolving "Linked To: NAME" remarks to the listed entity of that name, inside one version."""

from __future__ import annotations

import hashlib
import json

from ..model import Entity
from ._db import Database


def serialize(entity: Entity) -> tuple[str, str]:
    """The entity's canonical JSON and its sha256 (the blob key)."""
    data = json.dumps(entity.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return data, hashlib.sha256(data.encode("utf-8")).hexdigest()


def resolve_links(db: Database, version_id: int) -> None:
    """Point "Linked To: NAME" at the listed entity of that exact primary name, if unique."""
    rows = db.all(
        "SELECT m.entity_id, b.data FROM members m JOIN blobs b ON b.hash = m.hash "
        "WHERE m.version_id = ?",
        (version_id,),
    )
    by_name: dict[str, list[str]] = {}
    linking: list[Entity] = []
    for entity_id, data in rows:
        entity = Entity.from_dict(json.loads(data))
        by_name.setdefault(entity.caption.casefold(), []).append(entity_id)
        if any(link.target_id is None for link in entity.links):
            linking.append(entity)
    blobs: list[tuple[str, str]] = []
    moved: list[tuple[str, int, str]] = []
    for entity in linking:
        resolved = False
        for i, link in enumerate(entity.links):
            # OFAC writes one period where both the remarks and a name ending "LTD." need one.
            key = link.name.casefold()
            targets = by_name.get(key) or by_name.get(key.rstrip(".")) or by_name.get(key + ".", [])
            if link.target_id is None and len(targets) == 1 and targets[0] != entity.id:
                entity.links[i] = type(link)(link.name, link.relation, targets[0])
                resolved = True
        if resolved:
            data, digest = serialize(entity)
            blobs.append((digest, data))
            moved.append((digest, version_id, entity.id))
    # In two statements, not two per entity: a round trip each counts on PostgreSQL.
    db.bulk_insert("blobs", ("hash", "data"), blobs, ignore_existing=True)
    if moved:
        db.executemany("UPDATE members SET hash = ? WHERE version_id = ? AND entity_id = ?", moved)
