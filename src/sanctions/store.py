"""The versioned list store: one SQLite file holding every version of every source.

Each successful load of a publication becomes a version of its source. Entities are stored
content-addressed (`blobs`, keyed by the sha256 of their JSON), and a version is the set of
(entity id, blob) pairs in `members`, so a new daily list costs only the rows that changed.
A load is a single write transaction, and the `active` pointer moves in the same
transaction: a crash or error mid-load rolls back and readers (WAL mode) only ever see a
complete version.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import NotFound, ParseError, StoreError
from .model import Entity
from .sources.base import Publication

# Ordered migrations; PRAGMA user_version records how many have run.
MIGRATIONS = (
    """
    CREATE TABLE versions (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        seq INTEGER NOT NULL,
        format TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        published TEXT,
        loaded_at TEXT NOT NULL,
        files TEXT NOT NULL,
        entity_count INTEGER NOT NULL DEFAULT 0,
        schema_counts TEXT NOT NULL DEFAULT '{}',
        added INTEGER NOT NULL DEFAULT 0,
        removed INTEGER NOT NULL DEFAULT 0,
        changed INTEGER NOT NULL DEFAULT 0,
        warnings TEXT NOT NULL DEFAULT '[]',
        UNIQUE (source, seq)
    );
    CREATE TABLE active (
        source TEXT PRIMARY KEY,
        version_id INTEGER NOT NULL REFERENCES versions(id)
    );
    CREATE TABLE blobs (hash TEXT PRIMARY KEY, data TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE members (
        version_id INTEGER NOT NULL REFERENCES versions(id),
        entity_id TEXT NOT NULL,
        schema TEXT NOT NULL,
        hash TEXT NOT NULL,
        PRIMARY KEY (version_id, entity_id)
    ) WITHOUT ROWID;
    CREATE INDEX members_entity ON members (entity_id);
    """,
    # 2: fetch state of `sanctions update` (read and written by fetch_state.py only).
    """
    CREATE TABLE fetch_sources (
        source TEXT PRIMARY KEY,
        last_attempt TEXT,
        last_success TEXT,
        last_status TEXT,
        last_error TEXT,
        sha256 TEXT
    );
    CREATE TABLE fetch_files (
        source TEXT NOT NULL,
        url TEXT NOT NULL,
        name TEXT NOT NULL,
        etag TEXT,
        last_modified TEXT,
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        fetched_at TEXT NOT NULL,
        PRIMARY KEY (source, url)
    ) WITHOUT ROWID;
    """,
    # 3: API keys of `sanctions serve` (read and written by api/auth.py only). Only a salted
    # hash of each key is kept; `key_id` is the key's public prefix, to find its row.
    """
    CREATE TABLE api_keys (
        name TEXT PRIMARY KEY,
        key_id TEXT NOT NULL UNIQUE,
        salt TEXT NOT NULL,
        hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        revoked_at TEXT
    );
    """,
)

_BATCH = 1000


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


def _serialize(entity: Entity) -> tuple[str, str]:
    data = json.dumps(entity.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return data, hashlib.sha256(data.encode("utf-8")).hexdigest()


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
    before, after = old.to_ftm()["properties"], new.to_ftm()["properties"]
    props = sorted(
        p for p in before.keys() | after.keys() if set(before.get(p, ())) != set(after.get(p, ()))
    )
    return (["schema"] if old.schema != new.schema else []) + props


class Store:
    """All reads and writes of list versions. `path` may be ":memory:" for tests."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot open the store: {exc}") from exc

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _migrate(self) -> None:
        (current,) = self.conn.execute("PRAGMA user_version").fetchone()
        if current > len(MIGRATIONS):
            raise StoreError(f"{self.path}: store schema {current} is newer than this program")
        for number in range(current, len(MIGRATIONS)):
            with self._transaction():
                for statement in MIGRATIONS[number].split(";"):
                    if statement.strip():
                        self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version={number + 1}")

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # -- writing ----------------------------------------------------------------------------
    def load(
        self,
        publication: Publication,
        *,
        sha256: str,
        on_entity: Callable[[int], None] | None = None,
        max_removed_share: float | None = None,
    ) -> LoadResult:
        """Store a publication as a new active version, unless its bytes equal the active one.

        All or nothing: any error while reading the entities rolls the whole load back.
        """
        source = publication.source
        current = self._active_version(source)
        if current is not None and current.sha256 == sha256:
            return LoadResult("unchanged", current)
        loaded_at = datetime.now(UTC).isoformat(timespec="seconds")
        with self._transaction() as conn:
            (seq,) = conn.execute(
                "SELECT COALESCE(MAX(seq), 0) + 1 FROM versions WHERE source = ?", (source,)
            ).fetchone()
            cursor = conn.execute(
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
            version_id = cursor.lastrowid
            assert version_id is not None
            counts = self._insert_entities(conn, publication, version_id, on_entity)
            total = sum(counts.values())
            if total == 0:
                raise ParseError("publication holds no entities", path=publication.files[0])
            self._resolve_links(conn, version_id)
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
        loaded = self._active_version(source)
        assert loaded is not None
        return LoadResult("loaded", loaded)

    def _insert_entities(
        self,
        conn: sqlite3.Connection,
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
            conn.executemany("INSERT OR IGNORE INTO blobs (hash, data) VALUES (?, ?)", blobs)
            conn.executemany(
                "INSERT INTO members (version_id, entity_id, schema, hash) VALUES (?, ?, ?, ?)",
                members,
            )
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
            data, digest = _serialize(entity)
            blobs.append((digest, data))
            members.append((version_id, entity.id, entity.schema, digest))
            counts[entity.schema] += 1
            if len(members) >= _BATCH:
                flush()
            if on_entity is not None:
                on_entity(len(seen))
        flush()
        return counts

    def _resolve_links(self, conn: sqlite3.Connection, version_id: int) -> None:
        """Point "Linked To: NAME" at the listed entity of that exact primary name, if unique."""
        rows = conn.execute(
            "SELECT m.entity_id, b.data FROM members m JOIN blobs b ON b.hash = m.hash "
            "WHERE m.version_id = ?",
            (version_id,),
        ).fetchall()
        by_name: dict[str, list[str]] = {}
        linking: list[Entity] = []
        for entity_id, data in rows:
            entity = Entity.from_dict(json.loads(data))
            by_name.setdefault(entity.caption.casefold(), []).append(entity_id)
            if any(link.target_id is None for link in entity.links):
                linking.append(entity)
        for entity in linking:
            resolved = False
            for i, link in enumerate(entity.links):
                # OFAC writes one period where both the remarks and a name ending "LTD." need one.
                key = link.name.casefold()
                targets = (
                    by_name.get(key) or by_name.get(key.rstrip(".")) or by_name.get(key + ".", [])
                )
                if link.target_id is None and len(targets) == 1 and targets[0] != entity.id:
                    entity.links[i] = type(link)(link.name, link.relation, targets[0])
                    resolved = True
            if resolved:
                data, digest = _serialize(entity)
                conn.execute(
                    "INSERT OR IGNORE INTO blobs (hash, data) VALUES (?, ?)", (digest, data)
                )
                conn.execute(
                    "UPDATE members SET hash = ? WHERE version_id = ? AND entity_id = ?",
                    (digest, version_id, entity.id),
                )

    # -- reading ----------------------------------------------------------------------------
    def _version_from_row(
        self, row: sqlite3.Row | tuple[Any, ...], active_id: int | None
    ) -> VersionInfo:
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
        row = self.conn.execute(
            f"SELECT {self._VERSION_COLUMNS} FROM versions v JOIN active a ON a.version_id = v.id "
            "WHERE a.source = ?",
            (source,),
        ).fetchone()
        return self._version_from_row(row, row[0]) if row else None

    def lists(self) -> list[VersionInfo]:
        """The active version of every source that has one, by source name."""
        rows = self.conn.execute(
            f"SELECT {self._VERSION_COLUMNS} FROM versions v JOIN active a ON a.version_id = v.id "
            "ORDER BY v.source"
        ).fetchall()
        return [self._version_from_row(row, row[0]) for row in rows]

    def versions(self, source: str) -> list[VersionInfo]:
        """Every version of a source, oldest first."""
        active = self.conn.execute(
            "SELECT version_id FROM active WHERE source = ?", (source,)
        ).fetchone()
        rows = self.conn.execute(
            f"SELECT {self._VERSION_COLUMNS} FROM versions v WHERE v.source = ? ORDER BY v.seq",
            (source,),
        ).fetchall()
        if not rows:
            raise NotFound(f"no versions of source {source!r} are stored")
        return [self._version_from_row(row, active[0] if active else None) for row in rows]

    def _version_id(self, source: str, seq: int) -> int:
        row = self.conn.execute(
            "SELECT id FROM versions WHERE source = ? AND seq = ?", (source, seq)
        ).fetchone()
        if row is None:
            raise NotFound(f"source {source!r} has no version {seq}")
        return int(row[0])

    def _members(self, version_id: int, conn: sqlite3.Connection | None = None) -> dict[str, str]:
        conn = conn or self.conn
        return dict(
            conn.execute(
                "SELECT entity_id, hash FROM members WHERE version_id = ?", (version_id,)
            ).fetchall()
        )

    def _blob(self, digest: str, conn: sqlite3.Connection | None = None) -> Entity:
        conn = conn or self.conn
        (data,) = conn.execute("SELECT data FROM blobs WHERE hash = ?", (digest,)).fetchone()
        return Entity.from_dict(json.loads(data))

    def _diff(
        self, from_seq: int | None, to_seq: int, source: str, conn: sqlite3.Connection | None = None
    ) -> Diff:
        conn = conn or self.conn
        old = self._members(self._version_id(source, from_seq), conn) if from_seq else {}
        new = self._members(self._version_id(source, to_seq), conn)
        diff = Diff(source, from_seq, to_seq)
        diff.added = sorted(new.keys() - old.keys())
        diff.removed = sorted(old.keys() - new.keys())
        for entity_id in sorted(old.keys() & new.keys()):
            if old[entity_id] != new[entity_id]:
                props = changed_properties(
                    self._blob(old[entity_id], conn), self._blob(new[entity_id], conn)
                )
                if props:
                    diff.changed.append({"id": entity_id, "properties": props})
        return diff

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
        row = self.conn.execute(
            "SELECT m.hash FROM members m JOIN active a ON a.version_id = m.version_id "
            "WHERE a.source = ? AND m.entity_id = ?",
            (source, entity_id),
        ).fetchone()
        if row is not None:
            return self._blob(row[0])
        last = self.conn.execute(
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
        cursor = self.conn.execute(
            "SELECT b.data FROM members m JOIN blobs b ON b.hash = m.hash "
            "WHERE m.version_id = ? ORDER BY m.entity_id",
            (version_id,),
        )
        for (data,) in cursor:
            yield Entity.from_dict(json.loads(data))
