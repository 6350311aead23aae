"""Security headers on every API response (errors and 413s included), none of our CSP on
the interactive docs, and a store file only its owner can read."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from fastapi.testclient import TestClient

from sanctions.api import create_app
from sanctions.api.headers import API_HEADERS
from sanctions.store import Store


def test_every_api_response_carries_the_headers(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    Store(db).close()
    app = create_app(db, reload_every=0, max_body_bytes=1000)
    with TestClient(app, raise_server_exceptions=False) as client:
        responses = {
            "health": client.get("/healthz"),
            "unauthorised": client.post("/v1/screen", json={"name": "x"}),
            "not found": client.get("/v1/nothing-here"),
            "too large": client.post(
                "/v1/screen", content=b"{" + b" " * 5000 + b"}", headers={"Authorization": "x"}
            ),
        }
        assert responses["too large"].status_code == 413
        assert responses["unauthorised"].status_code == 401
        for what, response in responses.items():
            for name, value in API_HEADERS.items():
                assert response.headers.get(name) == value, (what, name)
            assert "traceback" not in response.text.lower(), what
            assert str(tmp_path) not in response.text, what
        docs = client.get("/docs")
        assert docs.status_code == 200 and "content-security-policy" not in docs.headers
        assert docs.headers["x-content-type-options"] == "nosniff"


def test_a_new_store_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    with Store(db) as store:
        store.lists()
    for path in (db, db.with_name("new.db-wal"), db.with_name("new.db-shm")):
        if path.exists():
            assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path
