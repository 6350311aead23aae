"""Shared fixtures: where the real list files are, and one store of the real OFAC and UN lists
per session (with a screener over it)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
