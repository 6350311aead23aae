"""Fixtures of the API tests: one real store per session, real servers per module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from apiserver import ApiServer, build_store, copy_store, new_key


@pytest.fixture(scope="session")
def base_store(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    """OFAC + UN loaded once for the whole session (~10 s); copied by tests that change it."""
    return build_store(tmp_path_factory.mktemp("api-base") / "store.db", data_dir)


@pytest.fixture(scope="module")
def server_db(tmp_path_factory: pytest.TempPathFactory, base_store: Path) -> Path:
    return copy_store(base_store, tmp_path_factory.mktemp("api") / "store.db")


@pytest.fixture(scope="module")
def server(server_db: Path) -> Iterator[ApiServer]:
    """A server that requires API keys, over this module's own copy of the store."""
    yield from ApiServer.running(server_db, "--max-body-mb", "1")


@pytest.fixture(scope="module")
def key(server_db: Path) -> str:
    return new_key(server_db, "tests")
