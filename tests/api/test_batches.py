"""Batch jobs end to end: upload a CSV, poll its progress, download the hits CSV."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from apiserver import ApiServer
from sanctions.batch import HIT_COLUMNS

ROWS = [
    ("c1", "Dan Gertler", "Person", "1973-12-23"),
    ("c2", "Patricia Lucas Wheeler", "Person", ""),
    ("c3", "", "Person", ""),  # no name: reported as a row error, does not stop the job
    ("c4", "Banco Nacional de Cuba", "Organization", ""),
    ("c5", "John Smith", "", ""),
    ("c6", "Ayman al-Zawahiri", "Person", ""),
    ("c7", "Maria Gonzalez", "", ""),
    ("c8", "Acme Widgets Ltd", "Company", ""),
    ("c9", "Sayf-Al Adl", "", ""),
    ("c10", "Someone Else", "", "1980"),
]


@pytest.fixture(scope="module")
def server(server_db: Path) -> Iterator[ApiServer]:
    yield from ApiServer.running(server_db, "--max-upload-mb", "0.05")


def _csv(rows: list[tuple[str, ...]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "name", "schema", "birth_date"])
    writer.writerows(rows)
    return out.getvalue().encode()


def test_batch_job_end_to_end(server: ApiServer, key: str) -> None:
    with server.client(key) as client:
        response = client.post(
            "/v1/batches",
            files={"file": ("customers.csv", _csv(ROWS), "text/csv")},
            data={"threshold": "0.8", "limit": "3"},
        )
        assert response.status_code == 202, response.text
        job = response.json()
        assert job["status"] in {"queued", "running", "done"} and job["threshold"] == 0.8
        deadline = time.monotonic() + 60
        while job["status"] not in {"done", "failed"} and time.monotonic() < deadline:
            time.sleep(0.2)
            job = client.get(f"/v1/batches/{job['id']}").json()
        assert job["status"] == "done", job
        assert job["rows_done"] == 10 and job["error_count"] == 1
        assert job["errors"][0]["row"] == 3 and "name" in job["errors"][0]["message"]
        assert job["versions"] == {"ofac-cons": 1, "ofac-sdn": 1, "un-sc": 1}
        results = client.get(job["results_url"])
    assert results.status_code == 200 and results.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(results.text)))
    assert list(rows[0]) == [name for name, _ in HIT_COLUMNS]
    assert len(rows) == job["hit_rows"]
    assert {"query_id": "c1", "entity_id": "ofac-sdn:23252"}.items() <= rows[0].items()
    assert all(float(r["score"]) >= 0.8 for r in rows)
    assert "c2" not in {r["query_id"] for r in rows}


def test_bad_uploads_are_refused_with_the_reason(server: ApiServer, key: str) -> None:
    with server.client(key) as client:
        wrong = client.post("/v1/batches", files={"file": ("list.txt", b"name\nx\n")})
        assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "file"
        no_name = client.post("/v1/batches", files={"file": ("q.csv", b"who,when\nx,1\n")})
        assert no_name.status_code == 422 and "name" in no_name.json()["error"]
        missing = client.post("/v1/batches", data={"threshold": "0.8"})
        assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "file"
        big = client.post("/v1/batches", files={"file": ("q.csv", b"name\n" + b"x" * 100_000)})
        assert big.status_code == 413 and big.json()["status"] == 413
        assert client.get("/v1/batches/0123456789abcdef01234567").status_code == 404
        assert client.get("/v1/batches/../../etc").status_code == 404
    with server.client() as anonymous:
        assert (
            anonymous.post("/v1/batches", files={"file": ("q.csv", b"name\nx\n")}).status_code
            == 401
        )
