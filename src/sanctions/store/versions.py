"""List versions and their entities: every version of every source, one active per source.

Each successful load of a publication becomes a version of its source. Entities are stored
content-addressed (`blobs`, keyed by the sha256 of their JSON), and a version is the set of
(entity id, blob) pairs in `members`, so a new daily list costs only the rows that changed.
A load is a single write transaction, and the `active` pointer moves in the same
transaction: a crash or error mid-load rolls back and readers only ever see a complete
version.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import NotFound, ParseError
from ..model import Entity
from ..sources.base import Publication
from . import audit
from ._db import Database, open_database
from ._links import resolve_links, serialize
from .migrations import migrate

_BATCH = 1000

log = logging.getLogger("sanctions.store")


def _say_waiting(message: str) -> None:
    log.warning("%s", message)


@dataclass
class VersionInfo:
    source: str
    version: int
    format: str
    sha256: str
    published: str | None
    loaded_at: str
    files: list[str]
    entities: int
    schemas: dict[str, int]
    added: int
    removed: int
    changed: int
    warnings: list[str]
    active: bool = False

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class LoadResult:
    status: str  # "loaded" (a new version) or "unchanged" (same bytes as the active version)
    version: VersionInfo

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, **self.version.to_json()}


@dataclass
class Diff:
    source: str
    from_version: int | None
    to_version: int
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)  # {"id", "properties"}

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _refuse_shrinking(
    publication: Publication, current: VersionInfo, removed: int, max_share: float
) -> None:
    """A download cut at a row boundary parses cleanly as a much smaller list: refuse it."""
    if current.entities and removed > max_share * current.entities:
        raise ParseError(
            f"would remove {removed:,} of the {current.entities:,} entities of version "
            f"{current.version} ({removed / current.entities:.0%}, over the "
            f"{max_share:.0%} allowed); refused as a likely truncated file. If the list really "
            "shrank, load it by hand with `sanctions load`",
            path=publication.files[0],
        )


def changed_properties(old: Entity, new: Entity) -> list[str]:
    """FtM property names whose set of values differs (plus "schema" when that changed)."""
    before, after = old.flat_properties(), new.flat_properties()
    props = sorted(
        p for p in before.keys() | after.keys() if set(before.get(p, ())) != set(after.get(p, ()))
    )
    return (["schema"] if old.schema != new.schema else []) + props


class Store:
    """An open store: list versions and entities here; fetch state (`FetchState`) and API
    keys (`keys`) share its database. `location` is a SQLite file (or `sqlite:///path`,
    or ":memory:" for tests) or a `postgresql://user@host:port/db` URL; `path` is how
    messages name it (a URL without its password)."""

    def __init__(self, location: str | Path) -> None:
        self.db = open_database(location)
        self.path = self.db.path
        # The SQLite file, for what lives beside it (the saved index); None for
        # ":memory:" and PostgreSQL.
        self.file: str | None = (
            self.path if self.db.dialect == "sqlite" and self.path != ":memory:" else None
        )
        try:
            self.schema_version = migrate(self.db)
        except self.db.errors as exc:
            self.db.close()
            raise self.db.wrap_error(exc, "open the store") from exc
        except BaseException:
            self.db.close()
            raise

    @property
    def conn(self) -> Any:
        """The raw connection, for tests that inspect tables; the code above store/ uses
        the store's methods."""
        return self.db.conn

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ----------------------------------------------------------------------------
    def load(
        self,
        publication: Publication,
        *,
        sha256: str,
        on_entity: Callable[[int], None] | None = None,
        max_removed_share: float | None = None,
        actor: str = "system",
        on_wait: Callable[[str], None] = _say_waiting,
    ) -> LoadResult:
        """Store a publication as a new active version, unless its bytes equal the active one.

        All or nothing: any error while reading the entities rolls the whole load back.
        One loader per source at a time: a second one (on PostgreSQL, maybe on another
        machine) is told via `on_wait`, waits, then finds the first one's version.
        """
        with self.db.source_lock(publication.source, on_wait):
            return self._load(
                publication,
                sha256=sha256,
                on_entity=on_entity,
                max_removed_share=max_removed_share,
                actor=actor,
            )

    def _load(
        self,
        publication: Publication,
        *,
        sha256: str,
        on_entity: Callable[[int], None] | None,
        max_removed_share: float | None,
        actor: str,
    ) -> LoadResult:
        source = publication.source
        current = self._active_version(source)
        if current is not None and current.sha256 == sha256:
            return LoadResult("unchanged", current)
        loaded_at = datetime.now(UTC).isoformat(timespec="seconds")
        with self.db.transaction() as conn:
            # Again inside the write transaction: a loader of the same bytes that waited for
            # ours finds our version instead of storing the same list twice.
            current = self._active_version(source)
            if current is not None and current.sha256 == sha256:
                return LoadResult("unchanged", current)
            (seq,) = conn.execute(
                "SELECT COALESCE(MAX(seq), 0) + 1 FROM versions WHERE source = ?", (source,)
            ).fetchone()
            version_id = conn.insert(
                "INSERT INTO versions (source, seq, format, sha256, loaded_at, files) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    source,
                    seq,
                    publication.format,
                    sha256,
                    loaded_at,
                    json.dumps([str(p) for p in publication.files]),
                ),
            )
            counts = self._insert_entities(conn, publication, version_id, on_entity)
            total = sum(counts.values())
            if total == 0:
                raise ParseError("publication holds no entities", path=publication.files[0])
            resolve_links(conn, version_id)
            diff = self._diff(current.version if current else None, seq, source, conn)
            if current is not None and max_removed_share is not None:
                _refuse_shrinking(publication, current, len(diff.removed), max_removed_share)
            conn.execute(
                "UPDATE versions SET published = ?, entity_count = ?, schema_counts = ?, "
                "added = ?, removed = ?, changed = ?, warnings = ? WHERE id = ?",
                (
                    publication.published,
                    total,
                    json.dumps(dict(sorted(counts.items()))),
                    len(diff.added),
                    len(diff.removed),
                    len(diff.changed),
                    json.dumps(publication.warnings),
                    version_id,
                ),
            )
            conn.execute(
                "INSERT INTO active (source, version_id) VALUES (?, ?) "
                "ON CONFLICT (source) DO UPDATE SET version_id = excluded.version_id",
                (source, version_id),
            )
            audit.append(
                conn,
                actor,
                "list.loaded",
                f"list:{source}",
                {
                    "version": seq,
                    "sha256": sha256,
                    "format": publication.format,
                    "entities": total,
                    "added": len(diff.added),
                    "removed": len(diff.removed),
                    "changed": len(diff.changed),
                },
            )
        loaded = self._active_version(source)
        assert loaded is not None
        return LoadResult("loaded", loaded)

    def _insert_entities(
        self,
        conn: Database,
        publication: Publication,
        version_id: int,
        on_entity: Callable[[int], None] | None,
    ) -> Counter[str]:
        counts: Counter[str] = Counter()
        seen: set[str] = set()
        blobs: list[tuple[str, str]] = []
        members: list[tuple[int, str, str, str]] = []
        prefix = publication.source + ":"

        def flush() -> None:
            conn.bulk_insert("blobs", ("hash", "data"), blobs, ignore_existing=True)
            conn.bulk_insert("members", ("version_id", "entity_id", "schema", "hash"), members)
            blobs.clear()
            members.clear()

        for entity in publication.entities:
            if not entity.id.startswith(prefix):
                raise ParseError(
                    f"entity id {entity.id!r} lacks the source prefix {prefix!r}",
                    path=publication.files[0],
                    record=entity.id,
                )
            if entity.id in seen:
                raise ParseError(
                    "the same entity id appears twice", path=publication.files[0], record=entity.id
                )
            seen.add(entity.id)
            data, digest = serialize(entity)
            blobs.append((digest, data))
            members.append((version_id, entity.id, entity.schema, digest))
            counts[entity.schema] += 1
            if len(members) >= _BATCH:
                flush()
            if on_entity is not None:
                on_entity(len(seen))
        flush()
        return counts

    # -- reading ----------------------------------------------------------------------------
    def _version_from_row(self, row: tuple[Any, ...], active_id: int | None) -> VersionInfo:
        (
            vid,
            source,
            seq,
            fmt,
            sha,
            published,
            loaded_at,
            files,
            count,
            schemas,
            added,
            removed,
            changed,
            warnings,
        ) = row
        return VersionInfo(
            source=source,
            version=seq,
            format=fmt,
            sha256=sha,
            published=published,
            loaded_at=loaded_at,
            files=json.loads(files),
            entities=count,
            schemas=json.loads(schemas),
            added=added,
            removed=removed,
            changed=changed,
            warnings=json.loads(warnings),
            active=vid == active_id,
        )

    _VERSION_COLUMNS = (
        "v.id, v.source, v.seq, v.format, v.sha256, v.published, v.loaded_at, v.files, "
        "v.entity_count, v.schema_counts, v.added, v.removed, v.changed, v.warnings"
    )

    def _active_version(self, source: str) -> VersionInfo | None:
        row = self.db.execute(
            f"SELECT {self._VERSION_COLUMNS} FROM versions v JOIN active a ON a.version_id = v.id "
            "WHERE a.source = ?",
            (source,),
        ).fetchone()
        return self._version_from_row(row, row[0]) if row else None

    def lists(self) -> list[VersionInfo]:
        """The active version of every source that has one, by source name."""
        rows = self.db.execute(
            f"SELECT {self._VERSION_COLUMNS} FROM versions v JOIN active a ON a.version_id = v.id "
            "ORDER BY v.source"
        ).fetchall()
        return [self._version_from_row(row, row[0]) for row in rows]

    def versions(self, source: str) -> list[VersionInfo]:
        """Every version of a source, oldest first."""
        active = self.db.execute(
            "SELECT version_id FROM active WHERE source = ?", (source,)
        ).fetchone()
        rows = self.db.execute(
            f"SELECT {self._VERSION_COLUMNS} FROM versions v WHERE v.source = ? ORDER BY v.seq",
            (source,),
        ).fetchall()
        if not rows:
            raise NotFound(f"no versions of source {source!r} are stored")
        return [self._version_from_row(row, active[0] if active else None) for row in rows]

    def _version_id(self, source: str, seq: int) -> int:
        row = self.db.execute(
            "SELECT id FROM versions WHERE source = ? AND seq = ?", (source, seq)
        ).fetchone()
        if row is None:
            raise NotFound(f"source {source!r} has no version {seq}")
        return int(row[0])

    def _members(self, version_id: int, conn: Database | None = None) -> dict[str, str]:
        conn = conn or self.db
        return dict(
            conn.execute(
                "SELECT entity_id, hash FROM members WHERE version_id = ?", (version_id,)
            ).fetchall()
        )

    def member_hashes(self, source: str, version: int) -> dict[str, str]:
        """Entity id -> content hash of every entity in a version."""
        return self._members(self._version_id(source, version))

    def entity_by_hash(self, digest: str) -> Entity:
        """A stored entity by its content hash (see `member_hashes`)."""
        return self._blob(digest)

    def _blob(self, digest: str, conn: Database | None = None) -> Entity:
        conn = conn or self.db
        (data,) = conn.execute("SELECT data FROM blobs WHERE hash = ?", (digest,)).fetchone()
        return Entity.from_dict(json.loads(data))

    def _diff(
        self, from_seq: int | None, to_seq: int, source: str, conn: Database | None = None
    ) -> Diff:
        conn = conn or self.db
        old = self._members(self._version_id(source, from_seq), conn) if from_seq else {}
        new = self._members(self._version_id(source, to_seq), conn)
        diff = Diff(source, from_seq, to_seq)
        diff.added = sorted(new.keys() - old.keys())
        diff.removed = sorted(old.keys() - new.keys())
        differ = [e for e in sorted(old.keys() & new.keys()) if old[e] != new[e]]
        for start in range(0, len(differ), _BATCH):
            chunk = differ[start : start + _BATCH]
            data = self._blobs([h for e in chunk for h in (old[e], new[e])], conn)
            for entity_id in chunk:
                props = changed_properties(data[old[entity_id]], data[new[entity_id]])
                if props:
                    diff.changed.append({"id": entity_id, "properties": props})
        return diff

    def _blobs(self, digests: list[str], conn: Database) -> dict[str, Entity]:
        """Stored entities by content hash, in one query (a round trip each adds up)."""
        marks = ",".join("?" * len(set(digests)))
        rows = conn.all(
            f"SELECT hash, data FROM blobs WHERE hash IN ({marks})", sorted(set(digests))
        )
        return {digest: Entity.from_dict(json.loads(data)) for digest, data in rows}

    def changes(
        self, source: str, from_version: int | None = None, to_version: int | None = None
    ) -> Diff:
        """What changed between two versions; by default between the last two loaded."""
        seqs = [v.version for v in self.versions(source)]
        to_seq = to_version if to_version is not None else seqs[-1]
        if to_seq not in seqs:
            raise NotFound(f"source {source!r} has no version {to_seq}")
        if from_version is None:
            earlier = [s for s in seqs if s < to_seq]
            from_seq = earlier[-1] if earlier else None
        else:
            from_seq = from_version
            if from_seq not in seqs:
                raise NotFound(f"source {source!r} has no version {from_seq}")
        return self._diff(from_seq, to_seq, source)

    def entity(self, entity_id: str) -> Entity:
        """An entity as it stands in the active version of its source."""
        source = entity_id.split(":", 1)[0]
        row = self.db.execute(
            "SELECT m.hash FROM members m JOIN active a ON a.version_id = m.version_id "
            "WHERE a.source = ? AND m.entity_id = ?",
            (source, entity_id),
        ).fetchone()
        if row is not None:
            return self._blob(row[0])
        last = self.db.execute(
            "SELECT MAX(v.seq) FROM members m JOIN versions v ON v.id = m.version_id "
            "WHERE m.entity_id = ?",
            (entity_id,),
        ).fetchone()[0]
        hint = f" (it was in version {last}, and has since been removed)" if last else ""
        raise NotFound(f"no entity {entity_id!r} in the active lists{hint}")

    def iter_entities(self, source: str, version: int | None = None) -> Iterator[Entity]:
        """Every entity of a version (default: the active one), ordered by id."""
        if version is None:
            current = self._active_version(source)
            if current is None:
                raise NotFound(f"source {source!r} has no active version; load it first")
            version = current.version
        version_id = self._version_id(source, version)
        cursor = self.db.execute(
            "SELECT b.data FROM members m JOIN blobs b ON b.hash = m.hash "
            "WHERE m.version_id = ? ORDER BY m.entity_id",
            (version_id,),
        )
        for (data,) in cursor:
            yield Entity.from_dict(json.loads(data))
