"""A real `sanctions load` killed with SIGKILL at each stage, and loads that run at once.

The store starts with the OFAC SDN list of 2023-12-28 (version 1) and the UN list active,
with its screening index built. A load of the 2024-05-03 SDN snapshot is stopped at a named
point by the test hook `SANCTIONS_TEST_PAUSE_AT` (sanctions/ingest/testhook.py) and killed
there. Afterwards the database passes `PRAGMA integrity_check`, exactly one complete version
is active (the old one before the commit, the new one after it, never half of one), the
saved index is used when it still fits and rebuilt when it does not, `sanctions screen`
gives the hits of the active version, and the next load succeeds.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sanctions.ingest.load import load_paths
from sanctions.match.index import NameIndex
from sanctions.screen.persistent import open_index
from sanctions.store import Store

SNAPSHOT = Path("ofac") / "snapshots" / "sdn_2024-05-03.csv"
OLD_COUNT, NEW_COUNT = 13_821, 14_965  # SDN entries on 2023-12-28 and 2024-05-03
ADDED = ("Isel Aneli Suniga Morfin", "ofac-sdn:34916")  # in the 2024 snapshot only
KEPT = ("Dan Gertler", "ofac-sdn:23252")  # in both
UN = ("Mohammad Hassan Akhund", "un-sc:TAi.002")
PAUSE_TIMEOUT = 120.0


def cli(*args: str) -> list[str]:
    return [sys.executable, "-c", "from sanctions.cli import main; main()", *args]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cli(*args), capture_output=True, text=True, timeout=300)


def run_json(*args: str) -> Any:
    done = run(*args, "--json")
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def base_db(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    path = tmp_path_factory.mktemp("crash-base") / "store.db"
    with Store(path) as store:
        load_paths(store, [data_dir / "ofac" / "sdn.csv", data_dir / "un" / "consolidated.xml"])
        open_index(store)
    return path


@pytest.fixture
def db(base_db: Path, tmp_path: Path) -> Path:
    """A private copy of the base store and of its index (the base is closed, WAL folded in)."""
    dest = tmp_path / "store.db"
    shutil.copyfile(base_db, dest)
    shutil.copyfile(base_db.with_name("store.db.index"), tmp_path / "store.db.index")
    return dest


@pytest.fixture
def snapshot(data_dir: Path) -> Path:
    return data_dir / SNAPSHOT


def index_file(db: Path) -> Path:
    return db.with_name(db.name + ".index")


def index_versions(db: Path) -> dict[str, Any]:
    index = NameIndex.open(index_file(db))
    versions: dict[str, Any] = index.meta["versions"]
    return versions


def start_load(db: Path, path: Path, point: str, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SANCTIONS_TEST_PAUSE_AT": point}
    with log.open("wb") as handle:
        return subprocess.Popen(
            cli("load", "--db", str(db), str(path), "--json"),
            stdout=subprocess.DEVNULL,
            stderr=handle,
            env=env,
        )


def kill_at(db: Path, path: Path, point: str) -> None:
    """Start a load, wait until it says it reached `point`, SIGKILL it there."""
    log = db.with_name(f"load-{point}.log")
    process = start_load(db, path, point, log)
    marker = f"sanctions-test-paused-at {point} {process.pid}"
    deadline = time.monotonic() + PAUSE_TIMEOUT
    try:
        while marker not in log.read_text(errors="replace"):
            if process.poll() is not None:
                pytest.fail(f"the load ended before {point}: {log.read_text()[-2000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"the load never reached {point}: {log.read_text()[-2000:]}")
            time.sleep(0.02)
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def integrity(db: Path) -> list[Any]:
    with sqlite3.connect(db) as conn:
        return [row[0] for row in conn.execute("PRAGMA integrity_check")]


def sdn_versions(db: Path) -> list[tuple[int, int, int]]:
    """(seq, entity_count, member rows) of every stored ofac-sdn version."""
    with sqlite3.connect(db) as conn:
        return list(
            conn.execute(
                "SELECT v.seq, v.entity_count, "
                "(SELECT COUNT(*) FROM members m WHERE m.version_id = v.id) "
                "FROM versions v WHERE v.source = 'ofac-sdn' ORDER BY v.seq"
            )
        )


def active(db: Path) -> dict[str, tuple[int, int]]:
    return {v["source"]: (v["version"], v["entities"]) for v in run_json("lists", "--db", str(db))}


def hit_ids(db: Path, name: str) -> list[str]:
    answer = run_json("screen", "--db", str(db), name)
    return [hit["entity_id"] for hit in answer["hits"]]


def assert_old_version_intact(db: Path) -> None:
    assert integrity(db) == ["ok"]
    assert sdn_versions(db) == [(1, OLD_COUNT, OLD_COUNT)]  # no row of the killed load
    assert active(db) == {"ofac-sdn": (1, OLD_COUNT), "un-sc": (1, 1003)}
    assert index_versions(db)["ofac-sdn"][0] == 1  # the saved index still fits: kept
    assert ADDED[1] not in hit_ids(db, ADDED[0])
    assert KEPT[1] in hit_ids(db, KEPT[0])
    assert UN[1] in hit_ids(db, UN[0])


def assert_next_load_succeeds(db: Path, snapshot: Path, *, status: str) -> None:
    (result,) = run_json("load", "--db", str(db), str(snapshot))
    assert (result["status"], result["version"], result["entities"]) == (status, 2, NEW_COUNT)
    assert sdn_versions(db) == [(1, OLD_COUNT, OLD_COUNT), (2, NEW_COUNT, NEW_COUNT)]
    assert index_versions(db)["ofac-sdn"][0] == 2
    assert ADDED[1] in hit_ids(db, ADDED[0])
    assert integrity(db) == ["ok"]


@pytest.mark.parametrize("point", ["parse", "insert", "commit"])
def test_kill_before_the_commit_leaves_the_old_version(
    db: Path, snapshot: Path, point: str
) -> None:
    kill_at(db, snapshot, point)
    assert_old_version_intact(db)
    assert_next_load_succeeds(db, snapshot, status="loaded")


def test_kill_after_the_commit_leaves_the_new_version_whole(db: Path, snapshot: Path) -> None:
    kill_at(db, snapshot, "index")
    assert integrity(db) == ["ok"]
    assert sdn_versions(db) == [(1, OLD_COUNT, OLD_COUNT), (2, NEW_COUNT, NEW_COUNT)]
    assert active(db)["ofac-sdn"] == (2, NEW_COUNT)
    # The saved index is of version 1: stale, so the next screening rebuilds it, not serves it.
    assert index_versions(db)["ofac-sdn"][0] == 1
    assert ADDED[1] in hit_ids(db, ADDED[0])
    assert index_versions(db)["ofac-sdn"][0] == 2
    assert KEPT[1] in hit_ids(db, KEPT[0])
    assert_next_load_succeeds(db, snapshot, status="unchanged")


def test_kill_during_the_index_rebuild(db: Path, snapshot: Path) -> None:
    """Killed while it holds the index build lock (building or writing the new index)."""
    log = db.with_name("load.log")
    lock = index_file(db).with_name("store.db.index.lock")
    process = start_load(db, snapshot, "", log)

    deadline = time.monotonic() + PAUSE_TIMEOUT
    with lock.open("a") as handle:
        while True:
            assert process.poll() is None, log.read_text()[-2000:]
            assert time.monotonic() < deadline, "the load never took the index build lock"
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                break  # the loader holds it: it is rebuilding the index
            fcntl.flock(handle, fcntl.LOCK_UN)
            time.sleep(0.005)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert integrity(db) == ["ok"]
    assert active(db)["ofac-sdn"] == (2, NEW_COUNT)
    assert ADDED[1] in hit_ids(db, ADDED[0])  # rebuilt by the screening, not a stale index
    assert index_versions(db)["ofac-sdn"][0] == 2
    assert not list(db.parent.glob("store.db.index.*.tmp"))  # no half-written file left over
    assert_next_load_succeeds(db, snapshot, status="unchanged")


@pytest.mark.parametrize("damage", ["truncated", "flipped"])
def test_a_damaged_index_file_is_rebuilt_not_served(db: Path, damage: str) -> None:
    path = index_file(db)
    data = path.read_bytes()
    if damage == "truncated":  # as if a writer died half way through (without the rename)
        path.write_bytes(data[: len(data) // 2])
    else:
        middle = len(data) // 2
        path.write_bytes(data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :])
    assert KEPT[1] in hit_ids(db, KEPT[0])
    assert UN[1] in hit_ids(db, UN[0])
    assert index_versions(db)["ofac-sdn"][0] == 1  # a whole file again (NameIndex.open checks)


# -- loads at the same time ------------------------------------------------------------------


def start(db: Path, *paths: Path, log: Path) -> subprocess.Popen[str]:
    with log.open("w") as handle:
        return subprocess.Popen(
            cli("load", "--db", str(db), *map(str, paths), "--json"),
            stdout=subprocess.PIPE,
            stderr=handle,
            text=True,
        )


def finish(process: subprocess.Popen[str], log: Path) -> list[dict[str, Any]]:
    stdout, _ = process.communicate(timeout=300)
    assert process.returncode == 0, log.read_text()[-2000:]
    results: list[dict[str, Any]] = json.loads(stdout)
    return results


def test_loads_of_different_sources_at_once_both_land(
    db: Path, snapshot: Path, data_dir: Path
) -> None:
    un_2018 = data_dir / "un" / "snapshots" / "consolidated_2018-10-29.xml"
    first = start(db, snapshot, log=db.with_name("a.log"))
    second = start(db, un_2018, log=db.with_name("b.log"))
    (sdn,) = finish(first, db.with_name("a.log"))
    (un,) = finish(second, db.with_name("b.log"))
    assert (sdn["source"], sdn["status"], sdn["version"]) == ("ofac-sdn", "loaded", 2)
    assert (un["source"], un["status"], un["version"]) == ("un-sc", "loaded", 2)
    assert integrity(db) == ["ok"]
    assert active(db) == {"ofac-sdn": (2, NEW_COUNT), "un-sc": (2, 1093)}
    # The index beside the store is of both new versions, whichever loader finished last.
    assert {s: v[0] for s, v in index_versions(db).items()} == {"ofac-sdn": 2, "un-sc": 2}
    assert ADDED[1] in hit_ids(db, ADDED[0])


def test_two_loads_of_the_same_bytes_store_one_version(db: Path, snapshot: Path) -> None:
    """The second loader waits for the first, then finds its version: no duplicate."""
    logs = [db.with_name("a.log"), db.with_name("b.log")]
    processes = [start(db, snapshot, log=log) for log in logs]
    results = [finish(p, log)[0] for p, log in zip(processes, logs, strict=True)]
    assert sorted(r["status"] for r in results) == ["loaded", "unchanged"]
    assert {r["version"] for r in results} == {2}
    assert sdn_versions(db) == [(1, OLD_COUNT, OLD_COUNT), (2, NEW_COUNT, NEW_COUNT)]
    assert integrity(db) == ["ok"]


def test_two_loads_of_different_versions_of_one_source_take_turns(
    db: Path, snapshot: Path, data_dir: Path
) -> None:
    """Both land, with consecutive version numbers; the last to commit is active."""
    logs = [db.with_name("a.log"), db.with_name("b.log")]
    processes = [
        start(db, snapshot, log=logs[0]),
        start(db, data_dir / "ofac" / "mini" / "sdn.csv", log=logs[1]),
    ]
    results = [finish(p, log)[0] for p, log in zip(processes, logs, strict=True)]
    assert [r["status"] for r in results] == ["loaded", "loaded"]
    assert sorted(r["version"] for r in results) == [2, 3]
    stored = sdn_versions(db)
    assert [seq for seq, _, _ in stored] == [1, 2, 3]
    assert all(count == members for _, count, members in stored)  # each version whole
    last = max(results, key=lambda r: r["version"])
    assert active(db)["ofac-sdn"] == (3, last["entities"])
    assert integrity(db) == ["ok"]


# -- a bad file ------------------------------------------------------------------------------


def test_a_truncated_file_is_refused_with_file_and_line(db: Path, snapshot: Path) -> None:
    data = snapshot.read_bytes()
    cut = db.with_name("sdn.csv")
    cut.write_bytes(data[: data.index(b"\n", len(data) // 2) + 40])  # ends mid-row
    done = run("load", "--db", str(db), str(cut))
    assert done.returncode == 2, done.stderr
    message = done.stderr.strip()
    assert message.startswith("error:") and "\n" not in message and "Traceback" not in message
    assert re.search(re.escape(str(cut)) + r":\d+: ", message), message  # file and line
    assert_old_version_intact(db)


@pytest.fixture(autouse=True)
def _no_pause_hook(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The hook must never leak into the helpers' own subprocesses."""
    monkeypatch.delenv("SANCTIONS_TEST_PAUSE_AT", raising=False)
    yield
