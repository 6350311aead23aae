"""The one place that opens database connections: SQLite here, PostgreSQL in `_pg.py`.

Everything above `store/` talks to the store's modules, never to a connection. The store's
modules talk to a `Database`: `execute`, `executemany`, `one`, `all`, `transaction`, and a
few small helpers for what the two dialects say differently (listed in `Database`). The SQL
in the modules sticks to what both dialects accept, with `?` placeholders that the
PostgreSQL class translates. `open_database` picks the class from the location: a file
path (or `sqlite:///path`, or ":memory:") is SQLite, `postgresql://...` is PostgreSQL.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, suppress
from pathlib import Path
from typing import Any, Protocol

from ..errors import StoreError
from ..settings import is_database_url, sqlite_file

Params = Sequence[Any]


class Cursor(Protocol):
    """What the store's modules use of a cursor (sqlite3's and psycopg's both have it)."""

    @property
    def rowcount(self) -> int: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


class Database(Protocol):
    """An open store database. The dialect helpers, each with its reason:

    - `insert` returns the new row's id (SQLite `lastrowid`, PostgreSQL `RETURNING id`);
    - `bulk_insert` writes many rows (SQLite `executemany`, PostgreSQL `COPY`), optionally
      skipping rows whose key exists (`INSERT OR IGNORE` / `ON CONFLICT DO NOTHING`);
    - `lock` serializes transactions that take the same named lock (SQLite has one writer
      at a time already; PostgreSQL takes `pg_advisory_xact_lock`);
    - `source_lock` keeps one loader of a source at a time across machines (PostgreSQL
      `pg_try_advisory_lock`, then waits; SQLite's single writer needs nothing);
    - `for_update` is appended to a SELECT that reads a row it will then change
      (PostgreSQL `FOR UPDATE`; SQLite's write transaction already excludes other writers);
    - `ddl` translates a migration's statement (SQLite: as written);
    - `table_exists`, `legacy_schema_version` read the catalogue.
    """

    path: str
    dialect: str
    for_update: str
    errors: tuple[type[BaseException], ...]

    @property
    def conn(self) -> Any: ...
    def close(self) -> None: ...
    def execute(self, sql: str, params: Params = ()) -> Cursor: ...
    def executemany(self, sql: str, rows: Iterable[Params]) -> Any: ...
    def one(self, sql: str, params: Params = ()) -> tuple[Any, ...] | None: ...
    def all(self, sql: str, params: Params = ()) -> list[tuple[Any, ...]]: ...
    def insert(self, sql: str, params: Params = ()) -> int: ...
    def bulk_insert(
        self,
        table: str,
        columns: Sequence[str],
        rows: Sequence[Params],
        *,
        ignore_existing: bool = False,
    ) -> None: ...
    def lock(self, name: str) -> None: ...
    def source_lock(
        self, name: str, on_wait: Callable[[str], None]
    ) -> AbstractContextManager[None]: ...
    def ddl(self, statement: str) -> str: ...
    def table_exists(self, name: str) -> bool: ...
    def legacy_schema_version(self) -> int: ...
    def transaction(self) -> AbstractContextManager[Database]: ...
    def wrap_error(self, exc: BaseException, doing: str) -> StoreError: ...


def open_database(location: str | Path) -> Database:
    """A `Database` for a location: a file path, `sqlite:///path`, ":memory:", or a
    `postgresql://user@host:port/db` URL."""
    if is_database_url(location):
        from ._pg import PostgresDatabase

        return PostgresDatabase(str(location))
    return SqliteDatabase(sqlite_file(location))


class SqliteDatabase:
    """One SQLite connection in autocommit mode, with explicit write transactions.

    WAL mode lets readers in other connections see the last committed state while a load
    writes, so nobody ever reads a half-loaded list.
    """

    dialect = "sqlite"
    for_update = ""
    errors: tuple[type[BaseException], ...] = (sqlite3.DatabaseError,)

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            # The store holds customer data and the audit trail: only its owner may read it.
            # SQLite gives its -wal and -shm files the database file's permissions.
            with suppress(FileExistsError):
                os.close(os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        try:
            self._conn = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA foreign_keys=ON")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot open the store: {exc}") from exc

    @property
    def conn(self) -> sqlite3.Connection:
        return self._conn

    def close(self) -> None:
        self._conn.close()

    def execute(self, sql: str, params: Params = ()) -> sqlite3.Cursor:
        return self._conn.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Params]) -> sqlite3.Cursor:
        return self._conn.executemany(sql, rows)

    def one(self, sql: str, params: Params = ()) -> tuple[Any, ...] | None:
        row: tuple[Any, ...] | None = self._conn.execute(sql, params).fetchone()
        return row

    def all(self, sql: str, params: Params = ()) -> list[tuple[Any, ...]]:
        return list(self._conn.execute(sql, params).fetchall())

    def insert(self, sql: str, params: Params = ()) -> int:
        rowid = self._conn.execute(sql, params).lastrowid
        assert rowid is not None
        return rowid

    def bulk_insert(
        self,
        table: str,
        columns: Sequence[str],
        rows: Sequence[Params],
        *,
        ignore_existing: bool = False,
    ) -> None:
        verb = "INSERT OR IGNORE" if ignore_existing else "INSERT"
        marks = ", ".join("?" for _ in columns)
        self._conn.executemany(f"{verb} INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    def lock(self, name: str) -> None:
        """Nothing: `BEGIN IMMEDIATE` already lets one writer in at a time."""

    @contextmanager
    def source_lock(self, name: str, on_wait: Callable[[str], None]) -> Iterator[None]:
        yield

    def ddl(self, statement: str) -> str:
        return statement

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
    def transaction(self) -> Iterator[SqliteDatabase]:
        """A write transaction: all of it commits, or (on any exception) none of it."""
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def wrap_error(self, exc: BaseException, doing: str) -> StoreError:
        return StoreError(f"{self.path}: cannot {doing}: {exc}")
