"""Fixtures of the web UI tests: one real store per session (the OFAC SDN list of 2023 and
its 2024 snapshot as two versions, the consolidated list and the UN list; four users of the
four roles; a few customers and the alerts a real monitoring run raised on them), copied by
tests that change it, and in-process clients signed in through the real form. The helpers
are in `uihelpers.py`."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from uihelpers import build_ui_store, ui_client


@pytest.fixture(scope="session")
def ui_base_db(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    return build_ui_store(tmp_path_factory.mktemp("ui-base") / "store.db", data_dir)


@pytest.fixture()
def ui_db(tmp_path: Path, ui_base_db: Path) -> Path:
    """A private copy for a test that changes the store."""
    dest = tmp_path / "store.db"
    shutil.copyfile(ui_base_db, dest)
    return dest


@pytest.fixture()
def anon(ui_db: Path) -> Iterator[TestClient]:
    """Signed out, over a private copy of the store."""
    yield from ui_client(ui_db)


@pytest.fixture(scope="module")
def shared_client(
    tmp_path_factory: pytest.TempPathFactory, ui_base_db: Path
) -> Iterator[TestClient]:
    """One app over a module's copy, for read-only tests; sign in with `as_user`."""
    dest = tmp_path_factory.mktemp("ui") / "store.db"
    shutil.copyfile(ui_base_db, dest)
    yield from ui_client(dest)
