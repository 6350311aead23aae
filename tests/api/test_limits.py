"""The API's limits and what it never gives away: each limit refused with a 4xx in the one
JSON error shape naming the field; keys stored as hashes, compared in constant time and
never logged; batch ids unguessable; security headers and no internals on every error.

The real app in this process (TestClient) over a real store holding the real UN list."""

from __future__ import annotations

import hmac
import json
import logging
import re
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response

import sanctions.api.jobs
from sanctions.api import create_app
from sanctions.api.headers import API_HEADERS
from sanctions.auth import create_key
from sanctions.ingest.load import load_paths
from sanctions.settings import MAX_JSON_DEPTH, MAX_NAME_LENGTH, MAX_QUERIES
from sanctions.store import Store

MiB = 2**20
# What an error body must never show: a traceback, our source or the installed packages.
INTERNALS = ("Traceback", 'File "', "site-packages", "/work/", "/src/sanctions", '.py"')


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    path = tmp_path_factory.mktemp("limits") / "store.db"
    with Store(path) as store:
        load_paths(store, [data_dir / "un" / "consolidated.xml"])
    return path


@pytest.fixture(scope="module")
def key(store_path: Path) -> str:
    with Store(store_path) as store:
        return create_key(store, "limits", role="admin")


def _failing_route(app: FastAPI, store_path: Path) -> None:
    """A route whose service fails as a bug would, with our paths in its message."""

    @app.get("/v1/test-internal-error")
    def boom() -> None:
        raise RuntimeError(f"{store_path} broke in /work/main/src/sanctions/x.py")


@pytest.fixture(scope="module")
def app(store_path: Path) -> FastAPI:
    app = create_app(
        store_path,
        reload_every=0,
        max_body_bytes=5 * MiB,
        max_upload_bytes=10 * MiB,
        batch_dir=store_path.parent / "jobs",
    )
    _failing_route(app, store_path)
    return app


@pytest.fixture(scope="module")
def client(app: FastAPI, key: str) -> Iterator[TestClient]:
    headers = {"Authorization": f"Bearer {key}"}
    with TestClient(app, raise_server_exceptions=False, headers=headers) as client:
        deadline = time.monotonic() + 60
        while client.get("/readyz").status_code != 200:
            assert time.monotonic() < deadline, "index did not load"
            time.sleep(0.1)
        yield client


