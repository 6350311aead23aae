"""A real `sanctions load` while clients screen: no request fails, answers keep coming while
the list loads, and the server swaps to the new version by itself (its periodic check).
The timing of all this is benchmarks/load_during_swap.py's business, not this file's."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from apiserver import ApiServer, copy_store
from sanctions.ingest.load import load_paths
from sanctions.screen import persistent
from sanctions.store import Store

ADDED = ("Isel Aneli Suniga Morfin", "ofac-sdn:34916")  # in the 2024-05-03 snapshot only
NAMES = ["Dan Gertler", "Maria Schmidt", "Mohammad Hassan Akhund", "Acme Trading Ltd"]
CLIENTS = 4


@pytest.fixture(scope="module")
def swap_db(tmp_path_factory: pytest.TempPathFactory, base_store: Path) -> Path:
    db = copy_store(base_store, tmp_path_factory.mktemp("load-during-swap") / "store.db")
    with Store(db) as store:
        persistent.open_index(store)  # the saved index of version 1, as after a CLI load
    return db


@pytest.fixture(scope="module")
def checking_server(swap_db: Path) -> Iterator[ApiServer]:
    yield from ApiServer.running(swap_db, "--no-auth", "--reload-every", "0.5")


def test_answers_keep_flowing_while_a_list_loads(
    checking_server: ApiServer, swap_db: Path, data_dir: Path
) -> None:
    # (finished at, status or error, ofac-sdn version of the answer)
    seen: list[tuple[float, str, int | None]] = []
    stop = threading.Event()

    def client(offset: int) -> None:
        with checking_server.client(timeout=120) as http:
            i = offset
            while not stop.is_set():
                i += 1
                try:
                    response = http.post("/v1/screen", json={"name": NAMES[i % len(NAMES)]})
                except Exception as exc:  # a transport error is a failed request too
                    seen.append((time.monotonic(), repr(exc), None))
                    continue
                ok = response.status_code == 200
                version = response.json()["lists"]["ofac-sdn"] if ok else None
                seen.append((time.monotonic(), str(response.status_code), version))

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    try:
        snapshot = data_dir / "ofac" / "snapshots" / "sdn_2024-05-03.csv"
        command = [sys.executable, "-c", "from sanctions.cli import main; main()"]
        load_started = time.monotonic()
        done = subprocess.run(
            [*command, "load", "--db", str(swap_db), str(snapshot), "--json"],
            capture_output=True,
            text=True,
            timeout=600,
        )
        load_ended = time.monotonic()
        assert done.returncode == 0, done.stderr
        deadline = time.monotonic() + 300
        while not any(v == 2 for _, _, v in seen[-50:]):  # the server swaps by itself
            assert time.monotonic() < deadline, "the server never swapped to version 2"
            assert all(t.is_alive() for t in threads)
            time.sleep(0.1)
        swapped = len(seen)
        while len(seen) < swapped + 20:
            time.sleep(0.05)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
    failures = [s for s in seen if s[1] != "200"]
    assert not failures, failures[:5]
    during = [v for t, _, v in seen if load_started < t < load_ended]
    assert during, "no answer at all while the list loaded"
    assert set(during) <= {1, 2}
    versions = [v for _, _, v in sorted(seen)]
    assert versions[0] == 1 and versions[-1] == 2
    first_new = versions.index(2)
    assert set(versions[first_new:]) == {2}  # once swapped, never back to the old index
    with checking_server.client() as http:
        hits = http.post("/v1/screen", json={"name": ADDED[0]}).json()["results"][0]["hits"]
    assert ADDED[1] in [hit["entity_id"] for hit in hits]


def test_a_server_has_a_stale_index_built_by_a_child_process(
    base_store: Path, tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`build_aside`: the index of a new version is built and saved by another process;
    this one (the server's) only maps it."""
    db = copy_store(base_store, tmp_path / "store.db")
    with Store(db) as store:
        load_paths(store, [data_dir / "ofac" / "snapshots" / "sdn_2024-05-03.csv"])

        def no_build_here(*args: object) -> None:
            raise AssertionError("the index was built in the server's own process")

        monkeypatch.setattr(persistent, "build_index", no_build_here)
        index = persistent.open_index(store, build_aside=True)
    assert index.meta["versions"]["ofac-sdn"][0] == 2
    assert ADDED[1] in index.by_id
