"""Shared fixtures: where the real list files are, and a fresh store per test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
