"""What `sanctions update` remembers between runs, in the store's fetch tables (migration 2).

Per source: last attempt, last success, last status and error, and the sha256 of the
publication last fetched. Per URL: the validators (ETag, Last-Modified) and sha256 of the
file last fetched, so the next run can ask "changed since?" and reuse the archived copy.
Validators are only saved when the whole source succeeded: after a failure the next run
downloads again instead of trusting a 304 for a file that was never loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ._db import Database
from .versions import Store


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class FileState:
    source: str
    url: str
    name: str
    etag: str | None
    last_modified: str | None
    sha256: str
    size: int
    fetched_at: str


@dataclass
class SourceState:
    source: str
    last_attempt: str | None
    last_success: str | None
    last_status: str | None
    last_error: str | None
    sha256: str | None

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


class FetchState:
    """Reads and writes the fetch tables of one open store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def file(self, source: str, url: str) -> FileState | None:
        row = self.store.db.execute(
            "SELECT source, url, name, etag, last_modified, sha256, size, fetched_at "
            "FROM fetch_files WHERE source = ? AND url = ?",
            (source, url),
        ).fetchone()
        return FileState(*row) if row else None

    def sources(self) -> dict[str, SourceState]:
        rows = self.store.db.execute(
            "SELECT source, last_attempt, last_success, last_status, last_error, sha256 "
            "FROM fetch_sources ORDER BY source"
        ).fetchall()
        return {row[0]: SourceState(*row) for row in rows}

    def source(self, name: str) -> SourceState | None:
        return self.sources().get(name)

    def _upsert_source(self, source: str, **values: str | None) -> None:
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        updates = ", ".join(f"{c} = excluded.{c}" for c in values)
        self.store.db.execute(
            f"INSERT INTO fetch_sources (source, {columns}) VALUES (?, {marks}) "
            f"ON CONFLICT (source) DO UPDATE SET {updates}",
            (source, *values.values()),
        )

    def record_attempt(self, source: str, at: str | None = None) -> None:
        with self.store.db.transaction():
            self._upsert_source(source, last_attempt=at or now_iso())

    def record_success(
        self, source: str, status: str, sha256: str, files: list[FileState], at: str | None = None
    ) -> None:
        """One transaction: the source's status and every file's validators."""
        at = at or now_iso()
        with self.store.db.transaction() as db:
            self._upsert_source(
                source, last_success=at, last_status=status, last_error=None, sha256=sha256
            )
            db.executemany(
                "INSERT INTO fetch_files (source, url, name, etag, last_modified, sha256, size, "
                "fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source, url) DO UPDATE "
                "SET name = excluded.name, etag = excluded.etag, "
                "last_modified = excluded.last_modified, sha256 = excluded.sha256, "
                "size = excluded.size, fetched_at = excluded.fetched_at",
                [
                    (
                        f.source,
                        f.url,
                        f.name,
                        f.etag,
                        f.last_modified,
                        f.sha256,
                        f.size,
                        f.fetched_at,
                    )
                    for f in files
                ],
            )

    def record_failure(self, source: str, error: str) -> None:
        with self.store.db.transaction():
            self._upsert_source(source, last_status="failed", last_error=error)


def record_stale_notice(db: Database, source: str, since: str, at: str) -> bool:
    """Remember that `source` was reported stale for the period starting `since`; False when
    that period was reported already."""
    cursor = db.execute(
        "INSERT INTO stale_notices (source, since, notified_at) VALUES (?, ?, ?) "
        "ON CONFLICT (source, since) DO NOTHING",
        (source, since, at),
    )
    return cursor.rowcount > 0
