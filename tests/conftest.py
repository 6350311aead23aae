"""Shared fixtures: where the real list files are, one store of the real OFAC and UN lists
per session (with a screener over it), and store locations on both backends (`db_url`:
a SQLite file, and a fresh database on a real PostgreSQL server, see tests/pg.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

import pg
from sanctions.ingest.load import load_paths
from sanctions.screen import Screener
from sanctions.store import Store

DATA_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """../shared/data; skipped when absent, a failure when SANCTIONS_REQUIRE_DATA=1 (CI)."""
    if not DATA_DIR.is_dir():
        if os.environ.get("SANCTIONS_REQUIRE_DATA") == "1":
            pytest.fail(f"SANCTIONS_REQUIRE_DATA=1 but {DATA_DIR} is missing")
        pytest.skip(f"real list files not found at {DATA_DIR}")
    return DATA_DIR


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def eval_db(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    path = tmp_path_factory.mktemp("evaluate") / "store.db"
    with Store(path) as store:
        load_paths(store, [data_dir / "ofac", data_dir / "un" / "consolidated.xml"])
    return path


@pytest.fixture(scope="session")
def eval_screener(eval_db: Path) -> Screener:
    with Store(eval_db) as store:
        return Screener.from_store(store)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pg.PgServer]:
    """A real PostgreSQL server for the session (SANCTIONS_TEST_PG_URL, or one started in a
    temporary folder); skipped without PostgreSQL unless SANCTIONS_REQUIRE_PG is set."""
    server = pg.PgServer.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(pg_server: pg.PgServer) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test."""
    url = pg_server.database()
    yield url
    pg_server.drop(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new store location on each backend: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def module_db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A new store location on each backend, shared by one test module."""
    if request.param == "sqlite":
        yield str(tmp_path_factory.mktemp("store") / "store.db")
        return
    server: pg.PgServer = request.getfixturevalue("pg_server")
    url = server.database("module")
    yield url
    server.drop(url)
