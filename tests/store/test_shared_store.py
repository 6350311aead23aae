"""One PostgreSQL store shared by several processes: loaders of one source take turns (the
second says it waits), a killed load leaves the previous version active and its lock free,
and readers see the old version or the new one, never part of a load."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from sanctions.model import Entity, NameKind
from sanctions.sources.base import Publication
from sanctions.store import LoadResult, Store


def person(num: int, name: str) -> Entity:
    entity = Entity(f"test:{num}", "Person", datasets=["test"])
    entity.add_name(name, NameKind.PRIMARY)
    return entity


def publication(entities: Iterator[Entity] | list[Entity]) -> Publication:
    return Publication("test", "test", [Path("test.csv")], iter(entities))


def wait_for(condition: object, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_second_loader_of_a_source_waits_and_says_so(pg_url: str) -> None:
    inside, release = threading.Event(), threading.Event()
    results: dict[str, LoadResult] = {}
    waits: list[str] = []

    def slow() -> Iterator[Entity]:
        yield person(1, "A")
        inside.set()  # the first load is under way, holding the source's lock
        assert release.wait(30)
        yield person(2, "B")

    def first() -> None:
        with Store(pg_url) as store:
            results["first"] = store.load(publication(slow()), sha256="same")

    def second() -> None:
        with Store(pg_url) as store:
            results["second"] = store.load(
                publication([person(1, "A"), person(2, "B")]), sha256="same", on_wait=waits.append
            )

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    threads[0].start()
    assert inside.wait(30)
    threads[1].start()
    wait_for(lambda: waits)
    assert threads[1].is_alive()  # still waiting for the first loader
    assert "another process is loading test" in waits[0] and "waiting" in waits[0]
    release.set()
    for thread in threads:
        thread.join(60)
    assert results["first"].status == "loaded"
    # After the wait it sees the first loader's version of the same bytes: nothing to do.
    assert results["second"].status == "unchanged" and results["second"].version.version == 1
    with Store(pg_url) as store:
        assert [v.version for v in store.versions("test")] == [1]


def test_loaders_of_different_sources_do_not_wait_for_each_other(pg_url: str) -> None:
    inside, release = threading.Event(), threading.Event()
    waits: list[str] = []

    def slow() -> Iterator[Entity]:
        yield person(1, "A")
        inside.set()
        assert release.wait(30)

    def first() -> None:
        with Store(pg_url) as store:
            store.load(publication(slow()), sha256="a")

    thread = threading.Thread(target=first)
    thread.start()
    assert inside.wait(30)
    other = Entity("other:1", "Person", datasets=["other"])
    other.add_name("C", NameKind.PRIMARY)
    with Store(pg_url) as store:
        result = store.load(
            Publication("other", "test", [Path("o.csv")], iter([other])),
            sha256="o",
            on_wait=waits.append,
        )
    release.set()
    thread.join(60)
    assert result.status == "loaded" and waits == []


_KILLED_LOADER = """
import sys, time
from pathlib import Path
from sanctions.model import Entity, NameKind
from sanctions.sources.base import Publication
from sanctions.store import Store

def people():
    for num in range(1, 3000):
        entity = Entity(f"test:{num}", "Person", datasets=["test"])
        entity.add_name(f"N{num}", NameKind.PRIMARY)
        yield entity
        if num == 2500:  # several COPY batches are in
            print("loading", flush=True)
            time.sleep(600)

with Store(sys.argv[1]) as store:
    store.load(Publication("test", "test", [Path("t.csv")], people()), sha256="v2")
"""


def test_a_killed_load_leaves_the_previous_version_active(pg_url: str) -> None:
    with Store(pg_url) as store:
        store.load(publication([person(1, "A")]), sha256="v1")
    with subprocess.Popen(
        [sys.executable, "-c", _KILLED_LOADER, pg_url], stdout=subprocess.PIPE, text=True
    ) as loader:
        try:
            assert loader.stdout is not None and loader.stdout.readline().strip() == "loading"
            with Store(pg_url) as reader:  # mid-load: the old version, whole
                [active] = reader.lists()
                assert (active.version, active.entities) == (1, 1)
        finally:
            loader.kill()
    waits: list[str] = []
    with Store(pg_url) as store:
        [active] = store.lists()
        assert (active.version, active.entities) == (1, 1)
        assert [v.version for v in store.versions("test")] == [1]
        # The dead loader's session, and with it the source's lock, is gone once the
        # server notices; the next load may have to wait a moment for that, not more.
        result = store.load(
            publication([person(1, "A"), person(2, "B")]), sha256="v3", on_wait=waits.append
        )
        assert (result.status, result.version.version, result.version.entities) == (
            "loaded",
            2,
            2,
        )
