"""An index swap while requests run: none fails, and results then come from the new version."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from apiserver import ApiServer
from sanctions.ingest.load import load_paths
from sanctions.store import Store

# In the 2024-05-03 SDN snapshot, not in the 2023-12-28 list the store starts with.
ADDED_ID = "ofac-sdn:34916"
ADDED_NAME = "Isel Aneli Suniga Morfin"


@pytest.fixture(scope="module")
def server(server_db: Path) -> Iterator[ApiServer]:
    # No periodic checks: only POST /v1/admin/reload swaps, so the test knows when.
    yield from ApiServer.running(server_db, "--no-auth", "--reload-every", "0")


def test_swap_while_requests_run(server: ApiServer, server_db: Path, data_dir: Path) -> None:
    seen: list[tuple[int, dict[str, int] | None]] = []
    stop = threading.Event()

    def hammer() -> None:
        with server.client(timeout=60) as client:
            while not stop.is_set():
                try:
                    response = client.post("/v1/screen", json={"name": "Dan Gertler"})
                except Exception as exc:  # a transport error is a failed request too
                    seen.append((0, {"error": repr(exc)}))  # type: ignore[dict-item]
                    continue
                lists = response.json().get("lists") if response.status_code == 200 else None
                seen.append((response.status_code, lists))

    with server.client(timeout=120) as client:
        before = client.post("/v1/screen", json={"name": ADDED_NAME}).json()
        assert ADDED_ID not in [h["entity_id"] for h in before["results"][0]["hits"]]
        worker = threading.Thread(target=hammer, daemon=True)
        worker.start()
        try:
            with Store(server_db) as store:
                (result,) = load_paths(
                    store, [data_dir / "ofac" / "snapshots" / "sdn_2024-05-03.csv"]
                )
            assert result.status == "loaded" and result.version.version == 2
            reload = client.post("/v1/admin/reload")
            assert reload.status_code == 200, reload.text
            assert reload.json()["reloaded"] is True
            assert reload.json()["lists"]["ofac-sdn"] == 2
            after_count = len(seen)
            while len(seen) < after_count + 5 and worker.is_alive():
                threading.Event().wait(0.05)
        finally:
            stop.set()
            worker.join(timeout=60)
        after = client.post("/v1/screen", json={"name": ADDED_NAME}).json()
    failures = [s for s in seen if s[0] != 200]
    assert not failures, failures[:5]
    versions = [lists["ofac-sdn"] for _, lists in seen if lists]
    assert versions[0] == 1 and versions[-1] == 2
    assert versions == sorted(versions)  # never back to the old index once swapped
    assert after["lists"]["ofac-sdn"] == 2
    assert ADDED_ID in [h["entity_id"] for h in after["results"][0]["hits"]]
