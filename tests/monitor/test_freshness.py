"""List freshness over a real store holding the real UN list: ages, the stale flag against
the cadence, one notice per stale period, and what the API and the CLI report."""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from sanctions.api import create_app
from sanctions.cli import app
from sanctions.ingest.config import load_settings
from sanctions.ingest.load import load_paths
from sanctions.monitor import freshness
from sanctions.settings import Settings, SourceSettings
from sanctions.store import Store, audit
from sanctions.store import webhooks as hook_rows

DAY = timedelta(days=1)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    path = tmp_path_factory.mktemp("fresh") / "base.db"
    with Store(path) as store:
        load_paths(store, [data_dir / "un" / "consolidated.xml"])
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def db(base: Path, tmp_path: Path) -> Path:
    return Path(shutil.copyfile(base, tmp_path / "store.db"))


def loaded_at(db: Path) -> datetime:
    with Store(db) as store:
        [version] = store.lists()
        return datetime.fromisoformat(version.loaded_at)


def age_back(db: Path, days: float) -> None:
    """Pretend the list was loaded `days` ago."""
    moment = (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="seconds")
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE versions SET loaded_at = ?", (moment,))


def test_ages_come_from_the_load_or_the_last_check(db: Path) -> None:
    settings = Settings()
    with Store(db) as store:
        now = loaded_at(db) + timedelta(hours=5)
        [age] = freshness.list_ages(store, settings, now)
        assert (age.source, age.expected_every) == ("un-sc", 86400.0)
        assert age.age_seconds == pytest.approx(5 * 3600) and not age.stale
        [later] = freshness.list_ages(store, settings, now + DAY)
        assert later.stale and later.stale_since == (loaded_at(db) + DAY).isoformat()
        # A successful update check (even one that found no change) makes it current again.
        checked = (now + DAY).isoformat(timespec="seconds")
        store.db.execute(
            "INSERT INTO fetch_sources (source, last_attempt, last_success, last_status) "
            "VALUES ('un-sc', ?, ?, 'unchanged')",
            (checked, checked),
        )
        [again] = freshness.list_ages(store, settings, now + DAY)
        assert again.age_seconds == 0 and not again.stale


def test_the_cadence_is_configurable(db: Path, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[sources.un-sc]\nexpected_every = "2h"\n', encoding="utf-8")
    settings = load_settings(config)
    assert settings.source("un-sc").expected_every == 7200
    with Store(db) as store:
        [age] = freshness.list_ages(store, settings, loaded_at(db) + timedelta(hours=3))
        assert age.stale and age.expected_every == 7200
    config.write_text('[sources.un-sc]\nexpected_every = "soon"\n', encoding="utf-8")
    with pytest.raises(Exception, match="duration"):
        load_settings(config)


def test_one_notice_per_stale_period(db: Path) -> None:
    settings = Settings(sources={"un-sc": SourceSettings(expected_every=3600)})
    with Store(db) as store:
        with store.db.transaction() as conn:
            hook_rows.insert(conn, "http://127.0.0.1:9/x", ("list.stale",), "x" * 20, "now")
        start = loaded_at(db)
        assert freshness.notify_stale(store, settings, start + timedelta(minutes=30)) == []
        assert freshness.notify_stale(store, settings, start + timedelta(hours=2)) == ["un-sc"]
        assert freshness.notify_stale(store, settings, start + timedelta(hours=5)) == []
        [delivery] = hook_rows.deliveries(store.db)
        body = json.loads(delivery.body)
        assert body["event"] == "list.stale" and body["data"]["source"] == "un-sc"
        stale_entries = [e for e in audit.entries(store.db) if e.action == "list.stale"]
        assert len(stale_entries) == 1
        # A fresh check ends the period; the next staleness is a new one.
        checked = (start + timedelta(hours=6)).isoformat(timespec="seconds")
        store.db.execute(
            "INSERT INTO fetch_sources (source, last_attempt, last_success, last_status) "
            "VALUES ('un-sc', ?, ?, 'unchanged')",
            (checked, checked),
        )
        assert freshness.notify_stale(store, settings, start + timedelta(hours=6, minutes=5)) == []
        assert freshness.notify_stale(store, settings, start + timedelta(hours=8)) == ["un-sc"]
        assert len(hook_rows.deliveries(store.db)) == 2


def test_readyz_metrics_and_sources_report_staleness(db: Path) -> None:
    fresh_app = create_app(db, reload_every=0, batch_dir=db.parent / "jobs")
    with TestClient(fresh_app) as client:
        ready = _wait_ready(client)
        assert ready.status_code == 200
        assert ready.json()["status"] == "ok" and ready.json()["stale"] == []
        metrics = client.get("/metrics").text
        assert 'sanctions_list_age_seconds{source="un-sc"}' in metrics
        assert 'sanctions_list_stale{source="un-sc"} 0.0' in metrics
    age_back(db, 3)
    stale_app = create_app(db, reload_every=0, batch_dir=db.parent / "jobs")
    with TestClient(stale_app) as client:
        ready = _wait_ready(client)
        assert ready.status_code == 503
        body = ready.json()
        assert body["status"] == "stale" and body["stale"] == ["un-sc"] and not body["ok"]
        assert 'sanctions_list_stale{source="un-sc"} 1.0' in client.get("/metrics").text
    result = CliRunner().invoke(app, ["sources", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.stderr
    [un] = [row for row in json.loads(result.stdout) if row["name"] == "un-sc"]
    assert un["stale"] is True and un["expected_every"] == 86400
    assert un["age_seconds"] > 2.9 * 86400 and un["stale_since"]
    text = CliRunner().invoke(app, ["sources", "--db", str(db)]).stdout
    assert "STALE" in text


def _wait_ready(client: TestClient):  # type: ignore[no-untyped-def]
    import time

    deadline = time.monotonic() + 60
    while True:
        response = client.get("/readyz")
        if response.status_code == 200 or "stale" in response.text:
            return response
        assert time.monotonic() < deadline, response.text
        time.sleep(0.1)
