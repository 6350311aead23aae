"""`sanctions serve --db postgresql://...`: a real server over a real PostgreSQL store notices a
version loaded by another process (its periodic check) and swaps to it without failing a request."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from apiserver import ApiServer
from sanctions.ingest.load import load_paths
from sanctions.store import Store

# In the 2024-05-03 SDN snapshot, not in the 2023-12-28 list the store starts with.
ADDED_ID = "ofac-sdn:34916"
ADDED_NAME = "Isel Aneli Suniga Morfin"


def _hit_ids(answer: dict[str, Any]) -> list[str]:
    return [hit["entity_id"] for hit in answer["results"][0]["hits"]]


def test_serve_over_postgres_picks_up_a_new_version(
    pg_url: str, tmp_path: Path, data_dir: Path
) -> None:
    with Store(pg_url) as store:
        load_paths(store, [data_dir / "ofac"])
    api = ApiServer(pg_url, "--no-auth", "--reload-every", "1", log=tmp_path / "serve.log")  # type: ignore[arg-type]
    failures: list[str] = []
    stop = threading.Event()

    def hammer() -> None:
        with api.client(timeout=60) as client:
            while not stop.is_set():
                try:
                    response = client.post("/v1/screen", json={"name": "Dan Gertler"})
                except Exception as exc:  # a transport error is a failed request too
                    failures.append(repr(exc))
                    continue
                if response.status_code != 200:
                    failures.append(f"{response.status_code}: {response.text[:200]}")

    try:
        api.wait_ready()
        with api.client(timeout=120) as client:
            before = client.post("/v1/screen", json={"name": "Dan Gertler"}).json()
            assert "ofac-sdn:23252" in _hit_ids(before)
            assert ADDED_ID not in _hit_ids(
                client.post("/v1/screen", json={"name": ADDED_NAME}).json()
            )
            worker = threading.Thread(target=hammer, daemon=True)
            worker.start()
            try:
                with Store(pg_url) as store:
                    (result,) = load_paths(
                        store, [data_dir / "ofac" / "snapshots" / "sdn_2024-05-03.csv"]
                    )
                assert result.status == "loaded" and result.version.version == 2
                deadline = time.monotonic() + 120
                after: dict[str, Any] = {}
                while time.monotonic() < deadline:
                    after = client.post("/v1/screen", json={"name": ADDED_NAME}).json()
                    if after["lists"]["ofac-sdn"] == 2:
                        break
                    time.sleep(0.5)
            finally:
                stop.set()
                worker.join(timeout=60)
    finally:
        api.stop()
    assert after["lists"]["ofac-sdn"] == 2, "the server never swapped to version 2"
    assert ADDED_ID in _hit_ids(after)
    assert not failures, failures[:5]
