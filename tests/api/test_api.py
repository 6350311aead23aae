"""The HTTP API against a real `sanctions serve` process over a real store (OFAC + UN)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from apiserver import ApiServer, new_key, revoke

GERTLER = "ofac-sdn:23252"
LISTS = {"ofac-cons": 1, "ofac-sdn": 1, "un-sc": 1}


def assert_error(response: httpx.Response, status: int, field: str | None = None) -> dict:  # type: ignore[type-arg]
    assert response.status_code == status, response.text
    body = response.json()
    assert body["ok"] is False and body["status"] == status and body["error"]
    assert isinstance(body["errors"], list)
    if field is not None:
        assert field in [e["field"] for e in body["errors"]], body
    return body  # type: ignore[no-any-return]


# -- health and auth ----------------------------------------------------------------------------
def test_health_endpoints_are_open(server: ApiServer) -> None:
    with server.client() as client:
        assert client.get("/healthz").json() == {"ok": True, "status": "ok"}  # status: yente
        ready = client.get("/readyz").json()
        assert ready["lists"] == LISTS and ready["entities"] > 10_000
        metrics = client.get("/metrics")
        assert metrics.status_code == 200
        assert 'sanctions_list_version{source="ofac-sdn"} 1.0' in metrics.text
        assert "sanctions_index_age_seconds" in metrics.text
        assert client.get("/openapi.json").json()["paths"]["/v1/screen"]


def test_requests_without_a_valid_key_are_refused(server: ApiServer, server_db: Path) -> None:
    body = {"name": "Dan Gertler"}
    with server.client() as client:
        assert_error(client.post("/v1/screen", json=body), 401, "authorization")
        assert_error(client.get("/v1/lists"), 401)
        assert_error(client.post("/match/default", json={"queries": {}}), 401)
    with server.client("sk_notarealkey0_" + "x" * 43) as client:
        assert_error(client.post("/v1/screen", json=body), 401)
    key = new_key(server_db, "soon-revoked")
    with server.client(key) as client:
        assert client.post("/v1/screen", json=body).status_code == 200
        revoke(server_db, "soon-revoked")
        response = client.post("/v1/screen", json=body)
        assert_error(response, 401, "authorization")
        assert "revoked" in response.json()["error"]


# -- screening ----------------------------------------------------------------------------------
def test_screen_one_query(server: ApiServer, key: str) -> None:
    with server.client(key) as client:
        response = client.post(
            "/v1/screen", json={"name": "Dan Gertler", "schema": "Person", "limit": 3}
        )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["ok"] is True and body["lists"] == LISTS and body["limit"] == 3
    (result,) = body["results"]
    assert result["query"] == {"name": "Dan Gertler", "schema": "Person"}
    top = result["hits"][0]
    assert top["entity_id"] == GERTLER and top["matched_name"] == "GERTLER, Dan"
    assert top["score"] >= body["threshold"] and top["explanation"]["features"]["name"] > 0.9


def test_screen_many_queries_reports_errors_per_query(server: ApiServer, key: str) -> None:
    queries = [
        {"name": "Dan Gertler", "birth_date": "1973-12-23", "id": "c-1"},
        {"name": "", "id": "c-2"},
        {"name": "Someone", "birth_date": "not a date"},
        {"name": "Patricia Lucas Wheeler"},
    ]
    with server.client(key) as client:
        body = client.post("/v1/screen", json={"queries": queries, "lists": ["ofac-sdn"]}).json()
    first, empty, bad_date, clean = body["results"]
    assert first["query"]["id"] == "c-1" and first["hits"][0]["entity_id"] == GERTLER
    assert empty["error"]["field"] == "name" and bad_date["error"]["field"] == "birth_date"
    assert clean["hits"] == [] and clean["error"] is None


def test_validation_errors_name_the_field(server: ApiServer, key: str) -> None:
    with server.client(key) as client:
        assert_error(client.post("/v1/screen", json={"name": ""}), 422, "name")
        assert_error(client.post("/v1/screen", json={"name": "x", "birthdate": "1970"}), 422,
                     "birthdate")  # fmt: skip
        assert_error(client.post("/v1/screen", json={"name": "x", "limit": 0}), 422, "limit")
        assert_error(client.post("/v1/screen", json={"name": "x", "schema": "Cat"}), 422, "schema")
        assert_error(client.post("/v1/screen", json={"name": "x", "lists": ["eu"]}), 422, "lists")
        assert_error(
            client.post("/v1/screen", json={"queries": [{"name": "x", "gender": 3}]}),
            422,
            "queries[0].gender",
        )
        assert_error(client.post("/v1/screen", json={}), 422, "name")


def test_malformed_json_is_a_400(server: ApiServer, key: str) -> None:
    with server.client(key) as client:
        response = client.post(
            "/v1/screen",
            content=b'{"name": "Dan Gertler",',
            headers={"Content-Type": "application/json"},
        )
    body = assert_error(response, 400, "body")
    assert "not valid JSON" in body["error"]


def test_oversized_body_and_too_many_queries_are_413(server: ApiServer, key: str) -> None:
    with server.client(key) as client:
        big = json.dumps({"name": "x" * (2 * 2**20)}).encode()  # the fixture's limit is 1 MiB
        response = client.post(
            "/v1/screen", content=big, headers={"Content-Type": "application/json"}
        )
        assert "limit" in assert_error(response, 413, "body")["error"]
        queries = [{"name": f"Person {i}"} for i in range(1001)]
        response = client.post("/v1/screen", json={"queries": queries})
        assert "1,000" in assert_error(response, 413, "queries")["error"]
        ok = client.post("/v1/screen", json={"queries": queries[:1000]})
        assert ok.status_code == 200 and len(ok.json()["results"]) == 1000


def test_streamed_body_over_the_limit_is_413(server: ApiServer, key: str) -> None:
    def chunks():  # type: ignore[no-untyped-def]
        yield b'{"name": "'
        for _ in range(40):
            yield b"x" * 65536
        yield b'"}'

    with server.client(key) as client:
        response = client.post(
            "/v1/screen", content=chunks(), headers={"Content-Type": "application/json"}
        )
    assert_error(response, 413, "body")


# -- entities, lists, admin ---------------------------------------------------------------------
def test_entity_as_ftm_json_and_404(server: ApiServer, key: str) -> None:
    with server.client(key) as client:
        entity = client.get(f"/v1/entities/{GERTLER}").json()
        assert entity["id"] == GERTLER and entity["schema"] == "Person"
        assert "GERTLER, Dan" in entity["properties"]["name"]
        assert entity["datasets"] == ["ofac-sdn"]
        body = assert_error(client.get("/v1/entities/ofac-sdn:999999999"), 404)
        assert "ofac-sdn:999999999" in body["error"]
        assert_error(client.get("/v1/nothing-here"), 404)


def test_lists_and_changes(server: ApiServer, key: str) -> None:
    with server.client(key) as client:
        lists = client.get("/v1/lists").json()
        assert {v["source"]: v["version"] for v in lists["lists"]} == LISTS
        assert lists["screening"] == LISTS
        changes = client.get("/v1/lists/un-sc/changes").json()
        assert changes["to_version"] == 1 and "un-sc:QDi.001" in changes["added"]
        assert_error(client.get("/v1/lists/un-sc/changes", params={"from": 7}), 404)
        assert_error(client.get("/v1/lists/nope/changes"), 404)
        assert_error(client.get("/v1/lists/un-sc/changes", params={"from": "x"}), 422, "from")


def test_admin_reload_without_changes_keeps_the_index(server: ApiServer, key: str) -> None:
    with server.client(key) as client:
        body = client.post("/v1/admin/reload").json()
    assert body == {"ok": True, "reloaded": False, "lists": LISTS}


def test_metrics_count_requests_by_route_and_status(server: ApiServer, key: str) -> None:
    with server.client(key) as client:
        client.get("/v1/entities/ofac-sdn:999999999")
        text = client.get("/metrics").text
    assert 'route="/v1/entities/{entity_id:path}",status="404"' in text
    assert "sanctions_http_request_duration_seconds_bucket" in text
