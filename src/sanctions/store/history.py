"""One entity across the versions of its list: where its content changed, and how.

`presence` is the SQL: the entity's content hash in every version of its source (None
where the version does not hold it). `property_changes` is the pure field-level diff of
two entities' FtM properties, and `entity_history` puts the two together into the steps
an analyst reads (first appearance, changed, removed, reappeared), decoding each distinct
stored content once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..model import Entity
from ._db import Database

if TYPE_CHECKING:
    from .versions import Store

# The kinds of history step, in the words the UI shows.
ADDED, CHANGED, REMOVED, REAPPEARED = "added", "changed", "removed", "reappeared"


@dataclass(frozen=True)
class Presence:
    """One version of the entity's source, and the entity's content hash in it."""

    version: int
    loaded_at: str
    published: str | None
    active: bool
    hash: str | None  # None: this version does not hold the entity


@dataclass(frozen=True)
class PropertyChange:
    """The values of one FtM property (or "schema") that went and came between two versions."""

    prop: str
    removed: list[str]
    added: list[str]


@dataclass
class Step:
    """A version in which the entity's content differs from the version before it."""

    kind: str  # ADDED, CHANGED, REMOVED or REAPPEARED
    version: int
    loaded_at: str
    published: str | None
    active: bool
    # Against the entity as last seen (for a reappearance: as it was before its removal).
    changes: list[PropertyChange] = field(default_factory=list)
    entity: Entity | None = None  # the content from this version on; None once removed


def presence(db: Database, entity_id: str) -> list[Presence]:
    """Every version of the entity's source, oldest first, with its content hash in each.

    Empty when the source has no stored version at all."""
    source = entity_id.split(":", 1)[0]
    rows = db.all(
        "SELECT v.seq, v.loaded_at, v.published, a.version_id IS NOT NULL, m.hash "
        "FROM versions v "
        "LEFT JOIN members m ON m.version_id = v.id AND m.entity_id = ? "
        "LEFT JOIN active a ON a.version_id = v.id "
        "WHERE v.source = ? ORDER BY v.seq",
        (entity_id, source),
    )
    return [Presence(int(seq), at, pub, bool(act), digest) for seq, at, pub, act, digest in rows]


def property_changes(old: Entity | None, new: Entity | None) -> list[PropertyChange]:
    """The values removed and added, per FtM property ("schema" first when it changed), in
    the order the entities list them; a changed value is one removal plus one addition."""
    before = old.flat_properties() if old is not None else {}
    after = new.flat_properties() if new is not None else {}
    out: list[PropertyChange] = []
    if old is not None and new is not None and old.schema != new.schema:
        out.append(PropertyChange("schema", [old.schema], [new.schema]))
    for prop in sorted(before.keys() | after.keys()):
        was, now = before.get(prop, []), after.get(prop, [])
        removed = [v for v in was if v not in now]
        added = [v for v in now if v not in was]
        if removed or added:
            out.append(PropertyChange(prop, removed, added))
    return out


def entity_history(store: Store, entity_id: str) -> list[Step]:
    """The steps of the entity's history, oldest first; empty if no version ever held it."""
    decoded: dict[str, Entity] = {}

    def load(digest: str) -> Entity:
        if digest not in decoded:
            decoded[digest] = store.entity_by_hash(digest)
        return decoded[digest]

    steps: list[Step] = []
    previous: str | None = None  # the hash in the version before
    last_seen: Entity | None = None  # the content as last seen, across a removal
    for row in presence(store.db, entity_id):
        if row.hash == previous:
            continue
        if row.hash is None:
            kind, entity = REMOVED, None
        else:
            kind = CHANGED if previous else (REAPPEARED if last_seen is not None else ADDED)
            entity = load(row.hash)
        steps.append(
            Step(
                kind,
                row.version,
                row.loaded_at,
                row.published,
                row.active,
                property_changes(last_seen, entity),
                entity,
            )
        )
        if entity is not None:
            last_seen = entity
        previous = row.hash
    return steps
