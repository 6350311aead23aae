"""The monitoring API (/v1 customers, runs, alerts, decisions, audit) in process, over a real
store holding the real UN list: roles decide who may do what, the deciding user is the key's,
and every write lands in the audit trail under that user."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sanctions.api import create_app
from sanctions.auth import create_key
from sanctions.ingest.load import load_paths
from sanctions.store import Store, audit

ROLES = ("viewer", "analyst", "analyst2", "approver", "admin")


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    path = tmp_path_factory.mktemp("monitor-api") / "store.db"
    with Store(path) as store:
        load_paths(store, [data_dir / "un" / "consolidated.xml"])
    return path


@pytest.fixture(scope="module")
def keys(store_path: Path) -> dict[str, dict[str, str]]:
    with Store(store_path) as store:
        made = {}
        for name in ROLES:
            role = "analyst" if name == "analyst2" else name
            made[name] = {"Authorization": f"Bearer {create_key(store, name, role=role)}"}
        return made


@pytest.fixture(scope="module")
def client(store_path: Path, keys: dict[str, dict[str, str]]) -> Iterator[TestClient]:
    app = create_app(store_path, reload_every=0, batch_dir=store_path.parent / "jobs")
    with TestClient(app) as client:
        deadline = time.monotonic() + 60
        while client.get("/readyz").status_code != 200:
            assert time.monotonic() < deadline, "index did not load"
            time.sleep(0.1)
        yield client


@pytest.fixture(scope="module")
def monitored(client: TestClient, keys: dict[str, dict[str, str]]) -> dict[str, object]:
    """Customers upserted and a first run made by the admin."""
    body = {
        "customers": [
            {"id": "K1", "name": "Kim Jong Un", "schema": "Person"},
            {"id": "K2", "name": "Ri Su Yong", "schema": "person", "aliases": ["Ri Su-yong"]},
            {"id": "Z1", "name": "Zelda Fitzgerald", "schema": "Person"},
        ]
    }
    upsert = client.post("/v1/customers", json=body, headers=keys["admin"])
    assert upsert.status_code == 200, upsert.text
    run = client.post("/v1/monitor/runs", json={}, headers=keys["admin"])
    assert run.status_code == 200, run.text
    return {"upsert": upsert.json(), "run": run.json()}


def test_customers_are_upserted_and_a_run_opens_alerts(
    client: TestClient, keys: dict[str, dict[str, str]], monitored: dict[str, dict]
) -> None:
    assert monitored["upsert"]["added"] == 3
    run = monitored["run"]
    assert run["mode"] == "full" and run["customers_screened"] == 3
    assert run["new_alerts"] >= 1 and run["list_versions"] == {"un-sc": 1}
    listed = client.get("/v1/alerts", headers=keys["viewer"]).json()
    assert listed["total"] == run["new_alerts"]
    assert {a["customer_id"] for a in listed["alerts"]} >= {"K2"}
    assert "Z1" not in {a["customer_id"] for a in listed["alerts"]}
    got = client.get(f"/v1/monitor/runs/{run['run_id']}", headers=keys["viewer"]).json()
    assert got["run_id"] == run["run_id"] and got["new_alerts"] == run["new_alerts"]
    customer = client.get("/v1/customers/K2", headers=keys["viewer"]).json()
    assert customer["customer"]["aliases"] == ["Ri Su-yong"] and customer["alerts"]


def test_viewers_read_but_may_not_write(
    client: TestClient, keys: dict[str, dict[str, str]], monitored: dict[str, dict]
) -> None:
    viewer = keys["viewer"]
    alert_id = client.get("/v1/alerts", headers=viewer).json()["alerts"][0]["id"]
    decide = client.post(
        f"/v1/alerts/{alert_id}/decision",
        json={"decision": "escalate", "reason": "x"},
        headers=viewer,
    )
    assert decide.status_code == 403 and "analyst" in decide.json()["error"]
    assert client.post("/v1/customers", json={"customers": []}, headers=viewer).status_code in (
        403,
        422,
    )
    one = {"name": "A B", "schema": "Person"}
    assert client.put("/v1/customers/X", json=one, headers=viewer).status_code == 403
    assert client.post("/v1/monitor/runs", headers=viewer).status_code == 403
    assert client.get("/v1/audit/verify", headers=viewer).status_code == 403
    assert client.get("/v1/customers/K2/report", headers=viewer).status_code == 403
    assert client.post("/v1/admin/reload", headers=viewer).status_code == 403
    assert client.get("/v1/alerts").status_code == 401


def test_four_eyes_over_the_api_with_the_keys_users(
    client: TestClient,
    keys: dict[str, dict[str, str]],
    monitored: dict[str, dict],
    store_path: Path,
) -> None:
    alerts = client.get("/v1/alerts?state=open", headers=keys["viewer"]).json()["alerts"]
    alert_id = alerts[0]["id"]
    # The user is the key's; a body naming one is refused, not obeyed.
    forged = client.post(
        f"/v1/alerts/{alert_id}/decision",
        json={"decision": "true_match", "reason": "x", "user": "approver"},
        headers=keys["analyst"],
    )
    assert forged.status_code == 422
    proposed = client.post(
        f"/v1/alerts/{alert_id}/decision",
        json={"decision": "true_match", "reason": "listed DPRK official"},
        headers=keys["analyst"],
    )
    assert proposed.status_code == 200, proposed.text
    assert proposed.json()["state"] == "pending_approval"
    assert proposed.json()["pending"]["user"] == "analyst"
    # Another analyst may not approve (role); the approver may.
    assert (
        client.post(f"/v1/alerts/{alert_id}/approval", headers=keys["analyst2"]).status_code == 403
    )
    approved = client.post(
        f"/v1/alerts/{alert_id}/approval", json={"reason": "agreed"}, headers=keys["approver"]
    )
    assert approved.status_code == 200 and approved.json()["state"] == "true_match"
    again = client.post(f"/v1/alerts/{alert_id}/approval", headers=keys["approver"])
    assert again.status_code == 409
    # An approver proposing cannot approve their own proposal.
    others = client.get("/v1/alerts?state=open", headers=keys["viewer"]).json()["alerts"]
    assert others, "the run should have opened more than one alert"
    other = others[0]["id"]
    client.post(
        f"/v1/alerts/{other}/decision",
        json={"decision": "true_match", "reason": "x"},
        headers=keys["approver"],
    )
    own = client.post(f"/v1/alerts/{other}/approval", headers=keys["approver"])
    assert own.status_code == 403 and "different user" in own.json()["error"]
    with Store(store_path) as store:
        actors = {(e.actor, e.action) for e in audit.entries(store.db)}
    assert ("analyst", "alert.proposed") in actors and ("approver", "alert.decided") in actors
    assert ("admin", "customers.imported") in actors and ("admin", "monitor.run") in actors


def test_audit_and_report_for_approvers(
    client: TestClient, keys: dict[str, dict[str, str]], monitored: dict[str, dict]
) -> None:
    verify = client.get("/v1/audit/verify", headers=keys["approver"]).json()
    assert verify["ok"] is True and verify["entries"] > 5
    exported = client.get("/v1/audit?limit=3", headers=keys["approver"]).json()
    assert exported["count"] == 3 and exported["entries"][0]["seq"] == 1
    report = client.get("/v1/customers/K2/report", headers=keys["approver"]).json()
    assert report["customer"]["id"] == "K2" and report["screenings"][0]["mode"] == "full"
    assert report["alerts"][0]["events"][0]["action"] == "opened"


def test_bad_monitoring_requests_name_the_problem(
    client: TestClient, keys: dict[str, dict[str, str]], monitored: dict[str, dict]
) -> None:
    admin = keys["admin"]
    bad = client.post(
        "/v1/customers",
        json={"customers": [{"id": "B1", "name": "Bo", "schema": "Robot"}]},
        headers=admin,
    )
    assert bad.status_code == 422 and "schema" in bad.text
    assert client.get("/v1/alerts?state=maybe", headers=admin).status_code == 422
    assert client.get("/v1/alerts/99999", headers=admin).status_code == 404
    assert client.get("/v1/customers/nobody", headers=admin).status_code == 404
    decision = client.post(
        "/v1/alerts/1/decision", json={"decision": "perhaps", "reason": "x"}, headers=admin
    )
    assert decision.status_code == 422  # an enum in /openapi.json, refused naming the field
    assert decision.json()["errors"][0]["field"] == "decision"


def test_openapi_documents_the_monitoring_routes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/v1/customers",
        "/v1/customers/{customer_id}",
        "/v1/customers/{customer_id}/report",
        "/v1/monitor/runs",
        "/v1/monitor/runs/{run_id}",
        "/v1/alerts",
        "/v1/alerts/{alert_id}",
        "/v1/alerts/{alert_id}/decision",
        "/v1/alerts/{alert_id}/approval",
        "/v1/audit/verify",
        "/v1/audit",
    ):
        assert path in paths, path
