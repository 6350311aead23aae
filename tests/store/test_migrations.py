"""Schema migrations: from an empty file, from a store made by release 0.1.0, and refusals."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from sanctions.auth import KeyChecker, create_key, list_keys
from sanctions.errors import StoreError
from sanctions.store import FetchState, Store
from sanctions.store.migrations import MIGRATIONS, schema_version

RELEASE_0_1_0 = Path(__file__).resolve().parents[1] / "fixtures" / "store" / "release-0.1.0.sqlite"


def tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {name for (name,) in rows}


def test_an_empty_file_gets_every_migration_recorded(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    with Store(path) as store:
        assert store.schema_version == len(MIGRATIONS)
        assert schema_version(store.db) == len(MIGRATIONS)
        applied = store.db.all("SELECT version FROM schema_migrations ORDER BY version")
        assert [v for (v,) in applied] == list(range(1, len(MIGRATIONS) + 1))
    assert {"versions", "active", "blobs", "members", "fetch_files", "api_keys"} <= tables(path)
    # Opening again applies nothing more.
    with Store(path) as store:
        count = store.db.one("SELECT COUNT(*) FROM schema_migrations")
        assert count == (len(MIGRATIONS),)


def test_a_release_0_1_0_store_opens_with_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    shutil.copy(RELEASE_0_1_0, path)
    assert "schema_migrations" not in tables(path)
    with Store(path) as store:
        assert store.schema_version == len(MIGRATIONS)
        [active] = store.lists()
        assert (active.source, active.version, active.entities) == ("custom-demo", 1, 5)
        assert len(list(store.iter_entities("custom-demo"))) == 5
        assert [k.name for k in list_keys(store)] == ["ci-key"]
        state = FetchState(store).source("un-sc")
        assert state is not None and state.last_status == "loaded"
        # The old store keeps working for writes too.
        key = create_key(store, "second")
        assert KeyChecker().check(store, key) == "second"


def test_a_newer_store_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    Store(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO schema_migrations VALUES (?, 'later')", (len(MIGRATIONS) + 1,))
    with pytest.raises(StoreError, match="newer than this program"):
        Store(path)


def test_a_file_that_is_not_a_store_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("this is not a database, " * 100)
    with pytest.raises(StoreError, match="cannot open the store"):
        Store(path)


# -- PostgreSQL: the same numbered migrations, translated in one place ----------------------


def test_an_empty_postgresql_database_gets_every_migration_recorded(pg_url: str) -> None:
    with Store(pg_url) as store:
        assert store.schema_version == len(MIGRATIONS)
        assert schema_version(store.db) == len(MIGRATIONS)
        applied = store.db.all("SELECT version FROM schema_migrations ORDER BY version")
        assert [v for (v,) in applied] == list(range(1, len(MIGRATIONS) + 1))
        for table in ("versions", "active", "blobs", "members", "fetch_files", "api_keys"):
            assert store.db.table_exists(table)
        # SQLite's types, as PostgreSQL says them: 64-bit integers, doubles, code point order.
        columns = dict(
            store.db.all(
                "SELECT table_name || '.' || column_name, data_type || ' ' || "
                "COALESCE(collation_name, '') FROM information_schema.columns "
                "WHERE table_schema = current_schema()"
            )
        )
        assert columns["alerts.score"] == "double precision "
        assert columns["versions.id"] == "bigint "
        assert columns["customer_names.text"] == "text C"
        assert columns["api_keys.user"] == "text C"
    with Store(pg_url) as store:  # opening again applies nothing more
        assert store.db.one("SELECT COUNT(*) FROM schema_migrations") == (len(MIGRATIONS),)


def test_a_newer_postgresql_store_is_refused(pg_url: str) -> None:
    with Store(pg_url) as store:
        store.db.execute(
            "INSERT INTO schema_migrations VALUES (?, 'later')", (len(MIGRATIONS) + 1,)
        )
    with pytest.raises(StoreError, match="newer than this program"):
        Store(pg_url)


def test_an_unreachable_postgresql_store_is_a_clear_error() -> None:
    with pytest.raises(StoreError, match="cannot open the store") as caught:
        Store("postgresql://someone:secret@127.0.0.1:1/nowhere")
    assert "secret" not in str(caught.value)  # the password never appears in messages
