"""The one place that opens database connections: SQLite today.

Everything above `store/` talks to the store's modules, never to a connection. The store's
modules talk to a `Database`: `execute`, `executemany`, `transaction`. A second backend
(PostgreSQL) is a second class with these methods; the SQL in the modules sticks to what
both dialects accept, with `?` placeholders that such a class would translate.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from ..errors import StoreError

Params = Sequence[Any]


class Database:
    """One SQLite connection in autocommit mode, with explicit write transactions.

    WAL mode lets readers in other connections see the last committed state while a load
    writes, so nobody ever reads a half-loaded list.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            # The store holds customer data and the audit trail: only its owner may read it.
            # SQLite gives its -wal and -shm files the database file's permissions.
            with suppress(FileExistsError):
                os.close(os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        try:
            self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot open the store: {exc}") from exc

    def close(self) -> None:
        self.conn.close()

    def execute(self, sql: str, params: Params = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Params]) -> sqlite3.Cursor:
        return self.conn.executemany(sql, rows)

    def one(self, sql: str, params: Params = ()) -> tuple[Any, ...] | None:
        row: tuple[Any, ...] | None = self.conn.execute(sql, params).fetchone()
        return row

    def all(self, sql: str, params: Params = ()) -> list[tuple[Any, ...]]:
        return list(self.conn.execute(sql, params).fetchall())

    def table_exists(self, name: str) -> bool:
        return (
            self.one("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))
            is not None
        )

    def legacy_schema_version(self) -> int:
        """The schema version of a store made before `schema_migrations` existed."""
        row = self.one("PRAGMA user_version")
        return int(row[0]) if row else 0

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """A write transaction: all of it commits, or (on any exception) none of it."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def wrap_error(self, exc: sqlite3.DatabaseError, doing: str) -> StoreError:
        return StoreError(f"{self.path}: cannot {doing}: {exc}")


DatabaseError = sqlite3.DatabaseError