def assert_error(response: Response, status: int, field: str | None) -> dict[str, Any]:
    """The one error shape, the status, the field named, and nothing internal."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["ok"] is False and body["status"] == status and body["error"]
    if field is not None:
        assert field in [e["field"] for e in body["errors"]], body
    for internal in INTERNALS:
        assert internal not in response.text, (internal, response.text)
    for name, value in API_HEADERS.items():
        assert response.headers.get(name) == value, (name, response.status_code)
    return body


# -- sizes and counts -------------------------------------------------------------------------
def test_a_50_mb_json_body_is_a_413(client: TestClient) -> None:
    body = b'{"name": "' + b"x" * (50 * MiB) + b'"}'
    response = client.post("/v1/screen", content=body, headers={"content-type": "application/json"})
    assert "5 MiB" in assert_error(response, 413, "body")["error"]


def test_a_50_mb_body_without_a_length_is_a_413(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:  # chunked: no Content-Length to refuse it up front
        yield b'{"name": "'
        for _ in range(50):
            yield b"x" * MiB
        yield b'"}'

    response = client.post(
        "/v1/screen", content=chunks(), headers={"content-type": "application/json"}
    )
    assert_error(response, 413, "body")


def test_a_50_mb_upload_over_the_upload_limit_is_a_413(client: TestClient) -> None:
    upload = ("big.csv", b"name\n" + b"Dan Gertler\n" * (50 * MiB // 12), "text/csv")
    assert_error(client.post("/v1/batches", files={"file": upload}), 413, "body")
    assert_error(client.post("/v1/scan", files={"file": upload}), 413, "body")


def test_more_queries_than_the_limit_are_refused(client: TestClient) -> None:
    queries = [{"name": f"Person {n}"} for n in range(MAX_QUERIES + 1)]
    body = assert_error(client.post("/v1/screen", json={"queries": queries}), 413, "queries")
    assert f"{MAX_QUERIES:,}" in body["error"]
    entities = {
        str(n): {"schema": "Person", "properties": {"name": [f"Person {n}"]}}
        for n in range(MAX_QUERIES + 1)
    }
    response = client.post("/match/default", json={"queries": entities})
    assert_error(response, 413, "queries")
    customers = [{"id": str(n), "name": "x", "schema": "Person"} for n in range(10_001)]
    assert_error(client.post("/v1/customers", json={"customers": customers}), 422, "customers")


def test_the_limit_itself_is_allowed(client: TestClient) -> None:
    queries = [{"name": "Dan Gertler", "id": str(n)} for n in range(MAX_QUERIES)]
    response = client.post("/v1/screen", json={"queries": queries, "limit": 1})
    assert response.status_code == 200
    assert len(response.json()["results"]) == MAX_QUERIES


def test_a_name_over_the_length_limit_is_a_422_naming_it(client: TestClient) -> None:
    name = "a" * (MAX_NAME_LENGTH + 1)
    body = assert_error(client.post("/v1/screen", json={"name": name}), 422, "name")
    assert str(MAX_NAME_LENGTH) in body["error"]
    many = client.post("/v1/screen", json={"queries": [{"name": "Dan Gertler"}, {"name": name}]})
    assert many.status_code == 200  # with `queries`, the bad row carries its own error
    assert many.json()["results"][1]["error"]["field"] == "name"
    assert client.post("/v1/screen", json={"name": "a" * MAX_NAME_LENGTH}).status_code == 200


def test_json_nested_deeper_than_the_limit_is_a_400(client: TestClient) -> None:
    json_type = {"content-type": "application/json"}
    deep = '{"name": "x", "lists": ' + "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH + "}"
    body = assert_error(client.post("/v1/screen", content=deep, headers=json_type), 400, "body")
    assert f"limit is {MAX_JSON_DEPTH}" in body["error"]
    # 100,000 levels would overflow Python's parser (a RecursionError) if it got that far.
    bomb = "[" * 100_000
    assert_error(client.post("/v1/screen", content=bomb, headers=json_type), 400, "body")
    assert_error(client.post("/match/default", content=bomb, headers=json_type), 400, "body")


def test_brackets_inside_strings_and_shallow_bodies_pass_the_depth_check(
    client: TestClient,
) -> None:
    name = "[" * 100 + "Dan Gertler" + "{" * 100
    response = client.post("/v1/screen", json={"queries": [{"name": name}], "lists": ["un-sc"]})
    assert response.status_code == 200, response.text
    nested = '{"name": "x", "lists": ' + "[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1)
    wrong_type = client.post(
        "/v1/screen", content=nested + "}", headers={"content-type": "application/json"}
    )
    assert_error(wrong_type, 422, "lists[0]")  # parsed, then refused for its type


def test_ids_and_offsets_beyond_64_bits_are_a_422_not_a_500(client: TestClient) -> None:
    huge = str(2**70)
    assert_error(client.get(f"/v1/monitor/runs?offset={huge}"), 422, "offset")
    assert_error(client.get(f"/v1/alerts?offset={huge}"), 422, "offset")
    assert_error(client.get(f"/v1/alerts/{huge}"), 422, "alert_id")
    assert_error(client.get(f"/v1/monitor/runs/{huge}"), 422, "run_id")
    assert_error(client.get(f"/v1/lists/un-sc/changes?from={huge}"), 422, "from")


def test_an_unknown_query_parameter_is_a_422_naming_it(client: TestClient, key: str) -> None:
    assert_error(client.post("/v1/screen?treshold=0.9", json={"name": "x"}), 422, "treshold")
    body = assert_error(client.get("/v1/alerts?stat=open"), 422, "stat")
    assert "state" in body["error"]  # the message lists what the route takes
    assert_error(client.get("/v1/lists?verbose=1"), 422, "verbose")
    # api_key is every route's, and a route's own parameters are taken as before.
    keyed = client.get(f"/v1/lists?api_key={key}", headers={"Authorization": ""})
    assert keyed.status_code == 200
    assert client.get("/v1/alerts?limit=5&offset=0&state=open").status_code == 200


def test_wrong_types_in_bodies_are_refused_not_coerced(client: TestClient) -> None:
    assert_error(client.post("/v1/monitor/runs", json={"threshold": False}), 422, "threshold")
    assert_error(client.post("/v1/screen", json={"name": "x", "limit": "10"}), 422, "limit")
    decision = client.post("/v1/alerts/1/decision", json={"decision": "maybe", "reason": "r"})
    assert_error(decision, 422, "decision")


def test_a_405_names_every_method_of_the_path(client: TestClient) -> None:
    response = client.request("PATCH", "/v1/customers")
    assert_error(response, 405, None)
    assert response.headers["allow"] == "GET, POST"
    assert client.request("DELETE", "/v1/screen").headers["allow"] == "POST"


# -- keys -------------------------------------------------------------------------------------
def test_keys_are_stored_only_as_salted_hashes(store_path: Path, key: str) -> None:
    secret = key.rsplit("_", 1)[1]
    with sqlite3.connect(store_path) as db:
        rows = db.execute("SELECT * FROM api_keys").fetchall()
    assert rows
    dumped = json.dumps(rows, default=str)
    assert key not in dumped and secret not in dumped


def test_keys_are_compared_in_constant_time(
    store_path: Path, key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    compared: list[tuple[Any, Any]] = []
    real = hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    wrong = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")  # same key id
    fresh = TestClient(create_app(store_path, reload_every=0))  # a new app: nothing cached
    refused = fresh.get("/v1/lists", headers={"Authorization": f"Bearer {wrong}"})
    assert_error(refused, 401, "authorization")
    assert compared, "the wrong key's hash was not compared with hmac.compare_digest"
    assert all(key not in str(pair) and wrong not in str(pair) for pair in compared)


def test_a_key_is_never_logged_nor_echoed(
    client: TestClient, key: str, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = "sk_AAAAAAAAAAAA_" + "w" * 43
    with caplog.at_level(logging.DEBUG):
        responses = [
            client.get("/v1/lists"),
            client.post("/v1/screen", json={"name": "Dan Gertler"}),
            client.get(f"/v1/lists?api_key={key}", headers={"Authorization": ""}),
            client.get(f"/v1/test-internal-error?api_key={key}"),  # logged with a traceback
            client.get("/v1/lists", headers={"Authorization": f"ApiKey {wrong}"}),
            client.get(f"/v1/lists?api_key={wrong}", headers={"Authorization": ""}),
            client.get("/v1/nowhere"),
        ]
    assert [r.status_code for r in responses] == [200, 200, 200, 500, 401, 401, 404]
    # The server's records, tracebacks included (the test's own HTTP client logs its URLs).
    client_loggers = ("httpx", "httpcore")
    formatter = logging.Formatter()
    logged = "\n".join(
        formatter.format(record)
        for record in caplog.records
        if not record.name.startswith(client_loggers)
    )
    assert "unexpected error on GET /v1/test-internal-error" in logged  # logs were seen
    assert "RuntimeError" in logged  # with the traceback
    secret = key.rsplit("_", 1)[1]
    for text in (logged, *(r.text for r in responses)):
        assert secret not in text and wrong not in text


# -- batch ids --------------------------------------------------------------------------------
def test_batch_ids_are_random_and_unknown_ones_are_a_404(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: list[str] = []
    real = sanctions.api.jobs.secrets.token_hex

    def spy(size: int) -> str:
        value = real(size)
        if size == 12:
            drawn.append(value)
        return value

    monkeypatch.setattr(sanctions.api.jobs.secrets, "token_hex", spy)
    upload = {"file": ("q.csv", b"name\nDan Gertler\n", "text/csv")}
    ids = [client.post("/v1/batches", files=upload).json()["id"] for _ in range(3)]
    assert ids == drawn  # each one 96 random bits from `secrets`
    assert len(set(ids)) == 3 and all(re.fullmatch(r"[0-9a-f]{24}", i) for i in ids)
    for unknown in ("0" * 24, "1", "..%2F..%2Fetc%2Fpasswd", ids[0][:-1] + "x"):
        assert_error(client.get(f"/v1/batches/{unknown}"), 404, None)


# -- no internals, security headers: every kind of error --------------------------------------
def test_no_error_body_shows_internals_and_every_one_has_the_headers(
    client: TestClient, store_path: Path
) -> None:
    json_type = {"content-type": "application/json"}
    cases = {
        "bad JSON": (client.post("/v1/screen", content=b'{"name": ', headers=json_type), 400),
        "not JSON": (client.post("/v1/screen", content=b"\xff\xfe", headers=json_type), 400),
        "wrong type": (client.post("/v1/screen", json={"name": 5}), 422),
        "unknown field": (client.post("/v1/screen", json={"nmae": "x"}), 422),
        "unknown route": (client.get("/v1/no/such/route"), 404),
        "unknown entity": (client.get("/v1/entities/un-sc:NOPE.000"), 404),
        "unknown yente entity": (client.get("/entities/nope"), 404),
        "unknown list": (client.get("/v1/lists/nope/changes"), 404),
        "unknown dataset": (client.post("/match/nope", json={"queries": {}}), 404),
        "bad upload": (client.post("/v1/batches", files={"file": ("q.txt", b"x")}), 422),
        "bad document": (client.post("/v1/scan", files={"file": ("x.pdf", b"%PDF-1.4 junk")}), 422),
        "bad audit date": (client.get("/v1/audit?since=yesterday"), 422),
        "no key": (client.get("/v1/lists", headers={"Authorization": ""}), 401),
        "oversized": (client.post("/v1/screen", content=b" " * (6 * MiB), headers=json_type), 413),
        "too deep": (client.post("/v1/screen", content=b"[" * 40, headers=json_type), 400),
        "wrong method": (client.put("/v1/lists"), 405),
        "internal error": (client.get("/v1/test-internal-error"), 500),
    }
    for what, (response, status) in cases.items():
        assert response.status_code == status, (what, response.text)
        assert_error(response, status, None)
        assert str(store_path) not in response.text and store_path.name not in response.text
        assert "broke in" not in response.text, what  # an internal error's message stays inside
    docs = client.get("/docs")
    assert docs.status_code == 200 and docs.headers["x-content-type-options"] == "nosniff"


def test_openapi_documents_every_way_to_send_a_key(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    schemes = document["components"]["securitySchemes"]
    assert schemes["HTTPBearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schemes["HTTPBearer"]["description"],
    }
    assert (schemes["ApiKey"]["in"], schemes["ApiKey"]["name"]) == ("header", "Authorization")
    assert (schemes["ApiKeyQuery"]["in"], schemes["ApiKeyQuery"]["name"]) == ("query", "api_key")
    screen = document["paths"]["/v1/screen"]["post"]
    assert {name for item in screen["security"] for name in item} == set(schemes)
    assert "security" not in document["paths"]["/healthz"]["get"]
    for status in ("401", "403", "404", "413", "422"):
        assert status in screen["responses"], status
