"""Every route module against the real app in this process (FastAPI's TestClient), over a
real SQLite store holding the real UN list: no server process, one route group at a time."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sanctions.api import create_app
from sanctions.auth import create_key
from sanctions.ingest.load import load_paths
from sanctions.store import Store


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    path = tmp_path_factory.mktemp("in-process") / "store.db"
    with Store(path) as store:
        load_paths(store, [data_dir / "un" / "consolidated.xml"])
    return path


@pytest.fixture(scope="module")
def key(store_path: Path) -> str:
    with Store(store_path) as store:
        return create_key(store, "in-process", role="admin")


@pytest.fixture(scope="module")
def client(store_path: Path) -> Iterator[TestClient]:
    app = create_app(store_path, reload_every=0, batch_dir=store_path.parent / "jobs")
    with TestClient(app) as client:  # runs the lifespan: the index loads in the background
        deadline = time.monotonic() + 60
        while client.get("/readyz").status_code != 200:
            assert time.monotonic() < deadline, "index did not load"
            time.sleep(0.1)
        yield client


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_health(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"ok": True, "status": "ok"}  # status: yente
    ready = client.get("/readyz").json()
    assert ready["ok"] and ready["lists"] == {"un-sc": 1} and ready["entities"] > 900


def test_metrics(client: TestClient) -> None:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert "sanctions_index_entities" in response.text or "sanctions_" in response.text


def test_screen_needs_a_key_and_accepts_any_schema_case(client: TestClient, key: str) -> None:
    body = {"name": "Ayman al-Zawahiri", "schema": "person"}
    assert client.post("/v1/screen", json=body).status_code == 401
    response = client.post("/v1/screen", json=body, headers=auth(key))
    assert response.status_code == 200
    [result] = response.json()["results"]
    assert result["query"]["schema"] == "person"  # the query is echoed as sent
    assert result["hits"][0]["entity_id"] == "un-sc:QDi.006"


def test_screen_refuses_an_unknown_schema_naming_the_field(client: TestClient, key: str) -> None:
    response = client.post("/v1/screen", json={"name": "X", "schema": "Planet"}, headers=auth(key))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "schema"


def test_lists_entities_and_changes(client: TestClient, key: str) -> None:
    lists = client.get("/v1/lists", headers=auth(key)).json()
    assert [v["source"] for v in lists["lists"]] == ["un-sc"]
    entity = client.get("/v1/entities/un-sc:QDi.006", headers=auth(key)).json()
    assert entity["id"] == "un-sc:QDi.006" and entity["schema"] == "Person"
    missing = client.get("/v1/entities/un-sc:nope", headers=auth(key))
    assert missing.status_code == 404
    changes = client.get("/v1/lists/un-sc/changes", headers=auth(key)).json()
    assert changes["to_version"] == 1 and len(changes["added"]) > 900


def test_yente_match_accepts_any_schema_case(client: TestClient, key: str) -> None:
    query = {"schema": "person", "properties": {"name": ["Ayman al-Zawahiri"]}}
    response = client.post("/match/default", json={"queries": {"q1": query}}, headers=auth(key))
    assert response.status_code == 200
    results = response.json()["responses"]["q1"]["results"]
    assert results[0]["id"] == "un-sc:QDi.006"
    bad = {"queries": {"q1": {**query, "schema": "Planet"}}}
    refused = client.post("/match/default", json=bad, headers=auth(key))
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "queries.q1.schema"


def test_batches(client: TestClient, key: str) -> None:
    upload = {"file": ("q.csv", b"id,name\n1,Ayman al-Zawahiri\n2,Jane Nobody\n", "text/csv")}
    created = client.post("/v1/batches", files=upload, headers=auth(key))
    assert created.status_code == 202
    job_id = created.json()["id"]
    deadline = time.monotonic() + 30
    while (job := client.get(f"/v1/batches/{job_id}", headers=auth(key)).json())["status"] in (
        "queued",
        "running",
    ):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert job["status"] == "done" and job["queries_with_hits"] == 1
    results = client.get(f"/v1/batches/{job_id}/results", headers=auth(key))
    assert "un-sc:QDi.006" in results.text
    assert client.get("/v1/batches/" + "0" * 24, headers=auth(key)).status_code == 404
