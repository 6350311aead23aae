"""Fixtures of the evaluation tests: one store with the real OFAC and UN lists per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from sanctions.ingest.load import load_paths
from sanctions.screen import Screener
from sanctions.store import Store


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
